package scenarios

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// Labels of the client scenarios: applications run as worker processes.
const (
	Producer = "producer"
	Consumer = "consumer"
)

// ClientProducers: P1, P2 and P3 against their fix, under a leader kill
// with followers in step (no lag), so that acks=all acknowledges nothing a
// follower lacks and every loss is the application's: P1 loses what its
// process still buffered at each exit, fault or not; P2 drops what failed
// during the election; P3 believes what failed. The safe client delivers
// everything it attempted; its re-sends may duplicate a write whose first
// outcome was indeterminate, so duplicates are counted, not judged.
func ClientProducers() runner.Scenario {
	return runner.Scenario{
		Name:   "client-producers-leader-kill",
		Labels: []string{Producer, Consumer, Nightly},
		Fault:  &faults.LeaderKill{Signal: cluster.SIGKILL, MoveTimeout: 30 * time.Second},
		Expect: map[string]schema.Expectation{
			workload.SafeClient.Name: {schema.NoAckedLoss, schema.NoBelievedLoss},
		},
		Clients: runner.Clients{
			Producers:   workload.ClientProfiles,
			MustDeliver: []string{workload.SafeClient.Name},
		},
		Rate:           150,
		Size:           256,
		Partitions:     3,
		Warmup:         4 * time.Second,
		Lead:           time.Second,
		Hold:           8 * time.Second,
		After:          3 * time.Second,
		MinExposure:    verify.DefaultMinExposure,
		RecoverTimeout: 120 * time.Second,
	}
}

// consumerExpect: at-least-once may duplicate but never lose; the retrying,
// dead-lettering, idempotent application promises exactly one outcome and
// one effect per message. The naive profiles are measured, not judged.
var consumerExpect = map[string]schema.ConsumerExpectation{
	workload.CommitAfter.Name:               {schema.NoProcessingLoss},
	workload.RetryDeadLetterIdempotent.Name: {schema.NoProcessingLoss, schema.NoDuplicateEffects, schema.SingleOutcome},
}

// consumerScenario is the shape of the consumer scenarios: every consumer
// profile as a group of two member processes on its own input topic, fed
// by the safe producer at the same rate, with 1% of messages failing their
// first 1 to 5 processing attempts.
func consumerScenario(name string, f faults.Fault, hold time.Duration, labels ...string) runner.Scenario {
	return runner.Scenario{
		Name:   name,
		Labels: append([]string{Consumer, Nightly}, labels...),
		Fault:  f,
		Clients: runner.Clients{
			Consumers:      workload.ConsumerProfiles,
			Input:          workload.SafeIdempotent,
			InputExpect:    schema.Expectation{schema.NoAckedLoss, schema.NoBelievedLoss},
			ConsumerExpect: consumerExpect,
			Members:        2,
			Failures:       schema.Failures{Rate: 0.01, MaxFailures: 5},
			DrainTimeout:   90 * time.Second,
		},
		Rate:           100,
		Size:           128,
		Partitions:     4,
		Warmup:         4 * time.Second,
		Lead:           2 * time.Second,
		Hold:           hold,
		After:          3 * time.Second,
		MinExposure:    verify.DefaultMinExposure,
		RecoverTimeout: 60 * time.Second,
	}
}

// ClientScenarios are the client-side loss scenarios.
func ClientScenarios() []runner.Scenario {
	return []runner.Scenario{
		ClientProducers(),
		// C1 and C2: the oldest member of every group is SIGKILLed (no
		// leave; evicted after its 6 s session) and replaced on heal.
		// Auto-commit on receipt loses what was committed and not yet
		// processed; commit-after re-processes what was processed and not
		// yet committed; ignore-failures loses every failed message.
		consumerScenario("consumer-member-crash", faults.NewMemberCrash(), 10*time.Second, Smoke),
		// C3: a member joins every group, then the oldest leaves cleanly
		// (SIGTERM): two rebalances; an on-receive member exits without
		// draining what it received.
		consumerScenario("consumer-rebalance", faults.NewRebalance(), 6*time.Second),
		// C3: the oldest member is SIGSTOPped for 15 s, past its session
		// (6 s) and rebalance (10 s) timeouts: evicted, its partitions
		// move, and on SIGCONT it finishes what it held as a zombie.
		consumerScenario("consumer-member-stall", faults.NewMemberStall(), 15*time.Second),
		// C2: commits fail: the client link to the node coordinating every
		// group is cut while the partition leader stays reachable.
		consumerScenario("consumer-commit-cut", faults.NewCommitCut(), 10*time.Second),
	}
}
