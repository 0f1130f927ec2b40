package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// PreferredElection is the preferred-leader election that follows a
// failover: leadership returns to each partition's preferred replica (the
// pinned leader) while the producers run, as auto.leader.rebalance.enable
// or an operator's kafka-leader-election --election-type PREFERRED does
// once a broker is back. The preferred replica is then a follower that
// has only just caught up: with FollowerLag set it is behind, still in the
// ISR, at the election, and what the interim leader acknowledged with
// acks=1 and it lacks is truncated away when that leader follows it.
//
// Prepare moves leadership off the preferred replica without stopping
// it, with leader-move's machinery and no lag yet: the replica lists are
// reordered with the lowest follower first, a preferred election makes it
// leader, and the original order is restored, which moves nothing. A
// controlled shutdown and restart would get there too, but it would put a
// second transfer, and a broker's return, under load before the fault,
// each with its own losses in the verdict; a reordered transfer with
// followers in sync is the cheapest real way to "leader is not the
// preferred replica". Only then are the followers of the interim leader,
// the preferred replica among them, slowed.
type PreferredElection struct {
	// FollowerLag is latency added in each direction of every
	// follower's replication link to the interim leader, from the end of
	// Prepare until Heal.
	FollowerLag time.Duration `json:"follower_lag_ns"`
	// MoveTimeout bounds each wait: for a new replica order, for a new
	// leader, and for the preferred leaders after the election.
	MoveTimeout time.Duration `json:"move_timeout_ns"`

	preferred, interim int
}

// NewPreferredElection returns the preferred-leader election with lagging
// followers.
func NewPreferredElection() *PreferredElection {
	return &PreferredElection{FollowerLag: 1500 * time.Millisecond, MoveTimeout: 30 * time.Second}
}

// Name implements Fault.
func (f *PreferredElection) Name() string { return "preferred-election" }

// CheckReplicationFactor implements ReplicationChecker: leadership can
// leave the preferred replica only for another replica.
func (f *PreferredElection) CheckReplicationFactor(rf int) error {
	if rf < 2 {
		return fmt.Errorf("%s needs a replica to lead besides the preferred one: replication factor %d, use 2 or more", f.Name(), rf)
	}
	return nil
}

// Prepare moves leadership from the pinned leader to the lowest follower,
// restores the pinned leader as every partition's preferred replica, and
// slows the followers.
func (f *PreferredElection) Prepare(ctx context.Context, env Env) error {
	if err := f.prepare(ctx, env); err != nil {
		return fmt.Errorf("preferred election: %w", err)
	}
	return nil
}

func (f *PreferredElection) prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return err
	}
	if _, err := checkedPartitions(env, f); err != nil {
		return err
	}
	f.preferred, f.interim = leader, followers(env, leader)[0]
	if _, err := transferLeadership(ctx, env, f.interim, f.MoveTimeout); err != nil {
		return fmt.Errorf("move leadership off node %d: %w", leader, err)
	}
	if _, err := reorder(ctx, env, leader, f.MoveTimeout); err != nil {
		return fmt.Errorf("make node %d preferred again: %w", leader, err)
	}
	env.logf("fault %s: node %d leads, node %d is every partition's preferred replica", f.Name(), f.interim, leader)
	return slowFollowers(env, f.Name(), f.interim, f.FollowerLag)
}

// Inject elects the preferred leaders and waits until each partition is
// led by its preferred replica. Partitions already led by it before the
// election (the controller's own rebalance got there first) make the run
// prove nothing.
func (f *PreferredElection) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{
		Target: []int{f.interim, f.preferred},
		Description: fmt.Sprintf("preferred-leader election of every scenario partition, from node %d back to node %d (moved off it in prepare: replicas reordered, elected, order restored)",
			f.interim, f.preferred),
	}
	ps, err := partitions(env)
	if err != nil {
		return eff, fmt.Errorf("preferred election: %w", err)
	}
	if !every(ledBy(f.interim))(ps) {
		return eff, fmt.Errorf("preferred election: %w: not every partition led by node %d before the election (%v); the controller's automatic rebalance may have run", ErrNoEffect, f.interim, describe(ps))
	}
	res, err := electPreferred(ctx, env, env.Nodes.IDs(), ps)
	if err != nil {
		return eff, fmt.Errorf("preferred election: %w", err)
	}
	eff.Observed = electionLines("PREFERRED", res)
	led, err := waitState(ctx, env, env.Nodes.IDs(), f.MoveTimeout, "every partition led by its preferred replica", every(ledByPreferred))
	if err != nil {
		return eff, fmt.Errorf("preferred election: %w", err)
	}
	eff.Observed = append(eff.Observed, describe(led)...)
	return eff, nil
}

// Heal removes the lag; the preferred leaders keep their leadership, and
// the run's health check then waits for the followers to catch up.
func (f *PreferredElection) Heal(_ context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("preferred election: %w", err)
	}
	return nil
}
