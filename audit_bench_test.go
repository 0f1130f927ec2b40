package kafkachaos_test

import (
	"context"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/audit"
	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
)

// auditMessages is how many messages BenchmarkAudit1M reads back.
const auditMessages = 1_000_000

// BenchmarkAudit1M measures the end of every scenario on a real cluster:
// read a topic of a million messages back from the brokers (six
// partitions, RF 3) and verify it against the producer's ledger. The
// cluster start and the production of the messages (by the workload's own
// acks=1 producer, as fast as it goes) stay outside the timer
// (make bench-cluster).
func BenchmarkAudit1M(b *testing.B) {
	ctx := context.Background()
	c, err := cluster.Start(ctx, cluster.Config{Logf: b.Logf})
	if err != nil {
		b.Fatalf("start cluster: %v", err)
	}
	defer func() {
		if err := c.Close(context.WithoutCancel(ctx)); err != nil {
			b.Errorf("remove cluster: %v", err)
		}
	}()
	const topic, partitions = "audit-bench", 6
	replicas := make([][]int32, partitions)
	for p := range replicas {
		for i := range cluster.Nodes {
			replicas[p] = append(replicas[p], int32(1+(p+i)%cluster.Nodes))
		}
	}
	if err := c.CreateTopic(ctx, cluster.TopicSpec{Name: topic, Replicas: replicas}); err != nil {
		b.Fatal(err)
	}
	prof := schema.Profile{
		Name: "audit-bench", Description: "acks=1, as fast as it goes", ReplicationFactor: 3, MinInsyncReplicas: 1,
		Mode: schema.Async, Acks: schema.Acks1, RetryMax: 3, RetryBackoff: 100 * time.Millisecond,
		MaxOpenRequests: 5, AckTimeout: 10 * time.Second,
	}
	pr, err := producer.New(producer.Params{
		Profile: prof, Topic: topic, Brokers: c.Bootstrap(), Config: c.SaramaConfig("audit-bench"),
		Rate: 200_000, Size: 64, Base: time.Now(),
	})
	if err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	if err := produce(ctx, pr, auditMessages); err != nil {
		b.Fatal(err)
	}
	b.Logf("produced %d messages in %s", auditMessages, time.Since(began).Round(time.Second))
	entries := pr.Ledger().Entries()
	params := audit.Params{
		Brokers: c.Bootstrap(), Config: c.SaramaConfig("audit-bench"), Topic: topic,
		Parse: message.Parse, Timeout: 2 * time.Minute,
	}

	b.ReportAllocs()
	var v schema.Verdict
	for b.Loop() {
		a, err := audit.Read(ctx, params)
		if err != nil {
			b.Fatal(err)
		}
		v = verify.Producer(verify.Params{Profile: prof.Name, Entries: entries, Records: a.Records, Expect: schema.AllGuarantees()})
	}
	if v.Counts.Acked < auditMessages || v.Counts.Lost != 0 {
		b.Fatalf("audit of a quiet cluster: acked %d, lost %d: want at least %d acked and none lost", v.Counts.Acked, v.Counts.Lost, auditMessages)
	}
	b.ReportMetric(float64(v.Counts.Attempted)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// produce runs the producer until it has n acknowledged messages, then
// drains it.
func produce(ctx context.Context, pr *producer.Producer, n int64) error {
	ctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pr.Run(ctx) }()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for pr.Progress().Acked < n {
		select {
		case err := <-done:
			stop()
			return err
		case <-t.C:
		}
	}
	stop()
	return <-done
}
