package faults

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// RollingRestart restarts every node in turn with SIGTERM, the way an
// operator rolls a cluster: stop one node, start it again, wait until
// every scenario partition has a leader and a full ISR, then the next. The
// leader goes last, as runbooks advise, so leadership moves once. The whole
// roll happens inside Inject; Heal only makes sure every node runs.
//
// With Settings, each node's server.properties is rewritten with them
// while it is down, as for a configuration change that needs a restart;
// each node took effect once, back, it reports them as its own settings.
type RollingRestart struct {
	Signal string `json:"signal"`
	// StepTimeout bounds each node's stop, and its return to a healthy
	// cluster.
	StepTimeout time.Duration `json:"step_timeout_ns"`
	// Pause is how long a node stays down before it is started again.
	Pause time.Duration `json:"pause_ns"`
	// Settings are broker settings, each "name=value", every node is
	// restarted with.
	Settings []string `json:"settings,omitempty"`
}

// NewRollingRestart returns the rolling-restart fault.
func NewRollingRestart() *RollingRestart {
	return &RollingRestart{Signal: schema.SIGTERM, StepTimeout: 90 * time.Second, Pause: 2 * time.Second}
}

// Name implements Fault.
func (f *RollingRestart) Name() string { return "rolling-restart" }

// CheckCluster implements ClusterChecker: every setting is name=value.
func (f *RollingRestart) CheckCluster(_, _ string) error {
	_, err := parseSettings(f.Settings)
	return err
}

// parseSettings reads "name=value" settings; each problem is a
// *ParamError of the settings parameter.
func parseSettings(list []string) (map[string]string, error) {
	out := map[string]string{}
	for i, s := range list {
		k, v, ok := strings.Cut(s, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || k == "" || v == "":
			return nil, &ParamError{Param: "settings", Err: fmt.Errorf("item %d, %q, is not a broker setting: write name=value, e.g. min.insync.replicas=1", i+1, s)}
		case out[k] != "":
			return nil, &ParamError{Param: "settings", Err: fmt.Errorf("item %d sets %s again (also to %s): keep one", i+1, k, out[k])}
		}
		out[k] = v
	}
	return out, nil
}

// Prepare checks the settings.
func (f *RollingRestart) Prepare(ctx context.Context, env Env) error {
	if _, err := parseSettings(f.Settings); err != nil {
		return fmt.Errorf("rolling restart: %w", err)
	}
	return nil
}

// Inject rolls the cluster.
func (f *RollingRestart) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	settings, err := parseSettings(f.Settings)
	if err != nil {
		return schema.FaultEffect{}, fmt.Errorf("rolling restart: %w", err)
	}
	var step rollStep
	what := f.Signal + " and restart"
	if len(settings) > 0 {
		what = fmt.Sprintf("%s, server.properties rewritten with %s, and restart", f.Signal, strings.Join(f.Settings, ", "))
		step = settingsStep(settings)
	}
	eff, err := f.roll(ctx, env, what, step)
	if err != nil {
		return eff, fmt.Errorf("rolling restart: %w", err)
	}
	return eff, nil
}

// rollStep is what a roll does to each node besides restarting it:
// change is done while the node is down, check once the cluster is
// healthy again, saying what shows the change took effect.
type rollStep struct {
	change func(ctx context.Context, env Env, n int) error
	check  func(ctx context.Context, env Env, n int) (string, error)
}

// settingsStep rewrites a node's settings and checks that the node, back,
// reports them.
func settingsStep(settings map[string]string) rollStep {
	names := slices.Sorted(maps.Keys(settings))
	return rollStep{
		change: func(ctx context.Context, env Env, n int) error { return env.Maint.SetNodeSettings(ctx, n, settings) },
		check: func(ctx context.Context, env Env, n int) (string, error) {
			got, err := env.Admin.BrokerConfig(env.Nodes.IDs(), n, names...)
			if err != nil {
				return "", err
			}
			var shown []string
			for _, k := range names {
				if got[k] != settings[k] {
					return "", fmt.Errorf("%w: node %d reports %s=%q after its restart, not %q", ErrNoEffect, n, k, got[k], settings[k])
				}
				shown = append(shown, k+"="+got[k])
			}
			return "reports " + strings.Join(shown, ", "), nil
		},
	}
}

