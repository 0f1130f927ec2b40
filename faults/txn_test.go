package faults

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// The coordinator faults take the scenario's transactional ids, and so
// does every power loss, which acts on them for target txn-coordinator
// only.
var (
	_ TxnFault = NewTxnCoordinatorKill()
	_ TxnFault = NewTxnCoordinatorIsolate()
	_ TxnFault = NewPowerLoss(PowerTxnCoordinator)
)

func TestActsOnTransactions(t *testing.T) {
	t.Parallel()
	for _, f := range []TxnFault{NewTxnCoordinatorKill(), NewTxnCoordinatorIsolate(), NewPowerLoss(PowerTxnCoordinator)} {
		if !f.ActsOnTransactions() {
			t.Errorf("%s does not act on transactions", f.Name())
		}
	}
	for _, target := range []PowerTarget{PowerLeader, PowerAll, PowerLastReplica} {
		if f := NewPowerLoss(target); f.ActsOnTransactions() {
			t.Errorf("%s acts on transactions", f.Name())
		}
	}
}

// txnIDs are the transactional ids the tests bind.
var txnIDs = []string{"a.txn", "b.txn"}

// TestTxnCoordinatorKillEffect: the coordinator is killed and every id
// moves to another node; the first lookup fails, as it does while
// __transaction_state is created, and is retried.
func TestTxnCoordinatorKillEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.coordinate(3, txnIDs...)
	c.txnMisses = 1
	f := NewTxnCoordinatorKill()
	f.BindTransactions(txnIDs)
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{3},
		Description: "SIGKILL to node 3, transaction coordinator of every transactional id (partition leader: node 2)",
		Observed: []string{
			"transactional id a.txn: coordinator moved from node 3 to node 1",
			"transactional id b.txn: coordinator moved from node 3 to node 1",
		},
	})
	wantEqual(t, "kills", c.kills, []string{"SIGKILL 3"})
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || !c.running[3] {
		t.Errorf("heal: %v, node 3 running %v", err, c.running[3])
	}
}

func TestTxnCoordinatorKillNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.coordinate(3, txnIDs...)
	c.frozen = true
	f := NewTxnCoordinatorKill()
	f.BindTransactions(txnIDs)
	f.EffectTimeout = noEffectTimeout
	eff, err := inject(t, c, f)
	wantNoEffect(t, err, "coordination of every transactional id moved off node 3 not seen within 10ms "+
		"(last seen: [transactional id a.txn: still coordinated by node 3 transactional id b.txn: still coordinated by node 3]")
	if !strings.HasPrefix(err.Error(), "txn-coordinator-kill: ") || eff.Observed != nil || !reflect.DeepEqual(eff.Target, []int{3}) {
		t.Errorf("error %q, effect %+v", err, eff)
	}
}

// TestTxnCoordinatorPowerLossEffect: the coordinator, not the partition
// leader, loses power with unsynced bytes, and every id moves to another
// node; the leader stays.
func TestTxnCoordinatorPowerLossEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.coordinate(3, txnIDs...)
	c.unsynced[3] = 4096
	f := NewPowerLoss(PowerTxnCoordinator)
	f.BindTransactions(txnIDs)
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{3},
		Description: "power cut of node 3, transaction coordinator of every transactional id (partition leader: node 2): unsynced writes dropped",
		Metrics:     map[string]int64{"unsynced_bytes_node_3": 4096, "unsynced_bytes_total": 4096},
		Observed: []string{
			"4096 unsynced bytes dropped across nodes [3]",
			"transactional id a.txn: coordinator moved from node 3 to node 1",
			"transactional id b.txn: coordinator moved from node 3 to node 1",
		},
	})
	if c.running[3] || c.parts[0].Leader != 2 {
		t.Errorf("node 3 running %v, a-0 led by %d, want node 3 down and node 2 still leading", c.running[3], c.parts[0].Leader)
	}
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || !c.running[3] {
		t.Errorf("heal: %v, node 3 running %v", err, c.running[3])
	}
}

