package faults

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// The took-effect logic of the planned operations, against the in-memory
// cluster: the preferred-leader election after leadership was moved off
// the preferred replica, and the reassignments.

// A preferred election after the move-off: leadership went to node 1 and
// came back to node 2, the pinned leader and preferred replica again,
// while node 1's followers lagged.
func TestPreferredElectionEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	f := NewPreferredElection()
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{1, 2},
		Description: "preferred-leader election of every scenario partition, from node 1 back to node 2 (moved off it in prepare: replicas reordered, elected, order restored)",
		Observed: []string{
			"ElectLeaders(PREFERRED) a-0: elected", "ElectLeaders(PREFERRED) a-1: elected",
			"ElectLeaders(PREFERRED) b-0: elected", "ElectLeaders(PREFERRED) b-1: elected",
			"a-0: leader 2 (epoch 2), isr [2 1 3]", "a-1: leader 2 (epoch 2), isr [2 1 3]",
			"b-0: leader 2 (epoch 2), isr [2 1 3]", "b-1: leader 2 (epoch 2), isr [2 1 3]",
		},
	})
	for _, l := range []schema.Link{{From: 2, To: 1, Kind: schema.Internal}, {From: 3, To: 1, Kind: schema.Internal}} {
		if len(c.toxics[l]) != 2 {
			t.Errorf("link %s: toxics %v, want the follower lag both ways", l, c.toxics[l])
		}
	}
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || len(c.toxics) > 0 {
		t.Errorf("heal: %v, toxics %v", err, c.toxics)
	}
}

// A cluster that does not elect, or that elected the preferred leaders
// before the fault did, shows no effect of the fault's own election.
func TestPreferredElectionNoEffect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		before func(*fakeCluster)
		want   string
	}{
		{"frozen", func(c *fakeCluster) { c.frozen = true }, "every partition led by its preferred replica not seen within 10ms"},
		{"rebalanced already", func(c *fakeCluster) {
			_, _ = c.ElectLeaders(nil, false, map[string][]int32{"a": {0}})
		}, "not every partition led by node 1 before the election"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newFake(2, 3, "a", "b")
			f := NewPreferredElection()
			env := c.env("a", "b")
			if err := f.Prepare(context.Background(), env); err != nil {
				t.Fatal(err)
			}
			tc.before(c)
			f.MoveTimeout = noEffectTimeout
			_, err := f.Inject(context.Background(), env)
			wantNoEffect(t, err, tc.want)
		})
	}
}

// reassign runs a reassignment on topics a and b of replication factor
// rf, led by node 2, and returns its effect with the poll times blanked
// and its metrics apart.
func reassign(t *testing.T, f *Reassign, rf int) (*fakeCluster, schema.FaultEffect, map[string]int64) {
	t.Helper()
	c := newFakeRF(2, 3, rf, "a", "b")
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	at := regexp.MustCompile(`^\+[0-9]+\.[0-9]s `)
	for i, o := range eff.Observed {
		eff.Observed[i] = at.ReplaceAllString(o, "+T ")
	}
	metrics := eff.Metrics
	eff.Metrics = nil
	return c, eff, metrics
}

