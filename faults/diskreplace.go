package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// DiskReplace replaces a node's data disk under load, as after a disk
// failure or with an ephemeral volume on Kubernetes: the node is shut down
// (SIGKILL, or SIGTERM for a clean shutdown), its data log directory is
// emptied and formatted again the way an operator formats a new disk (the
// cluster's id, a new directory id), its metadata log, on a directory of
// its own, is kept, and the node is started again to rebuild its replicas
// from the others. The victim is the leader of every scenario partition,
// or with Follower the lowest follower. With ISRFirst it is out of the ISR
// before its shutdown: a follower's replication links with the leader are
// cut until the leader has shrunk it out (on every topic, as
// cut-replication waits), a leader is cut off from its peers until they
// fence it and elect another (isolate-leader-peers).
//
// It took effect when the victim, back, reports through DescribeLogDirs,
// which Kafka 3.9 and 4.x answer alike, an empty replica of every
// scenario partition it holds, where it held data before its shutdown. A
// replica catches up within moments of its start, so from its start until
// then the victim's fetches are held (its replication links to the others
// cut, its controller and client links up); it stays out of every ISR
// meanwhile, as a replica rebuilding from nothing does.
type DiskReplace struct {
	// Shutdown is the signal that stops the victim.
	Shutdown string `json:"shutdown"`
	Follower bool   `json:"follower"`
	ISRFirst bool   `json:"isr_first"`
	// MoveTimeout bounds the wait for the victim to be out of every ISR,
	// and no longer leading, once it is down (or isolated).
	MoveTimeout time.Duration `json:"move_timeout_ns"`
	// ShrinkTimeout bounds the wait for a follower's way out of the ISR
	// (ISRFirst).
	ShrinkTimeout time.Duration `json:"shrink_timeout_ns"`
	// StartTimeout bounds the wait for the victim, started again, to
	// report a replica of every scenario partition it holds.
	StartTimeout time.Duration `json:"start_timeout_ns"`

	leader, victim int
	// prepared is what Prepare observed taking the victim out of the ISR.
	prepared []string
}

// NewDiskReplace returns the disk-replace fault: the leader's disk, after
// a SIGKILL.
func NewDiskReplace() *DiskReplace {
	return &DiskReplace{Shutdown: schema.SIGKILL, MoveTimeout: 30 * time.Second, ShrinkTimeout: 75 * time.Second, StartTimeout: 2 * time.Minute}
}

// Name implements Fault.
func (f *DiskReplace) Name() string { return "disk-replace" }

// Prepare picks the victim and, with ISRFirst, takes it out of the ISR.
func (f *DiskReplace) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("disk replace: %w", err)
	}
	f.leader, f.victim = leader, leader
	if f.Follower {
		f.victim = followers(env, leader)[0]
	}
	if !f.ISRFirst {
		return nil
	}
	if f.prepared, err = f.dropOut(ctx, env); err != nil {
		return fmt.Errorf("disk replace: out of the ISR first: %w", err)
	}
	return nil
}

// dropOut takes the running victim out of the ISR, as the rest of the
// cluster sees it, and says how.
func (f *DiskReplace) dropOut(ctx context.Context, env Env) ([]string, error) {
	if f.victim == f.leader {
		iso := &Isolate{Peers: true, MoveTimeout: f.MoveTimeout, node: f.victim}
		eff, err := iso.Inject(ctx, env)
		return append([]string{eff.Description}, eff.Observed...), err
	}
	links := schema.NodeLinks([]int{f.leader}, []int{f.victim}, schema.Internal)
	if err := env.Links.Cut(links...); err != nil {
		return nil, err
	}
	out := func(p schema.PartitionState) bool { return !containsNode(p.ISR, f.victim) }
	ps, n, err := waitSeenOnEveryTopic(ctx, env, env.Nodes.IDs(), f.ShrinkTimeout, fmt.Sprintf("node %d out of the ISR on every topic", f.victim), out)
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("replication links %v cut: node %d seen out of the ISR on every topic, on %d of %d partitions; now:", links, f.victim, n, len(ps))
	return append([]string{head}, describe(ps)...), nil
}

// Inject shuts the victim down, waits until the others have taken it out
// of every ISR, replaces its disk, starts it again with its fetches held,
// and checks that it came back with empty replicas.
func (f *DiskReplace) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.victim}, Description: f.description(), Observed: slices.Clone(f.prepared), Metrics: map[string]int64{}}
	ps, total, line, err := f.before(env)
	if err != nil {
		return eff, fmt.Errorf("disk replace: %w", err)
	}
	eff.Metrics["bytes_before"] = total
	eff.Observed = append(eff.Observed, line)
	if total == 0 {
		return eff, fmt.Errorf("disk replace: %w: node %d holds no data of the scenario partitions: an empty disk loses nothing", ErrNoEffect, f.victim)
	}
	obs, err := f.replace(ctx, env)
	eff.Observed = append(eff.Observed, obs...)
	if err != nil {
		return eff, fmt.Errorf("disk replace: %w", err)
	}
	obs, err = f.checkEmpty(ctx, env, ps, eff.Metrics)
	eff.Observed = append(eff.Observed, obs...)
	if err == nil {
		// The fetches held since the start are let go: the victim
		// catches up while the fault holds.
		err = env.Links.Heal()
	}
	if err != nil {
		return eff, fmt.Errorf("disk replace: %w", err)
	}
	return eff, nil
}

