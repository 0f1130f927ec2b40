package reports

import (
	"fmt"
	"slices"
	"strings"
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
	var order []key
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			k := key{s.Name, p.Profile.Name}
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
		d := Distribution{Scenario: k.scenario, Profile: k.profile, Runs: len(ls), Invalid: invalid[k]}
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
	b.WriteString("| scenario | profile | runs | runs with loss | loss rate | min / median / max lost | invalid |\n|---|---|---|---|---|---|---|\n")
	for _, d := range ds {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.0f %% | %d / %d / %d | %d |\n",
			d.Scenario, d.Profile, d.Runs, d.RunsWithLoss, 100*d.LossRate(), d.MinLost, d.MedianLost, d.MaxLost, d.Invalid)
	}
	return b.String()
}
