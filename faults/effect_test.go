package faults

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// The took-effect logic of the faults, against the in-memory cluster
// (fake_test.go): each fault returns an Effect describing the change when
// the cluster shows it, and an error wrapping ErrNoEffect when a frozen
// cluster does not. A refusal costs one poll (250 ms), since the faults'
// timeouts are set far below it.

// noEffectTimeout is the timeout a frozen cluster's faults get.
const noEffectTimeout = 10 * time.Millisecond

// inject runs the fault's Prepare and Inject on the scenario topics a and
// b of the fake cluster.
func inject(t *testing.T, c *fakeCluster, f Fault) (schema.FaultEffect, error) {
	t.Helper()
	env := c.env("a", "b")
	if err := f.Prepare(context.Background(), env); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	return f.Inject(context.Background(), env)
}

// wantNoEffect checks that Inject failed for want of an effect, saying
// what it waited for.
func wantNoEffect(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, ErrNoEffect) || !strings.Contains(err.Error(), what) {
		t.Fatalf("got %v, want an error wrapping ErrNoEffect naming %q", err, what)
	}
}

func wantEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

func TestLeaderKillEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	f := NewLeaderKill()
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{2},
		Description: "SIGKILL to node 2, leader of every scenario partition",
		Observed: []string{
			"a-0: leader 1 (epoch 1), isr [1 3]", "a-1: leader 1 (epoch 1), isr [1 3]",
			"b-0: leader 1 (epoch 1), isr [1 3]", "b-1: leader 1 (epoch 1), isr [1 3]",
		},
	})
	wantEqual(t, "kills", c.kills, []string{"SIGKILL 2"})
	lag := func(s schema.Stream) schema.Toxic {
		return schema.Toxic{Name: "lag-" + string(s), Type: "latency", Stream: s, Attributes: map[string]any{"latency": int64(1500)}}
	}
	lagged := []schema.Toxic{lag(schema.Upstream), lag(schema.Downstream)}
	wantEqual(t, "follower lag", c.toxics, map[schema.Link][]schema.Toxic{
		{From: 1, To: 2, Kind: schema.Internal}: lagged,
		{From: 3, To: 2, Kind: schema.Internal}: lagged,
	})
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil {
		t.Fatal(err)
	}
	if !c.running[2] || len(c.toxics) > 0 {
		t.Errorf("after heal: node 2 running %v, toxics %v", c.running[2], c.toxics)
	}
}

func TestLeaderKillNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.frozen = true
	f := NewLeaderKill()
	f.MoveTimeout = noEffectTimeout
	eff, err := inject(t, c, f)
	wantNoEffect(t, err, "leadership moved off node 2 not seen within 10ms (view of nodes [1 3]")
	if !strings.HasPrefix(err.Error(), "leader kill: ") || eff.Observed != nil || !reflect.DeepEqual(eff.Target, []int{2}) {
		t.Errorf("error %q, effect %+v", err, eff)
	}
}

func TestIsolatePeersEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	eff, err := inject(t, c, NewIsolatePeers())
	if err != nil {
		t.Fatal(err)
	}
	links := schema.NodeLinks([]int{2}, []int{1, 3}, schema.Internal, schema.Controller)
	for _, l := range links {
		if !c.cut[l] {
			t.Errorf("link %s not cut", l)
		}
	}
	if len(c.cut) != len(links) {
		t.Errorf("cut %d links, want the %d between node 2 and its peers", len(c.cut), len(links))
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target: []int{2},
		Description: "node 2, leader of every scenario partition, cut off: links " +
			"[2->1/internal 1->2/internal 2->1/controller 1->2/controller 2->3/internal 3->2/internal 2->3/controller 3->2/controller]" +
			"; active controller node 3 (epoch 5)",
		Observed: []string{
			"a-0: leader 1 (epoch 1), isr [1 3]", "a-1: leader 1 (epoch 1), isr [1 3]",
			"b-0: leader 1 (epoch 1), isr [1 3]", "b-1: leader 1 (epoch 1), isr [1 3]",
			"node 2 still reports itself leader of 4 of 4 partitions",
		},
	})
	if err := NewIsolatePeers().Heal(context.Background(), c.env("a", "b")); err != nil || len(c.cut) > 0 {
		t.Errorf("heal: %v, links still cut: %v", err, c.cut)
	}
}

func TestIsolatePeersNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.frozen = true
	f := NewIsolatePeers()
	f.MoveTimeout = noEffectTimeout
	_, err := inject(t, c, f)
	wantNoEffect(t, err, "isolate-leader-peers: fault took no effect: leadership moved off node 2 not seen")
}

func TestControllerKillEffect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		controller int
		observed   []string
	}{
		{"controller is a follower: it leaves every ISR", 3, []string{
			"a-0: leader 2 (epoch 0), isr [2 1]", "a-1: leader 2 (epoch 0), isr [2 1]",
			"b-0: leader 2 (epoch 0), isr [2 1]", "b-1: leader 2 (epoch 0), isr [2 1]",
		}},
		{"controller is the leader: leadership moves", 2, []string{
			"a-0: leader 1 (epoch 1), isr [1 3]", "a-1: leader 1 (epoch 1), isr [1 3]",
			"b-0: leader 1 (epoch 1), isr [1 3]", "b-1: leader 1 (epoch 1), isr [1 3]",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newFake(2, tc.controller, "a", "b")
			f := NewControllerKill()
			eff, err := inject(t, c, f)
			if err != nil {
				t.Fatal(err)
			}
			wantEqual(t, "target", eff.Target, []int{tc.controller})
			wantEqual(t, "metrics", eff.Metrics, map[string]int64{
				"old_controller": int64(tc.controller), "old_epoch": 5, "new_controller": 1, "new_epoch": 6, "election_ms": eff.Metrics["election_ms"],
			})
			if len(eff.Observed) == 0 || !strings.HasPrefix(eff.Observed[0], fmt.Sprintf("controller moved from node %d (epoch 5) to node 1 (epoch 6) in ", tc.controller)) {
				t.Fatalf("observed %q", eff.Observed)
			}
			wantEqual(t, "partitions observed", eff.Observed[1:], tc.observed)
			wantEqual(t, "kills", c.kills, []string{fmt.Sprintf("SIGKILL %d", tc.controller)})
			if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || !c.running[tc.controller] {
				t.Errorf("heal: %v, node %d running %v", err, tc.controller, c.running[tc.controller])
			}
		})
	}
}

func TestControllerKillNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.frozen = true
	f := NewControllerKill()
	f.MoveTimeout = noEffectTimeout
	eff, err := inject(t, c, f)
	wantNoEffect(t, err, "no new controller with an epoch above 5 within 10ms (last: node 3 epoch 5")
	if eff.Metrics["old_controller"] != 3 || eff.Metrics["new_controller"] != 0 {
		t.Errorf("metrics %v", eff.Metrics)
	}
}

func TestReplicationCutEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	eff, err := inject(t, c, NewReplicationCut())
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "links cut", len(c.cut), 4)
	for _, l := range schema.NodeLinks([]int{2}, []int{1, 3}, schema.Internal) {
		if !c.cut[l] {
			t.Errorf("replication link %s not cut", l)
		}
	}
	wantEqual(t, "target", eff.Target, []int{1, 3})
	wantEqual(t, "shrunk", eff.Metrics["partitions_shrunk"], int64(4))
	if len(eff.Observed) != 5 || !strings.HasPrefix(eff.Observed[0], "ISR [2] seen on every topic within ") || !strings.HasSuffix(eff.Observed[0], ", on 4 of 4 partitions; now:") {
		t.Fatalf("observed %q", eff.Observed)
	}
	wantEqual(t, "partitions", eff.Observed[1], "a-0: leader 2 (epoch 0), isr [2]")
}

func TestReplicationCutNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.frozen = true
	f := NewReplicationCut()
	f.ShrinkTimeout = noEffectTimeout
	_, err := inject(t, c, f)
	wantNoEffect(t, err, "an ISR of [2] on every topic not seen within 10ms")
}

func TestDiskFullEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	f := NewDiskFull()
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{2},
		Description: "log directory of node 2 (leader) full: writes fail with ENOSPC",
		Observed: []string{
			"a-0: leader 1 (epoch 1), isr [1 3]", "a-1: leader 1 (epoch 1), isr [1 3]",
			"b-0: leader 1 (epoch 1), isr [1 3]", "b-1: leader 1 (epoch 1), isr [1 3]",
			"node 2 running after its disk filled: false",
		},
	})
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || !c.running[2] {
		t.Errorf("heal: %v, node 2 running %v", err, c.running[2])
	}
}

func TestDiskFullNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.frozen = true
	f := NewDiskFull()
	f.MoveTimeout = noEffectTimeout
	_, err := inject(t, c, f)
	wantNoEffect(t, err, "disk-full-leader: fault took no effect: node 2 still leads after 10ms")
}

// TestPowerLossEffect: a power cut took effect only if it dropped
// unsynced bytes, whatever the leaders do.
func TestPowerLossEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.unsynced[2] = 4096
	eff, err := inject(t, c, NewPowerLoss(PowerLeader))
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "metrics", eff.Metrics, map[string]int64{"unsynced_bytes_node_2": 4096, "unsynced_bytes_total": 4096})
	wantEqual(t, "observed", eff.Observed[:2], []string{"4096 unsynced bytes dropped across nodes [2]", "a-0: leader 1 (epoch 1), isr [1 3]"})

	c = newFake(2, 3, "a", "b")
	_, err = inject(t, c, NewPowerLoss(PowerLeader))
	wantNoEffect(t, err, "no unsynced bytes at the cut, nothing could be lost")
}

// A leadership transfer reorders every replica list with the lowest
// follower first and elects it, the followers lagging meanwhile.
func TestLeaderMoveEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	f := NewLeaderMove()
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{2, 1},
		Description: "leadership of every scenario partition moved from node 2 to node 1: replicas reordered with 1 first, then a preferred election",
		Observed: []string{
			"a-0: leader 1 (epoch 1), isr [2 1 3]", "a-1: leader 1 (epoch 1), isr [2 1 3]",
			"b-0: leader 1 (epoch 1), isr [2 1 3]", "b-1: leader 1 (epoch 1), isr [2 1 3]",
		},
	})
	for _, p := range c.parts {
		wantEqual(t, "replicas of "+p.Topic, p.Replicas, []int32{1, 2, 3})
	}
	if len(c.toxics) != 2 || len(c.kills) != 0 {
		t.Errorf("toxics %v kills %v: want the two lagging followers and no kill", c.toxics, c.kills)
	}
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || len(c.toxics) > 0 {
		t.Errorf("heal: %v, toxics %v", err, c.toxics)
	}
}

func TestLeaderMoveNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.frozen = true
	f := NewLeaderMove()
	f.MoveTimeout = noEffectTimeout
	_, err := inject(t, c, f)
	wantNoEffect(t, err, "node 1 first in every replica list not seen within 10ms")
}
