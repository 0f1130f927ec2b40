package faults

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
// or with Follower the lowest follower. ISR says where it stands in the
// ISR at its shutdown: ISRIn, ISROut or ISRAlone.
//
// It took effect when the victim, back, reports through DescribeLogDirs,
// which Kafka 3.9 and 4.x answer alike, an empty replica of every
// scenario partition it holds, where it held data before its shutdown. A
// replica catches up within moments of its start, so from its start until
// then the victim's fetches are held (its replication links to the others
// cut, its controller and client links up); it stays out of every ISR
// meanwhile, as a replica rebuilding from nothing does. With ISRAlone the
// victim, the ISR's last member, may be elected leader on its return,
// empty (its fetches are held, not its leadership, and it takes writes at
// once): it took effect when each of its replicas holds less than before
// its shutdown.
type DiskReplace struct {
	// Shutdown is the signal that stops the victim.
	Shutdown string `json:"shutdown"`
	Follower bool   `json:"follower"`
	// ISR is where the victim stands in the ISR at its shutdown.
	ISR string `json:"isr"`
	// MoveTimeout bounds the wait for the victim to be out of every ISR,
	// and no longer leading, once it is down (or isolated).
	MoveTimeout time.Duration `json:"move_timeout_ns"`
	// ShrinkTimeout bounds the wait for the ISRs to shrink before the
	// shutdown (ISROut, ISRAlone).
	ShrinkTimeout time.Duration `json:"shrink_timeout_ns"`
	// StartTimeout bounds the wait for the victim, started again, to
	// report a replica of every scenario partition it holds.
	StartTimeout time.Duration `json:"start_timeout_ns"`
	// ElectTimeout bounds the wait for a leader of every partition once
	// the victim is back, or once elected before its return (ISRAlone).
	ElectTimeout time.Duration `json:"elect_timeout_ns"`
	// Unclean is when the operator forces an unclean election of the
	// partitions left without a leader (ISRAlone).
	Unclean string `json:"unclean"`

	// leaderless are the partitions the victim's shutdown left without a
	// leader (ISRAlone), by partitionKey.
	leaderless map[string]bool

	leader, victim int
	// prepared is what Prepare observed taking the victim out of the ISR,
	// or leaving it alone in it.
	prepared []string
	// alone shrank the ISRs to the victim (ISRAlone).
	alone *ISRLeaderLoss
}

// Where the victim of a disk replacement stands in the ISR when it is
// shut down (DiskReplace.ISR).
const (
	// ISRIn: in every ISR, beside the other replicas.
	ISRIn = "in"
	// ISROut: out of it first. A follower's replication links with the
	// leader are cut until the leader has shrunk it out (on every topic,
	// as cut-replication waits), a leader is cut off from its peers until
	// they fence it and elect another (isolate-leader-peers).
	ISROut = "out"
	// ISRAlone: its only member. The victim is the leader, and its
	// followers' replication links are cut until the ISRs have shrunk to
	// it (as isr-shrink-leader-loss does: every partition of the
	// min.insync.replicas=1 topics, one of every other), so that what it
	// acknowledged since exists on its disk alone; the links are restored
	// at its return.
	ISRAlone = "alone"
)

// When the operator forces an unclean election of the partitions a disk
// replacement left without a leader (DiskReplace.Unclean): Kafka gives one
// to the first acceptable replica, and Kafka 4.x to a partition's last
// known leader first when its ISR and ELR are empty.
const (
	// UncleanAfterReturn: for the partitions still without a leader
	// ElectTimeout after the victim's return, where the victim, empty, is
	// acceptable.
	UncleanAfterReturn = "after-return"
	// UncleanBeforeReturn: while the victim is down, its disk replaced,
	// so that only a follower, which holds everything up to the cut, is
	// acceptable; the victim then returns as a follower.
	UncleanBeforeReturn = "before-return"
)

