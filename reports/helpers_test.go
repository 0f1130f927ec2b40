package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// testdataRun is a real leader-kill run: four profiles, acks=0 and acks=1
// lose data, the two acks=all profiles do not.
func testdataRun(t *testing.T) *Run {
	t.Helper()
	r, err := Read("testdata/leader-kill.json")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// result builds a profile result whose verdict is judged the way the
// verifier judges it: a broken expected guarantee fails it.
func result(name string, expect verify.Expectation, lost, believedLost, dup int, ackedPerSec float64) ProfileResult {
	v := verify.Result{Profile: name, Expected: expect, Status: verify.Pass, Counts: verify.Counts{
		Attempted: 1000, Acked: 1000 - lost, Lost: lost, BelievedLost: believedLost, Duplicates: dup,
	}}
	if err := v.Err(); err != nil {
		v.Status, v.Violations = verify.Fail, strings.Split(err.Error(), "\n")
	}
	return ProfileResult{
		Profile: workload.Profile{Name: name}, Topic: "t." + name, Verdict: v,
		Perf: Perf{AckedPerSecond: ackedPerSec, MaxAckGapSeconds: 2},
	}
}

func scenario(name string, status Status, profiles ...ProfileResult) Scenario {
	return Scenario{
		Name: name, Status: status, Profiles: profiles,
		Fault:    FaultRecord{Name: name, PreparedAt: 5, InjectedAt: 8, EffectAt: 9, HealedAt: 14, RecoveredAt: 20},
		Workload: WorkloadRecord{Rate: 400, Size: 256, Partitions: 3},
	}
}

func run(id string, seed int64, scenarios ...Scenario) *Run {
	return &Run{SchemaVersion: SchemaVersion, RunID: id, Seed: seed,
		StartedAt: time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC), Scenarios: scenarios}
}

var noLoss = verify.Expectation{verify.NoAckedLoss, verify.NoBelievedLoss}

// wantIn reports each of wants that the rendered file lacks.
func wantIn(t *testing.T, file, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", file, w)
		}
	}
}
