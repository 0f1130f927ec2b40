package workload

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
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
	// slow send delays the next ones for good (pace).
	OpenLoop bool
	// Count, when above 0, ends production after that many messages, and
	// Duration that long after production started, however long the
	// client took to connect before.
	Count    int64
	Duration time.Duration
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
}

// NewProducer validates the profile and prepares a producer.
func NewProducer(p Params) (*Producer, error) {
	if err := p.Profile.Validate(); err != nil {
		return nil, err
	}
	if p.Rate <= 0 || p.Size < 32 {
		return nil, fmt.Errorf("producer %s: rate %d/s and size %d B: need rate > 0 and size >= 32", p.Profile.Name, p.Rate, p.Size)
	}
	cfg := *p.Config
	cfg.ClientID = "kafka-chaos-" + p.Profile.Name
	applyProfile(p.Profile, &cfg)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("producer %s: %w", p.Profile.Name, err)
	}
	return &Producer{p: p, cfg: &cfg, ledger: ledger.NewProducer(), padding: strings.Repeat("x", p.Size)}, nil
}

// Ledger returns the producer's ledger.
func (pr *Producer) Ledger() *ledger.Producer { return pr.ledger }

// Progress returns live counts.
func (pr *Producer) Progress() Progress {
	return Progress{Sent: pr.sent.Load(), Acked: pr.acked.Load(), Failed: pr.failed.Load(), Unknown: pr.unknown.Load()}
}

// MessageID is the id of message seq of a profile. The auditor recovers
// both from the value alone.
func MessageID(profile string, seq int64) string { return fmt.Sprintf("%s-%09d", profile, seq) }

// ParseValue returns the id and sequence number at the head of a value.
func ParseValue(v []byte) (id string, seq int64, err error) {
	s := string(v)
	if i := strings.IndexByte(s, '|'); i >= 0 {
		s = s[:i]
	}
	dash := strings.LastIndexByte(s, '-')
	if dash < 0 {
		return "", 0, fmt.Errorf("value %.40q carries no message id", v)
	}
	seq, err = strconv.ParseInt(s[dash+1:], 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("value %.40q: bad sequence number: %w", v, err)
	}
	return s, seq, nil
}

// Keys is how many distinct keys a producer's messages cycle through: the
// hash partitioner spreads them over the partitions.
const Keys = 16

func (pr *Producer) message(seq int64) *sarama.ProducerMessage {
	id := MessageID(pr.p.Profile.Name, seq)
	value := id + "|" + pr.padding
	key := fmt.Sprintf("k%02d", seq%Keys)
	pr.ledger.Attempt(ledger.Entry{ID: id, Seq: seq, Key: key, SentAt: time.Since(pr.p.Base)})
	pr.sent.Add(1)
	return &sarama.ProducerMessage{
		Topic:    pr.p.Topic,
		Key:      sarama.StringEncoder(key),
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
// client gets its outcome before Run returns.
func (pr *Producer) Run(ctx context.Context) error {
	if pr.p.Profile.Mode == schema.Sync {
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

// pace calls send once per message at the target rate until ctx is done,
// send refuses, or Count or Duration is reached. Unless OpenLoop, a slow
// send delays the next ones instead of bursting to catch up, as a real
// application blocked on a slow producer would.
func (pr *Producer) pace(ctx context.Context, send func(seq int64) bool) {
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

// schedule is pace's open loop: message seq leaves at its intended time,
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
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for m := range ap.Successes() {
			pr.record(m.Metadata.(string), m.Partition, m.Offset, nil)
		}
	}()
	go func() {
		defer wg.Done()
		for e := range ap.Errors() {
			pr.record(e.Msg.Metadata.(string), e.Msg.Partition, -1, e.Err)
		}
	}()
	pr.pace(ctx, func(seq int64) bool {
		m := pr.message(seq)
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
	})
	// AsyncClose flushes and then closes both result channels; reading them
	// to the end is what makes every acknowledgement count.
	ap.AsyncClose()
	wg.Wait()
	return nil
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
				m := pr.message(seq)
				partition, offset, err := sp.SendMessage(m)
				pr.record(m.Metadata.(string), partition, offset, err)
			}
		})
	}
	pr.pace(ctx, func(seq int64) bool {
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

// rejectedBeforeAppend are broker errors a leader returns only when it did
// not append the batch. NOT_LEADER_OR_FOLLOWER is not among them: it also
// ends an acks=all wait when leadership moves after the append, and
// KAFKA_STORAGE_ERROR may follow a write that reached the page cache.
var rejectedBeforeAppend = map[sarama.KError]bool{
	sarama.ErrNotEnoughReplicas:        true,
	sarama.ErrLeaderNotAvailable:       true,
	sarama.ErrUnknownTopicOrPartition:  true,
	sarama.ErrMessageSizeTooLarge:      true,
	sarama.ErrInvalidMessage:           true,
	sarama.ErrTopicAuthorizationFailed: true,
}

// neverRetried are the rejections sarama returns on the first attempt
// whatever Retry.Max says (async_producer.go retries only the others), so
// the error seen is the only attempt's.
var neverRetried = map[sarama.KError]bool{
	sarama.ErrMessageSizeTooLarge:      true,
	sarama.ErrTopicAuthorizationFailed: true,
}

// Classify maps a send error to a ledger status, and names the Kafka error
// when the broker answered with one. Failed means no attempt can have been
// appended. sarama reports only the last error of a message's attempts, so
// a retried message is failed only if the error is one sarama never
// retries; with retries, an earlier attempt may have timed out after the
// leader appended it, and the outcome is unknown.
func Classify(err error, retryMax int) (ledger.Status, string) {
	var kerr sarama.KError
	if !errors.As(err, &kerr) {
		return ledger.Unknown, ""
	}
	code := ErrorCode(kerr)
	if rejectedBeforeAppend[kerr] && (retryMax == 0 || neverRetried[kerr]) {
		return ledger.Failed, code
	}
	return ledger.Unknown, code
}

// errorCodes are the protocol names of the errors a fault makes brokers
// answer with; others are named by number.
var errorCodes = map[sarama.KError]string{
	sarama.ErrNotEnoughReplicas:            "NOT_ENOUGH_REPLICAS",
	sarama.ErrNotEnoughReplicasAfterAppend: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
	sarama.ErrNotLeaderForPartition:        "NOT_LEADER_OR_FOLLOWER",
	sarama.ErrLeaderNotAvailable:           "LEADER_NOT_AVAILABLE",
	sarama.ErrUnknownTopicOrPartition:      "UNKNOWN_TOPIC_OR_PARTITION",
	sarama.ErrRequestTimedOut:              "REQUEST_TIMED_OUT",
	sarama.ErrKafkaStorageError:            "KAFKA_STORAGE_ERROR",
	sarama.ErrMessageSizeTooLarge:          "MESSAGE_TOO_LARGE",
	sarama.ErrInvalidMessage:               "CORRUPT_MESSAGE",
	sarama.ErrTopicAuthorizationFailed:     "TOPIC_AUTHORIZATION_FAILED",
	sarama.ErrOutOfOrderSequenceNumber:     "OUT_OF_ORDER_SEQUENCE_NUMBER",
}

// ErrorCode names a Kafka error as the protocol does.
func ErrorCode(kerr sarama.KError) string {
	if name, ok := errorCodes[kerr]; ok {
		return name
	}
	return fmt.Sprintf("ERROR_%d", int16(kerr))
}

// ClientConfig returns every producer setting the client runs with, for the
// result.
func (pr *Producer) ClientConfig() map[string]string {
	c := pr.cfg
	return map[string]string{
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
}