// Add-remove, throttled, the leader's replica removed: node 3 joins every
// replica set and its ISR, then node 2 leaves and node 1 leads; the
// throttle is Kafka's, set before and removed on heal.
func TestReassignAddRemoveEffect(t *testing.T) {
	t.Parallel()
	f := NewReassign(ReassignAddRemove)
	f.MoveLeader, f.ThrottleKBps = true, 512
	c, eff, metrics := reassign(t, f, 2)
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target:      []int{1, 2, 3},
		Description: "add-remove reassignment of every scenario partition, the leader's replica removed: replicas [2 1] -> [2 1 3] -> [1 3]; replication throttled to 512 KiB/s on nodes [1 2 3]",
		Observed: []string{
			"+T step 1: 4 of 4 partitions reassigning, adding [3], removing []; leaders [2], replicas 3, ISR 2",
			"+T step 1: 4 of 4 partitions reassigning, adding [3], removing []; leaders [2], replicas 3, ISR 3",
			"+T step 1: 0 of 4 partitions reassigning, adding [], removing []; leaders [2], replicas 3, ISR 3",
			"+T step 2: 4 of 4 partitions reassigning, adding [], removing [2]; leaders [2], replicas 3, ISR 3",
			"+T step 2: 0 of 4 partitions reassigning, adding [], removing []; leaders [1], replicas 2, ISR 2",
			"a-0: replicas [1 3], leader 1 (epoch 1), isr [1 3]", "a-1: replicas [1 3], leader 1 (epoch 1), isr [1 3]",
			"b-0: replicas [1 3], leader 1 (epoch 1), isr [1 3]", "b-1: replicas [1 3], leader 1 (epoch 1), isr [1 3]",
		},
	})
	if metrics["throttle_bytes_per_s"] != 512*1024 || len(metrics) != 3 {
		t.Errorf("metrics %v: want the throttle and each step's time", metrics)
	}
	rate := map[string]string{leaderThrottleRate: "524288", followerThrottleRate: "524288"}
	wantEqual(t, "broker configs", c.brokerConf, map[int]map[string]string{1: rate, 2: rate, 3: rate})
	wantEqual(t, "topic a configs", c.topicConf["a"], map[string]string{leaderThrottledTopic: "0:2,0:1,1:2,1:1", followerThrottledTopic: "0:3,1:3"})
	if err := f.Heal(context.Background(), c.env("a", "b")); err != nil {
		t.Fatal(err)
	}
	for _, confs := range []map[string]string{c.brokerConf[1], c.brokerConf[2], c.brokerConf[3], c.topicConf["a"], c.topicConf["b"]} {
		if len(confs) > 0 {
			t.Errorf("after heal: throttle settings left %v", confs)
		}
	}
}

// Add-remove keeping the leader: the follower's replica is the one
// removed, and node 2 leads throughout.
func TestReassignAddRemoveKeepsLeader(t *testing.T) {
	t.Parallel()
	_, eff, _ := reassign(t, NewReassign(ReassignAddRemove), 2)
	if !strings.Contains(eff.Description, "the follower's replica removed: replicas [2 1] -> [2 1 3] -> [2 3]; unthrottled") {
		t.Errorf("description %q", eff.Description)
	}
	wantEqual(t, "final state", eff.Observed[len(eff.Observed)-4:], []string{
		"a-0: replicas [2 3], leader 2 (epoch 0), isr [2 3]", "a-1: replicas [2 3], leader 2 (epoch 0), isr [2 3]",
		"b-0: replicas [2 3], leader 2 (epoch 0), isr [2 3]", "b-1: replicas [2 3], leader 2 (epoch 0), isr [2 3]",
	})
}

// Full move, unthrottled, in one request: an RF1 partition leaves node 2
// for node 1, an RF2 one replaces the leader's replica by node 3, which
// leads; no throttle is set.
func TestReassignFullMoveEffect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rf           int
		moves, final string
	}{
		{1, "[2] -> [1]", "a-0: replicas [1], leader 1 (epoch 1), isr [1]"},
		{2, "[2 1] -> [3 1]", "a-0: replicas [3 1], leader 3 (epoch 1), isr [1 3]"},
	} {
		c, eff, metrics := reassign(t, NewReassign(ReassignFullMove), tc.rf)
		if want := "full-move reassignment of every scenario partition, in one request: replicas " + tc.moves + "; unthrottled"; eff.Description != want {
			t.Errorf("RF%d: description %q, want %q", tc.rf, eff.Description, want)
		}
		if len(eff.Observed) < 5 || eff.Observed[len(eff.Observed)-4] != tc.final || !strings.HasPrefix(eff.Observed[len(eff.Observed)-5], "+T step 1: 0 of 4 partitions reassigning") {
			t.Errorf("RF%d: observed %q", tc.rf, eff.Observed)
		}
		if len(metrics) != 1 || len(c.brokerConf)+len(c.topicConf) > 0 {
			t.Errorf("RF%d: metrics %v, configs %v %v: want one step and no throttle", tc.rf, metrics, c.brokerConf, c.topicConf)
		}
	}
}

