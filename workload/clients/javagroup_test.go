package clients

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/javaclient"
)

// printed is a client container that printed out and exits when stopped.
type printed struct {
	out    string
	exited bool
	// store is the application's effect store.
	store string
}

func (p *printed) Stop(context.Context, time.Duration) error { p.exited = true; return nil }
func (p *printed) Output(context.Context) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader(p.out)), nil
}
func (p *printed) Stderr(context.Context) (string, error)       { return "", nil }
func (p *printed) Exited(context.Context) (bool, int, error)    { return p.exited, 0, nil }
func (p *printed) Signal(context.Context, syscall.Signal) error { return nil }
func (p *printed) Remove(context.Context) error                 { return nil }
func (p *printed) ReadFile(_ context.Context, path string) ([]byte, error) {
	if p.store == "" {
		return nil, os.ErrNotExist
	}
	return []byte(p.store), nil
}

const memberOut = `{"timestamp":%d,"name":"startup_complete"}
{"timestamp":%d,"name":"partitions_assigned","partitions":[{"topic":"t","partition":0}]}
{"timestamp":%d,"name":"record_data","value":"in-000000007|pad","topic":"t","partition":0,"offset":3}
{"timestamp":%d,"name":"offsets_committed","offsets":[{"topic":"t","partition":0,"offset":4}],"error":"rebalance in progress","success":false}
{"timestamp":%d,"name":"offsets_committed","offsets":[{"topic":"t","partition":0,"offset":4}],"success":true}
{"timestamp":%d,"name":"shutdown_complete"}
`

// A Java member's printed records are the group's effects, at the time it
// printed them; assignments are sessions and failed commits group errors;
// Stop leaves each member's events in the ledger directory.
func TestJavaGroupHistory(t *testing.T) {
	base := time.UnixMilli(1_000_000)
	ts := []any{1_000_100, 1_000_200, 1_000_300, 1_000_400, 1_000_500, 1_000_600}
	launch := func(context.Context, string, []string, map[string]string) (javaclient.Process, error) {
		return &printed{out: fmt.Sprintf(memberOut, ts...)}, nil
	}
	prof := schema.ConsumerProfile{
		Name: "jg", Client: schema.JavaClient, Java: &schema.JavaConsumer{GroupProtocol: "classic", Assignor: "range"},
		Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{MaxAttempts: 1}, AutoCommitInterval: time.Second,
		SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
	}
	cg, err := javaclient.NewConsumerGroup(javaclient.ConsumerParams{Profile: prof, Topic: "t", Group: "g", Launch: launch, KafkaVersion: "4.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	g := javaGroup{ConsumerGroup: cg, base: base, dir: dir}
	ctx := context.Background()
	name, err := g.Start(ctx)
	if err != nil || name != "jg-m1" {
		t.Fatalf("Start = %q, %v", name, err)
	}
	effects, err := g.Effects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := consumer.Effect{ID: "in-000000007", Seq: 7, Partition: 0, Offset: 3, Member: "jg-m1", Kind: consumer.Applied, At: 300 * time.Millisecond}
	if len(effects) != 1 || effects[0] != want {
		t.Errorf("effects %+v; want %+v", effects, want)
	}
	evs, err := g.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Event)
	}
	if got := strings.Join(kinds, ","); got != "start,session,group-error,stop" {
		t.Errorf("events %s; want start,session,group-error,stop", got)
	}
	if err := g.Stop(ctx, time.Second); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "jg-m1.events.jsonl"))
	if err != nil || strings.Count(string(b), "\n") != 6 || !strings.Contains(string(b), "in-000000007|pad") {
		t.Errorf("events file: %q, %v", b, err)
	}
}

