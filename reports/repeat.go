package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Distribution summarises one profile over repetitions of one scenario:
// how often it lost acknowledged messages, how many, and how often it broke
// a guarantee the scenario expects of it.
//
// A repetition counts when its scenario was valid, and also when it was
// invalid but the profile lost acknowledged messages or broke a guarantee
// in it: the loss is real even if the fault was not the one intended, and
// leaving it out would let an invalid repetition hide a broken promise. An
// invalid repetition with neither proves nothing and counts only in
// Invalid.
type Distribution struct {
	Scenario string `json:"scenario"`
	Profile  string `json:"profile"`
	// Runs counts the repetitions that count; the figures below are over
	// them.
	Runs         int `json:"runs"`
	RunsWithLoss int `json:"runs_with_loss"`
	MinLost      int `json:"min_lost"`
	MedianLost   int `json:"median_lost"`
	MaxLost      int `json:"max_lost"`
	// RunsBroken counts runs in which the profile broke a guarantee the
	// scenario expects of it: loss, but also duplicates, reordering, the
	// guarantees of a consumer group or an application (ClientErr), and
	// those of transactions.
	RunsBroken int `json:"runs_broken"`
	// Invalid counts every repetition whose scenario was invalid, whether
	// it counts in Runs or not.
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
// promised profile loses nothing and breaks no guarantee in any run; any
// other profile breaks none of the guarantees it is held to, and is a loss
// demonstration, expected to lose in at least DemonstrationRate of its runs
// (one that never lost is reported as showing no loss, not as a failure:
// not every fault costs every unsafe profile).
func (d Distribution) Target() string {
	switch {
	case d.Runs == 0:
		return "no valid run"
	case d.Promised:
		return "no loss, no broken guarantee in any run: " + met(d.RunsWithLoss == 0 && d.RunsBroken == 0)
	case d.RunsBroken > 0:
		return "no broken guarantee in any run: " + met(false)
	case d.RunsWithLoss == 0:
		return "no loss shown"
	}
	return fmt.Sprintf("loss in >= %.0f %% of runs: %s", 100*DemonstrationRate, met(d.LossRate() >= DemonstrationRate))
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// LossRate is the share of the counted runs that lost acknowledged
// messages.
func (d Distribution) LossRate() float64 {
	if d.Runs == 0 {
		return 0
	}
	return float64(d.RunsWithLoss) / float64(d.Runs)
}

// Repetitions groups a run's scenarios by name and summarises every
// profile's acknowledged loss and broken guarantees across the repetitions,
// in first-seen order.
func Repetitions(r *schema.Run) []Distribution {
	type key struct{ scenario, profile string }
	index := map[key]int{}
	var out []Distribution
	var lost [][]int // per distribution, the loss of each counted run
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			k := key{s.Name, p.Profile.Name}
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, Distribution{Scenario: s.Name, Profile: p.Profile.Name})
				lost = append(lost, nil)
			}
			d := &out[i]
			d.Promised = d.Promised || p.Verdict.Expected.Has(schema.NoAckedLoss)
			l, broken := p.Verdict.Counts.Lost, len(breaches(p)) > 0
			if s.Status == schema.ScenarioInvalid {
				d.Invalid++
				if l == 0 && !broken {
					continue
				}
			}
			d.Runs++
			if l > 0 {
				d.RunsWithLoss++
			}
			if broken {
				d.RunsBroken++
			}
			lost[i] = append(lost[i], l)
		}
	}
	for i, ls := range lost {
		if len(ls) == 0 {
			continue
		}
		slices.Sort(ls)
		out[i].MinLost, out[i].MedianLost, out[i].MaxLost = ls[0], ls[len(ls)/2], ls[len(ls)-1]
	}
	return out
}

// RepetitionTable renders distributions as a Markdown table.
func RepetitionTable(ds []Distribution) string {
	var b strings.Builder
	b.WriteString("| scenario | profile | runs | runs with loss | loss rate | min / median / max lost | runs broken | invalid | target |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, d := range ds {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.0f %% | %d / %d / %d | %d | %d | %s |\n",
			d.Scenario, d.Profile, d.Runs, d.RunsWithLoss, 100*d.LossRate(), d.MinLost, d.MedianLost, d.MaxLost, d.RunsBroken, d.Invalid, d.Target())
	}
	return b.String()
}
