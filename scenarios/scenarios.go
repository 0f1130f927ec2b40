// Package scenarios is the table of scenarios the suite runs: each names a
// fault, the profiles compared under it, the load and the guarantees the
// scenario asserts.
package scenarios

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// Labels select scenarios (ginkgo --label-filter, make chaos LABELS=...).
const (
	Smoke   = "smoke"
	Nightly = "nightly"
	Process = "process"
)

// safeExpect is what the safe profiles promise under any single fault.
var safeExpect = map[string]verify.Expectation{
	workload.SafeIdempotent.Name: {verify.NoAckedLoss, verify.NoBelievedLoss, verify.NoDuplicates, verify.NoReordering},
	workload.SyncRetries.Name:    {verify.NoAckedLoss, verify.NoBelievedLoss},
}

// LeaderKill: the leader of every scenario partition is SIGKILLed while its
// followers lag (still in the ISR), then restarted with its data. acks=1
// and acks=0 lose what only the leader had; acks=all with
// min.insync.replicas=2 loses nothing.
func LeaderKill() runner.Scenario {
	return runner.Scenario{
		Name:           "leader-kill",
		Labels:         []string{Smoke, Nightly, Process},
		Fault:          faults.NewLeaderKill(),
		Profiles:       workload.DefaultProfiles,
		Expect:         safeExpect,
		Rate:           400,
		Size:           256,
		Partitions:     3,
		Warmup:         5 * time.Second,
		Lead:           4 * time.Second,
		Hold:           6 * time.Second,
		After:          5 * time.Second,
		MinInFault:     200,
		RecoverTimeout: 90 * time.Second,
	}
}

// All returns every scenario in the order the suite runs them.
func All() []runner.Scenario {
	all := append([]runner.Scenario{LeaderKill()}, PowerScenarios()...)
	return append(all, BaselineScenarios()...)
}
