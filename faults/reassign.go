package faults

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Reassignment modes: how Reassign moves the replicas.
const (
	// ReassignAddRemove adds the node holding no replica to every
	// replica set, waits until it is in the ISR, then removes one of the
	// original replicas.
	ReassignAddRemove = "add-remove"
	// ReassignFullMove replaces, in one request, every replica by a node
	// holding none, the leader's first, as far as the cluster has such
	// nodes: an RF1 partition moves entirely, an RF2 one on three nodes
	// loses the leader's replica to the free node, which then leads.
	ReassignFullMove = "full-move"
)

// Kafka's replication throttle: a rate per broker and direction, and per
// topic the replicas it applies to ("partition:broker" lists).
const (
	leaderThrottleRate     = "leader.replication.throttled.rate"
	followerThrottleRate   = "follower.replication.throttled.rate"
	leaderThrottledTopic   = "leader.replication.throttled.replicas"
	followerThrottledTopic = "follower.replication.throttled.replicas"
)

// Reassign moves the replicas of every scenario partition to other nodes
// while the producers run, as an operator rebalances a cluster or
// decommissions a broker (kafka-reassign-partitions, Cruise Control); Mode
// says how. Kafka copies each new replica from the leader and drops the
// old ones once every new one is in the ISR, electing a new leader when
// the leader's replica goes.
//
// With ThrottleKBps set the copy runs under Kafka's own replication
// throttle, set as kafka-reassign-partitions --throttle sets it: both
// rates on every node involved, and per topic the existing replicas
// throttled on the leader's side, the new ones on the follower's; heal
// removes all of it. Kafka throttles only replicas out of the ISR, so the
// producers' own replication keeps its pace, and a rate below what they
// write never lets a new replica catch up.
//
// The whole reassignment happens inside Inject, which records every change
// of its progress it polls (the replicas being added and removed, the
// replica set and ISR sizes) with its time. It took effect when no
// reassignment is pending and every partition has its target replicas, a
// leader and a full ISR.
type Reassign struct {
	Mode string `json:"mode"`
	// MoveLeader: in add-remove the original replica removed is the
	// leader's, so leadership moves; otherwise it is the follower's.
	MoveLeader bool `json:"move_leader"`
	// ThrottleKBps is the replication throttle in KiB/s, per node and
	// direction; 0 leaves the copy unthrottled.
	ThrottleKBps int `json:"throttle_kbps"`
	// StepTimeout bounds each step's wait for its reassignment to
	// complete, and heal's for one left pending.
	StepTimeout time.Duration `json:"step_timeout_ns"`

	// before is the scenario partitions as Prepare found them, steps the
	// targets in order (per topic, each partition's replica list), nodes
	// every node holding a replica before or after.
	before []schema.PartitionState
	steps  []map[string][][]int32
	nodes  []int
	// The throttle settings Heal removes.
	throttledNodes  []int
	throttledTopics []string
}

// NewReassign returns the unthrottled reassignment in the given mode.
func NewReassign(mode string) *Reassign {
	return &Reassign{Mode: mode, StepTimeout: 90 * time.Second}
}

// Name implements Fault.
func (f *Reassign) Name() string { return "reassign-" + f.Mode }

// CheckReplicationFactor implements ReplicationChecker: on the harness's
// three nodes, add-remove needs a free node and a follower to keep,
// full-move a free node.
func (f *Reassign) CheckReplicationFactor(rf int) error {
	switch {
	case f.Mode != ReassignAddRemove && f.Mode != ReassignFullMove:
		return fmt.Errorf("unknown reassignment mode %q: use %s or %s", f.Mode, ReassignAddRemove, ReassignFullMove)
	case f.Mode == ReassignAddRemove && rf != 2:
		return fmt.Errorf("%s adds the third node to every replica set and removes one of the two original replicas: replication factor %d, use 2", f.Name(), rf)
	case rf > 2:
		return fmt.Errorf("%s moves replicas to nodes holding none, and replication factor %d leaves none of the three: use 1 or 2", f.Name(), rf)
	}
	return nil
}

// Prepare pins the leader and plans every step from the partitions'
// replicas.
func (f *Reassign) Prepare(ctx context.Context, env Env) error {
	if _, err := pinLeader(ctx, env); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	ps, err := checkedPartitions(env, f)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	f.before, f.steps = ps, f.plan(env, ps)
	involved := map[int]bool{}
	for _, p := range ps {
		for _, set := range append(f.targets(p), p.Replicas) {
			for _, r := range set {
				involved[int(r)] = true
			}
		}
	}
	f.nodes = slices.Sorted(maps.Keys(involved))
	return nil
}

