package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// BrokerReplace decommissions the pinned leader's node under load and
// puts a fresh one in its place, the way an operator retires a server
// of a KRaft cluster whose nodes are combined brokers and controllers:
//
//  1. every scenario partition's replicas are reassigned away from it
//     (kafka-reassign-partitions): the node's replica goes to a node
//     holding none where there is one (RF1 and RF2 keep their size),
//     otherwise the replica set shrinks (RF3 on three nodes runs on two
//     until step 5); leadership moves to a remaining in-sync replica;
//  2. the node is shut down (SIGTERM, a controlled shutdown);
//  3. its controller leaves the voter set (kafka-metadata-quorum
//     remove-controller, with its directory id) and its broker is
//     unregistered (kafka-cluster unregister);
//  4. a fresh machine takes its place: same id, address and settings,
//     empty disks formatted with the cluster's id and no initial
//     controllers, so it joins as an observer with a new directory id;
//     once its broker is registered its controller is added to the
//     voter set (kafka-metadata-quorum add-controller);
//  5. the original replica lists are reassigned back, which copies every
//     log onto the fresh node, and a preferred election gives it back
//     the leadership of the partitions it led.
//
// ThrottleKBps throttles both copies as Reassign does. Each step took
// effect when the cluster's own state says so: no replica left on the
// node, the voter set without it, its registration gone, the fresh node
// registered with no replica and a new directory id, the voter set with
// it again, the original replicas back with full ISRs and the fresh node
// leading. The whole operation happens inside Inject, which records each
// step's progress with its time. The cluster needs a dynamic quorum
// (KIP-853): a fresh controller cannot safely rejoin static voters.
type BrokerReplace struct {
	// ThrottleKBps is the replication throttle of both reassignments in
	// KiB/s, per node and direction; 0 leaves them unthrottled.
	ThrottleKBps int `json:"throttle_kbps"`
	// StepTimeout bounds each step: a reassignment's completion, the
	// shutdown, the quorum changes, the fresh node's registration.
	StepTimeout time.Duration `json:"step_timeout_ns"`

	// victim is the node replaced, dir its controller's directory id
	// before.
	victim int
	dir    string
	// away and back are the two reassignments, each with its throttle,
	// planned from the scenario partitions as Prepare found them.
	away, back *Reassign
}

// NewBrokerReplace returns the unthrottled replacement.
func NewBrokerReplace() *BrokerReplace { return &BrokerReplace{StepTimeout: 90 * time.Second} }

// Name implements Fault.
func (f *BrokerReplace) Name() string { return "broker-replace" }

// Prepare pins the leader, the node to replace, checks that its
// controller is a voter of the quorum and plans both reassignments.
func (f *BrokerReplace) Prepare(ctx context.Context, env Env) error {
	victim, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	ps, err := partitions(env)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	members, err := env.Maint.Quorum(ctx, others(env, victim)[0])
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	i := slices.IndexFunc(members, func(m schema.QuorumMember) bool { return m.Node == victim && m.Voter() })
	if i < 0 {
		return fmt.Errorf("%s: node %d is no voter of the quorum: %v", f.Name(), victim, members)
	}
	f.victim, f.dir = victim, members[i].DirectoryID
	nodes := env.Nodes.IDs()
	away := byPartition(ps, func(p schema.PartitionState) []int32 {
		target := slices.DeleteFunc(slices.Clone(p.Replicas), func(r int32) bool { return r == int32(victim) })
		for _, n := range nodes {
			if n != victim && !slices.Contains(p.Replicas, int32(n)) {
				return append(target, int32(n))
			}
		}
		return target
	})
	f.away = &Reassign{Mode: "away", ThrottleKBps: f.ThrottleKBps, StepTimeout: f.StepTimeout, before: ps, steps: []map[string][][]int32{away}, nodes: nodes}
	f.back = &Reassign{Mode: "back", ThrottleKBps: f.ThrottleKBps, StepTimeout: f.StepTimeout, steps: []map[string][][]int32{byPartition(ps, func(p schema.PartitionState) []int32 { return p.Replicas })}, nodes: nodes}
	return nil
}

