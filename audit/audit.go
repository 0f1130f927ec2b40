// Package audit reads a topic back, independently of the producers that
// wrote it: every record from the log start to the high watermark, once
// the high watermarks hold still. What it finds is what package verify
// judges the producers' ledgers against.
package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Params configures an audit of one topic.
type Params struct {
	Brokers []string
	// Config is a base client configuration; the auditor uses its own
	// client built from it, sharing nothing with the workload.
	Config *sarama.Config
	Topic  string
	// Parse recovers a message's id and sequence number from its value.
	Parse func(value []byte) (id string, seq int64, err error)
	// Timeout bounds the read of one partition.
	Timeout time.Duration
	// Settle bounds the wait for every high watermark to stop moving
	// before the read; 0 reads at once.
	Settle time.Duration
}

// Log is what the auditor read of one topic's log.
type Log struct {
	Records    []ledger.Record
	Partitions []schema.PartitionOffsets
}

// settleEvery is how often the auditor polls high watermarks while the log
// settles: followers fetch far more often than that, so two equal polls
// mean replication has caught up with what the producers left.
const settleEvery = 500 * time.Millisecond

// Read reads every partition of the topic from the earliest offset to the
// high watermark, independently of the producers, and returns every record
// found in log order. It first waits (up to Settle) until no high watermark
// moves: an acks=1 write the followers have not fetched yet sits above the
// high watermark, and reading too early would count it as lost.
func Read(ctx context.Context, p Params) (Log, error) {
	cfg := *p.Config
	cfg.ClientID = "kafka-chaos-auditor"
	cfg.Consumer.Return.Errors = true
	cl, err := sarama.NewClient(p.Brokers, &cfg)
	if err != nil {
		return Log{}, fmt.Errorf("audit %s: connect: %w", p.Topic, err)
	}
	defer cl.Close()
	parts, err := cl.Partitions(p.Topic)
	if err != nil {
		return Log{}, fmt.Errorf("audit %s: list partitions: %w", p.Topic, err)
	}
	offsets, err := settle(ctx, cl, p, parts)
	if err != nil {
		return Log{}, err
	}
	consumer, err := sarama.NewConsumerFromClient(cl)
	if err != nil {
		return Log{}, fmt.Errorf("audit %s: consumer: %w", p.Topic, err)
	}
	defer consumer.Close()
	// The partitions are read at once; each keeps its log order, and the
	// result lists them one after another.
	recs := make([][]ledger.Record, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { recs[i], errs[i] = auditPartition(ctx, consumer, p, offsets[i]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Log{}, err
	}
	return Log{Records: slices.Concat(recs...), Partitions: offsets}, nil
}

// settle reads every partition's offsets until two reads agree, or
// Settle has passed, and returns the last read.
func settle(ctx context.Context, cl sarama.Client, p Params, parts []int32) ([]schema.PartitionOffsets, error) {
	offsets, _, err := Settled(ctx, settleEvery, p.Settle, func() ([]schema.PartitionOffsets, error) {
		cur := make([]schema.PartitionOffsets, len(parts))
		for i, part := range parts {
			hw, err := cl.GetOffset(p.Topic, part, sarama.OffsetNewest)
			if err != nil {
				return nil, fmt.Errorf("audit %s-%d: high watermark: %w", p.Topic, part, err)
			}
			low, err := cl.GetOffset(p.Topic, part, sarama.OffsetOldest)
			if err != nil {
				return nil, fmt.Errorf("audit %s-%d: log start: %w", p.Topic, part, err)
			}
			cur[i] = schema.PartitionOffsets{Partition: part, LogStart: low, HighWatermark: hw}
		}
		return cur, nil
	})
	return offsets, err
}

func auditPartition(ctx context.Context, consumer sarama.Consumer, p Params, o schema.PartitionOffsets) ([]ledger.Record, error) {
	part, low, hw := o.Partition, o.LogStart, o.HighWatermark
	if hw <= low {
		return nil, nil
	}
	pc, err := consumer.ConsumePartition(p.Topic, part, low)
	if err != nil {
		return nil, fmt.Errorf("audit %s-%d: consume from %d: %w", p.Topic, part, low, err)
	}
	defer pc.Close()
	timeout := time.NewTimer(p.Timeout)
	defer timeout.Stop()
	recs := make([]ledger.Record, 0, hw-low)
	for {
		select {
		case m := <-pc.Messages():
			id, seq, err := p.Parse(m.Value)
			if err != nil {
				return nil, fmt.Errorf("audit %s-%d offset %d: %w", p.Topic, part, m.Offset, err)
			}
			recs = append(recs, ledger.Record{ID: id, Seq: seq, Partition: part, Offset: m.Offset})
			if m.Offset >= hw-1 {
				return recs, nil
			}
		case cerr := <-pc.Errors():
			return nil, fmt.Errorf("audit %s-%d: %w", p.Topic, part, cerr)
		case <-timeout.C:
			return nil, fmt.Errorf("audit %s-%d: read %d records up to the high watermark %d in %s, stopped", p.Topic, part, len(recs), hw, p.Timeout)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
