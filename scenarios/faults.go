package scenarios

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// Labels of the fault library's scenarios, next to Process.
const (
	Network = "network"
	ISR     = "isr"
)

// faultScenario is the shape shared by the single-fault scenarios: the
// default profiles side by side, the safe ones held to losing nothing.
// Each scenario adjusts what its fault needs.
func faultScenario(f faults.Fault, labels ...string) runner.Scenario {
	return runner.Scenario{
		Name:           f.Name(),
		Labels:         append([]string{Nightly}, labels...),
		Fault:          f,
		Profiles:       workload.DefaultProfiles,
		Expect:         safeExpect,
		Rate:           400,
		Size:           256,
		Partitions:     3,
		Warmup:         5 * time.Second,
		Lead:           time.Second,
		Hold:           10 * time.Second,
		After:          5 * time.Second,
		MinInFault:     200,
		RecoverTimeout: 90 * time.Second,
	}
}

// isrProfiles compare what survives an ISR of one followed by the loss of
// its leader: min.insync.replicas 2 versus 1, unclean election off versus
// on. acks=1 with unclean off shows that the old leader, once back, still
// has what it acknowledged.
var isrProfiles = []workload.Profile{workload.SafeIdempotent, workload.AcksAllMinISR1, workload.AcksAllMinISR1Unclean, workload.Acks1Async}

// isrExpect: with unclean election off nothing acknowledged may be lost,
// whatever min.insync.replicas is; the partition is unavailable instead.
// The unclean profile is measured, not judged: losing the leader's tail is
// the finding.
var isrExpect = map[string]verify.Expectation{
	workload.SafeIdempotent.Name: safeExpect[workload.SafeIdempotent.Name],
	workload.AcksAllMinISR1.Name: {verify.NoAckedLoss, verify.NoBelievedLoss},
	workload.Acks1Async.Name:     {verify.NoAckedLoss},
}

// isrForcedExpect: when an operator forces unclean elections, only
// min.insync.replicas=2 still promises anything: its leader could not
// acknowledge alone, so no follower lacks an acknowledged write.
var isrForcedExpect = map[string]verify.Expectation{
	workload.SafeIdempotent.Name: safeExpect[workload.SafeIdempotent.Name],
}

// isrScenario is B3 then B4 on one cluster for every profile: the ISR
// shrinks to the leader (Prepare, about replica.lag.time.max.ms), writes go
// on for Lead, the leader is killed, and stays down for Hold.
func isrScenario(name, election, version string, settings map[string]string, expect map[string]verify.Expectation) runner.Scenario {
	s := faultScenario(faults.NewISRLeaderLoss(election), ISR)
	s.Name = name
	s.Profiles = isrProfiles
	s.Expect = expect
	s.Rate = 300
	s.Lead = 6 * time.Second
	s.Hold = 10 * time.Second
	s.RecoverTimeout = 150 * time.Second
	s.Cluster = runner.ClusterSpec{KafkaVersion: version, Settings: settings}
	return s
}

// uncleanTimer makes the controllers look for leaderless partitions of
// unclean topics every second instead of every five minutes. The setting
// exists in 3.9 and 4.4 (ReplicationConfigs, internal); only the timer
// scenario depends on it, since the fencing path elects at once.
var uncleanTimer = map[string]string{"unclean.leader.election.interval.ms": "1000"}

// FaultScenarios is the fault library: one scenario per process, network
// and ISR fault.
func FaultScenarios() []runner.Scenario {
	leaderTerm := faultScenario(faults.NewLeaderTerm(), Process)
	leaderTerm.Lead = 4 * time.Second
	leaderTerm.Hold = 6 * time.Second

	controllerKill := faultScenario(faults.NewControllerKill(), Process, Smoke)
	controllerKill.Hold = 6 * time.Second

	rolling := faultScenario(faults.NewRollingRestart(), Process)
	rolling.Hold = 2 * time.Second
	rolling.RecoverTimeout = 60 * time.Second

	resets := faultScenario(faults.NewResets(2*time.Second, 300*time.Millisecond), Network)
	resets.Hold = 16 * time.Second

	return []runner.Scenario{
		leaderTerm,
		faultScenario(faults.NewLeaderPause(), Process),
		rolling,
		controllerKill,
		faultScenario(faults.NewIsolatePeers(), Network, Smoke),
		faultScenario(faults.NewIsolateClients(), Network),
		faultScenario(faults.NewSplit(), Network),
		faultScenario(faults.NewBridge(), Network),
		faultScenario(faults.NewReplicationCut(), Network),
		faultScenario(faults.NewOneWayReplication(), Network),
		faultScenario(faults.NewReplicationBandwidth(64), Network),
		faultScenario(faults.NewLatency(150*time.Millisecond, 30*time.Millisecond), Network),
		resets,
		isrScenario("isr-shrink-leader-loss", faults.ElectByConfig, "", nil, isrExpect),
		isrScenario("isr-shrink-leader-loss-kafka-3.9", faults.ElectByConfig, "3.9.1", nil, isrExpect),
		isrScenario("isr-shrink-unclean-timer", faults.ElectByTimer, "", uncleanTimer, isrForcedExpect),
		isrScenario("isr-shrink-unclean-admin", faults.ElectByAdmin, "", nil, isrForcedExpect),
	}
}