func TestReassignNoEffect(t *testing.T) {
	t.Parallel()
	c := newFakeRF(2, 3, 2, "a", "b")
	c.frozen = true
	f := NewReassign(ReassignAddRemove)
	f.StepTimeout = noEffectTimeout
	_, err := inject(t, c, f)
	wantNoEffect(t, err, "reassign-add-remove: fault took no effect: step 1 of the reassignment completed")
}

// Each operation refuses, before it acts, partitions whose replication
// factor it cannot work with.
func TestOperationsReplicationFactors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f    ReplicationChecker
		rf   int
		want string
	}{
		{NewPreferredElection(), 1, "replication factor 1, use 2 or more"},
		{NewReassign(ReassignAddRemove), 3, "a-0: reassign-add-remove adds the third node to every replica set and removes one of the two original replicas: replication factor 3, use 2"},
		{NewReassign(ReassignAddRemove), 1, "replication factor 1, use 2"},
		{NewReassign(ReassignFullMove), 3, "replication factor 3 leaves none of the three: use 1 or 2"},
	} {
		err := tc.f.Prepare(context.Background(), newFakeRF(2, 3, tc.rf, "a").env("a"))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s on RF%d: %v, want %q", tc.f.Name(), tc.rf, err, tc.want)
		}
	}
}

// A broker replacement on RF2 topics: node 2, the pinned leader, loses
// its replicas to node 3, leaves the voters, is unregistered, comes back
// fresh as an observer, becomes a voter with its new directory, gets its
// replicas back and leads again.
func TestBrokerReplaceEffect(t *testing.T) {
	t.Parallel()
	c := newFakeRF(2, 3, 2, "a", "b")
	eff, err := inject(t, c, NewBrokerReplace())
	if err != nil {
		t.Fatal(err)
	}
	at := regexp.MustCompile(`^\+[0-9]+\.[0-9]s `)
	var steps []string
	for _, o := range eff.Observed {
		if o = at.ReplaceAllString(o, "+T "); !strings.Contains(o, "partitions reassigning") {
			steps = append(steps, o)
		}
	}
	wantEqual(t, "steps", steps[:4], []string{
		"+T node 2 shut down (SIGTERM)",
		"+T controller 2 (directory dir-2) no longer a voter",
		"+T broker 2 unregistered",
		"+T fresh node 2 registered, holding no replica of the scenario topics; its controller observes with directory fresh-2 (was dir-2)",
	})
	if !strings.HasPrefix(steps[4], "+T controller 2 a voter again") || !isVoter(c.quorumOf(t), 2, "fresh-2") {
		t.Errorf("after the join: %s, quorum %v", steps[4], c.quorumOf(t))
	}
	wantEqual(t, "final state", steps[len(steps)-4:], []string{
		"+T a-0: replicas [2 1], leader 2 (epoch 2), isr [1 2]", "+T a-1: replicas [2 1], leader 2 (epoch 2), isr [1 2]",
		"+T b-0: replicas [2 1], leader 2 (epoch 2), isr [1 2]", "+T b-1: replicas [2 1], leader 2 (epoch 2), isr [1 2]",
	})
	if !strings.Contains(eff.Description, "replicas [2 1] -> [1 3]") || len(c.kills) != 1 {
		t.Errorf("description %q, kills %v", eff.Description, c.kills)
	}
}

// A node that is no voter is refused before anything changes.
func TestBrokerReplaceNeedsAVoter(t *testing.T) {
	t.Parallel()
	c := newFakeRF(2, 3, 2, "a")
	c.removed[2] = true
	if err := NewBrokerReplace().Prepare(context.Background(), c.env("a")); err == nil || !strings.Contains(err.Error(), "node 2 is no voter") {
		t.Errorf("Prepare: %v", err)
	}
}
