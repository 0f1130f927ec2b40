package javaclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"syscall"
	"time"
)

// ConsumerEvent is one line of the verifiable consumer's output.
// Timestamp is milliseconds since the epoch on the client's clock, taken
// when the line was printed.
type ConsumerEvent struct {
	Timestamp int64  `json:"timestamp"`
	Name      string `json:"name"`
	// Value, Partition and Offset are a record_data event's record.
	Value     string `json:"value,omitempty"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	// Partitions are the partitions of a partitions_assigned or
	// partitions_revoked event.
	Partitions []TopicPartition `json:"partitions,omitempty"`
	// Offsets, Success and Error are an offsets_committed event's.
	Offsets []TopicPartition `json:"offsets,omitempty"`
	Success bool             `json:"success"`
	Error   string           `json:"error,omitempty"`
	// ID, Seq and Attempt are the kafka-chaos Java application's: the
	// record's message id of an application event (AppEvents), with
	// Partition, Offset and, for an attempt that failed, Error.
	ID      string `json:"id,omitempty"`
	Seq     int64  `json:"seq,omitempty"`
	Attempt int    `json:"attempt,omitempty"`
	// Txn and Status are an in-transaction member's txn_begin and txn_end.
	Txn    int64  `json:"txn,omitempty"`
	Status string `json:"status,omitempty"`
}

// TopicPartition is a partition in a consumer event, with the committed
// offset in offsets_committed.
type TopicPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset,omitempty"`
}

// ConsumerOutput is everything a verifiable consumer printed.
type ConsumerOutput struct {
	Events []ConsumerEvent
	Other  []string
}

// ParseConsumerOutput reads a verifiable consumer's stdout.
func ParseConsumerOutput(r io.Reader) (ConsumerOutput, error) {
	evs, other, err := parseLines(r, "verifiable consumer", func(e ConsumerEvent) string { return e.Name })
	return ConsumerOutput{Events: evs, Other: other}, err
}

// Member is one member of a Java consumer group: a verifiable consumer or
// the kafka-chaos Java application, in its own container.
type Member struct {
	Name      string
	StartedAt time.Time
	proc      Process

	mu       sync.Mutex
	sent     []syscall.Signal
	exitedAt time.Time
	exitCode int
	// final is the output once the container is gone; ranWith the
	// configuration the client logged.
	final   *ConsumerOutput
	ranWith map[string]string
}

// Signal sends sig to the member's process and remembers that the harness
// sent it.
func (m *Member) Signal(ctx context.Context, sig syscall.Signal) error {
	if m.Exited(ctx) {
		return fmt.Errorf("signal java consumer %s: already exited", m.Name)
	}
	m.mu.Lock()
	m.sent = append(m.sent, sig)
	m.mu.Unlock()
	if err := m.proc.Signal(ctx, sig); err != nil {
		return fmt.Errorf("signal java consumer %s with %s: %w", m.Name, sig, err)
	}
	return nil
}

// Signals returns the signals the harness sent, in order.
func (m *Member) Signals() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, len(m.sent))
	for i, s := range m.sent {
		out[i] = s.String()
	}
	return out
}

// Exited reports whether the process has ended; the first time it sees
// that, it notes when.
func (m *Member) Exited(ctx context.Context) bool {
	m.mu.Lock()
	done := !m.exitedAt.IsZero()
	m.mu.Unlock()
	if done {
		return true
	}
	exited, code, err := m.proc.Exited(ctx)
	if err != nil || !exited {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.exitedAt.IsZero() {
		m.exitedAt, m.exitCode = time.Now(), code
	}
	return true
}

// ExitedAt is when the harness saw the process gone (zero while it runs).
func (m *Member) ExitedAt() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.exitedAt
}

// Err reports a process that failed on its own: a non-zero exit when the
// harness sent no signal that explains it.
func (m *Member) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.exitedAt.IsZero() || m.exitCode == 0 || slices.Contains(m.sent, syscall.SIGKILL) || slices.Contains(m.sent, syscall.SIGTERM) {
		return nil
	}
	return fmt.Errorf("java consumer %s exited with code %d", m.Name, m.exitCode)
}

// Output is everything the member printed so far (all of it once it is
// finished).
func (m *Member) Output(ctx context.Context) (ConsumerOutput, error) {
	m.mu.Lock()
	final := m.final
	m.mu.Unlock()
	if final != nil {
		return *final, nil
	}
	r, err := m.proc.Output(ctx)
	if err != nil {
		return ConsumerOutput{}, err
	}
	defer r.Close()
	return ParseConsumerOutput(r)
}

// finish stops the member if it still runs (a stalled one is resumed
// first: a stopped JVM cannot handle SIGTERM), and keeps its output and
// logged configuration; the container stays, for the group's store.
func (m *Member) finish(ctx context.Context, grace time.Duration) error {
	var errs []error
	if !m.Exited(ctx) {
		_ = m.proc.Signal(ctx, syscall.SIGCONT)
		m.mu.Lock()
		m.sent = append(m.sent, syscall.SIGTERM)
		m.mu.Unlock()
		errs = append(errs, m.proc.Stop(ctx, grace))
		m.Exited(ctx)
	}
	out, err := m.Output(ctx)
	stderr, serr := m.proc.Stderr(ctx)
	m.mu.Lock()
	if err == nil {
		m.final = &out
	}
	m.ranWith = ranWith(stderr, consumerConfigLog)
	m.mu.Unlock()
	return errors.Join(append(errs, err, serr)...)
}
