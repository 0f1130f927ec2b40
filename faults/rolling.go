package faults

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// RollingRestart restarts every node in turn with SIGTERM, the way an
// operator upgrades a cluster: stop one node, start it again, wait until
// every scenario partition has a leader and a full ISR, then the next. The
// leader goes last, as runbooks advise, so leadership moves once. The whole
// roll happens inside Inject; Heal only makes sure every node runs.
type RollingRestart struct {
	Signal string `json:"signal"`
	// StepTimeout bounds each node's stop, and its return to a healthy
	// cluster.
	StepTimeout time.Duration `json:"step_timeout_ns"`
	// Pause is how long a node stays down before it is started again.
	Pause time.Duration `json:"pause_ns"`
}

// NewRollingRestart returns the rolling-restart fault.
func NewRollingRestart() *RollingRestart {
	return &RollingRestart{Signal: schema.SIGTERM, StepTimeout: 90 * time.Second, Pause: 2 * time.Second}
}

// Name implements Fault.
func (f *RollingRestart) Name() string { return "rolling-restart" }

// Prepare is a no-op.
func (f *RollingRestart) Prepare(ctx context.Context, env Env) error { return nil }

// Inject rolls the cluster.
func (f *RollingRestart) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return schema.FaultEffect{}, fmt.Errorf("rolling restart: %w", err)
	}
	order := append(followers(env, leader), leader)
	eff := schema.FaultEffect{Target: order, Description: fmt.Sprintf("%s and restart of nodes %v in turn (leader %d last), waiting for full ISRs between", f.Signal, order, leader), Metrics: map[string]int64{}}
	for _, n := range order {
		began := time.Now()
		if err := env.Nodes.Kill(ctx, n, f.Signal, f.StepTimeout); err != nil {
			return eff, fmt.Errorf("rolling restart: %w", err)
		}
		stopped := time.Since(began)
		// The broker must visibly leave: the others stop listing it once
		// the controller has fenced it.
		var live []int32
		var lerr error
		left := false
		for wait := time.Now().Add(15 * time.Second); !left && time.Now().Before(wait); {
			live, lerr = env.State.BrokersFrom(others(env, n), env.Topics...)
			left = lerr == nil && !slices.Contains(live, int32(n))
			if !left {
				if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
					return eff, err
				}
			}
		}
		if !left {
			return eff, fmt.Errorf("rolling restart: %w: node %d still listed as a live broker 15s after it stopped (brokers %v, %v)", ErrNoEffect, n, live, lerr)
		}
		if n == leader {
			obs, err := waitLeaderMoved(ctx, env, leader, f.StepTimeout)
			if err != nil {
				return eff, fmt.Errorf("rolling restart: %w", err)
			}
			eff.Observed = append(eff.Observed, obs...)
		}
		if err := sleepCtx(ctx, f.Pause); err != nil {
			return eff, err
		}
		if err := env.Nodes.Restart(ctx, n); err != nil {
			return eff, fmt.Errorf("rolling restart: %w", err)
		}
		if err := env.State.WaitHealthy(ctx, env.Topics, f.StepTimeout); err != nil {
			return eff, fmt.Errorf("rolling restart: node %d back: %w", n, err)
		}
		eff.Metrics[fmt.Sprintf("node%d_stop_ms", n)] = stopped.Milliseconds()
		eff.Metrics[fmt.Sprintf("node%d_cycle_ms", n)] = time.Since(began).Milliseconds()
		eff.Observed = append(eff.Observed, fmt.Sprintf("node %d: stopped in %s, left the cluster, back with full ISRs after %s", n, stopped.Round(time.Millisecond), time.Since(began).Round(time.Millisecond)))
		env.logf("fault %s: node %d cycled in %s", f.Name(), n, time.Since(began).Round(time.Millisecond))
	}
	return eff, nil
}

// Heal starts any node a failed roll left stopped.
func (f *RollingRestart) Heal(ctx context.Context, env Env) error {
	for _, n := range env.Nodes.IDs() {
		running, err := env.Nodes.Running(ctx, n)
		if err != nil {
			return fmt.Errorf("rolling restart: %w", err)
		}
		if !running {
			if err := env.Nodes.Restart(ctx, n); err != nil {
				return fmt.Errorf("rolling restart: %w", err)
			}
		}
	}
	return nil
}
