package ledger

import (
	"sync"
	"time"
)

// TxnStatus is how a transaction ended, as its producer learned it.
type TxnStatus string

const (
	// TxnOpen: begun, never ended (the producer was killed or the run
	// stopped mid-transaction). Kafka aborts it when its timeout expires or
	// a new producer with the same transactional id fences it.
	TxnOpen TxnStatus = "open"
	// TxnCommitted: the commit was acknowledged (EndTxn returned success).
	TxnCommitted TxnStatus = "committed"
	// TxnAborted: the abort was acknowledged, whether the producer meant
	// to abort, aborted after an error, or aborted the transaction
	// production stopped in.
	TxnAborted TxnStatus = "aborted"
	// TxnUnknown: a commit or abort was sent and no outcome was learned
	// (timeout, connection lost, producer fenced or in a fatal state).
	TxnUnknown TxnStatus = "unknown"
)

// Txn is one transaction's history on the producer side. Its messages are
// the ledger entries whose Txn equals Seq, on the producer with this
// transactional id.
type Txn struct {
	// TransactionalID is the producer's transactional.id.
	TransactionalID string `json:"transactional_id"`
	// Seq numbers the producer's transactions from 1.
	Seq int64 `json:"seq"`
	// Intent is what the producer set out to do once every message was
	// sent: "commit", or "abort" for the transactions the seed picks to
	// abort on purpose.
	Intent string    `json:"intent"`
	Status TxnStatus `json:"status"`
	Error  string    `json:"error,omitempty"`
	// BeganAt and EndedAt are offsets from the run's base time; EndedAt is
	// zero while the transaction is open.
	BeganAt time.Duration `json:"began_at_ns"`
	EndedAt time.Duration `json:"ended_at_ns,omitempty"`
}

// Intents of a transaction.
const (
	IntentCommit = "commit"
	IntentAbort  = "abort"
)

// Txns is the transaction ledger of one transactional producer. It is safe
// for concurrent use.
type Txns struct {
	mu   sync.Mutex
	txns []Txn
}

// Begin records a new open transaction and returns its Seq.
func (l *Txns) Begin(transactionalID, intent string, at time.Duration) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	seq := int64(len(l.txns) + 1)
	l.txns = append(l.txns, Txn{TransactionalID: transactionalID, Seq: seq, Intent: intent, Status: TxnOpen, BeganAt: at})
	return seq
}

// End records how transaction seq ended.
func (l *Txns) End(seq int64, status TxnStatus, err error, at time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if seq < 1 || seq > int64(len(l.txns)) {
		return
	}
	t := &l.txns[seq-1]
	t.Status, t.EndedAt = status, at
	if err != nil {
		t.Error = err.Error()
	}
}

// All returns a copy of every transaction in order.
func (l *Txns) All() []Txn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Txn(nil), l.txns...)
}

// LSOSample is one reading of a partition's last stable offset, below which
// read_committed readers stop while a transaction is open, and of its high
// watermark.
type LSOSample struct {
	Partition int32 `json:"partition"`
	// At is when it was read, from the run's base time.
	At            time.Duration `json:"at_ns"`
	LSO           int64         `json:"lso"`
	HighWatermark int64         `json:"high_watermark"`
}
