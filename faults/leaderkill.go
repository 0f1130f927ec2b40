package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// LeaderKill kills the leader of the scenario's partitions with a signal and
// restarts it with its data on heal. With FollowerLag set, the followers'
// replication links are slowed first, so the followers are behind (but still
// in the ISR) at the instant of the kill: what acks=1 acknowledged and no
// follower had copied is then lost.
type LeaderKill struct {
	Signal string `json:"signal"`
	// FollowerLag is latency added in each direction of every follower's
	// replication link to the leader, from Prepare until Heal.
	FollowerLag time.Duration `json:"follower_lag_ns"`
	// MoveTimeout bounds the wait for a new leader.
	MoveTimeout time.Duration `json:"move_timeout_ns"`

	leader int
}

// NewLeaderKill returns the leader-kill fault with SIGKILL and lagging
// followers.
func NewLeaderKill() *LeaderKill {
	return &LeaderKill{Signal: cluster.SIGKILL, FollowerLag: 1500 * time.Millisecond, MoveTimeout: 30 * time.Second}
}

// NewLeaderTerm returns the clean-shutdown variant: SIGTERM, which Kafka
// answers with a controlled shutdown that hands leadership over before the
// process exits. The followers lag as in NewLeaderKill, so the result shows
// whether a clean shutdown alone keeps what acks=1 acknowledged.
func NewLeaderTerm() *LeaderKill {
	f := NewLeaderKill()
	f.Signal = cluster.SIGTERM
	return f
}

// Name implements Fault.
func (f *LeaderKill) Name() string {
	if f.Signal == cluster.SIGTERM {
		return "leader-term"
	}
	return "leader-kill"
}

// Prepare finds the leader and slows its followers.
func (f *LeaderKill) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("leader kill: %w", err)
	}
	f.leader = leader
	if f.FollowerLag <= 0 {
		return nil
	}
	var links []cluster.Link
	for _, n := range followers(env, leader) {
		links = append(links, cluster.Link{From: n, To: leader, Kind: cluster.Internal})
	}
	ms := f.FollowerLag.Milliseconds()
	for _, s := range []cluster.Stream{cluster.Upstream, cluster.Downstream} {
		t := cluster.Toxic{Name: "lag-" + string(s), Type: "latency", Stream: s, Attributes: map[string]any{"latency": ms}}
		if err := env.Links.Degrade(t, links...); err != nil {
			return fmt.Errorf("leader kill: slow followers: %w", err)
		}
	}
	env.logf("fault %s: replication links %v slowed by %s each way", f.Name(), links, f.FollowerLag)
	return nil
}

// Inject kills the leader and waits for leadership to move.
func (f *LeaderKill) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.leader}, Description: fmt.Sprintf("%s to node %d, leader of every scenario partition", f.Signal, f.leader)}
	if err := env.Nodes.Kill(ctx, f.leader, f.Signal, 30*time.Second); err != nil {
		return eff, fmt.Errorf("leader kill: %w", err)
	}
	env.logf("fault %s: node %d killed with %s", f.Name(), f.leader, f.Signal)
	obs, err := waitLeaderMoved(ctx, env, f.leader, f.MoveTimeout)
	if err != nil {
		return eff, fmt.Errorf("leader kill: %w", err)
	}
	eff.Observed = obs
	return eff, nil
}

// Heal restarts the killed node with its data and removes the lag.
func (f *LeaderKill) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("leader kill: %w", err)
	}
	if err := env.Nodes.Restart(ctx, f.leader); err != nil {
		return fmt.Errorf("leader kill: %w", err)
	}
	return nil
}