// NewDiskReplace returns the disk-replace fault: the leader's disk, after
// a SIGKILL.
func NewDiskReplace() *DiskReplace {
	return &DiskReplace{Shutdown: schema.SIGKILL, ISR: ISRIn, MoveTimeout: 30 * time.Second, ShrinkTimeout: 75 * time.Second, StartTimeout: 2 * time.Minute, ElectTimeout: 30 * time.Second, Unclean: UncleanAfterReturn}
}

// Name implements Fault.
func (f *DiskReplace) Name() string { return "disk-replace" }

// Prepare picks the victim and, with ISROut, takes it out of the ISR, or
// with ISRAlone leaves it alone in it.
func (f *DiskReplace) Prepare(ctx context.Context, env Env) error {
	if f.ISR == ISRAlone {
		return f.leaveAlone(ctx, env)
	}
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("disk replace: %w", err)
	}
	f.leader, f.victim = leader, leader
	if f.Follower {
		f.victim = followers(env, leader)[0]
	}
	if f.ISR != ISROut {
		return nil
	}
	if f.prepared, err = f.dropOut(ctx, env); err != nil {
		return fmt.Errorf("disk replace: out of the ISR first: %w", err)
	}
	return nil
}

// leaveAlone shrinks the ISRs to the leader, the victim.
func (f *DiskReplace) leaveAlone(ctx context.Context, env Env) error {
	if f.Follower {
		return fmt.Errorf("disk replace: isr %s replaces the disk of the leader, the ISR's last member: drop follower", ISRAlone)
	}
	// Its election mode is unused: settle elects.
	f.alone = NewISRLeaderLoss(ElectByAdmin)
	f.alone.ShrinkTimeout = f.ShrinkTimeout
	if err := f.alone.Prepare(ctx, env); err != nil {
		return fmt.Errorf("disk replace: alone in the ISR first: %w", err)
	}
	f.leader, f.victim = f.alone.leader, f.alone.leader
	m := f.alone.prep.Metrics
	f.prepared = []string{fmt.Sprintf("%s: ISR [%d] after %dms on %d partitions, every min.insync.replicas=1 one among them", f.alone.prep.Description, f.victim, m["shrink_ms"], m["partitions_shrunk"])}
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
// of every ISR (ISRAlone: until it leads nothing), replaces its disk,
// starts it again with its fetches held, and checks that it came back
// with empty replicas; with ISRAlone it then records who leads.
func (f *DiskReplace) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.victim}, Description: f.description(), Observed: slices.Clone(f.prepared), Metrics: map[string]int64{}}
	ps, held, line, err := f.before(env)
	if err != nil {
		return eff, fmt.Errorf("disk replace: %w", err)
	}
	total, _, _ := replicaSizes(ps, held)
	eff.Metrics["bytes_before"] = total
	eff.Observed = append(eff.Observed, line)
	if total == 0 {
		return eff, fmt.Errorf("disk replace: %w: node %d holds no data of the scenario partitions: an empty disk loses nothing", ErrNoEffect, f.victim)
	}
	if f.alone != nil {
		maps.Copy(eff.Metrics, f.alone.prep.Metrics)
		if _, err := f.alone.leaderOnly(ctx, env, &eff); err != nil {
			return eff, fmt.Errorf("disk replace: %w", err)
		}
	}
	obs, err := f.replace(ctx, env)
	eff.Observed = append(eff.Observed, obs...)
	if err != nil {
		return eff, fmt.Errorf("disk replace: %w", err)
	}
	obs, err = f.checkEmpty(ctx, env, ps, held, eff.Metrics)
	eff.Observed = append(eff.Observed, obs...)
	if err == nil {
		// The fetches held since the start are let go: the victim
		// catches up while the fault holds.
		err = env.Links.Heal()
	}
	if err == nil && f.alone != nil {
		err = f.settle(ctx, env, &eff)
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
	switch f.ISR {
	case ISROut:
		d += "; out of the ISR before its shutdown"
	case ISRAlone:
		d += "; the only ISR member at its shutdown"
		if f.Unclean == UncleanBeforeReturn {
			d += "; the partitions it left without a leader get an unclean election before its return"
		} else {
			d += fmt.Sprintf("; a partition still without a leader %s after its return gets an unclean election", f.ElectTimeout)
		}
	}
	return d
}

