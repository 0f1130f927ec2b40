package faults

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Election modes of ISRLeaderLoss: who gives the leaderless partitions a
// leader after the kill.
const (
	// ElectByConfig leaves it to each topic's own setting. The controller
	// elects an unclean leader when it fences the dead leader, for topics
	// with unclean.leader.election.enable=true (KRaft 3.9+ and 4.x do it in
	// the fencing path; the unclean.leader.election.interval.ms timer only
	// sweeps partitions still leaderless). The others wait for the old
	// leader.
	ElectByConfig = "config"
	// ElectByTimer is an operator turning unclean election on, after the
	// kill, for the topics left offline: the election then comes from the
	// controller's timer (unclean.leader.election.interval.ms, five minutes
	// by default; the scenario sets it low).
	ElectByTimer = "timer"
	// ElectByAdmin is an operator forcing Admin ElectLeaders(UNCLEAN) on
	// every leaderless partition, whatever the topic's setting.
	ElectByAdmin = "admin"
)

// ISRLeaderLoss is B3 followed by B4: the followers' replication links are
// cut until the ISRs have shrunk to the leader alone (Prepare: every
// partition of the min.insync.replicas=1 topics, at least one of every
// other), writes go on acked by
// the leader alone for the scenario's Lead time (where min.insync.replicas
// allows), then the leader is killed and the followers' links restored
// (Inject). Election decides what follows: a partition left without an
// eligible leader stays offline until the old leader returns on Heal, or
// gets a follower as leader by an unclean election, and that follower lacks
// everything written after the cut. Kafka 4.x Eligible Leader Replicas
// (KIP-966) change the min.insync.replicas=2 case: followers dropped below
// min ISR stay eligible (the high watermark stopped with them), so such a
// partition fails over cleanly. The Effect records, per topic, what the
// leader alone had and what became of each partition.
type ISRLeaderLoss struct {
	Signal        string        `json:"signal"`
	Election      string        `json:"election"`
	ShrinkTimeout time.Duration `json:"shrink_timeout_ns"`
	ElectTimeout  time.Duration `json:"elect_timeout_ns"`

	leader  int
	unclean map[string]bool
	minISR  map[string]int
	atCut   map[string]int64
	prep    schema.FaultEffect
	killed  bool
}

// NewISRLeaderLoss returns the fault with SIGKILL.
func NewISRLeaderLoss(election string) *ISRLeaderLoss {
	return &ISRLeaderLoss{Signal: schema.SIGKILL, Election: election, ShrinkTimeout: 60 * time.Second, ElectTimeout: 20 * time.Second}
}

// Name implements Fault.
func (f *ISRLeaderLoss) Name() string { return "isr-shrink-leader-loss-" + f.Election }

// Prepare reads the topics' settings, then shrinks ISRs to the leader.
func (f *ISRLeaderLoss) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("isr leader loss: %w", err)
	}
	f.leader = leader
	f.unclean, f.minISR = map[string]bool{}, map[string]int{}
	for _, t := range env.Topics {
		var settings map[string]string
		err := retryBriefly(ctx, func() (err error) {
			settings, err = env.Admin.TopicConfig(env.Nodes.IDs(), t, "unclean.leader.election.enable", "min.insync.replicas")
			return err
		})
		if err != nil {
			return fmt.Errorf("isr leader loss: describe %s: %w", t, err)
		}
		for name, value := range settings {
			switch name {
			case "unclean.leader.election.enable":
				f.unclean[t] = value == "true"
			case "min.insync.replicas":
				f.minISR[t], _ = strconv.Atoi(value)
			}
		}
	}
	// A leader elected moments ago (pinLeader may just have moved one)
	// serves offsets only once its followers have confirmed its high
	// watermark, which they cannot do after the cut: read once before.
	if _, err := highWatermarks(ctx, env); err != nil {
		return fmt.Errorf("isr leader loss: %w", err)
	}
	began := time.Now()
	eff, err := breakReplication(env, leader, nil)
	if err != nil {
		return fmt.Errorf("isr leader loss: %w", err)
	}
	// The high watermarks are read right after the cut: with no follower
	// fetching they cannot move until the ISR shrinks, and from then on
	// what the leader commits exists nowhere else (acks=all writes waiting
	// during the shrink included).
	if f.atCut, err = highWatermarks(ctx, env); err != nil {
		return fmt.Errorf("isr leader loss: %w", err)
	}
	// Held this time, not just seen. A min.insync.replicas=1 topic is where
	// the leader alone acknowledges, and so where an unclean election loses
	// data: every one of its partitions must have the leader as its only
	// in-sync replica when the kill comes. A min.insync.replicas=2 topic
	// refuses writes once shrunk; one shrunk partition shows that, and its
	// others, if they took no write since the cut (a one-request-at-a-time
	// producer stuck on another partition), may keep their followers and
	// fail over cleanly. Inject records every partition's state at the kill.
	var shrunk int
	ready := func(ps []schema.PartitionState) (ok bool) {
		ok, shrunk = shrunkOnEveryTopic(ps, isrIsOnly(leader))
		for _, p := range ps {
			if f.minISR[p.Topic] == 1 && !isrIsOnly(leader)(p) {
				ok = false
			}
		}
		return ok
	}
	what := fmt.Sprintf("an ISR of [%d] on every partition of the min.insync.replicas=1 topics and on one of every other topic", leader)
	ps, err := waitState(ctx, env, env.Nodes.IDs(), f.ShrinkTimeout, what, ready)
	if err != nil {
		return fmt.Errorf("isr leader loss: %w", err)
	}
	eff.Metrics["shrink_ms"] = time.Since(began).Milliseconds()
	eff.Metrics["partitions_shrunk"] = int64(shrunk)
	f.prep = eff
	env.logf("fault %s: ISR [%d] on %d of %d partitions after %dms, every min.insync.replicas=1 one among them; writes there now reach node %d alone", f.Name(), leader, shrunk, len(ps), eff.Metrics["shrink_ms"], leader)
	return nil
}

