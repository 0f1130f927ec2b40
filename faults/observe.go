package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// others returns every node except the excluded ones: the side of the
// cluster whose view of the metadata a fault trusts.
func others(env Env, exclude ...int) []int {
	var ns []int
	for _, n := range env.Nodes.IDs() {
		if !slices.Contains(exclude, n) {
			ns = append(ns, n)
		}
	}
	return ns
}

// partitions returns the scenario partitions as the first node to answer
// sees them.
func partitions(env Env) ([]schema.PartitionState, error) {
	return env.State.PartitionsFrom(env.Nodes.IDs(), env.Topics...)
}

// describe renders partition states for an Effect.
func describe(ps []schema.PartitionState) []string {
	obs := make([]string, 0, len(ps))
	for _, p := range ps {
		obs = append(obs, fmt.Sprintf("%s-%d: leader %d (epoch %d), isr %v", p.Topic, p.Partition, p.Leader, p.LeaderEpoch, p.ISR))
	}
	return obs
}

// waitState polls the scenario partitions as the nodes in from see them
// until cond holds for the whole set, and returns that state. On timeout
// the error wraps ErrNoEffect and names what was awaited and the last state.
func waitState(ctx context.Context, env Env, from []int, timeout time.Duration, what string, cond func([]schema.PartitionState) bool) ([]schema.PartitionState, error) {
	deadline := time.Now().Add(timeout)
	var last []schema.PartitionState
	var lastErr error
	for {
		ps, err := env.State.PartitionsFrom(from, env.Topics...)
		if err == nil && len(ps) > 0 {
			last = ps
			if cond(ps) {
				return ps, nil
			}
		} else {
			lastErr = err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: %s not seen within %s (view of nodes %v; last state %v, last error %v)", ErrNoEffect, what, timeout, from, describe(last), lastErr)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// every is a waitState condition that holds when f holds for every
// partition.
func every(f func(schema.PartitionState) bool) func([]schema.PartitionState) bool {
	return func(ps []schema.PartitionState) bool {
		for _, p := range ps {
			if !f(p) {
				return false
			}
		}
		return true
	}
}

// ledBy reports whether a partition is led by node n.
func ledBy(n int) func(schema.PartitionState) bool {
	return func(p schema.PartitionState) bool { return p.Leader == int32(n) }
}

// ledByPreferred reports whether a partition is led by its preferred
// replica, the first of its replica list.
func ledByPreferred(p schema.PartitionState) bool {
	return len(p.Replicas) > 0 && p.Leader == p.Replicas[0]
}

// hasLeader holds when a partition has a leader.
func hasLeader(p schema.PartitionState) bool { return p.Leader >= 0 }

// countPartitions counts the partitions for which cond holds.
func countPartitions(ps []schema.PartitionState, cond func(schema.PartitionState) bool) int {
	n := 0
	for _, p := range ps {
		if cond(p) {
			n++
		}
	}
	return n
}

// movedOff holds when a partition has a leader other than n.
func movedOff(n int) func(schema.PartitionState) bool {
	return func(p schema.PartitionState) bool { return p.Leader >= 0 && p.Leader != int32(n) }
}

// isrIsOnly holds when n leads the partition with an ISR of n alone.
func isrIsOnly(n int) func(schema.PartitionState) bool {
	return func(p schema.PartitionState) bool {
		return p.Leader == int32(n) && len(p.ISR) == 1 && p.ISR[0] == int32(n)
	}
}

// shrunkOnEveryTopic holds when every topic has at least one shrunk
// partition (led by the leader with an ISR of the leader alone), and counts
// the shrunk partitions. Kafka drops a
// follower from the ISR only once it lags behind a write: a partition that
// takes none after the replication links break keeps its ISR however long
// they stay broken. A profile with one request in flight (synchronous, or
// idempotent with max.in.flight 1) writes to one partition and then waits
// out its ack timeout there, so its other partitions shrink later, one ack
// timeout at a time. One shrunk partition per topic is the
// evidence that every profile's writes met the leader alone.
func shrunkOnEveryTopic(ps []schema.PartitionState, shrunk func(schema.PartitionState) bool) (ok bool, n int) {
	topics := map[string]bool{}
	for _, p := range ps {
		s := shrunk(p)
		topics[p.Topic] = topics[p.Topic] || s
		if s {
			n++
		}
	}
	for _, t := range topics {
		if !t {
			return false, n
		}
	}
	return true, n
}

// waitSeenOnEveryTopic waits until every topic has been seen, as the nodes
// in from see it, with a partition for which shrunk holds: seen, not held,
// since an ISR that shrank can grow back before the next poll (a partition
// that stops taking writes lets its followers catch up). It returns the
// last state and how many partitions were seen shrunk.
func waitSeenOnEveryTopic(ctx context.Context, env Env, from []int, timeout time.Duration, what string, shrunk func(schema.PartitionState) bool) ([]schema.PartitionState, int, error) {
	seen := map[string]bool{}
	var n int
	onEveryTopic := func(ps []schema.PartitionState) (ok bool) {
		for _, p := range ps {
			seen[partitionKey(p)] = seen[partitionKey(p)] || shrunk(p)
		}
		ok, n = shrunkOnEveryTopic(ps, func(p schema.PartitionState) bool { return seen[partitionKey(p)] })
		return ok
	}
	ps, err := waitState(ctx, env, from, timeout, what, onEveryTopic)
	return ps, n, err
}

// partitionKey names a partition as topic-partition.
func partitionKey(p schema.PartitionState) string { return fmt.Sprintf("%s-%d", p.Topic, p.Partition) }

// followers returns the nodes other than leader.
func followers(env Env, leader int) []int { return others(env, leader) }

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// pinLeader returns the single leader of the scenario partitions, first
// moving leadership back to the preferred replica wherever it drifted. On
// a loaded machine a broker can miss its short session timeout before any
// fault is injected, be fenced for a moment and lose some leaderships; the
// fault must still start from the one pinned leader every profile shares.
func pinLeader(ctx context.Context, env Env) (int, error) {
	ps, err := partitions(env)
	if err != nil {
		return 0, err
	}
	var drift []schema.PartitionState
	for _, p := range ps {
		if len(p.Replicas) > 0 && !ledByPreferred(p) {
			drift = append(drift, p)
		}
	}
	if len(drift) > 0 {
		env.logf("leadership drifted before the fault (%v): electing the preferred leaders again", schema.PartitionIDs(drift))
		if _, err := electPreferred(ctx, env, env.Nodes.IDs(), drift); err != nil {
			return 0, fmt.Errorf("restore preferred leaders: %w", err)
		}
		if _, err := waitState(ctx, env, env.Nodes.IDs(), 30*time.Second, "preferred leaders restored", every(ledByPreferred)); err != nil {
			// Not ErrNoEffect: no fault has run yet.
			return 0, fmt.Errorf("restore preferred leaders: %v", err)
		}
	}
	return scenarioLeader(env)
}

// retryBriefly runs a call to the cluster up to five times a second apart.
// Right after a kill or an election the first answer is often transient:
// an admin request goes to the dead broker and fails with EOF before the
// client moves on, or a new leader refuses offsets until its high
// watermark has caught up.
func retryBriefly(ctx context.Context, call func() error) error {
	var err error
	for i := 0; i < 5; i++ {
		if err = call(); err == nil {
			return nil
		}
		if serr := sleepCtx(ctx, time.Second); serr != nil {
			return errors.Join(err, serr)
		}
	}
	return err
}

// oneCoordinator returns the one node that lookup names as the coordinator
// of all the names (consumer groups or transactional ids, as kind says).
// A coordinator fault acts on the coordinator apart from the partition
// leader, so names that do not share one coordinator, or share it with
// leader, are refused.
func oneCoordinator(kind string, names []string, leader int, lookup func(string) (int, error)) (int, error) {
	coord := -1
	for _, name := range names {
		n, err := lookup(name)
		switch {
		case err != nil:
			return 0, fmt.Errorf("coordinator of %s %s: %w", kind, name, err)
		case coord >= 0 && n != coord:
			return 0, fmt.Errorf("%s %s is coordinated by node %d, %s %s by node %d: the fault needs one coordinator for every %s", kind, name, n, kind, names[0], coord, kind)
		}
		coord = n
	}
	if coord == leader {
		return 0, fmt.Errorf("node %d coordinates every %s and also leads the scenario partitions: the fault needs them on different nodes", coord, kind)
	}
	return coord, nil
}
