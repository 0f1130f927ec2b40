package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestTimings(t *testing.T) {
	phases := func(at ...float64) []schema.Phase {
		names := []string{schema.PhaseSetup, schema.PhaseWarmup, schema.PhasePrepare, schema.PhaseFault, schema.PhaseRecovery, schema.PhaseAfter, schema.PhaseAudit}
		var out []schema.Phase
		for i, a := range at {
			out = append(out, schema.Phase{Name: names[i], StartedAt: a})
		}
		return out
	}
	r := &schema.Run{Scenarios: []schema.Scenario{
		{Name: "fresh", Cluster: schema.ClusterInfo{StartSeconds: 15}, Phases: phases(0, 1, 6, 8, 20, 30, 35), WallSeconds: 40},
		{Name: "reused", Cluster: schema.ClusterInfo{StartSeconds: 15, Reused: true}, Phases: phases(0, 2, 7, 9, 49, 51, 53), WallSeconds: 55},
		{Name: "old", WallSeconds: 10},
	}}
	tt := Timings(r)
	want := map[string][]float64{
		// setup, warm-up, prepare, fault, recovery, after, drain, audit
		"fresh":  {1, 5, 2, 12, 10, 5, 0, 5},
		"reused": {2, 5, 2, 40, 2, 2, 0, 2},
		"old":    {0, 0, 0, 0, 0, 0, 0, 0},
	}
	for _, row := range tt.Rows {
		if !slices.Equal(row.Phases, want[row.Scenario]) {
			t.Errorf("%s: phases %v, want %v", row.Scenario, row.Phases, want[row.Scenario])
		}
	}
	if tt.Rows[0].Start != 15 || tt.Rows[1].Start != 0 || tt.Rows[0].Total != 55 || tt.Rows[1].Total != 55 {
		t.Errorf("starts %v/%v, totals %v/%v: want 15/0 and 55/55", tt.Rows[0].Start, tt.Rows[1].Start, tt.Rows[0].Total, tt.Rows[1].Total)
	}
	if tt.Rows[2].Unsplit != 10 || tt.Rows[0].Unsplit != 0 {
		t.Errorf("unsplit %v/%v: want 0 for a run with phases, its wall time for one without", tt.Rows[0].Unsplit, tt.Rows[2].Unsplit)
	}
	if tt.Sum.Total != 120 || tt.Sum.Phases[3] != 52 || tt.Dominant != schema.PhaseFault {
		t.Errorf("sum %v, fault %v, dominant %q: want 120, 52, fault", tt.Sum.Total, tt.Sum.Phases[3], tt.Dominant)
	}
	if s := tt.Summary(); !strings.Contains(s, "3 scenarios took 2.0 min") || !strings.Contains(s, "fault, 43 %") {
		t.Errorf("summary %q", s)
	}
}