const appOut = `{"timestamp":1000100,"name":"startup_complete"}
{"timestamp":1000200,"name":"partitions_assigned","partitions":[{"topic":"t","partition":0}]}
{"timestamp":1000300,"name":"retry","id":"in-000000009","seq":9,"partition":0,"offset":5,"attempt":1,"error":"injected processing failure"}
{"timestamp":1000400,"name":"dead_letter","id":"in-000000009","seq":9,"partition":0,"offset":5,"attempt":2,"error":"injected processing failure"}
{"timestamp":1000500,"name":"deduped","id":"in-000000007","seq":7,"partition":0,"offset":3}
{"timestamp":1000600,"name":"shutdown_complete"}
`

const appStore = `{"id":"in-000000007","seq":7,"p":0,"o":3,"m":"ja-m1","k":"effect","ts":1000250}
{"id":"in-000000009","seq":9,"p":0,"o":5,"m":"ja-m1","k":"dead-letter","ts":1000450}
`

// The Java application's effects are its effect store's lines, and its
// own events the sarama application's; an attempt it failed that the
// harness's draw lets succeed is an error, not a history.
func TestJavaAppGroupHistory(t *testing.T) {
	base := time.UnixMilli(1_000_000)
	app := func(context.Context, string, []string, map[string]string, string) (javaclient.Process, error) {
		return &printed{out: appOut, store: appStore}, nil
	}
	prof := schema.ConsumerProfile{
		Name: "ja", Client: schema.JavaClient, Java: &schema.JavaConsumer{GroupProtocol: "classic", Assignor: "range", Application: schema.JavaApp},
		Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{MaxAttempts: 2, Backoff: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond},
		DeadLetter: true, Dedupe: true, AutoCommitInterval: time.Second,
		SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
	}
	ctx := context.Background()
	group := func(f schema.Failures) javaGroup {
		cg, err := javaclient.NewConsumerGroup(javaclient.ConsumerParams{Profile: prof, Topic: "t", Group: "g", LaunchApp: app, DeadLetter: "t.dlt", Failures: f, KafkaVersion: "4.4.0"})
		if err != nil {
			t.Fatal(err)
		}
		g := javaGroup{ConsumerGroup: cg, base: base, dir: t.TempDir(), failures: f}
		if _, err := g.Start(ctx); err != nil {
			t.Fatal(err)
		}
		return g
	}
	g := group(schema.Failures{Seed: 1, IDs: []string{"in-000000009"}})
	effects, err := g.Effects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []consumer.Effect{
		{ID: "in-000000007", Seq: 7, Partition: 0, Offset: 3, Member: "ja-m1", Kind: consumer.Applied, At: 250 * time.Millisecond},
		{ID: "in-000000009", Seq: 9, Partition: 0, Offset: 5, Member: "ja-m1", Kind: consumer.DeadLettered, At: 450 * time.Millisecond},
	}
	if fmt.Sprint(effects) != fmt.Sprint(want) {
		t.Errorf("effects %+v; want %+v", effects, want)
	}
	evs, err := g.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, fmt.Sprintf("%s:%s/%d", e.Event, e.ID, e.Attempt))
	}
	if got := strings.Join(kinds, ","); got != "start:/0,session:/0,retry:in-000000009/1,dead-letter:in-000000009/2,deduped:in-000000007/0,stop:/0" {
		t.Errorf("events %s", got)
	}
	if _, err := group(schema.Failures{Seed: 1}).Events(ctx); err == nil || !strings.Contains(err.Error(), "draw differs") {
		t.Errorf("a failure the harness's draw does not make: %v", err)
	}
	if err := g.Stop(ctx, time.Second); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(g.dir, "ja.effects.jsonl")); err != nil || string(b) != appStore {
		t.Errorf("effect store in the ledger directory: %q, %v", b, err)
	}
	cfg, _ := g.ClientConfig()
	if cfg["kafka-chaos.dead.letter.topic"] != "t.dlt" || cfg["kafka-chaos.retry.max.attempts"] != "2" || !strings.Contains(cfg["client"], "kafkachaos.App") {
		t.Errorf("client config %v", cfg)
	}
}
