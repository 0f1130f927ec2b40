package schema

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// Bounds of Transactions.Timeout. TxnTimeoutMax is the brokers' default
// transaction.max.timeout.ms (15 min), above which the coordinator refuses
// the producer's InitProducerId. TxnTimeoutMin is the harness's own floor:
// the coordinator aborts a transaction still open after its timeout, and a
// shorter one would abort transactions on a healthy cluster whenever a
// produce retry or a coordinator lookup takes a moment.
const (
	TxnTimeoutMin = time.Second
	TxnTimeoutMax = 15 * time.Minute
)

// Transactions makes a sarama profile's producer transactional (sarama's
// Producer.Transaction): it sends its messages in transactions of Size
// messages, and once every message of one has its result, commits it, or
// aborts it when the seed picks it to be aborted on purpose. A nil
// Profile.Transactions is not transactional.
type Transactions struct {
	// Size is how many messages each transaction holds.
	Size int `json:"size"`
	// AbortRatio is the fraction of transactions aborted on purpose, 0 to
	// below 1. Which ones depends only on the run's seed and the
	// transaction's Seq (Intent), so a rerun aborts the same ones.
	AbortRatio float64 `json:"abort_ratio"`
	// Timeout is transaction.timeout.ms (Producer.Transaction.Timeout):
	// how long the coordinator lets a transaction stay open before it
	// aborts it, TxnTimeoutMin to TxnTimeoutMax.
	Timeout time.Duration `json:"timeout_ns"`
}

// Validate rejects transactions Kafka would refuse, or that could never
// commit one.
func (t Transactions) Validate() error {
	switch {
	case t.Size < 1:
		return fmt.Errorf("transactions: size %d: a transaction holds 1 message or more", t.Size)
	case !(t.AbortRatio >= 0 && t.AbortRatio < 1):
		return fmt.Errorf("transactions: abort_ratio %v: use 0 to below 1", t.AbortRatio)
	case t.Timeout < TxnTimeoutMin || t.Timeout > TxnTimeoutMax:
		return fmt.Errorf("transactions: timeout %v: use %v to %v", t.Timeout, TxnTimeoutMin, TxnTimeoutMax)
	}
	return nil
}

// Intent is what the producer sets out to do with its transaction seq
// once every message is sent, under the run's seed: ledger.IntentAbort for
// a fraction AbortRatio of the transactions, else ledger.IntentCommit.
func (t Transactions) Intent(seed, seq int64) string {
	if fraction(draw(seed, "txn-"+strconv.FormatInt(seq, 10))) < t.AbortRatio {
		return ledger.IntentAbort
	}
	return ledger.IntentCommit
}

// validateTransactions rejects transactions on a profile whose producer
// cannot run them: sarama's transactional producer is idempotent
// (config.Validate), so acks=all with one request in flight and retries
// on, as Validate checks for idempotence; it sends from the async
// producer. The Java client's is idempotent too: acks=all, at most 5
// requests in flight, retries on (its idempotence left on or set on).
func (p Profile) validateTransactions() error {
	switch {
	case p.Transactions == nil:
		return nil
	case p.Client == JavaClient:
		if p.Java == nil || !p.Java.Idempotent() {
			return errors.New("transactions need the Java client's idempotence: acks all, at most 5 requests in flight, retries above 0, enable_idempotence not false")
		}
		return p.Transactions.Validate()
	case p.Acks != AcksAll || !p.Idempotent:
		return errors.New("transactions need acks=all and idempotence")
	case p.Mode != Async:
		return fmt.Errorf("transactions run on the async producer, not mode %s", p.Mode)
	}
	return p.Transactions.Validate()
}
