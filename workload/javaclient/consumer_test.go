package javaclient

import (
	"context"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func javaGroupProfile(protocol, assignor string, commit schema.CommitPoint) schema.ConsumerProfile {
	return schema.ConsumerProfile{
		Name: "jg", Client: schema.JavaClient, Java: &schema.JavaConsumer{GroupProtocol: protocol, Assignor: assignor},
		Commit: commit, Retry: schema.RetryPolicy{MaxAttempts: 1}, AutoCommitInterval: time.Second,
		SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
	}
}

// The classic protocol carries the member's session and heartbeat; the
// consumer protocol refuses them (the group has them on the brokers) and
// takes a remote assignor instead.
func TestConsumerPropertiesAndCommand(t *testing.T) {
	classic := ConsumerProperties(javaGroupProfile("classic", "cooperative-sticky", schema.AfterProcessing))
	if classic["session.timeout.ms"] != "6000" || classic["heartbeat.interval.ms"] != "1000" || classic["enable.auto.commit"] != "false" ||
		classic["partition.assignment.strategy"] != "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" || classic["max.poll.interval.ms"] != "10000" {
		t.Errorf("classic properties: %v", classic)
	}
	kip848 := ConsumerProperties(javaGroupProfile("consumer", "uniform", schema.AutoCommit))
	if _, ok := kip848["session.timeout.ms"]; ok || kip848["group.remote.assignor"] != "uniform" || kip848["enable.auto.commit"] != "true" || kip848["group.protocol"] != "consumer" {
		t.Errorf("consumer-protocol properties: %v", kip848)
	}
	for _, c := range []struct {
		prof    schema.ConsumerProfile
		version string
		want    []string
		refused []string
	}{
		{javaGroupProfile("classic", "range", schema.AfterProcessing), "4.4.0", []string{"--verbose", "--session-timeout 6000", "--command-config"}, []string{"--enable-autocommit", "--group-remote-assignor"}},
		{javaGroupProfile("consumer", "uniform", schema.AutoCommit), "4.4.0", []string{"--enable-autocommit", "--group-protocol consumer", "--group-remote-assignor uniform"}, []string{"--session-timeout", "--assignment-strategy"}},
		{javaGroupProfile("classic", "range", schema.AfterProcessing), "3.9.1", []string{"--consumer.config"}, []string{"--command-config"}},
	} {
		g, err := NewConsumerGroup(ConsumerParams{Profile: c.prof, Topic: "t", Group: "g", Bootstrap: "b:1", KafkaVersion: c.version})
		if err != nil {
			t.Fatal(err)
		}
		cmd := strings.Join(g.Command(), " ")
		for _, w := range c.want {
			if !strings.Contains(cmd, w) {
				t.Errorf("%s on %s: %q lacks %q", c.prof.Java.GroupProtocol, c.version, cmd, w)
			}
		}
		for _, r := range c.refused {
			if strings.Contains(cmd, r) {
				t.Errorf("%s on %s: %q has %q", c.prof.Java.GroupProtocol, c.version, cmd, r)
			}
		}
	}
}

const consumerOut = `{"timestamp":1000,"name":"startup_complete"}
{"timestamp":1100,"name":"partitions_assigned","partitions":[{"topic":"t","partition":0},{"topic":"t","partition":1}]}
{"timestamp":1200,"name":"record_data","key":null,"value":"p-000000001|xx","topic":"t","partition":0,"offset":0}
{"timestamp":1200,"name":"records_consumed","count":1,"partitions":[{"topic":"t","partition":0,"count":1,"minOffset":0,"maxOffset":0}]}
{"timestamp":1300,"name":"offsets_committed","offsets":[{"topic":"t","partition":0,"offset":1}],"error":"timed out","success":false}
`

// A member's output parses into its events; a SIGKILL is a real kill that
// Err does not blame on the member; Stop keeps the output once the
// container is gone.
func TestConsumerGroupMembers(t *testing.T) {
	var procs []*process
	launch := func(_ context.Context, name string, cmd []string, files map[string]string) (Process, error) {
		if !strings.Contains(files[consumerConfigPath], "client.id="+name[len("java-"):]) {
			t.Errorf("%s: config %q does not name the member", name, files[consumerConfigPath])
		}
		p := &process{out: consumerOut}
		procs = append(procs, p)
		return p, nil
	}
	g, err := NewConsumerGroup(ConsumerParams{Profile: javaGroupProfile("classic", "range", schema.AfterProcessing), Topic: "t", Group: "g", Launch: launch, KafkaVersion: "4.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 {
		if _, err := g.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	first := g.Member("jg-m1")
	if first == nil || g.Member("jg-m2") == nil {
		t.Fatalf("members %v", g.Members())
	}
	if err := first.Signal(ctx, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if live := g.Live(ctx); len(live) != 1 || live[0].Name != "jg-m2" {
		t.Errorf("live after the kill: %v", live)
	}
	if err := g.Err(); err != nil {
		t.Errorf("a member the harness killed is not a failure: %v", err)
	}
	if err := g.Stop(ctx, time.Second); err != nil {
		t.Fatal(err)
	}
	if !procs[0].removed || !procs[1].removed || !slices.Equal(procs[0].signals, []syscall.Signal{syscall.SIGKILL}) {
		t.Errorf("after Stop: removed %v %v, signals %v", procs[0].removed, procs[1].removed, procs[0].signals)
	}
	procs[0].out = ""
	outs, err := g.Outputs(ctx)
	if err != nil || len(outs) != 2 || outs[0].Member != "jg-m1" || len(outs[0].Events) != 5 {
		t.Fatalf("outputs after Stop: %+v, %v", outs, err)
	}
	e := outs[0].Events
	if e[1].Name != PartitionsAssigned || len(e[1].Partitions) != 2 || e[2].Value != "p-000000001|xx" || e[4].Success || e[4].Error != "timed out" {
		t.Errorf("events: %+v", e)
	}
	if got := first.Signals(); !slices.Equal(got, []string{syscall.SIGKILL.String()}) {
		t.Errorf("signals recorded: %v", got)
	}
}

// A member that exits non-zero without a signal from the harness failed.
func TestConsumerMemberFailure(t *testing.T) {
	m := &Member{Name: "m", proc: &process{exited: true, code: 1}}
	if m.Exited(context.Background()); m.Err() == nil {
		t.Error("a member that exited with code 1 on its own is no failure")
	}
}
