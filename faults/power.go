package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// PowerTarget selects which nodes lose power.
type PowerTarget string

const (
	// PowerLeader cuts the leader of the scenario's partitions.
	PowerLeader PowerTarget = "leader"
	// PowerAll cuts every node at the same instant: a rack or zone outage.
	PowerAll PowerTarget = "all"
	// PowerLastReplica first shrinks the ISR to the leader alone (its
	// followers' replication links are cut until they leave the ISR), then
	// cuts the leader: the last replica standing.
	PowerLastReplica PowerTarget = "last-replica"
	// PowerTxnCoordinator cuts the transaction coordinator of every
	// transactional id the runner bound, a node other than the partition
	// leader: what its __transaction_state partition held unsynced is gone.
	PowerTxnCoordinator PowerTarget = "txn-coordinator"
)

// PowerLoss cuts the power of nodes whose log directories sit on the lossy
// filesystem: everything Kafka wrote but did not fsync is gone when they
// start again. A plain SIGKILL (LeaderKill) keeps the page cache; this does
// not.
//
// Every target takes transactional ids (it is a TxnFault), and only
// txn-coordinator acts on them: ActsOnTransactions says which.
type PowerLoss struct {
	Target PowerTarget `json:"target"`
	// ShrinkTimeout bounds the wait for the ISR to shrink (last-replica).
	ShrinkTimeout time.Duration `json:"shrink_timeout_ns"`
	// EffectTimeout bounds the wait for the survivors to see the victim
	// gone: a new leader, or (txn-coordinator) a new coordinator of every
	// transactional id.
	EffectTimeout time.Duration `json:"effect_timeout_ns"`

	// txnTarget finds the coordinator (txn-coordinator only).
	txnTarget
	leader  int
	victims []int
}

// NewPowerLoss returns a power-loss fault for the target.
func NewPowerLoss(t PowerTarget) *PowerLoss {
	return &PowerLoss{Target: t, ShrinkTimeout: 60 * time.Second, EffectTimeout: 30 * time.Second}
}

// ActsOnTransactions implements TxnFault: only the coordinator's power
// cut needs the transactional ids.
func (f *PowerLoss) ActsOnTransactions() bool { return f.Target == PowerTxnCoordinator }

// Name implements Fault.
func (f *PowerLoss) Name() string { return "power-loss-" + string(f.Target) }

// Prepare picks the victims: for the last replica standing it shrinks the
// ISR to the leader first, and for the transaction coordinator it finds
// the one node coordinating every bound id, as txn-coordinator-kill does.
func (f *PowerLoss) Prepare(ctx context.Context, env Env) error {
	leader, err := scenarioLeader(env)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	f.leader = leader
	switch f.Target {
	case PowerLeader:
		f.victims = []int{leader}
	case PowerAll:
		f.victims = env.Nodes.IDs()
	case PowerLastReplica:
		f.victims = []int{leader}
		var links []schema.Link
		for _, n := range followers(env, leader) {
			links = append(links, schema.Link{From: n, To: leader, Kind: schema.Internal})
		}
		if err := env.Links.Cut(links...); err != nil {
			return fmt.Errorf("%s: cut replication: %w", f.Name(), err)
		}
		env.logf("fault %s: replication links %v cut, waiting for the ISR to shrink to [%d]", f.Name(), links, leader)
		if err := waitISR(ctx, env, []int32{int32(leader)}, f.ShrinkTimeout); err != nil {
			return fmt.Errorf("%s: %w", f.Name(), err)
		}
	case PowerTxnCoordinator:
		if err := f.find(ctx, env); err != nil {
			return fmt.Errorf("%s: %w", f.Name(), err)
		}
		f.victims = []int{f.coordinator}
	default:
		return fmt.Errorf("power loss: unknown target %q: use leader, all, last-replica or txn-coordinator", f.Target)
	}
	return nil
}

// Inject cuts the power and checks that data was at risk.
func (f *PowerLoss) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: f.victims, Description: fmt.Sprintf("power cut of nodes %v (leader %d): unsynced writes dropped", f.victims, f.leader)}
	if f.Target == PowerTxnCoordinator {
		eff.Description = fmt.Sprintf("power cut of node %d, transaction coordinator of every transactional id (partition leader: node %d): unsynced writes dropped", f.coordinator, f.leader)
	}
	unsynced, err := env.Disks.PowerOff(ctx, f.victims...)
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	eff.Metrics = map[string]int64{}
	var total int64
	for n, b := range unsynced {
		eff.Metrics[fmt.Sprintf("unsynced_bytes_node_%d", n)] = b
		total += b
	}
	eff.Metrics["unsynced_bytes_total"] = total
	eff.Observed = append(eff.Observed, fmt.Sprintf("%d unsynced bytes dropped across nodes %v", total, f.victims))
	if total == 0 {
		return eff, fmt.Errorf("%s: %w: no unsynced bytes at the cut, nothing could be lost", f.Name(), ErrNoEffect)
	}
	// The survivors must see the victim gone before healing, or a restart
	// could race the controller and the cluster look healthy on stale
	// metadata.
	var obs []string
	switch f.Target {
	case PowerAll:
		// Nobody is left to report a leader change; the stopped containers
		// are the effect.
		return eff, nil
	case PowerTxnCoordinator:
		// The coordinator leads no scenario partition (Prepare saw to it):
		// every id coordinated by another node is the sign.
		obs, err = f.waitMoved(ctx, env, f.EffectTimeout)
	default:
		obs, err = waitLeaderNot(ctx, env, f.leader, f.EffectTimeout)
	}
	eff.Observed = append(eff.Observed, obs...)
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return eff, nil
}

// waitLeaderNot waits until no scenario partition is led by node old: a
// new leader was elected, or the partition is offline (leader -1) because
// no eligible replica is left.
func waitLeaderNot(ctx context.Context, env Env, old int, timeout time.Duration) ([]string, error) {
	deadline := time.Now().Add(timeout)
	var last []schema.PartitionState
	for time.Now().Before(deadline) {
		ps, err := partitions(env)
		if err == nil && len(ps) > 0 {
			last = ps
			gone := true
			for _, p := range ps {
				gone = gone && p.Leader != int32(old)
			}
			if gone {
				obs := make([]string, 0, len(ps))
				for _, p := range ps {
					obs = append(obs, fmt.Sprintf("%s-%d: leader %d (epoch %d), isr %v", p.Topic, p.Partition, p.Leader, p.LeaderEpoch, p.ISR))
				}
				return obs, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return nil, fmt.Errorf("%w: node %d still leads after %s (last state %v)", ErrNoEffect, old, timeout, last)
}

// Heal powers the victims on again and restores any cut link.
func (f *PowerLoss) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	for _, n := range f.victims {
		if err := env.Nodes.Restart(ctx, n); err != nil {
			return fmt.Errorf("%s: %w", f.Name(), err)
		}
	}
	return nil
}

// waitISR waits until every scenario partition's ISR equals isr.
func waitISR(ctx context.Context, env Env, isr []int32, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last []schema.PartitionState
	for time.Now().Before(deadline) {
		ps, err := partitions(env)
		if err == nil {
			last = ps
			done := true
			for _, p := range ps {
				if fmt.Sprint(p.ISR) != fmt.Sprint(isr) {
					done = false
					break
				}
			}
			if done {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("%w: ISR did not shrink to %v within %s (last state %v)", ErrNoEffect, isr, timeout, last)
}
