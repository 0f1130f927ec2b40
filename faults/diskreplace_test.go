package faults

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// The took-effect logic of a disk replacement, against the in-memory
// cluster, whose replicas hold 4096 bytes each.

// replaceDisk runs f on topics a and b led by node 2 and returns the
// cluster and the effect, its times blanked.
func replaceDisk(t *testing.T, f *DiskReplace) (*fakeCluster, schema.FaultEffect) {
	t.Helper()
	c := newFake(2, 3, "a", "b")
	c.fill(4096)
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	back := regexp.MustCompile(` back after [0-9.]+[a-zµ]+ `)
	for i, o := range eff.Observed {
		eff.Observed[i] = back.ReplaceAllString(o, " back after T ")
	}
	return c, eff
}

// The leader's disk after a SIGKILL: node 1 leads, node 2 comes back
// with empty replicas and out of the ISR while its fetches are held, then
// catches up once Inject lets them go.
func TestDiskReplaceEffect(t *testing.T) {
	t.Parallel()
	c, eff := replaceDisk(t, NewDiskReplace())
	isr13 := []string{
		"a-0: leader 1 (epoch 1), isr [1 3]", "a-1: leader 1 (epoch 1), isr [1 3]",
		"b-0: leader 1 (epoch 1), isr [1 3]", "b-1: leader 1 (epoch 1), isr [1 3]",
	}
	wantEqual(t, "effect", eff, schema.FaultEffect{
		Target: []int{2},
		Description: "data disk of node 2 (leader of every scenario partition) replaced after a SIGKILL: log directory emptied and formatted anew, " +
			"metadata log kept; started again, its fetches held until its empty replicas were seen",
		Observed: slices.Concat(
			[]string{"node 2 before its SIGKILL: 16384 bytes in its replicas (a-0 4096, a-1 4096, b-0 4096, b-1 4096)", "after the SIGKILL, as the other nodes see it:"},
			isr13,
			[]string{"node 2 back after T with 0 bytes in its replicas (a-0 0, a-1 0, b-0 0, b-1 0)", "then, as the other nodes see it:"},
			isr13,
		),
		Metrics: map[string]int64{"bytes_before": 16384, "bytes_after": 0, "back_ms": eff.Metrics["back_ms"]},
	})
	wantEqual(t, "kills", c.kills, []string{"SIGKILL 2"})
	wantEqual(t, "disks replaced", c.replaced, []int{2})
	if len(c.cut) > 0 || !c.running[2] || c.bytes[2]["a-0"] != 4096 || !slices.Contains(c.parts[0].ISR, 2) {
		t.Errorf("after inject: links cut %v, node 2 running %v with %v, ISR %v: want it catching up", c.cut, c.running[2], c.bytes[2], c.parts[0].ISR)
	}
}

// A follower's disk, a clean shutdown: the leader keeps every partition.
func TestDiskReplaceFollower(t *testing.T) {
	t.Parallel()
	f := NewDiskReplace()
	f.Shutdown, f.Follower = schema.SIGTERM, true
	c, eff := replaceDisk(t, f)
	if eff.Target[0] != 1 || !strings.HasPrefix(eff.Description, "data disk of node 1 (a follower of leader 2) replaced after a SIGTERM: ") {
		t.Errorf("target %v, description %q", eff.Target, eff.Description)
	}
	wantEqual(t, "after the shutdown", eff.Observed[2], "a-0: leader 2 (epoch 0), isr [2 3]")
	wantEqual(t, "kills", c.kills, []string{"SIGTERM 1"})
}

// Out of the ISR first: a follower by its replication links with the
// leader, the leader by isolation from its peers, whose effect opens the
// observations.
func TestDiskReplaceOutOfISR(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		follower bool
		first    string
	}{
		{true, "replication links [2->1/internal 1->2/internal] cut: node 1 seen out of the ISR on every topic, on 4 of 4 partitions; now:"},
		{false, "node 2, leader of every scenario partition, cut off: links "},
	} {
		f := NewDiskReplace()
		f.Follower, f.ISR = tc.follower, ISROut
		c, eff := replaceDisk(t, f)
		if !strings.HasPrefix(eff.Observed[0], tc.first) || !strings.HasSuffix(eff.Description, "; out of the ISR before its shutdown") {
			t.Errorf("follower %v: description %q, observed %q", tc.follower, eff.Description, eff.Observed)
		}
		if eff.Metrics["bytes_after"] != 0 || len(c.cut) > 0 {
			t.Errorf("follower %v: metrics %v, links still cut %v", tc.follower, eff.Metrics, c.cut)
		}
	}
}

