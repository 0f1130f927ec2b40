// Package scenarios holds the scenarios the suite runs: each names a fault,
// the profiles compared under it, the load and the guarantees the scenario
// asserts. Most are files (*.yaml, read by Load); those with client
// applications, which files cannot describe yet, are defined in Go (All).
package scenarios

import "github.com/kafka-chaos/kafka-chaos/runner"

// Labels select scenarios (ginkgo --label-filter, make chaos LABELS=...).
const (
	Smoke   = "smoke"
	Nightly = "nightly"
)

// All returns the scenarios defined in Go, the client scenarios, which the
// suite runs after those of the files (Load).
func All() []runner.Scenario {
	return ClientScenarios()
}