// Inject runs the five steps in turn.
func (f *BrokerReplace) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.victim}, Description: f.describe(), Metrics: map[string]int64{}}
	began := time.Now()
	note := func(format string, args ...any) {
		obs := fmt.Sprintf("+%.1fs %s", time.Since(began).Seconds(), fmt.Sprintf(format, args...))
		eff.Observed = append(eff.Observed, obs)
		env.logf("fault %s: %s", f.Name(), obs)
	}
	steps := []struct {
		metric string
		run    func() error
	}{
		{"decommission_ms", func() error { return f.reassign(ctx, env, f.away, 1, began, &eff) }},
		{"remove_ms", func() error { return f.remove(ctx, env, note) }},
		{"join_ms", func() error { return f.join(ctx, env, note) }},
		{"rebuild_ms", func() error { return f.reassign(ctx, env, f.back, 2, began, &eff) }},
	}
	for _, step := range steps {
		start := time.Now()
		err := step.run()
		eff.Metrics[step.metric] = time.Since(start).Milliseconds()
		if err != nil {
			return eff, fmt.Errorf("%s: %w", f.Name(), err)
		}
	}
	if err := f.lead(ctx, env, note, eff.Metrics); err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return eff, nil
}

// describe says what the replacement does.
func (f *BrokerReplace) describe() string {
	return fmt.Sprintf("node %d (the pinned leader) decommissioned and replaced: replicas reassigned away (%s), SIGTERM, controller removed from the voters and broker unregistered; a fresh node with empty disks in its place, added to the voters; original replicas reassigned back, as throttled, and leadership returned by a preferred election",
		f.victim, f.away.describe())
}

// reassign runs one of the two reassignments under its throttle, which
// it removes once the copy is done.
func (f *BrokerReplace) reassign(ctx context.Context, env Env, r *Reassign, n int, began time.Time, eff *schema.FaultEffect) error {
	// The throttle names the replicas the partitions have now.
	var err error
	if r.before, err = partitions(env); err != nil {
		return err
	}
	if err := r.throttle(env, eff.Metrics); err != nil {
		return err
	}
	if _, err := r.step(ctx, env, n, r.steps[0], began, eff); err != nil {
		return err
	}
	return r.unthrottle(env)
}

// remove shuts the node down, takes its controller out of the voter set
// and unregisters its broker, checking each in the cluster's state.
func (f *BrokerReplace) remove(ctx context.Context, env Env, note func(string, ...any)) error {
	if err := env.Nodes.Kill(ctx, f.victim, schema.SIGTERM, f.StepTimeout); err != nil {
		return err
	}
	note("node %d shut down (SIGTERM)", f.victim)
	from := others(env, f.victim)[0]
	if err := env.Maint.RemoveController(ctx, from, f.victim, f.dir); err != nil {
		return err
	}
	if _, err := f.waitQuorum(ctx, env, from, "the voters without node", func(m []schema.QuorumMember) bool { return !isVoter(m, f.victim, "") }); err != nil {
		return err
	}
	note("controller %d (directory %s) no longer a voter", f.victim, f.dir)
	// The broker is fenced once its controlled shutdown ends; until then
	// Kafka refuses to unregister it.
	if err := f.poll(ctx, fmt.Sprintf("broker %d unregistered", f.victim), func() bool {
		return env.Maint.UnregisterBroker(ctx, from, f.victim) == nil
	}); err != nil {
		return err
	}
	note("broker %d unregistered", f.victim)
	return nil
}

// join puts a fresh node in place, waits for its broker to register with
// no replica and its controller to observe with a new directory id, then
// makes it a voter.
func (f *BrokerReplace) join(ctx context.Context, env Env, note func(string, ...any)) error {
	if err := env.Maint.ReplaceNode(ctx, f.victim); err != nil {
		return err
	}
	if err := env.Nodes.Restart(ctx, f.victim); err != nil {
		return err
	}
	if err := f.poll(ctx, fmt.Sprintf("broker %d registered again", f.victim), func() bool {
		brokers, err := env.State.BrokersFrom(others(env, f.victim), env.Topics...)
		return err == nil && slices.Contains(brokers, int32(f.victim))
	}); err != nil {
		return err
	}
	bytes, err := env.State.ReplicaBytes(f.victim, env.Topics...)
	if err != nil {
		return err
	}
	if len(bytes) > 0 {
		return fmt.Errorf("%w: the fresh node %d holds replicas of %v before any is assigned to it", ErrNoEffect, f.victim, bytes)
	}
	// The old directory may still be listed as an observer a while: the
	// leader lists the replicas that fetched lately.
	isFresh := func(q schema.QuorumMember) bool { return q.Node == f.victim && q.DirectoryID != f.dir }
	members, err := f.waitQuorum(ctx, env, f.victim, "node observing with a new directory id", func(m []schema.QuorumMember) bool {
		return slices.ContainsFunc(m, isFresh)
	})
	if err != nil {
		return err
	}
	fresh := members[slices.IndexFunc(members, isFresh)].DirectoryID
	note("fresh node %d registered, holding no replica of the scenario topics; its controller observes with directory %s (was %s)", f.victim, fresh, f.dir)
	if err := env.Maint.AddController(ctx, f.victim); err != nil {
		return err
	}
	members, err = f.waitQuorum(ctx, env, f.victim, "the voters with the fresh node", func(m []schema.QuorumMember) bool { return isVoter(m, f.victim, fresh) })
	if err != nil {
		return err
	}
	note("controller %d a voter again; quorum %v", f.victim, members)
	return nil
}

