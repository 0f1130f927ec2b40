// Package scenarios loads the scenarios the suite runs from files (*.yaml,
// read by Load): each names a fault, the profiles, producer apps and
// consumer groups compared under it, the load and the guarantees the
// scenario asserts.
package scenarios

// Labels select scenarios (ginkgo --label-filter, make chaos LABELS=...).
const (
	Smoke   = "smoke"
	Nightly = "nightly"
	// Extended scenarios are left out of the default matrix (make chaos)
	// to keep it within its time budget; the nightly shards run them.
	Extended = "extended"
)
