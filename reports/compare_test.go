package reports

import (
	"testing"
)

func TestCompare(t *testing.T) {
	old := run("old", 1,
		scenario("kill", Pass,
			result("safe", noLoss, 0, 0, 0, 300),
			result("acks1", nil, 12, 12, 0, 400),
			result("acks0", nil, 0, 0, 0, 500),
			result("steady", nil, 0, 0, 0, 100),
			result("gone", nil, 0, 0, 0, 100)),
		scenario("retired", Pass),
	)
	new := run("new", 2,
		scenario("kill", Fail,
			result("safe", noLoss, 4, 4, 0, 330), // +10 %: noise
			result("acks1", nil, 0, 0, 0, 300),   // -25 %
			result("acks0", nil, 9, 9, 0, 500),
			result("steady", nil, 0, 0, 0, 105),
			result("fresh", nil, 0, 0, 0, 100)),
		scenario("added", Pass),
	)
	got := map[string]Change{}
	for _, c := range Compare(old, new) {
		got[string(c.Kind)+" "+c.Scenario+"/"+c.Profile] = c
	}
	want := map[string]bool{ // key -> regression
		"status kill/":              true,
		"started-losing kill/safe":  true,
		"stopped-losing kill/acks1": false,
		"throughput kill/acks1":     false,
		"started-losing kill/acks0": false,
		"profile-added kill/fresh":  false,
		"profile-removed kill/gone": false,
		"scenario-added added/":     false,
		"scenario-removed retired/": false,
	}
	for k, reg := range want {
		c, ok := got[k]
		if !ok {
			t.Errorf("missing change %q", k)
			continue
		}
		if k != "status kill/" && c.Regression != reg {
			t.Errorf("%s: regression %v, want %v", k, c.Regression, reg)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected change %q: %s", k, got[k])
		}
	}
}

func TestRegressedOnlyForLossUnderAGuarantee(t *testing.T) {
	old := run("old", 1, scenario("kill", Pass, result("safe", noLoss, 0, 0, 0, 300), result("acks1", nil, 0, 0, 0, 300)))
	lossyOnly := run("new", 1, scenario("kill", Pass, result("safe", noLoss, 0, 0, 0, 300), result("acks1", nil, 5, 5, 0, 300)))
	if Regressed(Compare(old, lossyOnly)) {
		t.Error("acks1 promised nothing: its new loss is a finding, not a regression")
	}
	safeLoses := run("new", 1, scenario("kill", Fail, result("safe", noLoss, 1, 1, 0, 300), result("acks1", nil, 0, 0, 0, 300)))
	if !Regressed(Compare(old, safeLoses)) {
		t.Error("the safe profile started losing: want a regression")
	}
	newScenario := run("new", 1, old.Scenarios[0], scenario("partition", Fail, result("safe", noLoss, 2, 2, 0, 300)))
	if !Regressed(Compare(old, newScenario)) {
		t.Error("a new scenario where the safe profile loses data: want a regression")
	}
	if cs := Compare(old, old); len(cs) != 0 {
		t.Errorf("a run compared with itself changed: %v", cs)
	}
}
