package reports

import (
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

func repetition(status Status, lost map[string]int) Scenario {
	s := Scenario{Name: "leader-kill", Status: status}
	for _, name := range []string{"acks1", "safe"} {
		p := ProfileResult{Profile: workload.Profile{Name: name}}
		p.Verdict = verify.Result{Counts: verify.Counts{Lost: lost[name]}}
		if name == "safe" {
			p.Verdict.Expected = verify.Expectation{verify.NoAckedLoss}
		}
		s.Profiles = append(s.Profiles, p)
	}
	return s
}

func TestRepetitionsSummariseLossPerProfile(t *testing.T) {
	r := &Run{Scenarios: []Scenario{
		repetition(Pass, map[string]int{"acks1": 300}),
		repetition(Pass, map[string]int{"acks1": 0}),
		repetition(Invalid, map[string]int{"acks1": 999, "safe": 999}),
		repetition(Pass, map[string]int{"acks1": 120}),
	}}
	ds := Repetitions(r)
	if len(ds) != 2 {
		t.Fatalf("got %d distributions, want 2: %+v", len(ds), ds)
	}
	a, s := ds[0], ds[1]
	if a.Profile != "acks1" || a.Runs != 3 || a.RunsWithLoss != 2 || a.MinLost != 0 || a.MedianLost != 120 || a.MaxLost != 300 || a.Invalid != 1 {
		t.Errorf("acks1 = %+v, want 3 valid runs, 2 with loss, 0/120/300, 1 invalid", a)
	}
	if s.RunsWithLoss != 0 || s.MaxLost != 0 || s.Runs != 3 {
		t.Errorf("safe = %+v: the invalid repetition's loss must not count", s)
	}
	if !s.Promised || a.Promised || s.Target() != "no loss in any run: met" {
		t.Errorf("safe promised %v (target %q), acks1 promised %v: only safe expects no acknowledged loss", s.Promised, s.Target(), a.Promised)
	}
	if got := a.LossRate(); got < 0.66 || got > 0.67 {
		t.Errorf("loss rate = %v, want 2/3", got)
	}
	if table := RepetitionTable(ds); !strings.Contains(table, "| leader-kill | acks1 | 3 | 2 | 67 % | 0 / 120 / 300 | 1 | loss in >= 95 % of runs: NOT met |") {
		t.Errorf("table lacks the acks1 row:\n%s", table)
	}
}

func TestRepetitionTargets(t *testing.T) {
	for _, c := range []struct {
		d    Distribution
		want string
	}{
		{Distribution{Runs: 20, RunsWithLoss: 19}, "loss in >= 95 % of runs: met"},
		{Distribution{Runs: 20, RunsWithLoss: 18}, "loss in >= 95 % of runs: NOT met"},
		{Distribution{Runs: 10}, "no loss shown"},
		{Distribution{Runs: 10, Promised: true}, "no loss in any run: met"},
		{Distribution{Runs: 10, RunsWithLoss: 1, Promised: true}, "no loss in any run: NOT met"},
		{Distribution{Invalid: 3}, "no valid run"},
	} {
		if got := c.d.Target(); got != c.want {
			t.Errorf("%+v: target %q, want %q", c.d, got, c.want)
		}
	}
}
