package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/verify"
)

// Distribution summarises one profile over repetitions of one scenario:
// how often it lost acknowledged messages, and how many.
type Distribution struct {
	Scenario     string `json:"scenario"`
	Profile      string `json:"profile"`
	Runs         int    `json:"runs"`
	RunsWithLoss int    `json:"runs_with_loss"`
	MinLost      int    `json:"min_lost"`
	MedianLost   int    `json:"median_lost"`
	MaxLost      int    `json:"max_lost"`
	// Invalid counts repetitions whose scenario proved nothing; they are
	// left out of the figures above.
	Invalid int `json:"invalid"`
	// Promised: the scenario holds the profile to losing no acknowledged
	// message.
	Promised bool `json:"promised"`
}

// DemonstrationRate is the share of repetitions in which a loss the
// scenario demonstrates must show: anything less is a flaky
// demonstration.
const DemonstrationRate = 0.95

// Target says what the profile's runs must show, and whether they did: a
// promised profile loses nothing in any run; any other profile is a loss
// demonstration, expected to lose in at least DemonstrationRate of them
// (one that never lost is reported as showing no loss, not as a failure:
// not every fault costs every unsafe profile).
func (d Distribution) Target() string {
	switch {
	case d.Runs == 0:
		return "no valid run"
	case d.Promised && d.RunsWithLoss == 0:
		return "no loss in any run: met"
	case d.Promised:
		return "no loss in any run: NOT met"
	case d.RunsWithLoss == 0:
		return "no loss shown"
	case d.LossRate() >= DemonstrationRate:
		return fmt.Sprintf("loss in >= %.0f %% of runs: met", 100*DemonstrationRate)
	}
	return fmt.Sprintf("loss in >= %.0f %% of runs: NOT met", 100*DemonstrationRate)
}

// LossRate is the share of valid runs that lost acknowledged messages.
func (d Distribution) LossRate() float64 {
	if d.Runs == 0 {
		return 0
	}
	return float64(d.RunsWithLoss) / float64(d.Runs)
}

// Repetitions groups a run's scenarios by name and summarises every
// profile's acknowledged loss across the repetitions, in first-seen order.
func Repetitions(r *Run) []Distribution {
	type key struct{ scenario, profile string }
	lost := map[key][]int{}
	invalid := map[key]int{}
	promised := map[key]bool{}
	var order []key
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			k := key{s.Name, p.Profile.Name}
			promised[k] = promised[k] || slices.Contains(p.Verdict.Expected, verify.NoAckedLoss)
			if _, seen := lost[k]; !seen && invalid[k] == 0 {
				order = append(order, k)
				lost[k] = nil
			}
			if s.Status == Invalid {
				invalid[k]++
				continue
			}
			lost[k] = append(lost[k], p.Verdict.Counts.Lost)
		}
	}
	out := make([]Distribution, 0, len(order))
	for _, k := range order {
		ls := slices.Clone(lost[k])
		slices.Sort(ls)
		d := Distribution{Scenario: k.scenario, Profile: k.profile, Runs: len(ls), Invalid: invalid[k], Promised: promised[k]}
		for _, l := range ls {
			if l > 0 {
				d.RunsWithLoss++
			}
		}
		if len(ls) > 0 {
			d.MinLost, d.MedianLost, d.MaxLost = ls[0], ls[len(ls)/2], ls[len(ls)-1]
		}
		out = append(out, d)
	}
	return out
}

// RepetitionTable renders distributions as a Markdown table.
func RepetitionTable(ds []Distribution) string {
	var b strings.Builder
	b.WriteString("| scenario | profile | runs | runs with loss | loss rate | min / median / max lost | invalid | target |\n|---|---|---|---|---|---|---|---|\n")
	for _, d := range ds {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.0f %% | %d / %d / %d | %d | %s |\n",
			d.Scenario, d.Profile, d.Runs, d.RunsWithLoss, 100*d.LossRate(), d.MinLost, d.MedianLost, d.MaxLost, d.Invalid, d.Target())
	}
	return b.String()
}
