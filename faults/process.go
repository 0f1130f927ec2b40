package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// LeaderPause freezes the leader's processes (cgroup freezer) and thaws it
// on heal: a stop-the-world GC pause or a hung VM. Its sockets stay open and
// its peers see silence, not a closed connection, so detection rests on
// timeouts alone (broker session, client request timeout).
type LeaderPause struct {
	MoveTimeout time.Duration `json:"move_timeout_ns"`

	leader int
	paused bool
}

// NewLeaderPause returns the leader-pause fault.
func NewLeaderPause() *LeaderPause { return &LeaderPause{MoveTimeout: 30 * time.Second} }

// Name implements Fault.
func (f *LeaderPause) Name() string { return "leader-pause" }

// Prepare finds the leader.
func (f *LeaderPause) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("leader pause: %w", err)
	}
	f.leader = leader
	return nil
}

// Inject pauses the leader and waits for the controller to fence it and
// move leadership.
func (f *LeaderPause) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.leader}, Description: fmt.Sprintf("node %d, leader of every scenario partition, frozen", f.leader)}
	if err := env.Nodes.Pause(ctx, f.leader); err != nil {
		return eff, fmt.Errorf("leader pause: %w", err)
	}
	f.paused = true
	env.logf("fault %s: node %d paused", f.Name(), f.leader)
	obs, err := waitLeaderMoved(ctx, env, f.leader, f.MoveTimeout)
	if err != nil {
		return eff, fmt.Errorf("leader pause: %w", err)
	}
	eff.Observed = obs
	return eff, nil
}

// Heal thaws the leader.
func (f *LeaderPause) Heal(ctx context.Context, env Env) error {
	if !f.paused {
		return nil
	}
	if err := env.Nodes.Unpause(ctx, f.leader); err != nil {
		return fmt.Errorf("leader pause: %w", err)
	}
	return nil
}

// ControllerKill SIGKILLs the active KRaft controller (the quorum leader)
// and restarts it on heal. It took effect when another node leads the
// quorum with a higher epoch. The controller is wherever the quorum put it:
// when it is also the scenario's partition leader, partition leadership
// moves too, and the Effect says so.
type ControllerKill struct {
	Signal      string        `json:"signal"`
	MoveTimeout time.Duration `json:"move_timeout_ns"`

	killed int
}

// NewControllerKill returns the controller-kill fault.
func NewControllerKill() *ControllerKill {
	return &ControllerKill{Signal: schema.SIGKILL, MoveTimeout: 30 * time.Second}
}

// Name implements Fault.
func (f *ControllerKill) Name() string { return "controller-kill" }

// Prepare is a no-op: the controller is read at injection, since it may
// move on its own before that.
func (f *ControllerKill) Prepare(ctx context.Context, env Env) error { return nil }

// Inject kills the active controller and waits for a new one.
func (f *ControllerKill) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	ctrl, epoch, err := env.State.ActiveController(ctx)
	if err != nil {
		return schema.FaultEffect{}, fmt.Errorf("controller kill: %w", err)
	}
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return schema.FaultEffect{}, fmt.Errorf("controller kill: %w", err)
	}
	eff := schema.FaultEffect{
		Target:      []int{ctrl},
		Description: fmt.Sprintf("%s to node %d, active controller at epoch %d (partition leader: node %d)", f.Signal, ctrl, epoch, leader),
		Metrics:     map[string]int64{"old_controller": int64(ctrl), "old_epoch": int64(epoch)},
	}
	if err := env.Nodes.Kill(ctx, ctrl, f.Signal, 30*time.Second); err != nil {
		return eff, fmt.Errorf("controller kill: %w", err)
	}
	f.killed = ctrl
	env.logf("fault %s: node %d (controller, epoch %d) killed with %s", f.Name(), ctrl, epoch, f.Signal)
	began := time.Now()
	deadline := began.Add(f.MoveTimeout)
	for {
		// ActiveController reads only running nodes, so the dead one's
		// stale quorum state cannot answer.
		now, nowEpoch, err := env.State.ActiveController(ctx)
		if err == nil && now != ctrl && nowEpoch > epoch {
			eff.Metrics["new_controller"] = int64(now)
			eff.Metrics["new_epoch"] = int64(nowEpoch)
			eff.Metrics["election_ms"] = time.Since(began).Milliseconds()
			eff.Observed = append(eff.Observed, fmt.Sprintf("controller moved from node %d (epoch %d) to node %d (epoch %d) in %s", ctrl, epoch, now, nowEpoch, time.Since(began).Round(time.Millisecond)))
			break
		}
		if time.Now().After(deadline) {
			return eff, fmt.Errorf("controller kill: %w: no new controller with an epoch above %d within %s (last: node %d epoch %d, %v)", ErrNoEffect, epoch, f.MoveTimeout, now, nowEpoch, err)
		}
		if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
			return eff, err
		}
	}
	if ctrl == leader {
		obs, err := waitLeaderMoved(ctx, env, leader, f.MoveTimeout)
		if err != nil {
			return eff, fmt.Errorf("controller kill: %w", err)
		}
		eff.Observed = append(eff.Observed, obs...)
		return eff, nil
	}
	// A follower's death shrinks the ISR; the leader stays.
	ps, err := waitState(ctx, env, others(env, ctrl), f.MoveTimeout, fmt.Sprintf("node %d out of every ISR, leader %d kept", ctrl, leader),
		every(func(p schema.PartitionState) bool { return ledBy(leader)(p) && !containsNode(p.ISR, ctrl) }))
	if err != nil {
		return eff, fmt.Errorf("controller kill: %w", err)
	}
	eff.Observed = append(eff.Observed, describe(ps)...)
	return eff, nil
}

// Heal restarts the killed controller.
func (f *ControllerKill) Heal(ctx context.Context, env Env) error {
	if f.killed == 0 {
		return nil
	}
	if err := env.Nodes.Restart(ctx, f.killed); err != nil {
		return fmt.Errorf("controller kill: %w", err)
	}
	return nil
}

func containsNode(ids []int32, n int) bool {
	for _, id := range ids {
		if id == int32(n) {
			return true
		}
	}
	return false
}
