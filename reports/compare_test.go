package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// changes keys Compare's changes by "kind scenario/profile".
func changes(old, new *schema.Run) map[string]Change {
	got := map[string]Change{}
	for _, c := range Compare(old, new) {
		got[string(c.Kind)+" "+c.Scenario+"/"+c.Profile] = c
	}
	return got
}

func TestCompare(t *testing.T) {
	noDup := schema.Expectation{schema.NoDuplicates}
	old := run("old", 1,
		scenario("kill", schema.ScenarioPass,
			result("safe", noLoss, 0, 0, 0, 300),
			result("acks1", nil, 12, 12, 0, 400),
			result("acks0", nil, 0, 0, 0, 500),
			result("steady", nil, 0, 0, 0, 100),
			result("gone", nil, 0, 0, 0, 100),
			result("dedup", noDup, 0, 0, 0, 100),
			result("stubborn", noLoss, 2, 2, 0, 100),
			consumer("group", 0, 0, 0)),
		scenario("retired", schema.ScenarioPass),
		scenario("blip", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300)),
		scenario("flap", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300)),
	)
	group := consumer("group", 5, 0, 0)
	group.Consumer.Verdict.Expected = schema.ConsumerExpectation{schema.NoProcessingLoss}
	new := run("new", 2,
		scenario("kill", schema.ScenarioFail,
			result("safe", noLoss, 4, 4, 0, 330), // +10 %: noise
			result("acks1", nil, 0, 0, 0, 300),   // -25 %
			result("acks0", nil, 9, 9, 0, 500),
			result("steady", nil, 0, 0, 0, 105),
			result("fresh", nil, 0, 0, 0, 100),
			result("dedup", noDup, 0, 0, 3, 100),
			// Broke the same guarantee before, by fewer: no news.
			result("stubborn", noLoss, 5, 5, 0, 100),
			group),
		scenario("added", schema.ScenarioPass),
		// Proves nothing now, but broke nothing either.
		scenario("blip", schema.ScenarioInvalid, result("safe", noLoss, 0, 0, 0, 300)),
		// Proves nothing now, and the promised profile lost.
		scenario("flap", schema.ScenarioInvalid, result("safe", noLoss, 6, 6, 0, 300)),
	)
	got := changes(old, new)
	want := map[string]bool{ // key -> regression
		"status kill/":                false,
		"started-losing kill/safe":    true,
		"started-breaking kill/safe":  true,
		"stopped-losing kill/acks1":   false,
		"throughput kill/acks1":       false,
		"started-losing kill/acks0":   false,
		"started-breaking kill/dedup": true,
		"started-breaking kill/group": true,
		"profile-added kill/fresh":    false,
		"profile-removed kill/gone":   false,
		"scenario-added added/":       false,
		"scenario-removed retired/":   false,
		"became-invalid blip/":        false,
		"became-invalid flap/":        true,
		"started-losing flap/safe":    true,
		"started-breaking flap/safe":  true,
	}
	for k, reg := range want {
		c, ok := got[k]
		if !ok {
			t.Errorf("missing change %q", k)
			continue
		}
		if c.Regression != reg {
			t.Errorf("%s: regression %v, want %v", k, c.Regression, reg)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected change %q: %s", k, got[k])
		}
	}
	for k, texts := range map[string][]string{
		"started-breaking kill/safe":  {"no acknowledged message lost: 4 lost", "no believed-sent message lost: 4 believed sent but lost"},
		"started-breaking kill/dedup": {"no duplicates: 3 duplicate copies"},
		"started-breaking kill/group": {string(schema.NoProcessingLoss) + ": 5 never processed"},
		"throughput kill/acks1":       {"acked/s 400.0 -> 300.0 (-25%)"},
	} {
		for _, text := range texts {
			if !strings.Contains(got[k].Text, text) {
				t.Errorf("%s says %q, want %q in it", k, got[k].Text, text)
			}
		}
	}
	if strings.Contains(got["throughput kill/acks1"].Text, "setups differ") {
		t.Errorf("same setup, yet %q", got["throughput kill/acks1"].Text)
	}
}

