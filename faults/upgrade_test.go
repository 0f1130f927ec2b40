package faults

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// A rolling upgrade takes the followers first and the leader last, gives
// each its new release while it is down, and raises the feature levels
// once all run it.
func TestRollingUpgradeEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	f := NewRollingUpgrade()
	f.To, f.Pause = "4.4.0", 0
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "order", eff.Target, []int{1, 3, 2})
	wantEqual(t, "kills", c.kills, []string{"SIGTERM 1", "SIGTERM 3", "SIGTERM 2"})
	wantEqual(t, "releases", c.release, map[int]string{1: "4.4.0", 2: "4.4.0", 3: "4.4.0"})
	if !strings.HasPrefix(eff.Description, "rolling upgrade from Kafka 3.9.1 to 4.4.0: SIGTERM, new release") ||
		!strings.HasSuffix(eff.Description, "then every feature raised to release 4.4 (kafka-features upgrade --release-version 4.4)") {
		t.Errorf("description %q", eff.Description)
	}
	var nodes []string
	for _, o := range eff.Observed {
		if strings.Contains(o, "reports Kafka 4.4.0 (was 3.9.1), in the ISR of all 4 scenario partitions") {
			nodes = append(nodes, o[:len("node 1")])
		}
	}
	wantEqual(t, "nodes seen upgraded", nodes, []string{"node 1", "node 3", "node 2"})
	if last := eff.Observed[len(eff.Observed)-1]; last != "finalized metadata.version 3.9-IV0 before the features upgrade, 4.4-IV0 after" {
		t.Errorf("last observation %q", last)
	}
}

// A node that comes back on its old release (an image mislabelled)
// stops the roll before the next node goes down.
func TestRollingUpgradeNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.mislabelled = true
	f := NewRollingUpgrade()
	f.To, f.Pause = "4.4.0", 0
	_, err := inject(t, c, f)
	wantNoEffect(t, err, `node 1 reports Kafka "3.9.1" after its upgrade to 4.4.0`)
	wantEqual(t, "kills", c.kills, []string{"SIGTERM 1"})
}

// Prepare refuses a cluster whose nodes run the target already.
func TestRollingUpgradeNothingToUpgrade(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a")
	c.reported[1] = "4.4.0"
	f := NewRollingUpgrade()
	f.To = "4.4.0"
	err := f.Prepare(context.Background(), c.env("a"))
	if err == nil || !strings.Contains(err.Error(), "node 1: parameter \"to\": Kafka 4.4.0 is not newer than 4.4.0") {
		t.Errorf("got %v", err)
	}
}

// The target is checked against the release the scenario's cluster
// starts on; left out, it is the pinned one.
func TestRollingUpgradeCheckCluster(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		to, from, want string
	}{
		{"", "3.9.1", ""},
		{"4.4.0", "3.9.1", ""},
		{"3.10.0", "3.9.1", ""},
		{"3.8.0", "3.9.1", "Kafka 3.8.0 is not newer than 3.9.1, the release the cluster starts on (cluster.kafka_version): name a newer release, e.g. the pinned 4.4.0"},
		{"3.9.1", "3.9.1", "not newer than 3.9.1"},
		{"", "4.4.0", "Kafka 4.4.0 is not newer than 4.4.0"},
		{"4.4", "3.9.1", `"4.4" is not a full Kafka release: write x.y.z, e.g. to: "4.4.0"`},
		{"latest", "3.9.1", `"latest" is not a full Kafka release`},
	} {
		f := NewRollingUpgrade()
		f.To = tc.to
		err := f.CheckCluster(tc.from, "4.4.0")
		var pe *ParamError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("to %q from %s: %v", tc.to, tc.from, err)
		case tc.want != "" && (!errors.As(err, &pe) || pe.Param != "to" || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("to %q from %s: %v, want a ParamError of to naming %q", tc.to, tc.from, err, tc.want)
		}
		if tc.to == "" && f.To != "4.4.0" {
			t.Errorf("to left out: %q, want the pinned 4.4.0", f.To)
		}
	}
}

// A rolling restart with settings rewrites every node's settings while
// it is down, and each reports them once back.
func TestRollingRestartSettings(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	f := NewRollingRestart()
	f.Pause, f.Settings = 0, []string{"min.insync.replicas=1", " log.flush.interval.messages = 1"}
	eff, err := inject(t, c, f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"min.insync.replicas": "1", "log.flush.interval.messages": "1"}
	wantEqual(t, "static settings", c.static, map[int]map[string]string{1: want, 2: want, 3: want})
	wantEqual(t, "order", eff.Target, []int{1, 3, 2})
	if !strings.HasPrefix(eff.Description, "SIGTERM, server.properties rewritten with min.insync.replicas=1,  log.flush.interval.messages = 1, and restart of nodes [1 3 2]") {
		t.Errorf("description %q", eff.Description)
	}
	if o := eff.Observed[0]; !strings.HasSuffix(o, "; reports log.flush.interval.messages=1, min.insync.replicas=1") {
		t.Errorf("observed %q", o)
	}
}

// A node that does not report the new setting after its restart stops
// the roll.
func TestRollingRestartSettingsNoEffect(t *testing.T) {
	t.Parallel()
	c := newFake(2, 3, "a", "b")
	c.brokerConf[1] = map[string]string{"min.insync.replicas": "2"}
	f := NewRollingRestart()
	f.Pause, f.Settings = 0, []string{"min.insync.replicas=1"}
	_, err := inject(t, c, f)
	wantNoEffect(t, err, `node 1 reports min.insync.replicas="2" after its restart, not "1"`)
}

func TestParseSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		list []string
		want string
	}{
		{[]string{"min.insync.replicas"}, `item 1, "min.insync.replicas", is not a broker setting: write name=value`},
		{[]string{"a=1", "=2"}, `item 2, "=2", is not a broker setting`},
		{[]string{"a=", "b=1"}, `item 1, "a=", is not a broker setting`},
		{[]string{"a=1", "a=2"}, "item 2 sets a again (also to 1): keep one"},
	} {
		_, err := parseSettings(tc.list)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != "settings" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want a ParamError of settings naming %q", tc.list, err, tc.want)
		}
	}
	got, err := parseSettings([]string{"a=1", "b = x=y"})
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "settings", got, map[string]string{"a": "1", "b": "x=y"})
}

// Scenario files reach both through the registry.
func TestRollingOperationsBuild(t *testing.T) {
	t.Parallel()
	f, err := Build("rolling-upgrade", Params{"to": "4.4.0", "step_timeout": "90s"})
	if err != nil {
		t.Fatal(err)
	}
	if u := f.(*RollingUpgrade); u.To != "4.4.0" || u.StepTimeout.String() != "1m30s" {
		t.Errorf("built %+v", u)
	}
	f, err = Build("rolling-restart", Params{"settings": []any{"min.insync.replicas=1"}, "signal": schema.SIGTERM})
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "settings", f.(*RollingRestart).Settings, []string{"min.insync.replicas=1"})
}
