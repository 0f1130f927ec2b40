package faults

import (
	"context"
	"fmt"
	"time"

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
	return &LeaderKill{Signal: schema.SIGKILL, FollowerLag: 1500 * time.Millisecond, MoveTimeout: 30 * time.Second}
}

// NewLeaderTerm returns the clean-shutdown variant: SIGTERM, which Kafka
// answers with a controlled shutdown that hands leadership over before the
// process exits. The followers lag as in NewLeaderKill, so the result shows
// whether a clean shutdown alone keeps what acks=1 acknowledged.
func NewLeaderTerm() *LeaderKill {
	f := NewLeaderKill()
	f.Signal = schema.SIGTERM
	return f
}

// Name implements Fault.
func (f *LeaderKill) Name() string {
	if f.Signal == schema.SIGTERM {
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
	if err := slowFollowers(env, f.Name(), leader, f.FollowerLag); err != nil {
		return fmt.Errorf("leader kill: %w", err)
	}
	return nil
}

// slowFollowers adds lag in each direction of every follower's
// replication link to the leader (none when lag is 0): the followers stay
// in the ISR but are behind, so what only the leader has is at stake.
func slowFollowers(env Env, fault string, leader int, lag time.Duration) error {
	if lag <= 0 {
		return nil
	}
	var links []schema.Link
	for _, n := range followers(env, leader) {
		links = append(links, schema.Link{From: n, To: leader, Kind: schema.Internal})
	}
	for _, s := range []schema.Stream{schema.Upstream, schema.Downstream} {
		t := schema.Toxic{Name: "lag-" + string(s), Type: "latency", Stream: s, Attributes: map[string]any{"latency": lag.Milliseconds()}}
		if err := env.Links.Degrade(t, links...); err != nil {
			return fmt.Errorf("slow followers: %w", err)
		}
	}
	env.logf("fault %s: replication links %v slowed by %s each way", fault, links, lag)
	return nil
}

// Inject kills the leader and waits for leadership to move.
func (f *LeaderKill) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.leader}, Description: fmt.Sprintf("%s to node %d, leader of every scenario partition", f.Signal, f.leader)}
	if err := killNode(ctx, env, f.Name(), f.leader, f.Signal); err != nil {
		return eff, fmt.Errorf("leader kill: %w", err)
	}
	obs, err := waitLeaderMoved(ctx, env, f.leader, f.MoveTimeout)
	if err != nil {
		return eff, fmt.Errorf("leader kill: %w", err)
	}
	eff.Observed = obs
	return eff, nil
}

// Heal restarts the killed node with its data and removes the lag.
func (f *LeaderKill) Heal(ctx context.Context, env Env) error {
	if err := restartNode(ctx, env, f.leader); err != nil {
		return fmt.Errorf("leader kill: %w", err)
	}
	return nil
}

// killNode sends signal to node n and waits for its process to exit.
func killNode(ctx context.Context, env Env, fault string, n int, signal string) error {
	if err := env.Nodes.Kill(ctx, n, signal, 30*time.Second); err != nil {
		return err
	}
	env.logf("fault %s: node %d killed with %s", fault, n, signal)
	return nil
}

// restartNode restores every link, then starts the killed node n again
// with its data.
func restartNode(ctx context.Context, env Env, n int) error {
	if err := env.Links.Heal(); err != nil {
		return err
	}
	return env.Nodes.Restart(ctx, n)
}