func TestCompareSaysWhenSetupsDiffer(t *testing.T) {
	old := run("old", 1, scenario("kill", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300)), scenario("same", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300)))
	new := run("new", 1, scenario("kill", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 600)), scenario("same", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 600)))
	for i, r := range []*schema.Run{old, new} {
		for j := range r.Scenarios {
			c := &r.Scenarios[j].Cluster
			c.Images.Kafka, c.Images.Toxiproxy = "kafka-chaos/kafka:4.4.0", "kafka-chaos/toxiproxy:2.12.0"
			c.KafkaVersion, c.JVMOpts, c.HeapOpts = "4.4.0", "-XX:TieredStopAtLevel=1", "-Xmx512m"
			if i == 1 && r.Scenarios[j].Name == "kill" {
				c.Images.Kafka, c.KafkaVersion, c.JVMOpts = "apache/kafka:3.9.1", "3.9.1", "-XX:TieredStopAtLevel=4"
			}
		}
	}
	cs := Compare(old, new)
	setup := slices.IndexFunc(cs, func(c Change) bool { return c.Kind == SetupChanged })
	moved := slices.IndexFunc(cs, func(c Change) bool { return c.Kind == ThroughputMoved && c.Scenario == "kill" })
	if setup < 0 || moved < 0 || setup > moved {
		t.Fatalf("changes %v: want the setup change of kill before its throughput move", cs)
	}
	if s := cs[setup]; s.Scenario != "kill" || s.Regression {
		t.Errorf("setup change %s: want kill's, no regression", s)
	}
	wantIn(t, "setup change", cs[setup].Text,
		`Kafka image "kafka-chaos/kafka:4.4.0" -> "apache/kafka:3.9.1"`,
		`Kafka version "4.4.0" -> "3.9.1"`,
		`JVM options "-XX:TieredStopAtLevel=1" -> "-XX:TieredStopAtLevel=4"`)
	if strings.Contains(cs[setup].Text, "toxiproxy") || strings.Contains(cs[setup].Text, "heap") {
		t.Errorf("setup change %q names what did not change", cs[setup].Text)
	}
	if text := cs[moved].Text; text != "acked/s 300.0 -> 600.0 (+100%) (setups differ)" {
		t.Errorf("kill's throughput move says %q, want the setups flagged", text)
	}
	for _, c := range cs {
		if c.Scenario == "same" && (c.Kind == SetupChanged || strings.Contains(c.Text, "setups differ")) {
			t.Errorf("same ran on the same setup, yet: %s", c)
		}
	}
}

func TestRegressedOnlyForABrokenGuarantee(t *testing.T) {
	old := run("old", 1, scenario("kill", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300), result("acks1", nil, 0, 0, 0, 300)))
	lossyOnly := run("new", 1, scenario("kill", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300), result("acks1", nil, 5, 5, 0, 300)))
	if Regressed(Compare(old, lossyOnly)) {
		t.Error("acks1 promised nothing: its new loss is a finding, not a regression")
	}
	safeLoses := run("new", 1, scenario("kill", schema.ScenarioFail, result("safe", noLoss, 1, 1, 0, 300), result("acks1", nil, 0, 0, 0, 300)))
	if !Regressed(Compare(old, safeLoses)) {
		t.Error("the safe profile started losing: want a regression")
	}
	// It lost before too, but only now under a guarantee: the scenario
	// started expecting safety the profile lacks.
	nowPromised := run("new", 1, scenario("kill", schema.ScenarioFail, result("safe", noLoss, 0, 0, 0, 300), result("acks1", noLoss, 5, 5, 0, 300)))
	lossyBefore := run("old", 1, scenario("kill", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300), result("acks1", nil, 5, 5, 0, 300)))
	if c, ok := changes(lossyBefore, nowPromised)["started-breaking kill/acks1"]; !ok || !c.Regression {
		t.Errorf("acks1 now breaks a promise it did not make before: got %+v, want a started-breaking regression", c)
	}
	newScenario := run("new", 1, old.Scenarios[0], scenario("partition", schema.ScenarioFail, result("safe", noLoss, 2, 2, 0, 300)))
	if c, ok := changes(old, newScenario)["started-breaking partition/safe"]; !ok || !c.Regression {
		t.Errorf("a new scenario where the safe profile loses data: got %+v, want a started-breaking regression", c)
	}
	newProfile := run("new", 1, scenario("kill", schema.ScenarioFail, old.Scenarios[0].Profiles[0], old.Scenarios[0].Profiles[1], result("fresh", noLoss, 2, 2, 0, 300)))
	if c, ok := changes(old, newProfile)["started-breaking kill/fresh"]; !ok || !c.Regression {
		t.Errorf("a new profile that breaks its promise: got %+v, want a started-breaking regression", c)
	}
	becameInvalid := run("new", 1, scenario("kill", schema.ScenarioInvalid, old.Scenarios[0].Profiles...))
	if cs := Compare(old, becameInvalid); Regressed(cs) || len(cs) != 1 || cs[0].Kind != BecameInvalid {
		t.Errorf("pass -> invalid without a broken guarantee: %v, want one became-invalid change, no regression", cs)
	}
	if cs := Compare(old, old); len(cs) != 0 {
		t.Errorf("a run compared with itself changed: %v", cs)
	}
}