// plan returns each step's targets.
func (f *Reassign) plan(env Env, ps []schema.PartitionState) []map[string][][]int32 {
	free := func(p schema.PartitionState) []int32 {
		var out []int32
		for _, n := range env.Nodes.IDs() {
			if !slices.Contains(p.Replicas, int32(n)) {
				out = append(out, int32(n))
			}
		}
		return out
	}
	if f.Mode == ReassignFullMove {
		return []map[string][][]int32{byPartition(ps, func(p schema.PartitionState) []int32 {
			target := slices.Clone(p.Replicas)
			copy(target, free(p))
			return target
		})}
	}
	added := func(p schema.PartitionState) []int32 { return append(slices.Clone(p.Replicas), free(p)[0]) }
	removed := func(p schema.PartitionState) []int32 {
		gone := p.Leader
		if !f.MoveLeader {
			gone = p.Replicas[slices.IndexFunc(p.Replicas, func(r int32) bool { return r != p.Leader })]
		}
		return slices.DeleteFunc(added(p), func(r int32) bool { return r == gone })
	}
	return []map[string][][]int32{byPartition(ps, added), byPartition(ps, removed)}
}

// targets returns a partition's target replicas, step by step.
func (f *Reassign) targets(p schema.PartitionState) [][]int32 {
	var out [][]int32
	for _, step := range f.steps {
		out = append(out, step[p.Topic][p.Partition])
	}
	return out
}

// Inject throttles the copy if asked, then runs the steps in turn, each
// waiting until its reassignment completed.
func (f *Reassign) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: f.nodes, Description: f.describe(), Metrics: map[string]int64{}}
	if err := f.throttle(env, eff.Metrics); err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	began := time.Now()
	var ps []schema.PartitionState
	for i, targets := range f.steps {
		start := time.Now()
		var err error
		if ps, err = f.step(ctx, env, i+1, targets, began, &eff); err != nil {
			return eff, fmt.Errorf("%s: %w", f.Name(), err)
		}
		eff.Metrics[fmt.Sprintf("step%d_ms", i+1)] = time.Since(start).Milliseconds()
	}
	for _, p := range ps {
		eff.Observed = append(eff.Observed, fmt.Sprintf("%s: replicas %v, leader %d (epoch %d), isr %v", partitionKey(p), p.Replicas, p.Leader, p.LeaderEpoch, p.ISR))
	}
	return eff, nil
}

// describe says what the reassignment does: each distinct replica list
// and its targets, and the throttle.
func (f *Reassign) describe() string {
	var chains []string
	for _, p := range f.before {
		chain := fmt.Sprint(p.Replicas)
		for _, t := range f.targets(p) {
			chain += fmt.Sprintf(" -> %v", t)
		}
		if !slices.Contains(chains, chain) {
			chains = append(chains, chain)
		}
	}
	what := "in one request"
	if f.Mode == ReassignAddRemove {
		what = "the follower's replica removed"
		if f.MoveLeader {
			what = "the leader's replica removed"
		}
	}
	throttle := "unthrottled"
	if f.ThrottleKBps > 0 {
		throttle = fmt.Sprintf("replication throttled to %d KiB/s on nodes %v", f.ThrottleKBps, f.nodes)
	}
	return fmt.Sprintf("%s reassignment of every scenario partition, %s: replicas %s; %s", f.Mode, what, strings.Join(chains, ", "), throttle)
}

// step asks for one step's reassignment of every topic and waits until it
// completed, recording each change of its progress.
func (f *Reassign) step(ctx context.Context, env Env, n int, targets map[string][][]int32, began time.Time, eff *schema.FaultEffect) ([]schema.PartitionState, error) {
	for _, topic := range slices.Sorted(maps.Keys(targets)) {
		if err := env.Admin.Reassign(env.Nodes.IDs(), topic, targets[topic]); err != nil {
			return nil, fmt.Errorf("step %d: reassign %s: %w", n, topic, err)
		}
	}
	last := ""
	done := func(ps []schema.PartitionState) bool {
		rs, err := env.Admin.Reassignments(env.Nodes.IDs(), schema.PartitionIDs(ps))
		if line := progress(ps, rs, err); line != last {
			last = line
			obs := fmt.Sprintf("+%.1fs step %d: %s", time.Since(began).Seconds(), n, line)
			eff.Observed = append(eff.Observed, obs)
			env.logf("fault %s: %s", f.Name(), obs)
		}
		return err == nil && len(rs) == 0 && every(onTarget(targets))(ps)
	}
	return waitState(ctx, env, env.Nodes.IDs(), f.StepTimeout, fmt.Sprintf("step %d of the reassignment completed (none pending, every partition on its target replicas with a leader and a full ISR)", n), done)
}

// onTarget holds when a partition has its target replicas, a leader and
// a full ISR.
func onTarget(targets map[string][][]int32) func(schema.PartitionState) bool {
	return func(p schema.PartitionState) bool {
		t := targets[p.Topic]
		return int(p.Partition) < len(t) && slices.Equal(p.Replicas, t[p.Partition]) && p.Healthy()
	}
}

// progress sums up one poll of a reassignment: the partitions still
// reassigning, the replicas being added and removed, the leaders, and the
// sizes of the replica sets and ISRs.
func progress(ps []schema.PartitionState, rs []schema.Reassignment, err error) string {
	var adding, removing, leaders []int32
	for _, r := range rs {
		adding, removing = union(adding, r.Adding...), union(removing, r.Removing...)
	}
	var replicas, isr []int
	for _, p := range ps {
		leaders = union(leaders, p.Leader)
		replicas, isr = append(replicas, len(p.Replicas)), append(isr, len(p.ISR))
	}
	line := fmt.Sprintf("%d of %d partitions reassigning, adding %v, removing %v; leaders %v, replicas %s, ISR %s",
		len(rs), len(ps), adding, removing, leaders, span(replicas), span(isr))
	if err != nil {
		line += fmt.Sprintf("; listing the reassignments failed: %v", err)
	}
	return line
}

