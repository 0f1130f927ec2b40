// Package consumer is the consumer-group application: a member's body as a
// worker process (processing, retries, dead letters, the effect store every
// member shares, or consume-transform-produce in transactions), its client
// settings, and the group of member processes the harness runs.
package consumer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// errInjected is the processing failure Failures injects.
var errInjected = errors.New("injected processing failure")

// MemberEvent is one line of a group member's ledger: what it did besides
// applying effects (which go to the shared effect store). The harness turns
// these into the metrics of the result.
type MemberEvent struct {
	// Event is one of the Ev* constants.
	Event      string        `json:"ev"`
	ID         string        `json:"id,omitempty"`
	Seq        int64         `json:"seq,omitempty"`
	Partition  int32         `json:"p"`
	Offset     int64         `json:"o"`
	Attempt    int           `json:"attempt,omitempty"`
	Generation int32         `json:"gen,omitempty"`
	Count      int           `json:"n,omitempty"`
	Err        string        `json:"err,omitempty"`
	At         time.Duration `json:"t"`
}

// Member events.
const (
	EvStart      = "start"
	EvSession    = "session"     // a new group generation began (Count: partitions claimed)
	EvClaim      = "claim"       // a partition claimed, Offset: where consumption resumes
	EvRetry      = "retry"       // attempt Attempt failed, another follows
	EvSkip       = "skip"        // given up after Attempt attempts without dead-lettering: C1
	EvDeadLetter = "dead-letter" // published to the dead-letter topic after Attempt attempts
	EvDeduped    = "deduped"     // a re-delivery whose outcome was already recorded
	EvGroupError = "group-error" // an error the consumer group (commit, heartbeat, fetch) or the member's own producer reported
	EvStop       = "stop"        // clean exit; Count: received messages abandoned unprocessed
)

// consumerApp is one member of a consumer-group application.
type consumerApp struct {
	s       worker.Spec
	prof    schema.ConsumerProfile
	effects *EffectStore
	log     *worker.Journal
	dlt     sarama.SyncProducer
	// txn is an in-transaction member's producing side, nil for the
	// others.
	txn *txnStage
	// queue holds what an OnReceive application received and marked but
	// has not processed yet.
	queue chan received
	logf  func(string, ...any)
}

func (a *consumerApp) event(e MemberEvent) {
	e.At = time.Since(a.s.Base)
	if err := a.log.Append(e); err != nil && !errors.Is(err, worker.ErrJournalClosed) {
		a.logf("record %s event: %v", e.Event, err)
	}
}

func msgEvent(ev string, m *sarama.ConsumerMessage, id string, seq int64) MemberEvent {
	return MemberEvent{Event: ev, ID: id, Seq: seq, Partition: m.Partition, Offset: m.Offset}
}

// Setup implements sarama.ConsumerGroupHandler.
func (a *consumerApp) Setup(sess sarama.ConsumerGroupSession) error {
	a.event(MemberEvent{Event: EvSession, Generation: sess.GenerationID(), Count: len(sess.Claims()[a.s.Topic])})
	return nil
}

// Cleanup implements sarama.ConsumerGroupHandler.
func (a *consumerApp) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim implements sarama.ConsumerGroupHandler.
func (a *consumerApp) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	a.event(MemberEvent{Event: EvClaim, Partition: claim.Partition(), Offset: claim.InitialOffset(), Generation: sess.GenerationID()})
	if a.txn != nil {
		return a.txn.consume(sess, claim)
	}
	for {
		select {
		case m, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			if a.prof.Commit == schema.OnReceive {
				sess.MarkMessage(m, "")
				a.queue <- received{m, time.Now()}
				continue
			}
			if !a.handle(sess.Context(), m) {
				// The session ended mid-retry: no outcome, no mark, so
				// the partition's next owner starts at this message.
				return nil
			}
			sess.MarkMessage(m, "")
		case <-sess.Context().Done():
			return nil
		}
	}
}

