package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
)

// appRecord is one line of a producer application's ledger: an attempt
// (written before the message is handed to sarama) or an outcome.
type appRecord struct {
	ID        string        `json:"id"`
	Seq       int64         `json:"seq"`
	Key       string        `json:"key,omitempty"`
	Attempt   bool          `json:"attempt,omitempty"`
	Status    ledger.Status `json:"status,omitempty"`
	Partition int32         `json:"p"`
	Offset    int64         `json:"o"`
	Believed  bool          `json:"believed"`
	// Resend marks a failure the application answered by sending the
	// message again: not an outcome.
	Resend bool `json:"resend,omitempty"`
	// Withdrawn: the attempt just recorded was never handed to the
	// client (the run ended first), so it is no attempt at all.
	Withdrawn bool          `json:"withdrawn,omitempty"`
	Err       string        `json:"err,omitempty"`
	Code      string        `json:"code,omitempty"`
	At        time.Duration `json:"t"`
}

// ReadProducerLedgers folds the ledgers of every process of one producer
// application into ledger entries, in attempt order per file, and counts
// the application's re-sends. A message whose attempt was recorded but
// whose outcome never was (the process exited first) stays pending:
// indeterminate, never counted as acked; one withdrawn (never handed to
// the client) is no attempt.
func ReadProducerLedgers(paths ...string) (entries []ledger.Entry, resends int, err error) {
	l := ledger.NewProducer()
	for _, p := range paths {
		err := ReadJournal(p, func(r appRecord) {
			switch {
			case r.Attempt:
				l.Attempt(ledger.Entry{ID: r.ID, Seq: r.Seq, Key: r.Key, Believed: r.Believed, SentAt: r.At})
				return
			case r.Resend:
				resends++
				return
			case r.Withdrawn:
				l.Withdraw(r.ID)
				return
			}
			var err error
			if r.Err != "" {
				err = errors.New(r.Err)
			}
			l.Outcome(r.ID, r.Status, r.Partition, r.Offset, err, r.Code, r.Believed, r.At)
		})
		if err != nil {
			return nil, 0, err
		}
	}
	return l.Entries(), resends, nil
}

// drainTimeout bounds how long a re-sending application waits, once it
// stops sending, for its last messages to be acknowledged.
const drainTimeout = 30 * time.Second

// producerApp is one process of a producer application.
type producerApp struct {
	s    Spec
	app  ClientProfile
	j    *Journal
	ap   sarama.AsyncProducer
	logf func(string, ...any)
	// pending counts messages handed to sarama without a final outcome.
	pending atomic.Int64
}

// outcome records what became of a message. The harness reads every
// result, whatever the application does, to learn what the broker
// acknowledged; what the application believes follows its own policy (an
// application that ignores results believed the send when it made it). An
// application that re-sends records a failure as a resend and sends the
// message again, so its ledger keeps one attempt and one final outcome.
func (a *producerApp) outcome(m *sarama.ProducerMessage, offset int64, sendErr error) {
	id := m.Metadata.(string)
	r := appRecord{ID: id, Status: ledger.Acked, Partition: m.Partition, Offset: offset, At: time.Since(a.s.Base), Believed: true}
	if sendErr != nil {
		r.Status, r.Code = producer.Classify(sendErr, a.app.RetryMax)
		r.Offset, r.Err = -1, sendErr.Error()
		r.Believed = a.app.Results == Ignored
		switch {
		case a.app.Resend:
			r.Status, r.Resend = "", true
			go a.resend(m)
		case a.app.Results == Checked:
			a.logf("send %s failed, dropped: %v", id, sendErr)
		}
	}
	if err := a.j.Append(r); err != nil && !errors.Is(err, ErrJournalClosed) {
		a.logf("record outcome of %s: %v", id, err)
	}
	if !r.Resend {
		a.pending.Add(-1)
	}
}

// resend hands a failed message to sarama again after the retry backoff,
// as a new message: sarama's own retries of it are over.
func (a *producerApp) resend(m *sarama.ProducerMessage) {
	time.Sleep(a.app.RetryBackoff)
	a.ap.Input() <- &sarama.ProducerMessage{Topic: m.Topic, Key: m.Key, Value: m.Value, Metadata: m.Metadata}
}

// drain waits until every message has a final outcome, so that Close
// interrupts nothing: sarama fails the messages it is retrying when it is
// closed (ErrShuttingDown).
func (a *producerApp) drain() bool {
	deadline := time.Now().Add(drainTimeout)
	for a.pending.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// RunProducerApp runs one process of a producer application: it sends
// spec.Count messages (or until ctx ends) at the spec's rate, recording each
// attempt before handing it to sarama and each outcome as it arrives, then
// ends the way the application does.
func RunProducerApp(ctx context.Context, s Spec, logf func(string, ...any)) error {
	a := &producerApp{s: s, app: *s.Producer, logf: logf}
	pr, err := newAppProducer(s)
	if err != nil {
		return err
	}
	if a.j, err = OpenJournal(s.Ledger, 100*time.Millisecond); err != nil {
		return err
	}
	if a.ap, err = sarama.NewAsyncProducer(s.Brokers, pr.Config()); err != nil {
		return errors.Join(fmt.Errorf("start producer %s: %w", s.Name, err), a.j.Close())
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for m := range a.ap.Successes() {
			a.outcome(m, m.Offset, nil)
		}
	}()
	go func() {
		defer wg.Done()
		for e := range a.ap.Errors() {
			a.outcome(e.Msg, -1, e.Err)
		}
	}()

	var sendErr error
	pr.Pace(ctx, func(n int64) bool {
		if s.Count > 0 && n >= int64(s.Count) {
			return false
		}
		m := pr.Message(s.FirstSeq + n)
		key, _ := m.Key.Encode()
		rec := appRecord{ID: m.Metadata.(string), Seq: s.FirstSeq + n, Key: string(key), Attempt: true, Partition: -1, Offset: -1, Believed: a.app.Results == Ignored, At: time.Since(s.Base)}
		if sendErr = a.j.Append(rec); sendErr != nil {
			return false
		}
		a.pending.Add(1)
		select {
		case a.ap.Input() <- m:
			return true
		case <-ctx.Done():
			// Recorded as attempted, never handed over: withdrawn. A
			// process killed before this line leaves it pending, as it
			// leaves any attempt without an outcome.
			a.pending.Add(-1)
			sendErr = a.j.Append(appRecord{ID: rec.ID, Seq: rec.Seq, Withdrawn: true, At: time.Since(s.Base)})
			return false
		}
	})
	if sendErr != nil {
		return errors.Join(sendErr, a.j.Close())
	}
	switch {
	case a.app.Exit == NoClose:
		// P1: the last send returned, so the application is done. The
		// journal is closed (and synced) so the harness knows every
		// attempt; the producer is not: the process exits with whatever
		// sarama still holds.
		logf("last send made, exiting without Close")
		return a.j.Close()
	case a.app.Resend && !a.drain():
		// Closing now would fail what is still being re-sent; exiting
		// leaves it pending, which the application knows.
		logf("%d messages still unacknowledged after %s, exiting", a.pending.Load(), drainTimeout)
		return a.j.Close()
	}
	a.ap.AsyncClose()
	wg.Wait()
	logf("producer closed, every result read")
	return a.j.Close()
}
