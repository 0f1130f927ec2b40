package producer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// TransactionalID is the transactional.id of a profile's producer on
// topic: <topic>.<profile>. A producer that replaces one given up takes
// the same id, which fences the one it replaces.
func TransactionalID(topic, profile string) string { return topic + "." + profile }

// applyTransactions makes cfg transactional under id when t is set. The
// rest sarama's transactional producer needs (config.Validate:
// idempotence, so acks=all, one request in flight and retries on) comes
// from the profile, which Profile.Validate holds to it.
func applyTransactions(t *schema.Transactions, id string, cfg *sarama.Config) {
	if t == nil {
		return
	}
	cfg.Producer.Transaction.ID = id
	cfg.Producer.Transaction.Timeout = t.Timeout
}

// txnConfig is the transaction settings of ClientConfig.
func txnConfig(t schema.Transactions, c *sarama.Config) map[string]string {
	return map[string]string{
		"transactional.id":          c.Producer.Transaction.ID,
		"transaction.timeout":       c.Producer.Transaction.Timeout.String(),
		"transaction.retry.max":     fmt.Sprint(c.Producer.Transaction.Retry.Max),
		"transaction.retry.backoff": c.Producer.Transaction.Retry.Backoff.String(),
		"transaction.size":          fmt.Sprint(t.Size),
		"transaction.abort.ratio":   fmt.Sprint(t.AbortRatio),
	}
}

// Txns returns every transaction of a transactional profile's producer in
// order; its messages are the ledger entries whose Txn is their Seq.
func (pr *Producer) Txns() []ledger.Txn { return pr.txns.All() }

// reconnectBackoff is the wait between attempts to replace a producer
// given up; each attempt already retries InitProducerId for seconds
// (Producer.Transaction.Retry).
const reconnectBackoff = time.Second

// Reconnect replaces a transactional producer given up: it calls connect,
// reconnectBackoff apart, until it succeeds or ctx is done, and reports
// whether it succeeded. The new producer takes the transactional id of the
// one given up, so its InitProducerId aborts whatever that one left open.
func Reconnect(ctx context.Context, connect func() error) bool {
	for ctx.Err() == nil {
		if connect() == nil {
			return true
		}
		select {
		case <-ctx.Done():
		case <-time.After(reconnectBackoff):
		}
	}
	return false
}

// txnRun is the state of a transactional producer's run. Only the pacing
// goroutine uses it, but for pending, which the result readers count down.
type txnRun struct {
	pr *Producer
	// ap is the producer, nil once given up until it is replaced; results
	// are its result readers.
	ap      sarama.AsyncProducer
	results *sync.WaitGroup
	// open is the Seq of the open transaction, 0 between transactions;
	// intent is what it is meant to end with, sent how many messages it
	// holds, last the Seq of the last transaction begun.
	open   int64
	intent string
	sent   int
	last   int64
	// pending counts the open transaction's messages awaiting a result.
	pending sync.WaitGroup
}

// runTxn produces in transactions, paced as every producer is (Pace): the
// message due first in a transaction begins it, the one that fills it
// waits for the results of all of them and ends it. When production stops
// with a transaction open, that transaction, shorter than Size, is
// aborted once its messages have their results and recorded aborted: a
// stop is not a fault, and left open the transaction would hold back
// read_committed consumers of its partitions until its timeout.
func (pr *Producer) runTxn(ctx context.Context) error {
	r := &txnRun{pr: pr}
	if err := r.connect(); err != nil {
		return fmt.Errorf("start producer %s: %w", pr.p.Profile.Name, err)
	}
	pr.Pace(ctx, func(seq int64) bool { return r.send(ctx, seq) })
	if r.open != 0 {
		r.end(ledger.IntentAbort)
	}
	r.close()
	return nil
}

// send sends message seq in the open transaction, beginning one when none
// is open and ending it once it holds Size messages; it reports whether
// it sent before ctx was done.
func (r *txnRun) send(ctx context.Context, seq int64) bool {
	if r.open == 0 && !r.begin(ctx) {
		return false
	}
	r.pending.Add(1)
	hctx, cancel := context.WithTimeout(ctx, r.timeout())
	handed := r.pr.hand(hctx, r.ap, r.pr.message(seq, r.open))
	cancel()
	if !handed {
		r.pending.Done()
		if ctx.Err() != nil {
			return false
		}
		// sarama stopped taking messages: the message was never handed
		// over (withdrawn), and its transaction is given up with the
		// producer.
		r.giveUp()
		return true
	}
	r.sent++
	if r.sent == r.pr.p.Profile.Transactions.Size {
		r.end(r.intent)
	}
	return true
}