// TestTxnCoordinatorPowerLossNoEffect: a cut that drops nothing, and one
// after which the coordinator does not move.
func TestTxnCoordinatorPowerLossNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.coordinate(3, txnIDs...)
	f := NewPowerLoss(PowerTxnCoordinator)
	f.BindTransactions(txnIDs)
	_, err := inject(t, c, f)
	wantNoEffect(t, err, "power-loss-txn-coordinator: fault took no effect: no unsynced bytes at the cut, nothing could be lost")

	c = newFake(2, 3, "a", "b")
	c.coordinate(3, txnIDs...)
	c.unsynced[3] = 4096
	c.frozen = true
	f = NewPowerLoss(PowerTxnCoordinator)
	f.BindTransactions(txnIDs)
	f.EffectTimeout = noEffectTimeout
	eff, err := inject(t, c, f)
	wantNoEffect(t, err, "power-loss-txn-coordinator: fault took no effect: coordination of every transactional id moved off node 3 not seen within 10ms")
	wantEqual(t, "observed", eff.Observed, []string{"4096 unsynced bytes dropped across nodes [3]"})
}

// TestTxnCoordinatorIsolateEffect: only the client link to the
// coordinator is cut, and the coordinator stays.
func TestTxnCoordinatorIsolateEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.coordinate(1, txnIDs...)
	f := NewTxnCoordinatorIsolate()
	f.BindTransactions(txnIDs)
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{1},
		Description: "client link to node 1, transaction coordinator of every transactional id, cut; partition leader node 2 still reachable",
		Observed: []string{
			"client link to node 1 refused: probe node 1: connection refused",
			"transactional id a.txn: still coordinated by node 1",
			"transactional id b.txn: still coordinated by node 1",
		},
	})
	wantEqual(t, "links cut", c.cut, map[schema.Link]bool{clientLink(1): true})
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || len(c.cut) > 0 {
		t.Errorf("heal: %v, links still cut: %v", err, c.cut)
	}
}

// TestTxnCoordinatorIsolateNoEffect: the clients reach the coordinator
// around the cut link.
func TestTxnCoordinatorIsolateNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.coordinate(1, txnIDs...)
	c.bypass = true
	f := NewTxnCoordinatorIsolate()
	f.BindTransactions(txnIDs)
	_, err := inject(t, c, f)
	wantNoEffect(t, err, "txn-coordinator-isolate-clients: fault took no effect: node 1 still answers clients")
}

// TestTxnPrepareErrors: the coordinator faults need bound ids sharing one
// coordinator that is not the partition leader.
func TestTxnPrepareErrors(t *testing.T) {
	t.Parallel()
	for _, newFault := range []func() TxnFault{
		func() TxnFault { return NewTxnCoordinatorKill() },
		func() TxnFault { return NewTxnCoordinatorIsolate() },
		func() TxnFault { return NewPowerLoss(PowerTxnCoordinator) },
	} {
		for name, tc := range map[string]struct {
			setup func(*fakeCluster)
			ids   []string
			want  string
		}{
			"no ids": {func(c *fakeCluster) {}, nil, ErrNoTransactions.Error()},
			"two coordinators": {func(c *fakeCluster) { c.coordinate(3, "a.txn"); c.coordinate(1, "b.txn") }, txnIDs,
				"transactional id b.txn is coordinated by node 1, transactional id a.txn by node 3: the fault needs one coordinator for every transactional id"},
			"coordinator leads": {func(c *fakeCluster) { c.coordinate(2, txnIDs...) }, txnIDs,
				"node 2 coordinates every transactional id and also leads the scenario partitions: the fault needs them on different nodes"},
		} {
			c := newFake(2, 3, "a", "b")
			tc.setup(c)
			f := newFault()
			f.BindTransactions(tc.ids)
			err := f.Prepare(context.Background(), c.env("a", "b"))
			if err == nil || !strings.HasPrefix(err.Error(), f.Name()+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s, %s: got %v, want %q", f.Name(), name, err, tc.want)
			}
			if name == "no ids" && !errors.Is(err, ErrNoTransactions) {
				t.Errorf("%s: %v does not wrap ErrNoTransactions", f.Name(), err)
			}
		}
	}
}