// The leader alone in the ISR: its followers cut off until the ISRs have
// shrunk to it, then its disk replaced. Back, it is the only ISR member
// and leads again, empty, its followers following it to nothing; where the
// cluster leaves such a partition offline, the unclean election after its
// return elects it all the same, the first live replica; the one before
// its return elects a follower, which keeps its data.
func TestDiskReplaceAloneInISR(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		keepOffline bool
		unclean     string
		leader      int32
		kept        int64
		offline     int64
		empty       int64
	}{
		{false, UncleanAfterReturn, 2, 0, 0, 4},
		{true, UncleanAfterReturn, 2, 0, 4, 0},
		{true, UncleanBeforeReturn, 1, 4096, 0, 0},
	} {
		c := newFake(2, 3, "a", "b")
		c.fill(4096)
		c.keepOffline = tc.keepOffline
		f := NewDiskReplace()
		f.ISR, f.Unclean, f.ElectTimeout, f.StartTimeout = ISRAlone, tc.unclean, noEffectTimeout, noEffectTimeout
		eff, err := inject(t, c, f)
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		if !strings.HasPrefix(eff.Observed[0], "replication links [2->1/internal 1->2/internal 2->3/internal 3->2/internal] cut; controller links up: ISR [2] after ") ||
			!strings.Contains(eff.Description, "; the only ISR member at its shutdown; ") {
			t.Errorf("%+v: description %q, observed %q", tc, eff.Description, eff.Observed)
		}
		wantEqual(t, "after the SIGKILL", eff.Observed[slices.Index(eff.Observed, "after the SIGKILL, as the other nodes see it:")+1], "a-0: leader -1 (epoch 1), isr [2]")
		if !slices.Contains(eff.Observed, "kafka-topics in node 1: Topic: a Partition: 0 Leader: -1 Replicas: [2 1 3] Isr: [2]") {
			t.Errorf("%+v: no kafka-topics view after the kill in %q", tc, eff.Observed)
		}
		if elected := slices.Contains(eff.Observed, "ElectLeaders(UNCLEAN) a-0: elected"); elected != (tc.offline > 0 || tc.unclean == UncleanBeforeReturn) {
			t.Errorf("%+v: unclean election %v in %q", tc, elected, eff.Observed)
		}
		if m := eff.Metrics; m["offline_partitions"] != tc.offline || m["empty_leader_partitions"] != tc.empty || m["partitions_shrunk"] != 4 || m["bytes_after"] != 0 {
			t.Errorf("%+v: metrics %v", tc, m)
		}
		if c.parts[0].Leader != tc.leader || c.bytes[1]["a-0"] != tc.kept || len(c.cut) > 0 {
			t.Errorf("%+v: a-0 led by %d, node 1 holds %d bytes of it, links cut %v", tc, c.parts[0].Leader, c.bytes[1]["a-0"], c.cut)
		}
	}
}

// The leader's disk alone: a follower cannot be the ISR's last member.
func TestDiskReplaceAloneNeedsTheLeader(t *testing.T) {
	t.Parallel()
	f := NewDiskReplace()
	f.ISR, f.Follower = ISRAlone, true
	err := f.Prepare(context.Background(), newFake(2, 3, "a").env("a"))
	if err == nil || !strings.Contains(err.Error(), "drop follower") {
		t.Errorf("got %v, want a refusal naming follower", err)
	}
}

// A disk that keeps its data, a node that held none, a cluster that does
// not react: none shows the effect.
func TestDiskReplaceNoEffect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		before func(*fakeCluster)
		want   string
	}{
		{"disk kept", func(c *fakeCluster) { c.fill(4096); c.keepDisks = true }, "node 2 came back with data in its replicas: its log directory was not emptied"},
		{"no data", func(*fakeCluster) {}, "node 2 holds no data of the scenario partitions: an empty disk loses nothing"},
		{"frozen", func(c *fakeCluster) { c.fill(4096); c.frozen = true }, "node 2 out of every ISR and leading none not seen within 10ms (view of nodes [1 3]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newFake(2, 3, "a", "b")
			tc.before(c)
			f := NewDiskReplace()
			f.MoveTimeout = noEffectTimeout
			_, err := inject(t, c, f)
			wantNoEffect(t, err, tc.want)
			if err := f.Heal(context.Background(), c.env("a", "b")); err != nil || !c.running[2] || len(c.cut) > 0 {
				t.Errorf("heal: %v, node 2 running %v, links cut %v", err, c.running[2], c.cut)
			}
		})
	}
}
