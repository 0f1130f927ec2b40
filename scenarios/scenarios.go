// Package scenarios is the table of scenarios the suite runs: each names a
// fault, the profiles compared under it, the load and the guarantees the
// scenario asserts.
package scenarios

import (
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

// All returns the scenarios defined in Go, in the order the suite runs them
// after those of the files (Load).
func All() []runner.Scenario {
	return append(FaultScenarios(), ClientScenarios()...)
}
