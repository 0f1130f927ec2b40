// Package faults injects real failures into a running cluster: each fault
// says what it targets, injects, checks that it took effect in the
// cluster's own state, and heals.
//
// Faults never see a concrete cluster. They act through the small
// interfaces of Env, defined here by what faults need: Nodes (processes),
// Disks (log directories that lose unsynced writes, fill up or are
// replaced), Links (the
// network paths), State (Kafka's metadata as chosen nodes see it), Admin
// (an operator's requests), Groups (consumer groups), Transactions (the
// transaction coordinators) and Probe (a client's connection). The Docker
// cluster (package cluster, toxiproxy for the links) implements them all,
// and the runner hands it to every fault. A second backend, Kubernetes
// with Strimzi for example (pods for containers, network policies or a
// proxy sidecar for toxiproxy), is one more package beside cluster
// implementing the same interfaces; the runner builds Env from it, and no
// fault changes. Faults import no
// backend: the values they exchange with one (PartitionState, GroupState,
// Link, Toxic, the signal names) are package schema's, which a test keeps
// free of container, proxy and Kafka client libraries. The took-effect
// logic is tested against an in-memory cluster the same way
// (fake_test.go).
package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Fault is one kind of failure. Inject returns once the fault is in place
// and has visibly taken effect, or with an error saying why it did not;
// Heal undoes it and returns once the nodes it touched run again.
type Fault interface {
	Name() string
	// Prepare runs before Inject with the workload already running (to
	// make followers lag, for example). It may be a no-op.
	Prepare(ctx context.Context, env Env) error
	Inject(ctx context.Context, env Env) (schema.FaultEffect, error)
	Heal(ctx context.Context, env Env) error
}

// ErrNoEffect is wrapped by Inject errors that mean the fault happened but
// the cluster did not show the expected change: the run proves nothing.
var ErrNoEffect = fmt.Errorf("fault took no effect")

// scenarioLeader returns the single broker leading every scenario partition.
// Topics are created with pinned leaders, so more than one leader means the
// scenario's premise is broken.
func scenarioLeader(env Env) (int, error) {
	ps, err := partitions(env)
	if err != nil {
		return 0, err
	}
	leader := int32(-1)
	for _, p := range ps {
		if leader == -1 {
			leader = p.Leader
		}
		if p.Leader != leader || p.Leader < 0 {
			return 0, fmt.Errorf("scenario partitions do not share one leader: %s-%d is led by %d, others by %d", p.Topic, p.Partition, p.Leader, leader)
		}
	}
	if leader < 0 {
		return 0, fmt.Errorf("no scenario partitions found for topics %v", env.Topics)
	}
	return int(leader), nil
}

// waitLeaderMoved waits until every scenario partition has a leader other
// than old, as the other nodes see it (old may be alive but cut off, still
// serving its stale view).
func waitLeaderMoved(ctx context.Context, env Env, old int, timeout time.Duration) ([]string, error) {
	ps, err := waitState(ctx, env, others(env, old), timeout, fmt.Sprintf("leadership moved off node %d", old), every(movedOff(old)))
	if err != nil {
		return nil, err
	}
	return describe(ps), nil
}

// ReplicationChecker is a fault that acts on replica sets and so takes
// only some replication factors. Scenario files are checked against it
// before a run, and its Prepare checks the scenario partitions.
type ReplicationChecker interface {
	Fault
	// CheckReplicationFactor says why the fault cannot act on a topic of
	// rf replicas; nil when it can.
	CheckReplicationFactor(rf int) error
}

// ClusterChecker is a fault whose parameters depend on the cluster a
// scenario starts: scenario files are checked against it before a run.
type ClusterChecker interface {
	Fault
	// CheckCluster fits the fault to a cluster that starts on Kafka
	// release version, pinned being the release the harness pins, and
	// says why it does not fit; each problem is a *ParamError.
	CheckCluster(version, pinned string) error
}

// checkedPartitions returns the scenario partitions, refusing them when
// f does not take one's replication factor.
func checkedPartitions(env Env, f ReplicationChecker) ([]schema.PartitionState, error) {
	ps, err := partitions(env)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if err := f.CheckReplicationFactor(len(p.Replicas)); err != nil {
			return nil, fmt.Errorf("%s: %w", partitionKey(p), err)
		}
	}
	return ps, nil
}