// roll stops and restarts every node in turn, the leader last, doing
// step to each, and says what it did and saw.
func (f *RollingRestart) roll(ctx context.Context, env Env, what string, step rollStep) (schema.FaultEffect, error) {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return schema.FaultEffect{}, err
	}
	order := rollOrder(env, leader)
	eff := schema.FaultEffect{Target: order, Description: fmt.Sprintf("%s of nodes %v in turn (leader %d last), waiting for full ISRs between", what, order, leader), Metrics: map[string]int64{}}
	for _, n := range order {
		began := time.Now()
		if err := env.Nodes.Kill(ctx, n, f.Signal, f.StepTimeout); err != nil {
			return eff, err
		}
		stopped := time.Since(began)
		if err := waitLeft(ctx, env, n); err != nil {
			return eff, err
		}
		if n == leader {
			obs, err := waitLeaderMoved(ctx, env, leader, f.StepTimeout)
			if err != nil {
				return eff, err
			}
			eff.Observed = append(eff.Observed, obs...)
		}
		if step.change != nil {
			if err := step.change(ctx, env, n); err != nil {
				return eff, err
			}
		}
		if err := sleepCtx(ctx, f.Pause); err != nil {
			return eff, err
		}
		if err := env.Nodes.Restart(ctx, n); err != nil {
			return eff, err
		}
		if err := env.State.WaitHealthy(ctx, env.Topics, f.StepTimeout); err != nil {
			return eff, fmt.Errorf("node %d back: %w", n, err)
		}
		line := fmt.Sprintf("node %d: stopped in %s, left the cluster, back with full ISRs after %s", n, stopped.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
		if step.check != nil {
			shown, err := step.check(ctx, env, n)
			if err != nil {
				return eff, err
			}
			line += "; " + shown
		}
		eff.Metrics[fmt.Sprintf("node%d_stop_ms", n)] = stopped.Milliseconds()
		eff.Metrics[fmt.Sprintf("node%d_cycle_ms", n)] = time.Since(began).Milliseconds()
		eff.Observed = append(eff.Observed, line)
		env.logf("%s: node %d cycled in %s", what, n, time.Since(began).Round(time.Millisecond))
	}
	return eff, nil
}

// rollOrder is the order a roll takes the nodes in: the followers, then
// the leader.
func rollOrder(env Env, leader int) []int { return append(followers(env, leader), leader) }

// waitLeft waits until a stopped broker visibly left: the others stop
// listing it once the controller has fenced it.
func waitLeft(ctx context.Context, env Env, n int) error {
	var live []int32
	var lerr error
	for wait := time.Now().Add(15 * time.Second); time.Now().Before(wait); {
		live, lerr = env.State.BrokersFrom(others(env, n), env.Topics...)
		if lerr == nil && !slices.Contains(live, int32(n)) {
			return nil
		}
		if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("%w: node %d still listed as a live broker 15s after it stopped (brokers %v, %v)", ErrNoEffect, n, live, lerr)
}

// Heal starts any node a failed roll left stopped.
func (f *RollingRestart) Heal(ctx context.Context, env Env) error {
	if err := startStopped(ctx, env); err != nil {
		return fmt.Errorf("rolling restart: %w", err)
	}
	return nil
}

// startStopped starts every node that does not run.
func startStopped(ctx context.Context, env Env) error {
	for _, n := range env.Nodes.IDs() {
		running, err := env.Nodes.Running(ctx, n)
		if err != nil {
			return err
		}
		if !running {
			if err := env.Nodes.Restart(ctx, n); err != nil {
				return err
			}
		}
	}
	return nil
}