// Inject kills the leader, restores the followers' links and waits for
// every partition to lose it; topics with unclean election on must get a
// new leader.
func (f *ISRLeaderLoss) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{
		Target:      []int{f.leader},
		Description: fmt.Sprintf("%s; then %s to node %d, the only ISR member; followers' links restored; unclean elections by %s", f.prep.Description, f.Signal, f.leader, f.Election),
		Metrics:     f.prep.Metrics,
	}
	tails, err := f.leaderOnly(ctx, env, &eff)
	if err != nil {
		return eff, fmt.Errorf("isr leader loss: %w", err)
	}
	if tails == 0 {
		return eff, fmt.Errorf("isr leader loss: %w: no min.insync.replicas=1 topic took a write on the leader alone", ErrNoEffect)
	}
	if err := env.Nodes.Kill(ctx, f.leader, f.Signal, 30*time.Second); err != nil {
		return eff, fmt.Errorf("isr leader loss: %w", err)
	}
	f.killed = true
	killedAt := time.Now()
	if err := env.Links.Heal(); err != nil {
		return eff, fmt.Errorf("isr leader loss: restore followers: %w", err)
	}
	env.logf("fault %s: node %d killed, followers' links restored", f.Name(), f.leader)
	view := followers(env, f.leader)
	ps, err := waitState(ctx, env, view, 30*time.Second, fmt.Sprintf("no partition led by node %d", f.leader), every(func(p schema.PartitionState) bool { return !ledBy(f.leader)(p) }))
	if err != nil {
		return eff, fmt.Errorf("isr leader loss: %w", err)
	}
	for _, o := range describe(ps) {
		eff.Observed = append(eff.Observed, "right after the kill: "+o)
	}
	want, what := every(func(p schema.PartitionState) bool { return !f.unclean[p.Topic] || movedOff(f.leader)(p) }), "a leader for every partition of the unclean topics"
	actedAt := time.Now()
	switch f.Election {
	case ElectByTimer:
		if err := f.enableUnclean(ctx, env, ps, &eff); err != nil {
			return eff, err
		}
		want, what = every(movedOff(f.leader)), "a leader for every partition (unclean election switched on)"
	case ElectByAdmin:
		lines, err := f.forceUnclean(ctx, env, ps)
		if err != nil {
			return eff, err
		}
		eff.Observed = append(eff.Observed, lines...)
		want, what = every(movedOff(f.leader)), "a leader for every partition (forced unclean election)"
	}
	ps, err = waitState(ctx, env, view, f.ElectTimeout, what, want)
	if err != nil {
		return eff, fmt.Errorf("isr leader loss: %w", err)
	}
	eff.Metrics["kill_to_unclean_leaders_ms"] = time.Since(killedAt).Milliseconds()
	if f.Election != ElectByConfig {
		// For the timer this is at most unclean.leader.election.interval.ms
		// plus the commit of the change.
		eff.Metrics["operator_to_leaders_ms"] = time.Since(actedAt).Milliseconds()
	}
	eff.Metrics["offline_partitions"] = int64(countPartitions(ps, func(p schema.PartitionState) bool { return !hasLeader(p) }))
	after := time.Since(killedAt).Round(time.Millisecond)
	for _, o := range describe(ps) {
		eff.Observed = append(eff.Observed, fmt.Sprintf("%s after the kill: %s", after, o))
	}
	return eff, nil
}

// leaderOnly records, per topic, how far the high watermarks grew since
// the cut: the writes the leader took without its followers. It returns
// the number of min.insync.replicas=1 topics where they grew.
func (f *ISRLeaderLoss) leaderOnly(ctx context.Context, env Env, eff *schema.FaultEffect) (int, error) {
	atKill, err := highWatermarks(ctx, env)
	if err != nil {
		return 0, err
	}
	tails := 0
	for _, t := range env.Topics {
		tail := atKill[t] - f.atCut[t]
		eff.Metrics["leader_only_offsets/"+t] = tail
		if f.minISR[t] == 1 && tail > 0 {
			tails++
		}
		eff.Observed = append(eff.Observed, fmt.Sprintf("%s (min.insync.replicas=%d, unclean=%v): high watermark grew by %d after the cut: writes node %d took without its followers", t, f.minISR[t], f.unclean[t], tail, f.leader))
	}
	return tails, nil
}

// Heal restores every link and restarts the old leader, which truncates
// what no other replica had where a follower took over.
func (f *ISRLeaderLoss) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("isr leader loss: %w", err)
	}
	if f.killed {
		if err := env.Nodes.Restart(ctx, f.leader); err != nil {
			return fmt.Errorf("isr leader loss: %w", err)
		}
	}
	return nil
}
