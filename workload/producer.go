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
)

// Params configures one producer.
type Params struct {
	Profile Profile
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
	p.Profile.apply(&cfg)
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

func (pr *Producer) message(seq int64) *sarama.ProducerMessage {
	id := MessageID(pr.p.Profile.Name, seq)
	value := id + "|" + pr.padding
	pr.ledger.Attempt(ledger.Entry{ID: id, Seq: seq, Key: fmt.Sprintf("k%02d", seq%16), SentAt: time.Since(pr.p.Base)})
	pr.sent.Add(1)
	return &sarama.ProducerMessage{
		Topic:    pr.p.Topic,
		Key:      sarama.StringEncoder(fmt.Sprintf("k%02d", seq%16)),
		Value:    sarama.StringEncoder(value[:pr.p.Size]),
		Metadata: id,
	}
}

func (pr *Producer) record(id string, partition int32, offset int64, err error) {
	at := time.Since(pr.p.Base)
	if err == nil {
		if pr.p.Profile.Acks == Acks0 {
			// No broker response: the offset sarama reports is meaningless.
			offset = -1
		}
		pr.acked.Add(1)
		pr.ledger.Outcome(id, ledger.Acked, partition, offset, nil, true, at)
		return
	}
	status := Classify(err)
	if status == ledger.Failed {
		pr.failed.Add(1)
	} else {
		pr.unknown.Add(1)
	}
	pr.ledger.Outcome(id, status, partition, -1, err, false, at)
}

// Run produces until ctx is done, then drains: every message handed to the
// client gets its outcome before Run returns.
func (pr *Producer) Run(ctx context.Context) error {
	if pr.p.Profile.Mode == Sync {
		return pr.runSync(ctx)
	}
	return pr.runAsync(ctx)
}

// pace calls send once per message at the target rate until ctx is done.
// A slow send delays the next ones instead of bursting to catch up, as a
// real application blocked on a slow producer would.
func (pr *Producer) pace(ctx context.Context, send func(seq int64) bool) {
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
		select {
		case ap.Input() <- pr.message(seq):
			return true
		case <-ctx.Done():
			// The message was attempted but never handed over: it stays
			// pending, and the verifier treats it as indeterminate.
			return false
		}
	})
	// AsyncClose flushes and then closes both result channels; reading them
	// to the end is what makes every acknowledgement count.
	ap.AsyncClose()
	wg.Wait()
	return nil
}

func (pr *Producer) runSync(ctx context.Context) error {
	sp, err := sarama.NewSyncProducer(pr.p.Brokers, pr.cfg)
	if err != nil {
		return fmt.Errorf("start producer %s: %w", pr.p.Profile.Name, err)
	}
	pr.pace(ctx, func(seq int64) bool {
		m := pr.message(seq)
		partition, offset, err := sp.SendMessage(m)
		pr.record(m.Metadata.(string), partition, offset, err)
		return true
	})
	if err := sp.Close(); err != nil {
		return fmt.Errorf("close producer %s: %w", pr.p.Profile.Name, err)
	}
	return nil
}

// definiteRejections are broker errors that mean the write was not
// appended. Anything else (timeouts, lost connections, retries exhausted
// after an attempt that may have been written) is indeterminate.
var definiteRejections = map[sarama.KError]bool{
	sarama.ErrNotEnoughReplicas:        true,
	sarama.ErrNotLeaderForPartition:    true,
	sarama.ErrLeaderNotAvailable:       true,
	sarama.ErrUnknownTopicOrPartition:  true,
	sarama.ErrMessageSizeTooLarge:      true,
	sarama.ErrInvalidMessage:           true,
	sarama.ErrTopicAuthorizationFailed: true,
	sarama.ErrKafkaStorageError:        true,
}

// Classify maps a send error to a ledger status.
func Classify(err error) ledger.Status {
	var kerr sarama.KError
	if errors.As(err, &kerr) && definiteRejections[kerr] {
		return ledger.Failed
	}
	return ledger.Unknown
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
		"rate.per.second":        fmt.Sprint(pr.p.Rate),
		"message.bytes":          fmt.Sprint(pr.p.Size),
	}
}
