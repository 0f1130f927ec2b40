// Package ledger holds the histories a run produces: what each producer
// attempted and what became of every message, and what the auditor found in
// the log. Workloads write ledgers; the verifier reads them.
package ledger

import (
	"sync"
	"time"
)

// Status is the outcome of one send, as the producer learned it.
type Status string

const (
	// Pending: handed to the client, no outcome yet. A ledger still holding
	// pending entries after the drain is treated like Unknown.
	Pending Status = "pending"
	// Acked: the broker acknowledged the write (for acks=0 the client
	// reports success without any broker response; see Entry.Offset -1).
	Acked Status = "acked"
	// Failed: the client returned an error that means the broker did not
	// append the message.
	Failed Status = "failed"
	// Unknown: the outcome is indeterminate (timeout, connection lost,
	// retries exhausted after an attempt that may have been written).
	Unknown Status = "unknown"
)

// Entry is one message's history on the producer side.
type Entry struct {
	ID        string `json:"id"`
	Seq       int64  `json:"seq"`
	Key       string `json:"key,omitempty"`
	Status    Status `json:"status"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Error     string `json:"error,omitempty"`
	// Code names the Kafka error the broker answered with (for example
	// NOT_ENOUGH_REPLICAS), when the send's last error was one: a refusal
	// the fault caused is exposure too.
	Code string `json:"code,omitempty"`
	// Believed is what the application thinks: true when it considers the
	// message sent. Fire-and-forget believes every send.
	Believed bool `json:"believed"`
	// Txn is the Seq of the transaction the message was sent in (see
	// Txns), 0 outside transactions.
	Txn int64 `json:"txn,omitempty"`
	// SentAt and DoneAt are offsets from the run's base time.
	SentAt time.Duration `json:"sent_at_ns"`
	DoneAt time.Duration `json:"done_at_ns,omitempty"`
}

// Producer is the ledger of one producer profile. It is safe for concurrent
// use: the send loop and the result readers write to it at the same time.
type Producer struct {
	mu      sync.Mutex
	entries []Entry
	index   map[string]int
}

// NewProducer returns an empty ledger.
func NewProducer() *Producer {
	return &Producer{index: make(map[string]int)}
}

// Attempt records a new message before it is handed to the client.
func (p *Producer) Attempt(e Entry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.Status == "" {
		e.Status = Pending
	}
	e.Offset = -1
	e.Partition = -1
	p.index[e.ID] = len(p.entries)
	p.entries = append(p.entries, e)
}

// Outcome records the result of a send. believed is the application's view.
func (p *Producer) Outcome(id string, status Status, partition int32, offset int64, err error, code string, believed bool, at time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i, ok := p.index[id]
	if !ok {
		return
	}
	e := &p.entries[i]
	e.Status = status
	e.Partition = partition
	e.Offset = offset
	e.Believed = believed
	e.DoneAt = at
	e.Code = code
	if err != nil {
		e.Error = err.Error()
	}
}

// Withdraw removes the newest entry when it is id: a message recorded as
// attempted that the client was never handed (the run ended first) is not
// an attempt, and would otherwise stay pending and count as indeterminate.
func (p *Producer) Withdraw(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.entries)
	if n == 0 || p.entries[n-1].ID != id {
		return
	}
	delete(p.index, id)
	p.entries = p.entries[:n-1]
}

// Entries returns a copy of every entry in attempt order.
func (p *Producer) Entries() []Entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Entry(nil), p.entries...)
}

// Record is one message the auditor found in the log.
type Record struct {
	ID        string `json:"id"`
	Seq       int64  `json:"seq"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	// At is when a consumer recorded the record's side effect, from the
	// run's base time; zero for what the auditor read.
	At time.Duration `json:"at_ns,omitempty"`
}