// lead returns leadership of the partitions the node led to it with a
// preferred election, and records how much the fresh node copied.
func (f *BrokerReplace) lead(ctx context.Context, env Env, note func(string, ...any), metrics map[string]int64) error {
	if _, err := env.Admin.ElectLeaders(env.Nodes.IDs(), false, schema.PartitionIDs(f.back.before)); err != nil {
		return fmt.Errorf("preferred election: %w", err)
	}
	led := func(p schema.PartitionState) bool {
		return p.Replicas[0] != int32(f.victim) || p.Leader == int32(f.victim)
	}
	after, err := waitState(ctx, env, env.Nodes.IDs(), f.StepTimeout, fmt.Sprintf("node %d leading its preferred partitions again", f.victim), every(led))
	if err != nil {
		return err
	}
	bytes, err := env.State.ReplicaBytes(f.victim, env.Topics...)
	if err != nil {
		return err
	}
	total, list, missing := replicaSizes(after, bytes)
	if len(missing) > 0 {
		return fmt.Errorf("%w: the fresh node %d holds no replica of %v", ErrNoEffect, f.victim, missing)
	}
	metrics["rebuilt_bytes"] = total
	note("node %d leads its partitions again, replicas rebuilt: %s", f.victim, list)
	for _, p := range after {
		note("%s: replicas %v, leader %d (epoch %d), isr %v", partitionKey(p), p.Replicas, p.Leader, p.LeaderEpoch, p.ISR)
	}
	return nil
}

// isVoter reports whether node n is a voter, with directory dir unless
// dir is "".
func isVoter(members []schema.QuorumMember, n int, dir string) bool {
	return slices.ContainsFunc(members, func(m schema.QuorumMember) bool {
		return m.Node == n && m.Voter() && (dir == "" || m.DirectoryID == dir)
	})
}

// waitQuorum polls the quorum as node from reports it until cond holds.
func (f *BrokerReplace) waitQuorum(ctx context.Context, env Env, from int, what string, cond func([]schema.QuorumMember) bool) ([]schema.QuorumMember, error) {
	var members []schema.QuorumMember
	err := f.poll(ctx, fmt.Sprintf("%s %d", what, f.victim), func() bool {
		m, err := env.Maint.Quorum(ctx, from)
		if err == nil {
			members = m
		}
		return err == nil && cond(m)
	})
	if err != nil {
		return nil, fmt.Errorf("%w; last quorum %v", err, members)
	}
	return members, nil
}

// poll calls cond every half second until it holds, for StepTimeout.
func (f *BrokerReplace) poll(ctx context.Context, what string, cond func() bool) error {
	deadline := time.Now().Add(f.StepTimeout)
	for {
		if cond() {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: %s not seen within %s", ErrNoEffect, what, f.StepTimeout)
		}
		if err := sleepCtx(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
}

// Heal removes any throttle, starts the node if a failed step left it
// stopped, and waits until no reassignment is pending.
func (f *BrokerReplace) Heal(ctx context.Context, env Env) error {
	var errs []error
	for _, r := range []*Reassign{f.away, f.back} {
		if r != nil {
			errs = append(errs, r.unthrottle(env))
		}
	}
	errs = append(errs, startStopped(ctx, env))
	if f.back != nil {
		errs = append(errs, f.back.Heal(ctx, env))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}