// description says what Inject does to whom.
func (f *DiskReplace) description() string {
	role := "leader of every scenario partition"
	if f.victim != f.leader {
		role = fmt.Sprintf("a follower of leader %d", f.leader)
	}
	d := fmt.Sprintf("data disk of node %d (%s) replaced after a %s: log directory emptied and formatted anew, metadata log kept; started again, its fetches held until its empty replicas were seen", f.victim, role, f.Shutdown)
	if f.ISRFirst {
		d += "; out of the ISR before its shutdown"
	}
	return d
}

// before returns the scenario partitions of which the victim holds a
// replica, the bytes it holds of them, and the line recording those.
func (f *DiskReplace) before(env Env) ([]schema.PartitionState, int64, string, error) {
	ps, err := partitions(env)
	ps = slices.DeleteFunc(ps, func(p schema.PartitionState) bool { return !containsNode(p.Replicas, f.victim) })
	var b map[string]map[int32]int64
	if err == nil {
		b, err = env.State.ReplicaBytes(f.victim, env.Topics...)
	}
	total, list, _ := replicaSizes(ps, b)
	return ps, total, fmt.Sprintf("node %d before its %s: %d bytes in its replicas (%s)", f.victim, f.Shutdown, total, list), err
}

// replace shuts the victim down, waits until the other nodes have taken it
// out of every ISR (so leadership moved off it), replaces its disk, and
// starts it again with its replication links to the others cut.
func (f *DiskReplace) replace(ctx context.Context, env Env) ([]string, error) {
	if err := killNode(ctx, env, f.Name(), f.victim, f.Shutdown); err != nil {
		return nil, err
	}
	ps, err := waitState(ctx, env, others(env, f.victim), f.MoveTimeout, fmt.Sprintf("node %d out of every ISR and leading none", f.victim),
		every(func(p schema.PartitionState) bool { return movedOff(f.victim)(p) && !containsNode(p.ISR, f.victim) }))
	if err != nil {
		return nil, err
	}
	obs := append([]string{fmt.Sprintf("after the %s, as the other nodes see it:", f.Shutdown)}, describe(ps)...)
	if err := env.Disks.ReplaceDisk(ctx, f.victim); err != nil {
		return obs, err
	}
	env.logf("fault %s: data disk of node %d replaced", f.Name(), f.victim)
	var fetches []schema.Link
	for _, n := range others(env, f.victim) {
		fetches = append(fetches, schema.Link{From: f.victim, To: n, Kind: schema.Internal})
	}
	// Whatever ISRFirst cut goes: the victim must reach the controller.
	if err := env.Links.Heal(); err != nil {
		return obs, err
	}
	if err := env.Links.Cut(fetches...); err != nil {
		return obs, err
	}
	return obs, env.Nodes.Restart(ctx, f.victim)
}

// checkEmpty waits until the victim, started again, reports a replica of
// every partition in ps, and checks that each is empty.
func (f *DiskReplace) checkEmpty(ctx context.Context, env Env, ps []schema.PartitionState, metrics map[string]int64) ([]string, error) {
	began := time.Now()
	after, err := f.waitReplicas(ctx, env, ps)
	if err != nil {
		return nil, err
	}
	total, list, _ := replicaSizes(ps, after)
	metrics["bytes_after"] = total
	metrics["back_ms"] = time.Since(began).Milliseconds()
	obs := []string{fmt.Sprintf("node %d back after %s with %d bytes in its replicas (%s)", f.victim, time.Since(began).Round(time.Millisecond), total, list)}
	if total > 0 {
		return obs, fmt.Errorf("%w: node %d came back with data in its replicas: its log directory was not emptied", ErrNoEffect, f.victim)
	}
	now, err := env.State.PartitionsFrom(others(env, f.victim), env.Topics...)
	if err != nil {
		return obs, err
	}
	return append(append(obs, "then, as the other nodes see it:"), describe(now)...), nil
}

// waitReplicas polls the victim's log directories until they hold a
// replica of every partition in ps.
func (f *DiskReplace) waitReplicas(ctx context.Context, env Env, ps []schema.PartitionState) (map[string]map[int32]int64, error) {
	deadline := time.Now().Add(f.StartTimeout)
	for {
		b, err := env.State.ReplicaBytes(f.victim, env.Topics...)
		if err == nil {
			if _, _, missing := replicaSizes(ps, b); len(missing) > 0 {
				err = fmt.Errorf("no replica of %s yet", strings.Join(missing, ", "))
			}
		}
		if err == nil {
			return b, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: node %d did not report a replica of every scenario partition within %s of its start (last: %v)", ErrNoEffect, f.victim, f.StartTimeout, err)
		}
		if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

// Heal restores every link and starts the victim again if a failed
// Inject left it stopped.
func (f *DiskReplace) Heal(ctx context.Context, env Env) error {
	err := env.Links.Heal()
	var running bool
	if err == nil && f.victim != 0 {
		running, err = env.Nodes.Running(ctx, f.victim)
		if err == nil && !running {
			err = env.Nodes.Restart(ctx, f.victim)
		}
	}
	if err != nil {
		return fmt.Errorf("disk replace: %w", err)
	}
	return nil
}

// replicaSizes sums a node's replica sizes of the partitions and lists
// them ("a-0 4096, a-1 0"); missing are the partitions it has no replica
// of.
func replicaSizes(ps []schema.PartitionState, bytes map[string]map[int32]int64) (total int64, list string, missing []string) {
	var parts []string
	for _, p := range ps {
		b, ok := bytes[p.Topic][p.Partition]
		if !ok {
			missing = append(missing, partitionKey(p))
			continue
		}
		total += b
		parts = append(parts, fmt.Sprintf("%s %d", partitionKey(p), b))
	}
	return total, strings.Join(parts, ", "), missing
}
