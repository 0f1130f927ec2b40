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
	// ReadCommitted reads as a read_committed consumer does: up to the
	// last stable offset, without the records of aborted transactions.
	ReadCommitted bool
	// Transactional says the topic holds transactions: control records
	// (commit and abort markers), and under ReadCommitted aborted records,
	// occupy offsets no consumer ever sees, so a partition's read ends
	// once its end offset was seen or nothing arrived for Idle, with the
	// client fetching all along.
	Transactional bool
	Idle          time.Duration
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
	if p.ReadCommitted {
		cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	}
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
		return Offsets(cl, p.Topic, parts, p.Transactional)
	})
	return offsets, err
}

// Offsets reads each partition's log start and high watermark, and with
// stable its last stable offset: the first offset of a transaction still
// open, which read_committed consumers cannot read past (the high
// watermark when none is open).
func Offsets(cl sarama.Client, topic string, parts []int32, stable bool) ([]schema.PartitionOffsets, error) {
	cur := make([]schema.PartitionOffsets, len(parts))
	for i, part := range parts {
		hw, err := cl.GetOffset(topic, part, sarama.OffsetNewest)
		if err != nil {
			return nil, fmt.Errorf("audit %s-%d: high watermark: %w", topic, part, err)
		}
		low, err := cl.GetOffset(topic, part, sarama.OffsetOldest)
		if err != nil {
			return nil, fmt.Errorf("audit %s-%d: log start: %w", topic, part, err)
		}
		cur[i] = schema.PartitionOffsets{Partition: part, LogStart: low, HighWatermark: hw}
		if stable {
			if cur[i].LastStable, err = lastStable(cl, topic, part); err != nil {
				return nil, err
			}
		}
	}
	return cur, nil
}

// lastStable asks the partition's leader for its latest offset as a
// read_committed consumer sees it.
func lastStable(cl sarama.Client, topic string, part int32) (int64, error) {
	b, err := cl.Leader(topic, part)
	if err != nil {
		return 0, fmt.Errorf("audit %s-%d: leader: %w", topic, part, err)
	}
	req := sarama.NewOffsetRequest(cl.Config().Version)
	req.IsolationLevel = sarama.ReadCommitted
	req.AddBlock(topic, part, sarama.OffsetNewest, 1)
	res, err := b.GetAvailableOffsets(req)
	if err != nil {
		return 0, fmt.Errorf("audit %s-%d: last stable offset: %w", topic, part, err)
	}
	blk := res.GetBlock(topic, part)
	switch {
	case blk == nil:
		return 0, fmt.Errorf("audit %s-%d: last stable offset: no answer for the partition", topic, part)
	case blk.Err != sarama.ErrNoError:
		return 0, fmt.Errorf("audit %s-%d: last stable offset: %w", topic, part, blk.Err)
	}
	return blk.Offset, nil
}

func auditPartition(ctx context.Context, consumer sarama.Consumer, p Params, o schema.PartitionOffsets) ([]ledger.Record, error) {
	part, low, hw := o.Partition, o.LogStart, o.HighWatermark
	if p.ReadCommitted {
		hw = o.LastStable
	}
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
	var idle <-chan time.Time
	if p.Transactional {
		t := time.NewTicker(p.Idle)
		defer t.Stop()
		idle = t.C
	}
	// quiet: nothing arrived since the last tick; the first tick only
	// starts the count, so a partition gets at least one whole Idle
	// after its first fetch went out.
	quiet := false
	recs := make([]ledger.Record, 0, hw-low)
	for {
		select {
		case <-idle:
			if quiet {
				return recs, nil
			}
			quiet = true
		case m := <-pc.Messages():
			quiet = false
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
