package reports

import (
	"fmt"
	"slices"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// phaseOrder lists the phases of a run in the order they happen: the
// columns of the time table.
var phaseOrder = []string{schema.PhaseSetup, schema.PhaseWarmup, schema.PhasePrepare, schema.PhaseFault, schema.PhaseRecovery, schema.PhaseAfter, schema.PhaseDrain, schema.PhaseAudit}

// TimeRow is where one scenario's time went, in seconds.
type TimeRow struct {
	Scenario string
	// Start is the cluster start the scenario waited for; 0 when it ran on
	// a cluster an earlier scenario left healthy.
	Start float64
	// Phases holds the seconds of each phase, in phaseOrder.
	Phases []float64
	// Total is Start plus the scenario's wall time.
	Total float64
	// Unsplit is wall time that no phase accounts for: results written
	// before phases were recorded.
	Unsplit float64
}

// TimeTable is the time of every scenario by phase, their sum, and what
// dominated it.
type TimeTable struct {
	Phases []string
	Rows   []TimeRow
	Sum    TimeRow
	// Dominant names the largest part of the sum: a phase, or the cluster
	// starts; Share is its fraction of the total.
	Dominant string
	Share    float64
}

// Timings splits each scenario's time into the cluster start and its
// phases. Scenarios from before phases were recorded show their wall time
// only.
func Timings(r *schema.Run) TimeTable {
	t := TimeTable{Phases: phaseOrder, Sum: TimeRow{Scenario: "all", Phases: make([]float64, len(phaseOrder))}}
	for _, s := range r.Scenarios {
		row := TimeRow{Scenario: s.Name, Phases: make([]float64, len(phaseOrder))}
		if !s.Cluster.Reused {
			row.Start = s.Cluster.StartSeconds
		}
		for i, p := range s.Phases {
			end := s.WallSeconds
			if i+1 < len(s.Phases) {
				end = s.Phases[i+1].StartedAt
			}
			if col := slices.Index(phaseOrder, p.Name); col >= 0 {
				row.Phases[col] += end - p.StartedAt
			}
		}
		row.Total = row.Start + s.WallSeconds
		if len(s.Phases) == 0 {
			row.Unsplit = s.WallSeconds
		}
		t.Rows = append(t.Rows, row)
		t.Sum.Start += row.Start
		t.Sum.Total += row.Total
		t.Sum.Unsplit += row.Unsplit
		for i, d := range row.Phases {
			t.Sum.Phases[i] += d
		}
	}
	if t.Sum.Total <= 0 {
		return t
	}
	t.Dominant, t.Share = "cluster starts", t.Sum.Start/t.Sum.Total
	if share := t.Sum.Unsplit / t.Sum.Total; share > t.Share {
		t.Dominant, t.Share = "time not split into phases (results from before phases were recorded)", share
	}
	for i, d := range t.Sum.Phases {
		if share := d / t.Sum.Total; share > t.Share {
			t.Dominant, t.Share = phaseOrder[i], share
		}
	}
	return t
}

// Summary is one sentence for the report: total time and what dominated.
func (t TimeTable) Summary() string {
	if t.Sum.Total <= 0 {
		return "no scenario recorded its time"
	}
	return fmt.Sprintf("%d scenarios took %.1f min in all (cluster starts included); the largest part was %s, %.0f %% of it",
		len(t.Rows), t.Sum.Total/60, t.Dominant, 100*t.Share)
}