// before returns the scenario partitions of which the victim holds a
// replica, the bytes it holds of them, and the line recording those.
func (f *DiskReplace) before(env Env) ([]schema.PartitionState, map[string]map[int32]int64, string, error) {
	ps, err := partitions(env)
	ps = slices.DeleteFunc(ps, func(p schema.PartitionState) bool { return !containsNode(p.Replicas, f.victim) })
	var b map[string]map[int32]int64
	if err == nil {
		b, err = env.State.ReplicaBytes(f.victim, env.Topics...)
	}
	total, list, _ := replicaSizes(ps, b)
	return ps, b, fmt.Sprintf("node %d before its %s: %d bytes in its replicas (%s)", f.victim, f.Shutdown, total, list), err
}

// replace shuts the victim down, waits until the other nodes have taken it
// out of every ISR (so leadership moved off it; ISRAlone: until it leads
// nothing, the ISR's last member staying in it), replaces its disk, and
// starts it again with its replication links to the others cut.
func (f *DiskReplace) replace(ctx context.Context, env Env) ([]string, error) {
	if err := killNode(ctx, env, f.Name(), f.victim, f.Shutdown); err != nil {
		return nil, err
	}
	what, gone := fmt.Sprintf("node %d out of every ISR and leading none", f.victim), func(p schema.PartitionState) bool { return movedOff(f.victim)(p) && !containsNode(p.ISR, f.victim) }
	if f.alone != nil {
		what, gone = fmt.Sprintf("node %d leading none", f.victim), func(p schema.PartitionState) bool { return !ledBy(f.victim)(p) }
	}
	ps, err := waitState(ctx, env, others(env, f.victim), f.MoveTimeout, what, every(gone))
	if err != nil {
		return nil, err
	}
	obs := append([]string{fmt.Sprintf("after the %s, as the other nodes see it:", f.Shutdown)}, describe(ps)...)
	if f.alone != nil {
		obs = append(obs, f.kafkaTopics(ctx, env)...)
		f.leaderless = map[string]bool{}
		for _, p := range ps {
			f.leaderless[partitionKey(p)] = !hasLeader(p)
		}
	}
	if err := env.Disks.ReplaceDisk(ctx, f.victim); err != nil {
		return obs, err
	}
	env.logf("fault %s: data disk of node %d replaced", f.Name(), f.victim)
	if f.alone != nil && f.Unclean == UncleanBeforeReturn {
		if _, err := f.electUnclean(ctx, env, ps, &obs); err != nil {
			return obs, err
		}
	}
	var fetches []schema.Link
	for _, n := range others(env, f.victim) {
		fetches = append(fetches, schema.Link{From: f.victim, To: n, Kind: schema.Internal})
	}
	// Whatever Prepare cut goes: the victim must reach the controller.
	if err := env.Links.Heal(); err != nil {
		return obs, err
	}
	if err := env.Links.Cut(fetches...); err != nil {
		return obs, err
	}
	return obs, env.Nodes.Restart(ctx, f.victim)
}

// checkEmpty waits until the victim, started again, reports a replica of
// every partition in ps, and checks that each is empty (ISRAlone: smaller
// than it was, held, since a victim elected leader takes writes at once).
func (f *DiskReplace) checkEmpty(ctx context.Context, env Env, ps []schema.PartitionState, held map[string]map[int32]int64, metrics map[string]int64) ([]string, error) {
	began := time.Now()
	after, err := f.waitReplicas(ctx, env, ps)
	if err != nil {
		return nil, err
	}
	total, list, _ := replicaSizes(ps, after)
	metrics["bytes_after"] = total
	metrics["back_ms"] = time.Since(began).Milliseconds()
	obs := []string{fmt.Sprintf("node %d back after %s with %d bytes in its replicas (%s)", f.victim, time.Since(began).Round(time.Millisecond), total, list)}
	kept := slices.ContainsFunc(ps, func(p schema.PartitionState) bool {
		b := after[p.Topic][p.Partition]
		return b > 0 && (f.alone == nil || b >= held[p.Topic][p.Partition])
	})
	if kept {
		return obs, fmt.Errorf("%w: node %d came back with data in its replicas: its log directory was not emptied", ErrNoEffect, f.victim)
	}
	now, err := env.State.PartitionsFrom(others(env, f.victim), env.Topics...)
	if err != nil {
		return obs, err
	}
	return append(append(obs, "then, as the other nodes see it:"), describe(now)...), nil
}