// union adds the nodes missing from set, keeping it sorted.
func union(set []int32, nodes ...int32) []int32 {
	for _, n := range nodes {
		if !slices.Contains(set, n) {
			set = append(set, n)
		}
	}
	slices.Sort(set)
	return set
}

// span renders sizes as their range: "2", or "2-3".
func span(sizes []int) string {
	if len(sizes) == 0 {
		return "none"
	}
	lo, hi := slices.Min(sizes), slices.Max(sizes)
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// throttle applies Kafka's replication throttle to the copy of the first
// step (the one that adds replicas): ThrottleKBps on both rates of every
// node involved, and per topic the existing replicas leader-throttled and
// the added ones follower-throttled. What it sets is recorded before it
// is set, for Heal to remove.
func (f *Reassign) throttle(env Env, metrics map[string]int64) error {
	if f.ThrottleKBps == 0 {
		return nil
	}
	rate := int64(f.ThrottleKBps) * 1024
	leader, follower := throttledReplicas(f.before, f.steps[0])
	f.throttledNodes, f.throttledTopics = f.nodes, slices.Sorted(maps.Keys(leader))
	for _, n := range f.throttledNodes {
		for _, name := range []string{leaderThrottleRate, followerThrottleRate} {
			if err := env.Admin.SetBrokerConfig(env.Nodes.IDs(), n, name, strconv.FormatInt(rate, 10)); err != nil {
				return fmt.Errorf("throttle node %d: %w", n, err)
			}
		}
	}
	for _, t := range f.throttledTopics {
		for name, replicas := range map[string]string{leaderThrottledTopic: leader[t], followerThrottledTopic: follower[t]} {
			if err := env.Admin.SetTopicConfig(env.Nodes.IDs(), t, name, replicas); err != nil {
				return fmt.Errorf("throttle %s: %w", t, err)
			}
		}
	}
	metrics["throttle_bytes_per_s"] = rate
	env.logf("fault %s: replication throttled to %d B/s on nodes %v", f.Name(), rate, f.throttledNodes)
	return nil
}

// throttledReplicas returns, per topic, the throttled replica lists of a
// move to targets: every existing replica on the leader's side, every
// added one on the follower's.
func throttledReplicas(ps []schema.PartitionState, targets map[string][][]int32) (leader, follower map[string]string) {
	lead, follow := map[string][]string{}, map[string][]string{}
	for _, p := range ps {
		for _, r := range targets[p.Topic][p.Partition] {
			if !slices.Contains(p.Replicas, r) {
				follow[p.Topic] = append(follow[p.Topic], fmt.Sprintf("%d:%d", p.Partition, r))
			}
		}
		for _, r := range p.Replicas {
			lead[p.Topic] = append(lead[p.Topic], fmt.Sprintf("%d:%d", p.Partition, r))
		}
	}
	leader, follower = map[string]string{}, map[string]string{}
	for t := range lead {
		leader[t], follower[t] = strings.Join(lead[t], ","), strings.Join(follow[t], ",")
	}
	return leader, follower
}

// Heal removes the throttle, then waits until no reassignment is pending:
// one cut short by a failed step completes once unthrottled.
func (f *Reassign) Heal(ctx context.Context, env Env) error {
	if err := f.unthrottle(env); err != nil {
		return fmt.Errorf("%s: remove the throttle: %w", f.Name(), err)
	}
	if len(f.steps) == 0 {
		return nil // never planned: nothing was reassigned
	}
	none := func(ps []schema.PartitionState) bool {
		rs, err := env.Admin.Reassignments(env.Nodes.IDs(), schema.PartitionIDs(ps))
		return err == nil && len(rs) == 0
	}
	if _, err := waitState(ctx, env, env.Nodes.IDs(), f.StepTimeout, "no reassignment pending", none); err != nil {
		// Not ErrNoEffect: the fault's effect was judged in Inject.
		return fmt.Errorf("%s: %v", f.Name(), err)
	}
	return nil
}

// unthrottle removes every throttle setting throttle recorded.
func (f *Reassign) unthrottle(env Env) error {
	var errs []error
	for _, n := range f.throttledNodes {
		for _, name := range []string{leaderThrottleRate, followerThrottleRate} {
			errs = append(errs, env.Admin.DeleteBrokerConfig(env.Nodes.IDs(), n, name))
		}
	}
	for _, t := range f.throttledTopics {
		for _, name := range []string{leaderThrottledTopic, followerThrottledTopic} {
			errs = append(errs, env.Admin.DeleteTopicConfig(env.Nodes.IDs(), t, name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	f.throttledNodes, f.throttledTopics = nil, nil
	return nil
}
