package scenarios

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// Power is the label of the power-loss scenarios.
const Power = "power"

// The flush policy under comparison: both acks=all, min.insync.replicas=2,
// idempotent; one leaves flushing to the OS (Kafka's default), one fsyncs
// every message.
var (
	safeNoFsync = workload.SafeIdempotent
	safeFsync   = func() workload.Profile {
		p := workload.SafeIdempotent
		p.Name = "safe-fsync-every-message"
		p.Description = "acks=all, min.insync.replicas=2, RF=3, idempotent, flush.messages=1 (fsync per message)"
		p.FlushMessages = 1
		return p
	}()
	// acksAllMinISR1 keeps writing on a leader left alone in the ISR.
	acksAllMinISR1 = func() workload.Profile {
		p := workload.SafeIdempotent
		p.Name = "acksall-minisr1"
		p.Description = "acks=all, min.insync.replicas=1, RF=3, idempotent: the ISR may shrink to the leader alone"
		p.MinInsyncReplicas = 1
		return p
	}()
)

var noAckedLoss = verify.Expectation{verify.NoAckedLoss, verify.NoBelievedLoss}

// powerScenario is the shape shared by the power-loss scenarios.
func powerScenario(name string, target faults.PowerTarget, version string, profiles []workload.Profile, expect map[string]verify.Expectation, labels ...string) runner.Scenario {
	return runner.Scenario{
		Name:           name,
		Labels:         append([]string{Power, Nightly}, labels...),
		Fault:          faults.NewPowerLoss(target),
		Profiles:       profiles,
		Expect:         expect,
		Rate:           300,
		Size:           256,
		Partitions:     3,
		Warmup:         6 * time.Second,
		Lead:           time.Second,
		Hold:           3 * time.Second,
		After:          5 * time.Second,
		MinInFault:     100,
		RecoverTimeout: 120 * time.Second,
		Cluster:        runner.ClusterSpec{KafkaVersion: version, LossyFS: true},
	}
}

// PowerScenarios: correlated power loss of every node (fsync decides),
// power loss of the leader alone (replication decides), and of the last
// replica standing after the ISR shrank, on the pinned Kafka and on 3.9.
func PowerScenarios() []runner.Scenario {
	flush := []workload.Profile{safeNoFsync, safeFsync, workload.Acks1Async}
	return []runner.Scenario{
		powerScenario("power-loss-all", faults.PowerAll, "", flush,
			map[string]verify.Expectation{safeFsync.Name: noAckedLoss}, Smoke),
		powerScenario("power-loss-leader", faults.PowerLeader, "", flush,
			map[string]verify.Expectation{safeFsync.Name: noAckedLoss, safeNoFsync.Name: noAckedLoss}),
		powerScenario("power-loss-last-replica", faults.PowerLastReplica, "", []workload.Profile{safeNoFsync, safeFsync, acksAllMinISR1},
			map[string]verify.Expectation{safeFsync.Name: noAckedLoss}),
		powerScenario("power-loss-all-kafka-3.9", faults.PowerAll, "3.9.1", flush,
			map[string]verify.Expectation{safeFsync.Name: noAckedLoss}),
		powerScenario("power-loss-last-replica-kafka-3.9", faults.PowerLastReplica, "3.9.1", []workload.Profile{safeNoFsync, safeFsync, acksAllMinISR1},
			map[string]verify.Expectation{safeFsync.Name: noAckedLoss}),
	}
}
