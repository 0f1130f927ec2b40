package scenarios

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// Baseline is the label of the no-fault throughput scenarios.
const Baseline = "baseline"

// baselineRate is far above what two cores sustain, so each profile runs as
// fast as its settings allow and acked/s measures its cost.
const baselineRate = 20000

func baseline(name string, profiles []workload.Profile, lossy bool) runner.Scenario {
	expect := map[string]verify.Expectation{}
	for _, p := range profiles {
		// Without a fault nothing may be lost, whatever the settings.
		expect[p.Name] = verify.Expectation{verify.NoAckedLoss}
	}
	return runner.Scenario{
		Name:           name,
		Labels:         []string{Baseline, Nightly},
		Fault:          faults.Baseline{},
		Profiles:       profiles,
		Expect:         expect,
		Rate:           baselineRate,
		Size:           256,
		Partitions:     3,
		Warmup:         3 * time.Second,
		Hold:           10 * time.Second,
		After:          time.Second,
		MinInFault:     1000,
		RecoverTimeout: 30 * time.Second,
		Cluster:        runner.ClusterSpec{LossyFS: lossy},
	}
}

// BaselineScenarios measure throughput without faults: the producer
// profiles on the default cluster, and the flush policies on the lossy
// filesystem (the fsync cost).
func BaselineScenarios() []runner.Scenario {
	return []runner.Scenario{
		baseline("baseline-throughput", workload.DefaultProfiles, false),
		baseline("baseline-fsync-cost", []workload.Profile{safeNoFsync, safeFsync}, true),
	}
}
