package reports

import (
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// repetition is one run of leader-kill with acks1, which promises nothing,
// and safe, which promises no acknowledged loss; lost gives their losses.
func repetition(status schema.ScenarioStatus, lost map[string]int) schema.Scenario {
	s := schema.Scenario{Name: "leader-kill", Status: status}
	for _, name := range []string{"acks1", "safe"} {
		p := schema.ProfileResult{Profile: schema.Profile{Name: name}}
		p.Verdict = schema.Verdict{Counts: schema.Counts{Lost: lost[name]}}
		if name == "safe" {
			p.Verdict.Expected = schema.Expectation{schema.NoAckedLoss}
		}
		s.Profiles = append(s.Profiles, p)
	}
	return s
}

func TestRepetitionsSummariseLossPerProfile(t *testing.T) {
	r := &schema.Run{Scenarios: []schema.Scenario{
		repetition(schema.ScenarioPass, map[string]int{"acks1": 300}),
		repetition(schema.ScenarioPass, map[string]int{"acks1": 0}),
		// Invalid, but both lost: the loss is real and counts.
		repetition(schema.ScenarioInvalid, map[string]int{"acks1": 999, "safe": 999}),
		repetition(schema.ScenarioPass, map[string]int{"acks1": 120}),
		// Invalid and without loss: proves nothing, counts only as invalid.
		repetition(schema.ScenarioInvalid, nil),
	}}
	ds := Repetitions(r)
	if len(ds) != 2 {
		t.Fatalf("got %d distributions, want 2: %+v", len(ds), ds)
	}
	a, s := ds[0], ds[1]
	if a.Profile != "acks1" || a.Runs != 4 || a.RunsWithLoss != 3 || a.MinLost != 0 || a.MedianLost != 300 || a.MaxLost != 999 || a.Invalid != 2 || a.RunsBroken != 0 {
		t.Errorf("acks1 = %+v, want 4 runs (3 valid, 1 invalid with loss), 3 with loss, 0/300/999, none broken, 2 invalid", a)
	}
	if s.Runs != 4 || s.RunsWithLoss != 1 || s.RunsBroken != 1 || s.MaxLost != 999 || s.Invalid != 2 {
		t.Errorf("safe = %+v: the invalid repetition's loss must count as a loss and a broken guarantee", s)
	}
	if !s.Promised || a.Promised || s.Target() != "no loss, no broken guarantee in any run: NOT met" {
		t.Errorf("safe promised %v (target %q), acks1 promised %v: only safe expects no acknowledged loss, and it lost", s.Promised, s.Target(), a.Promised)
	}
	if got := a.LossRate(); got != 0.75 {
		t.Errorf("loss rate = %v, want 3/4", got)
	}
	table := RepetitionTable(ds)
	for _, row := range []string{
		"| leader-kill | acks1 | 4 | 3 | 75 % | 0 / 300 / 999 | 0 | 2 | loss in >= 95 % of runs: NOT met |",
		"| leader-kill | safe | 4 | 1 | 25 % | 0 / 0 / 999 | 1 | 2 | no loss, no broken guarantee in any run: NOT met |",
	} {
		if !strings.Contains(table, row) {
			t.Errorf("table lacks %q:\n%s", row, table)
		}
	}
}

func TestRepetitionsCountBrokenGuaranteesBesidesLoss(t *testing.T) {
	// dedup promises no duplicates only; group, a consumer group, every
	// message processed. Neither loses anything acknowledged.
	dedup := func(dup int) schema.ProfileResult {
		return result("dedup", schema.Expectation{schema.NoDuplicates}, 0, 0, dup, 100)
	}
	group := func(neverProcessed int) schema.ProfileResult {
		p := consumer("group", neverProcessed, 0, 0)
		p.Consumer.Verdict.Expected = schema.ConsumerExpectation{schema.NoProcessingLoss}
		return p
	}
	r := run("repeat", 1,
		scenario("kill", schema.ScenarioPass, dedup(0), group(0)),
		scenario("kill", schema.ScenarioInvalid, dedup(2), group(0)),
		scenario("kill", schema.ScenarioInvalid, dedup(0), group(5)),
		scenario("kill", schema.ScenarioInvalid, dedup(0), group(0)),
	)
	ds := Repetitions(r)
	if len(ds) != 2 {
		t.Fatalf("got %d distributions, want 2: %+v", len(ds), ds)
	}
	for _, d := range ds {
		if d.Runs != 2 || d.RunsBroken != 1 || d.RunsWithLoss != 0 || d.Invalid != 3 {
			t.Errorf("%s = %+v, want 2 runs (1 valid, 1 invalid that broke a guarantee), 1 broken, no loss, 3 invalid", d.Profile, d)
		}
	}
	if got := ds[0].Target(); got != "no broken guarantee in any run: NOT met" {
		t.Errorf("dedup target %q: a broken guarantee must not read as 'no loss shown'", got)
	}
	if got := ds[1].Target(); got != "no loss, no broken guarantee in any run: NOT met" {
		t.Errorf("group target %q: its input promises no loss and its consumer side broke", got)
	}
	if table := RepetitionTable(ds); !strings.Contains(table, "| kill | dedup | 2 | 0 | 0 % | 0 / 0 / 0 | 1 | 3 | no broken guarantee in any run: NOT met |") {
		t.Errorf("table lacks the dedup row:\n%s", table)
	}
}

func TestRepetitionTargets(t *testing.T) {
	for _, c := range []struct {
		d    Distribution
		want string
	}{
		{Distribution{Runs: 20, RunsWithLoss: 19}, "loss in >= 95 % of runs: met"},
		{Distribution{Runs: 20, RunsWithLoss: 18}, "loss in >= 95 % of runs: NOT met"},
		{Distribution{Runs: 20, RunsWithLoss: 20, RunsBroken: 1}, "no broken guarantee in any run: NOT met"},
		{Distribution{Runs: 10}, "no loss shown"},
		{Distribution{Runs: 10, Promised: true}, "no loss, no broken guarantee in any run: met"},
		{Distribution{Runs: 10, RunsWithLoss: 1, Promised: true}, "no loss, no broken guarantee in any run: NOT met"},
		{Distribution{Runs: 10, RunsBroken: 1, Promised: true}, "no loss, no broken guarantee in any run: NOT met"},
		{Distribution{Invalid: 3}, "no valid run"},
	} {
		if got := c.d.Target(); got != c.want {
			t.Errorf("%+v: target %q, want %q", c.d, got, c.want)
		}
	}
}
