package faults

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// LeaderMove moves the leadership of every scenario partition on purpose,
// from the pinned leader to one of its followers, while the producers run:
// the partitions' replica lists are reordered so that the follower comes
// first (a reassignment that moves no data) and a preferred election
// follows. That is how an operator, or a tool such as Cruise Control,
// takes leadership off a broker before maintenance. With FollowerLag set
// the followers are behind, still in the ISR, at that instant, as in
// leader-kill: the result shows whether a controlled transfer keeps what
// acks=1 acknowledged (KAFKA-20554 reports it does not).
type LeaderMove struct {
	// FollowerLag is latency added in each direction of every follower's
	// replication link to the leader, from Prepare until Heal.
	FollowerLag time.Duration `json:"follower_lag_ns"`
	// MoveTimeout bounds the wait for the new replica order, and then for
	// the new leader.
	MoveTimeout time.Duration `json:"move_timeout_ns"`

	leader, target int
}

// NewLeaderMove returns the leadership transfer with lagging followers.
func NewLeaderMove() *LeaderMove {
	return &LeaderMove{FollowerLag: 1500 * time.Millisecond, MoveTimeout: 30 * time.Second}
}

// Name implements Fault.
func (f *LeaderMove) Name() string { return "leader-move" }

// Prepare finds the leader, picks the follower that will lead (the lowest
// other node) and slows the followers.
func (f *LeaderMove) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("leader move: %w", err)
	}
	f.leader, f.target = leader, followers(env, leader)[0]
	if err := slowFollowers(env, f.Name(), leader, f.FollowerLag); err != nil {
		return fmt.Errorf("leader move: %w", err)
	}
	return nil
}

// Inject puts the target first in every scenario partition's replica
// list, elects the preferred leaders and waits until the target leads
// every partition.
func (f *LeaderMove) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{
		Target:      []int{f.leader, f.target},
		Description: fmt.Sprintf("leadership of every scenario partition moved from node %d to node %d: replicas reordered with %d first, then a preferred election", f.leader, f.target, f.target),
	}
	moved, err := transferLeadership(ctx, env, f.target, f.MoveTimeout)
	if err != nil {
		return eff, fmt.Errorf("leader move: %w", err)
	}
	env.logf("fault %s: replicas reordered, preferred leaders elected", f.Name())
	eff.Observed = describe(moved)
	return eff, nil
}

// Heal removes the lag; the new leader keeps its leadership.
func (f *LeaderMove) Heal(_ context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("leader move: %w", err)
	}
	return nil
}

// transferLeadership moves the leadership of every scenario partition to
// target the way an operator does without stopping a broker: target put
// first in every replica list (reorder), then a preferred election. It
// returns the partitions once target leads them all.
func transferLeadership(ctx context.Context, env Env, target int, timeout time.Duration) ([]schema.PartitionState, error) {
	ps, err := reorder(ctx, env, target, timeout)
	if err != nil {
		return nil, err
	}
	if _, err := electPreferred(ctx, env, env.Nodes.IDs(), ps); err != nil {
		return nil, fmt.Errorf("preferred election: %w", err)
	}
	return waitState(ctx, env, env.Nodes.IDs(), timeout, fmt.Sprintf("leadership moved to node %d", target), every(ledBy(target)))
}

// reorder puts node first in every scenario partition's replica list, a
// reassignment that moves no data and no leadership, and waits until the
// metadata shows the new order.
func reorder(ctx context.Context, env Env, node int, timeout time.Duration) ([]schema.PartitionState, error) {
	ps, err := partitions(env)
	if err != nil {
		return nil, err
	}
	for topic, order := range preferFirst(ps, node) {
		if err := env.Admin.Reassign(env.Nodes.IDs(), topic, order); err != nil {
			return nil, fmt.Errorf("reorder the replicas of %s: %w", topic, err)
		}
	}
	first := func(p schema.PartitionState) bool { return len(p.Replicas) > 0 && p.Replicas[0] == int32(node) }
	return waitState(ctx, env, env.Nodes.IDs(), timeout, fmt.Sprintf("node %d first in every replica list", node), every(first))
}

// electPreferred asks the nodes in from for a preferred election of the
// partitions, retried briefly, and returns each partition's outcome.
func electPreferred(ctx context.Context, env Env, from []int, ps []schema.PartitionState) (res map[string]map[int32]error, err error) {
	err = retryBriefly(ctx, func() (err error) {
		res, err = env.Admin.ElectLeaders(from, false, schema.PartitionIDs(ps))
		return err
	})
	return res, err
}

// preferFirst returns, per topic, every partition's replica list in
// partition order with node first and the others in their order.
func preferFirst(ps []schema.PartitionState, node int) map[string][][]int32 {
	return byPartition(ps, func(p schema.PartitionState) []int32 {
		order := []int32{int32(node)}
		for _, r := range p.Replicas {
			if r != int32(node) {
				order = append(order, r)
			}
		}
		return order
	})
}

// byPartition returns, per topic, replicas(p) of each partition in
// partition order: the assignment Admin.Reassign takes.
func byPartition(ps []schema.PartitionState, replicas func(schema.PartitionState) []int32) map[string][][]int32 {
	out := map[string][][]int32{}
	for _, p := range ps {
		parts := out[p.Topic]
		for int32(len(parts)) <= p.Partition {
			parts = append(parts, nil)
		}
		parts[p.Partition] = replicas(p)
		out[p.Topic] = parts
	}
	for t, parts := range out {
		out[t] = slices.Clip(parts)
	}
	return out
}
