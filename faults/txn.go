package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// TxnFault is a fault that acts on the transaction coordinator of the
// scenario's transactional producers: the leader of the
// __transaction_state partition of their transactional ids. The runner
// binds the ids of every transactional profile before Prepare. A fault
// type with a coordinator variant among others (power-loss, target
// txn-coordinator) is a TxnFault for all of them, and ActsOnTransactions
// reports whether this one needs the ids, and so a transactional profile.
type TxnFault interface {
	Fault
	BindTransactions(ids []string)
	ActsOnTransactions() bool
}

// ErrNoTransactions: a transaction fault ran in a scenario without
// transactional producers.
var ErrNoTransactions = errors.New("no transactional ids bound: the scenario runs no transactional profile")

// txnTarget is what the coordinator faults share: the bound transactional
// ids, the one node coordinating them all, and the partition leader it is
// not.
type txnTarget struct {
	ids                 []string
	coordinator, leader int
}

// BindTransactions implements TxnFault.
func (t *txnTarget) BindTransactions(ids []string) { t.ids = slices.Clone(ids) }

// ActsOnTransactions implements TxnFault: the coordinator faults always do.
func (t *txnTarget) ActsOnTransactions() bool { return true }

// find sets the coordinator and the leader. The lookups are retried
// briefly: the first ones create __transaction_state and may fail.
func (t *txnTarget) find(ctx context.Context, env Env) error {
	if len(t.ids) == 0 {
		return ErrNoTransactions
	}
	leader, err := scenarioLeader(env)
	if err != nil {
		return err
	}
	lookup := func(id string) (n int, err error) {
		err = retryBriefly(ctx, func() (err error) {
			n, err = env.Txns.TxnCoordinator(id)
			return err
		})
		return n, err
	}
	coord, err := oneCoordinator("transactional id", t.ids, leader, lookup)
	if err != nil {
		return err
	}
	t.coordinator, t.leader = coord, leader
	return nil
}

// coordinators returns the node coordinating each bound id, in order, and
// the first lookup error.
func (t *txnTarget) coordinators(env Env) ([]int, error) {
	ns := make([]int, len(t.ids))
	for i, id := range t.ids {
		n, err := env.Txns.TxnCoordinator(id)
		if err != nil {
			return ns[:i], fmt.Errorf("coordinator of transactional id %s: %w", id, err)
		}
		ns[i] = n
	}
	return ns, nil
}

// observe renders one line per bound id from its coordinator now, ns[i].
func (t *txnTarget) observe(ns []int) []string {
	obs := make([]string, len(ns))
	for i, n := range ns {
		if n == t.coordinator {
			obs[i] = fmt.Sprintf("transactional id %s: still coordinated by node %d", t.ids[i], n)
		} else {
			obs[i] = fmt.Sprintf("transactional id %s: coordinator moved from node %d to node %d", t.ids[i], t.coordinator, n)
		}
	}
	return obs
}

// waitMoved polls the coordinators until none of the bound ids is
// coordinated by the old coordinator any more, and describes each id's
// move. On timeout the error wraps ErrNoEffect and names what was last
// seen.
func (t *txnTarget) waitMoved(ctx context.Context, env Env, timeout time.Duration) ([]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		ns, err := t.coordinators(env)
		if err == nil && !slices.Contains(ns, t.coordinator) {
			return t.observe(ns), nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%w: coordination of every transactional id moved off node %d not seen within %s (last seen: %v, last error %v)", ErrNoEffect, t.coordinator, timeout, t.observe(ns), err)
		}
		if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
			return nil, err
		}
	}
}

// TxnCoordinatorKill kills the transaction coordinator of every
// transactional id, a node other than the partition leader, with a signal
// and restarts it with its data on heal. The producers' data path stays
// up while their transactions lose the node that tracks them: a new
// coordinator takes over the __transaction_state partition and completes
// or aborts what was in flight. It took effect when every id is
// coordinated by another node.
type TxnCoordinatorKill struct {
	Signal string `json:"signal"`
	// EffectTimeout bounds the wait for a new coordinator.
	EffectTimeout time.Duration `json:"effect_timeout_ns"`

	txnTarget
	killed bool
}

// NewTxnCoordinatorKill returns the coordinator kill with SIGKILL.
func NewTxnCoordinatorKill() *TxnCoordinatorKill {
	return &TxnCoordinatorKill{Signal: schema.SIGKILL, EffectTimeout: 30 * time.Second}
}

// Name implements Fault.
func (f *TxnCoordinatorKill) Name() string { return "txn-coordinator-kill" }

// Prepare finds the coordinator.
func (f *TxnCoordinatorKill) Prepare(ctx context.Context, env Env) error {
	if err := f.find(ctx, env); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}

// Inject kills the coordinator and waits for coordination to move.
func (f *TxnCoordinatorKill) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.coordinator}, Description: fmt.Sprintf("%s to node %d, transaction coordinator of every transactional id (partition leader: node %d)", f.Signal, f.coordinator, f.leader)}
	if err := killNode(ctx, env, f.Name(), f.coordinator, f.Signal); err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	f.killed = true
	obs, err := f.waitMoved(ctx, env, f.EffectTimeout)
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	eff.Observed = obs
	return eff, nil
}

// Heal restarts the killed coordinator with its data.
func (f *TxnCoordinatorKill) Heal(ctx context.Context, env Env) error {
	if !f.killed {
		return nil
	}
	if err := restartNode(ctx, env, f.coordinator); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}

// TxnCoordinatorIsolate cuts the client link to the transaction
// coordinator of every transactional id, a node other than the partition
// leader: the producers still reach the leader with their records, and
// no longer the coordinator with AddPartitionsToTxn or EndTxn. Nothing
// changes inside the cluster. It took effect when a client's round trip
// to the coordinator fails and it still coordinates every id.
type TxnCoordinatorIsolate struct {
	txnTarget
}

// NewTxnCoordinatorIsolate returns the coordinator's client-link cut.
func NewTxnCoordinatorIsolate() *TxnCoordinatorIsolate { return &TxnCoordinatorIsolate{} }

// Name implements Fault.
func (f *TxnCoordinatorIsolate) Name() string { return "txn-coordinator-isolate-clients" }

// Prepare finds the coordinator.
func (f *TxnCoordinatorIsolate) Prepare(ctx context.Context, env Env) error {
	if err := f.find(ctx, env); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}

// Inject cuts the link and checks that the coordinator stayed.
func (f *TxnCoordinatorIsolate) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.coordinator}, Description: fmt.Sprintf("client link to node %d, transaction coordinator of every transactional id, cut; partition leader node %d still reachable", f.coordinator, f.leader)}
	if err := env.Links.Cut(clientLink(f.coordinator)); err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	env.logf("fault %s: client link to node %d cut", f.Name(), f.coordinator)
	refused, err := refusesClients(env, f.coordinator)
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	eff.Observed = append(eff.Observed, refused)
	var ns []int
	// The first lookup after the cut may go to the cut node.
	err = retryBriefly(ctx, func() (err error) {
		ns, err = f.coordinators(env)
		return err
	})
	eff.Observed = append(eff.Observed, f.observe(ns)...)
	switch {
	case err != nil:
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	case slices.ContainsFunc(ns, func(n int) bool { return n != f.coordinator }):
		return eff, fmt.Errorf("%s: %w: coordination moved off node %d, though only its client link was cut", f.Name(), ErrNoEffect, f.coordinator)
	}
	return eff, nil
}

// Heal restores every link.
func (f *TxnCoordinatorIsolate) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}