// begin opens the next transaction with the intent the seed picks for it,
// on a new producer when the last one was given up or cannot begin, and
// reports whether it did before ctx was done.
func (r *txnRun) begin(ctx context.Context) bool {
	for {
		if r.ap == nil && !Reconnect(ctx, r.connect) {
			return false
		}
		if r.ap.BeginTxn() == nil {
			break
		}
		r.close()
	}
	r.intent = r.pr.p.Profile.Transactions.Intent(r.pr.p.Seed, r.last+1)
	r.open = r.pr.txns.Begin(r.pr.cfg.Producer.Transaction.ID, r.intent, time.Since(r.pr.p.Base))
	r.last = r.open
	return true
}

// end waits for the result of every message of the open transaction, ends
// it as intent says and records how it ended. A producer that could not
// end it is given up: the next transaction begins on a new one.
func (r *txnRun) end(intent string) {
	if !waitFor(&r.pending, r.timeout()) {
		r.giveUp()
		return
	}
	status, err := FinishTxn(r.ap, intent)
	r.pr.txns.End(r.open, status, err, time.Since(r.pr.p.Base))
	r.open, r.sent = 0, 0
	if status == ledger.TxnUnknown {
		r.close()
	}
}

// errStalled: sarama neither took nor answered a transaction's messages
// within the transaction timeout.
var errStalled = errors.New("the producer stalled (a message neither taken nor answered) within the transaction timeout: producer given up")

// waitFor waits for wg up to d and reports whether it finished.
func waitFor(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// TxnEnder is the part of sarama's producers, async and sync, that ends a
// transaction.
type TxnEnder interface {
	CommitTxn() error
	AbortTxn() error
	TxnStatus() sarama.ProducerTxnStatusFlag
}

// FinishTxn commits or aborts the open transaction as intent says and
// returns how it ended. After an error that leaves the transaction
// abortable (a failed send leaves it so, and so may a refused EndTxn), it
// aborts it and returns the error that made it abort. Any other error, or a failed
// abort, leaves the outcome unknown: the coordinator settles it when a new
// producer takes the transactional id, or at the transaction's timeout.
func FinishTxn(p TxnEnder, intent string) (ledger.TxnStatus, error) {
	end, done := p.CommitTxn, ledger.TxnCommitted
	if intent == ledger.IntentAbort {
		end, done = p.AbortTxn, ledger.TxnAborted
	}
	err := end()
	switch {
	case err == nil:
		return done, nil
	case p.TxnStatus()&sarama.ProducerTxnFlagAbortableError == 0:
		return ledger.TxnUnknown, err
	}
	if aerr := p.AbortTxn(); aerr != nil {
		return ledger.TxnUnknown, errors.Join(err, aerr)
	}
	return ledger.TxnAborted, err
}

// connect starts a transactional producer, whose InitProducerId fences any
// producer that had the transactional id before, and reads its results.
func (r *txnRun) connect() error {
	ap, err := sarama.NewAsyncProducer(r.pr.p.Brokers, r.pr.cfg)
	if err != nil {
		return err
	}
	r.ap, r.results = ap, r.pr.readResults(ap, r.pending.Done)
	return nil
}

// timeout bounds each wait on sarama within a transaction: the
// transaction's own timeout, after which the coordinator aborts it anyway.
func (r *txnRun) timeout() time.Duration { return r.pr.p.Profile.Transactions.Timeout }

// giveUp records the open transaction unknown and gives its producer up,
// as an application's watchdog would: sarama holds a transaction's sends
// until their partitions are added to it, which can hang for good when
// the coordinator, or a partition leader, is lost mid-request, and its
// commit, abort and input then wait too. The next transaction begins on a
// new producer, which fences this one.
func (r *txnRun) giveUp() {
	r.pr.txns.End(r.open, ledger.TxnUnknown, fmt.Errorf("%w: %s", errStalled, r.timeout()), time.Since(r.pr.p.Base))
	r.open, r.sent = 0, 0
	r.close()
}

// close closes the producer, if any, and waits for the results it still
// returns, at most a transaction timeout: a hung producer is left to
// finish (or not) on its own, its later results still recorded.
func (r *txnRun) close() {
	if r.ap == nil {
		return
	}
	r.ap.AsyncClose()
	waitFor(r.results, r.timeout())
	r.ap = nil
}
