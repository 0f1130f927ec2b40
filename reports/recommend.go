package reports

import (
	"fmt"

	"github.com/kafka-chaos/kafka-chaos/verify"
)

// ProfileSummary is one profile across every scenario of a run.
type ProfileSummary struct {
	Name string
	// Scenarios counts those the profile ran in; Proven those among them
	// that were valid and had something acknowledged to judge.
	Scenarios int
	Proven    int
	// MeanAckedPerSecond averages Perf.AckedPerSecond over the scenarios:
	// every profile offers the same rate, so this is what survives faults.
	MeanAckedPerSecond float64
	Lost               int
	BelievedLost       int
	Duplicates         int
}

// ZeroLoss reports whether the profile lost nothing acknowledged and
// nothing the application believed sent, in every scenario, and at least
// one scenario proved it.
func (p ProfileSummary) ZeroLoss() bool {
	return p.Lost == 0 && p.BelievedLost == 0 && p.Proven > 0
}

// Recommendation answers the report's question: which profile is the
// cheapest safe one, and what safety costs against the fastest.
type Recommendation struct {
	// Profiles are every profile's summary, in matrix order.
	Profiles []ProfileSummary
	// Safe is the zero-loss profile with the highest throughput; nil when
	// every profile lost data somewhere (or none was proven).
	Safe *ProfileSummary
	// Fastest is the profile with the highest throughput, safe or not.
	Fastest *ProfileSummary
	// CostPercent is how much less Safe delivers than Fastest, as a
	// percentage of Fastest's throughput (0 when Safe is the fastest).
	CostPercent float64
}

// Recommend summarises every profile and picks the cheapest safe one.
func Recommend(r *Run) Recommendation {
	m := BuildMatrix(r)
	rec := Recommendation{Profiles: make([]ProfileSummary, len(m.Profiles))}
	for i, name := range m.Profiles {
		ps := ProfileSummary{Name: name}
		for j, c := range m.Rows[i] {
			if !c.Present {
				continue
			}
			ps.Scenarios++
			ps.MeanAckedPerSecond += c.AckedPerSecond
			ps.Lost += c.Lost
			ps.BelievedLost += c.BelievedLost
			ps.Duplicates += c.Duplicates
			if r.Scenarios[j].Status != Invalid && c.Status != verify.Unknown {
				ps.Proven++
			}
		}
		if ps.Scenarios > 0 {
			ps.MeanAckedPerSecond /= float64(ps.Scenarios)
		}
		rec.Profiles[i] = ps
	}
	for i := range rec.Profiles {
		p := &rec.Profiles[i]
		if rec.Fastest == nil || p.MeanAckedPerSecond > rec.Fastest.MeanAckedPerSecond {
			rec.Fastest = p
		}
		if p.ZeroLoss() && (rec.Safe == nil || p.MeanAckedPerSecond > rec.Safe.MeanAckedPerSecond) {
			rec.Safe = p
		}
	}
	if rec.Safe != nil && rec.Fastest.MeanAckedPerSecond > 0 {
		rec.CostPercent = 100 * (rec.Fastest.MeanAckedPerSecond - rec.Safe.MeanAckedPerSecond) / rec.Fastest.MeanAckedPerSecond
	}
	return rec
}

// Sentences says the recommendation in plain text, for every report
// format. rate is the offered load per profile, 0 when scenarios differ.
func (r Recommendation) Sentences(rate int) []string {
	if r.Fastest == nil {
		return []string{"No profile ran: nothing to recommend."}
	}
	load := "at the load each scenario offered"
	if rate > 0 {
		load = fmt.Sprintf("at an offered %d msg/s per profile", rate)
	}
	f := r.Fastest
	out := []string{fmt.Sprintf("Fastest profile: %s, %.1f acked/s on average %s, through the faults; it lost %d acknowledged and %d believed-sent messages.",
		f.Name, f.MeanAckedPerSecond, load, f.Lost, f.BelievedLost)}
	if r.Safe == nil {
		return append(out, "No profile lost nothing in every scenario: none can be recommended as safe.")
	}
	s := r.Safe
	out = append(out, fmt.Sprintf("Cheapest safe profile: %s, %.1f acked/s on average, with zero acknowledged and zero believed-sent loss in every scenario it ran in (%d, of which %d valid and judged).",
		s.Name, s.MeanAckedPerSecond, s.Scenarios, s.Proven))
	if s == f {
		return append(out, "Safety costs nothing here: the safe profile is also the fastest.")
	}
	return append(out, fmt.Sprintf("Cost of safety: %.1f %% less throughput than %s.", r.CostPercent, f.Name))
}
