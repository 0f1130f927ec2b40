// Package producer is the in-process profile producer: it sends a
// profile's messages from this process with the profile's client settings
// and records, per message, what was attempted and what became of it.
package producer

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
)

// Params configures one producer.
type Params struct {
	Profile schema.Profile
	Topic   string
	Brokers []string
	// Config is the base client configuration (cluster.SaramaConfig); the
	// profile's producer settings are applied on a copy.
	Config *sarama.Config
	// Rate is the target in messages per second; Size the value size.
	Rate int
	Size int
	// Base is the run's time origin; every ledger time is relative to it.
	Base time.Time
	// OpenLoop sends message seq at its intended time (Intended), and
	// late messages at once until production is back on schedule, as a
	// load generator measuring latency does: a client stalled by the
	// cluster then shows its queueing in the latency from the intended
	// time instead of hiding it (coordinated omission). Without it, a
	// slow send delays the next ones for good (Pace).
	OpenLoop bool
	// Count, when above 0, ends production after that many messages, and
	// Duration that long after production started, however long the
	// client took to connect before.
	Count    int64
	Duration time.Duration
	// Seed is the run's seed: with a transaction's Seq it picks the
	// transactions aborted on purpose (schema.Transactions.Intent).
	Seed int64
	// TransactionalID is a transactional profile's transactional.id;
	// empty means TransactionalID(Topic, Profile.Name).
	TransactionalID string
}

// Progress is a live count of a producer's outcomes.
type Progress struct {
	Sent    int64 `json:"sent"`
	Acked   int64 `json:"acked"`
	Failed  int64 `json:"failed"`
	Unknown int64 `json:"unknown"`
}

// Producer sends uniquely identified messages at a steady rate and records
// every outcome in its ledger.
type Producer struct {
	p       Params
	cfg     *sarama.Config
	ledger  *ledger.Producer
	sent    atomic.Int64
	acked   atomic.Int64
	failed  atomic.Int64
	unknown atomic.Int64
	// start is when production began, relative to Params.Base.
	start   atomic.Int64
	padding string
	// txns is the transaction ledger of a transactional profile.
	txns ledger.Txns
}

// New validates the profile and prepares a producer.
func New(p Params) (*Producer, error) {
	if err := p.Profile.Validate(); err != nil {
		return nil, err
	}
	if p.Rate <= 0 || p.Size < 32 {
		return nil, fmt.Errorf("producer %s: rate %d/s and size %d B: need rate > 0 and size >= 32", p.Profile.Name, p.Rate, p.Size)
	}
	cfg := *p.Config
	cfg.ClientID = "kafka-chaos-" + p.Profile.Name
	applyProfile(p.Profile, &cfg)
	id := p.TransactionalID
	if id == "" {
		id = TransactionalID(p.Topic, p.Profile.Name)
	}
	applyTransactions(p.Profile.Transactions, id, &cfg)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("producer %s: %w", p.Profile.Name, err)
	}
	return &Producer{p: p, cfg: &cfg, ledger: ledger.NewProducer(), padding: strings.Repeat("x", p.Size)}, nil
}

// Config is the client configuration the producer runs with. A producer
// application adjusts it to its own settings before it runs.
func (pr *Producer) Config() *sarama.Config { return pr.cfg }

// Ledger returns the producer's ledger.
func (pr *Producer) Ledger() *ledger.Producer { return pr.ledger }

// Progress returns live counts.
func (pr *Producer) Progress() Progress {
	return Progress{Sent: pr.sent.Load(), Acked: pr.acked.Load(), Failed: pr.failed.Load(), Unknown: pr.unknown.Load()}
}

// Keys is how many distinct keys a producer's messages cycle through: the
// hash partitioner spreads them over the partitions.
const Keys = 16

// key is message seq's key: consecutive messages take consecutive keys,
// which the hash partitioner spreads over the partitions.
func key(seq int64) string { return Key(seq) }

// Key is message seq's key, one of Keys: every client of a profile keys
// its messages alike.
func Key(seq int64) string { return fmt.Sprintf("k%02d", seq%Keys) }

// Message builds message seq and records its attempt in the ledger.
func (pr *Producer) Message(seq int64) *sarama.ProducerMessage { return pr.message(seq, 0) }