// settle waits, the victim back and its fetches let go, for a leader of
// every partition: Kafka may elect the victim, empty, or leave the
// partition offline. One still offline after ElectTimeout gets an unclean
// election, as an operator forces it to bring the partition back.
func (f *DiskReplace) settle(ctx context.Context, env Env, eff *schema.FaultEffect) error {
	began := time.Now()
	ps, err := waitState(ctx, env, env.Nodes.IDs(), f.ElectTimeout, "a leader for every partition", every(hasLeader))
	offline := errors.Is(err, ErrNoEffect)
	if offline {
		ps, err = partitions(env)
	}
	if err != nil {
		return err
	}
	// What Kafka did by itself: the victim leads a partition its shutdown
	// left without a leader where it was elected, empty.
	eff.Metrics["empty_leader_partitions"] = int64(countPartitions(ps, func(p schema.PartitionState) bool { return f.leaderless[partitionKey(p)] && ledBy(f.victim)(p) }))
	eff.Metrics["offline_partitions"] = int64(countPartitions(ps, func(p schema.PartitionState) bool { return !hasLeader(p) }))
	if offline {
		eff.Observed = append(eff.Observed, fmt.Sprintf("%s after node %d's return, %d partitions still without a leader:", f.ElectTimeout, f.victim, eff.Metrics["offline_partitions"]))
		eff.Observed = append(eff.Observed, describe(ps)...)
		eff.Observed = append(eff.Observed, f.kafkaTopics(ctx, env)...)
		ps, err = f.electUnclean(ctx, env, ps, &eff.Observed)
	}
	if err != nil {
		return err
	}
	eff.Metrics["return_to_leaders_ms"] = time.Since(began).Milliseconds()
	eff.Observed = append(eff.Observed, fmt.Sprintf("every partition led %s after node %d's fetches were let go:", time.Since(began).Round(time.Millisecond), f.victim))
	eff.Observed = append(eff.Observed, describe(ps)...)
	return nil
}

// electUnclean forces an unclean election of the partitions in ps without
// a leader, as an operator does, waits until every partition has one, and
// returns that state.
func (f *DiskReplace) electUnclean(ctx context.Context, env Env, ps []schema.PartitionState, obs *[]string) ([]schema.PartitionState, error) {
	lines, err := f.alone.forceUnclean(ctx, env, ps)
	if err != nil {
		return nil, err
	}
	*obs = append(*obs, lines...)
	ps, err = waitState(ctx, env, others(env, f.victim), f.ElectTimeout, "a leader for every partition (forced unclean election)", every(hasLeader))
	if err != nil {
		return nil, err
	}
	*obs = append(append(*obs, "after the unclean election:"), describe(ps)...)
	return ps, nil
}

// kafkaTopics returns the scenario partitions as kafka-topics --describe,
// run in a node other than the victim, prints them (with the Eligible
// Leader Replicas on 4.x), or why it could not: what it adds explains a
// refusal to elect and decides nothing.
func (f *DiskReplace) kafkaTopics(ctx context.Context, env Env) []string {
	n := others(env, f.victim)[0]
	lines, err := env.State.DescribeTopics(ctx, n, env.Topics...)
	if err != nil {
		return []string{fmt.Sprintf("kafka-topics --describe in node %d failed: %v", n, err)}
	}
	for i, l := range lines {
		lines[i] = fmt.Sprintf("kafka-topics in node %d: %s", n, l)
	}
	return lines
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
