package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// DiskFull fills the leader's log directory while the workload runs (B1):
// every write then fails with ENOSPC. Kafka takes the directory offline; with
// its only log directory gone the broker stops, and leadership moves. Heal
// frees the space and starts the node again with its data.
type DiskFull struct {
	MoveTimeout time.Duration `json:"move_timeout_ns"`

	leader int
}

// NewDiskFull returns the disk-full fault.
func NewDiskFull() *DiskFull { return &DiskFull{MoveTimeout: 60 * time.Second} }

// Name implements Fault.
func (f *DiskFull) Name() string { return "disk-full-leader" }

// Prepare finds the leader.
func (f *DiskFull) Prepare(ctx context.Context, env Env) error {
	leader, err := scenarioLeader(env)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	f.leader = leader
	return nil
}

// Inject fills the disk and waits until the other nodes see the leader gone.
func (f *DiskFull) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.leader}, Description: fmt.Sprintf("log directory of node %d (leader) full: writes fail with ENOSPC", f.leader)}
	if err := env.Disks.SetDiskFull(ctx, f.leader, true); err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	obs, err := waitLeaderNot(ctx, env, f.leader, f.MoveTimeout)
	eff.Observed = obs
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	running, err := env.Nodes.Running(ctx, f.leader)
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	eff.Observed = append(eff.Observed, fmt.Sprintf("node %d running after its disk filled: %t", f.leader, running))
	return eff, nil
}

// Heal frees the space and restarts the node: a broker whose log directory
// failed does not bring it back on its own.
func (f *DiskFull) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	running, err := env.Nodes.Running(ctx, f.leader)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	if running {
		if err := env.Disks.SetDiskFull(ctx, f.leader, false); err != nil {
			return fmt.Errorf("%s: %w", f.Name(), err)
		}
		// A clean stop, so nothing written after the space was freed is
		// lost with the filesystem process.
		if err := env.Nodes.Kill(ctx, f.leader, schema.SIGTERM, 60*time.Second); err != nil {
			return fmt.Errorf("%s: %w", f.Name(), err)
		}
	}
	if err := env.Nodes.Restart(ctx, f.leader); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}