// message builds message seq of transaction txn (0 outside transactions)
// and records its attempt in the ledger.
func (pr *Producer) message(seq, txn int64) *sarama.ProducerMessage {
	id := message.ID(pr.p.Profile.Name, seq)
	value := id + "|" + pr.padding
	k := key(seq)
	pr.ledger.Attempt(ledger.Entry{ID: id, Seq: seq, Key: k, Txn: txn, SentAt: time.Since(pr.p.Base)})
	pr.sent.Add(1)
	return &sarama.ProducerMessage{
		Topic:    pr.p.Topic,
		Key:      sarama.StringEncoder(k),
		Value:    sarama.StringEncoder(value[:pr.p.Size]),
		Metadata: id,
	}
}

func (pr *Producer) record(id string, partition int32, offset int64, err error) {
	at := time.Since(pr.p.Base)
	if err == nil {
		if pr.p.Profile.Acks == schema.Acks0 {
			// No broker response: the offset sarama reports is meaningless.
			offset = -1
		}
		pr.acked.Add(1)
		pr.ledger.Outcome(id, ledger.Acked, partition, offset, nil, "", true, at)
		return
	}
	status, code := Classify(err, pr.cfg.Producer.Retry.Max)
	if status == ledger.Failed {
		pr.failed.Add(1)
	} else {
		pr.unknown.Add(1)
	}
	pr.ledger.Outcome(id, status, partition, -1, err, code, false, at)
}

// Run produces until ctx is done, then drains: every message handed to the
// client gets its outcome before Run returns. A transactional profile
// runs its transactions (runTxn).
func (pr *Producer) Run(ctx context.Context) error {
	switch {
	case pr.p.Profile.Transactions != nil:
		return pr.runTxn(ctx)
	case pr.p.Profile.Mode == schema.Sync:
		return pr.runSync(ctx)
	}
	return pr.runAsync(ctx)
}

// Intended returns when message seq was due, relative to Params.Base: the
// start of production plus seq/Rate. Sequence numbers are contiguous, so a
// message sent late is late by the time it waited, whatever the pacing.
func (pr *Producer) Intended(seq int64) time.Duration {
	return time.Duration(pr.start.Load()) + pr.offset(seq)
}

// offset is how long after the start of production message seq is due.
func (pr *Producer) offset(seq int64) time.Duration {
	return time.Duration(seq) * time.Second / time.Duration(pr.p.Rate)
}

// Pace calls send once per message at the target rate until ctx is done,
// send refuses, or Count or Duration is reached. Unless OpenLoop, a slow
// send delays the next ones instead of bursting to catch up, as a real
// application blocked on a slow producer would.
func (pr *Producer) Pace(ctx context.Context, send func(seq int64) bool) {
	begin := time.Now()
	pr.start.Store(int64(begin.Sub(pr.p.Base)))
	if pr.p.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, begin.Add(pr.p.Duration))
		defer cancel()
	}
	if pr.p.Count > 0 {
		next := send
		send = func(seq int64) bool { return seq < pr.p.Count && next(seq) }
	}
	if pr.p.OpenLoop {
		pr.schedule(ctx, begin, send)
		return
	}
	const tick = 10 * time.Millisecond
	perTick := float64(pr.p.Rate) * tick.Seconds()
	t := time.NewTicker(tick)
	defer t.Stop()
	var seq int64
	credit := 0.0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		credit += perTick
		for ; credit >= 1; credit-- {
			if !send(seq) {
				return
			}
			seq++
		}
	}
}

// schedule is Pace's open loop: message seq leaves at its intended time,
// or at once when that has passed. Each message waits for its own time
// rather than for a ticker, whose period would add up to a tick to every
// latency measured from the intended time.
func (pr *Producer) schedule(ctx context.Context, begin time.Time, send func(seq int64) bool) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for seq := int64(0); ; seq++ {
		if wait := time.Until(begin.Add(pr.offset(seq))); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return
		}
		if !send(seq) {
			return
		}
	}
}

func (pr *Producer) runAsync(ctx context.Context) error {
	ap, err := sarama.NewAsyncProducer(pr.p.Brokers, pr.cfg)
	if err != nil {
		return fmt.Errorf("start producer %s: %w", pr.p.Profile.Name, err)
	}
	results := pr.readResults(ap, func() {})
	pr.Pace(ctx, func(seq int64) bool { return pr.hand(ctx, ap, pr.Message(seq)) })
	// AsyncClose flushes and then closes both result channels; reading them
	// to the end is what makes every acknowledgement count.
	ap.AsyncClose()
	results.Wait()
	return nil
}