// handle processes one message to an outcome: applied, skipped or
// dead-lettered. It returns false when ctx ended before an outcome.
func (a *consumerApp) handle(ctx context.Context, m *sarama.ConsumerMessage) bool {
	id, seq, err := message.Parse(m.Value)
	if err != nil {
		a.event(MemberEvent{Event: EvSkip, Partition: m.Partition, Offset: m.Offset, Err: err.Error()})
		return true
	}
	if seen, err := a.effects.Seen(id); err != nil {
		a.logf("dedupe lookup of %s: %v", id, err)
	} else if seen {
		a.event(msgEvent(EvDeduped, m, id, seq))
		return true
	}
	for attempt := 1; ; attempt++ {
		err := a.process(m, id, seq, attempt)
		if err == nil {
			return true
		}
		if limit := a.prof.Retry.MaxAttempts; limit > 0 && attempt >= limit {
			if a.prof.DeadLetter {
				return a.deadLetter(ctx, m, id, seq, attempt, err)
			}
			ev := msgEvent(EvSkip, m, id, seq)
			ev.Attempt, ev.Err = attempt, err.Error()
			a.event(ev)
			return true
		}
		ev := msgEvent(EvRetry, m, id, seq)
		ev.Attempt, ev.Err = attempt, err.Error()
		a.event(ev)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(a.prof.Retry.Delay(attempt)):
		}
	}
}

// process is the application's processing step: it fails as injected, or
// applies the side effect by recording it. An idempotent application's
// store refuses a second outcome for an id another member recorded in the
// meantime; that is a re-delivery absorbed, not a failure.
func (a *consumerApp) process(m *sarama.ConsumerMessage, id string, seq int64, attempt int) error {
	if a.s.Failures.Fails(id, attempt) {
		return errInjected
	}
	applied, err := a.effects.Record(Effect{ID: id, Seq: seq, Partition: m.Partition, Offset: m.Offset, Member: a.s.Name, Kind: Applied, At: time.Since(a.s.Base)})
	if err != nil {
		return fmt.Errorf("record effect: %w", err)
	}
	if !applied {
		a.event(msgEvent(EvDeduped, m, id, seq))
	}
	return nil
}

// deadLetter publishes m to the dead-letter topic with where it came from,
// retrying until it is acknowledged or ctx ends (then there is no outcome,
// and the next owner of the partition handles the message again).
func (a *consumerApp) deadLetter(ctx context.Context, m *sarama.ConsumerMessage, id string, seq int64, attempts int, cause error) bool {
	pm := &sarama.ProducerMessage{
		Topic: a.s.DeadLetter,
		Key:   sarama.ByteEncoder(m.Key),
		Value: sarama.ByteEncoder(m.Value),
		Headers: []sarama.RecordHeader{
			{Key: []byte("dlt.topic"), Value: []byte(m.Topic)},
			{Key: []byte("dlt.partition"), Value: []byte(fmt.Sprint(m.Partition))},
			{Key: []byte("dlt.offset"), Value: []byte(fmt.Sprint(m.Offset))},
			{Key: []byte("dlt.attempts"), Value: []byte(fmt.Sprint(attempts))},
			{Key: []byte("dlt.error"), Value: []byte(cause.Error())},
		},
	}
	for {
		_, _, err := a.dlt.SendMessage(pm)
		if err == nil {
			break
		}
		a.event(MemberEvent{Event: EvGroupError, ID: id, Partition: m.Partition, Offset: m.Offset, Err: "dead-letter: " + err.Error()})
		select {
		case <-ctx.Done():
			return false
		case <-time.After(producerBackoff):
		}
	}
	ev := msgEvent(EvDeadLetter, m, id, seq)
	ev.Attempt, ev.Err = attempts, cause.Error()
	a.event(ev)
	// Recorded after the publish: a crash in between publishes the message
	// twice on re-delivery rather than never.
	if _, err := a.effects.Record(Effect{ID: id, Seq: seq, Partition: m.Partition, Offset: m.Offset, Member: a.s.Name, Kind: DeadLettered, At: time.Since(a.s.Base)}); err != nil {
		a.logf("record dead-lettering of %s: %v", id, err)
	}
	return true
}

// received is a message an OnReceive application has marked.
type received struct {
	m  *sarama.ConsumerMessage
	at time.Time
}

// lagged is the OnReceive application's asynchronous stage: it processes
// each message, once, ProcessLag after it was received; a failure is
// ignored. It returns how many received messages it leaves unprocessed when
// stopped: the one it holds, if any, and the rest of the queue.
func (a *consumerApp) lagged(stop <-chan struct{}) (abandoned int) {
	for {
		var r received
		select {
		case <-stop:
			return len(a.queue)
		case r = <-a.queue:
		}
		select {
		case <-stop:
			return 1 + len(a.queue)
		case <-time.After(time.Until(r.at.Add(a.prof.ProcessLag))):
		}
		id, seq, err := message.Parse(r.m.Value)
		if err == nil {
			err = a.process(r.m, id, seq, 1)
		}
		if err != nil {
			ev := msgEvent(EvSkip, r.m, id, seq)
			ev.Attempt, ev.Err = 1, err.Error()
			a.event(ev)
		}
	}
}