// readResults records every result ap returns, calling done after each,
// until ap closes its result channels; the group returned is done then.
func (pr *Producer) readResults(ap sarama.AsyncProducer, done func()) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Go(func() {
		for m := range ap.Successes() {
			pr.record(m.Metadata.(string), m.Partition, m.Offset, nil)
			done()
		}
	})
	wg.Go(func() {
		for e := range ap.Errors() {
			pr.record(e.Msg.Metadata.(string), e.Msg.Partition, -1, e.Err)
			done()
		}
	})
	return &wg
}

// hand gives m to ap, and reports whether it did before ctx was done.
func (pr *Producer) hand(ctx context.Context, ap sarama.AsyncProducer, m *sarama.ProducerMessage) bool {
	select {
	case ap.Input() <- m:
		return true
	case <-ctx.Done():
		// Never handed over, so never attempted: left in the ledger it
		// would be pending after the drain, an indeterminate send on a
		// healthy cluster.
		pr.ledger.Withdraw(m.Metadata.(string))
		pr.sent.Add(-1)
		return false
	}
}

// runSync sends from Concurrency goroutines sharing one SyncProducer, as
// an application's worker pool does: each waits for its send's result
// before taking the next message, so a stalled cluster holds at most
// Concurrency messages in flight and the pacing falls behind.
func (pr *Producer) runSync(ctx context.Context) error {
	sp, err := sarama.NewSyncProducer(pr.p.Brokers, pr.cfg)
	if err != nil {
		return fmt.Errorf("start producer %s: %w", pr.p.Profile.Name, err)
	}
	work := make(chan int64)
	var wg sync.WaitGroup
	for range max(1, pr.p.Profile.Concurrency) {
		wg.Go(func() {
			for seq := range work {
				m := pr.Message(seq)
				partition, offset, err := sp.SendMessage(m)
				pr.record(m.Metadata.(string), partition, offset, err)
			}
		})
	}
	pr.Pace(ctx, func(seq int64) bool {
		select {
		case work <- seq:
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(work)
	wg.Wait()
	if err := sp.Close(); err != nil {
		return fmt.Errorf("close producer %s: %w", pr.p.Profile.Name, err)
	}
	return nil
}

// ClientConfig returns every producer setting the client runs with, for the
// result.
func (pr *Producer) ClientConfig() map[string]string {
	c := pr.cfg
	out := map[string]string{
		"client.id":              c.ClientID,
		"protocol.version":       c.Version.String(),
		"acks":                   fmt.Sprint(int16(c.Producer.RequiredAcks)),
		"idempotent":             fmt.Sprint(c.Producer.Idempotent),
		"retry.max":              fmt.Sprint(c.Producer.Retry.Max),
		"retry.backoff":          c.Producer.Retry.Backoff.String(),
		"max.open.requests":      fmt.Sprint(c.Net.MaxOpenRequests),
		"ack.timeout":            c.Producer.Timeout.String(),
		"flush.frequency":        c.Producer.Flush.Frequency.String(),
		"flush.messages":         fmt.Sprint(c.Producer.Flush.Messages),
		"flush.bytes":            fmt.Sprint(c.Producer.Flush.Bytes),
		"max.message.bytes":      fmt.Sprint(c.Producer.MaxMessageBytes),
		"compression":            c.Producer.Compression.String(),
		"partitioner":            "hash",
		"net.dial.timeout":       c.Net.DialTimeout.String(),
		"net.read.timeout":       c.Net.ReadTimeout.String(),
		"net.write.timeout":      c.Net.WriteTimeout.String(),
		"metadata.retry.max":     fmt.Sprint(c.Metadata.Retry.Max),
		"metadata.retry.backoff": c.Metadata.Retry.Backoff.String(),
		"mode":                   string(pr.p.Profile.Mode),
		"sync.concurrency":       fmt.Sprint(max(1, pr.p.Profile.Concurrency)),
		"rate.per.second":        fmt.Sprint(pr.p.Rate),
		"open.loop":              fmt.Sprint(pr.p.OpenLoop),
		"message.bytes":          fmt.Sprint(pr.p.Size),
	}
	if t := pr.p.Profile.Transactions; t != nil {
		maps.Copy(out, txnConfig(*t, c))
	}
	return out
}
