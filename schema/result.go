package schema

import (
	"errors"
	"fmt"
	"time"
)

// ProfileResult is one profile's configuration, performance and verdict.
type ProfileResult struct {
	Profile Profile `json:"profile"`
	Topic   string  `json:"topic"`
	// Audit is where each partition of the topic started and ended when
	// the auditor read it, after the high watermarks stopped moving.
	Audit []PartitionOffsets `json:"audit_offsets,omitempty"`
	// History is the directory, relative to the run's, holding the ledger
	// and audit this verdict was computed from (kafka-chaos verify).
	History string `json:"history,omitempty"`
	// ClientConfig is every producer setting the client ran with.
	ClientConfig map[string]string `json:"client_config"`
	Verdict      Verdict           `json:"verdict"`
	Perf         Perf              `json:"perf"`
	// Series is the profile's traffic second by second
	// (reports.PerSecond): the report's throughput and latency charts need
	// more than Perf's totals.
	Series []Point `json:"series,omitempty"`
	// App is set for a producer application run as worker processes,
	// Consumer for a consumer-group application.
	App      *AppResult      `json:"app,omitempty"`
	Consumer *ConsumerResult `json:"consumer,omitempty"`
	// Txn is set for a transactional profile: its transactions judged
	// against what read_committed and read_uncommitted readers see.
	Txn *TxnResult `json:"transactions,omitempty"`
}

// TxnResult is a transactional profile's transactions: how each ended,
// what the read_committed audit read, and the verdict on them.
type TxnResult struct {
	TransactionalID string `json:"transactional_id"`
	// Coordinator is the node that coordinated the transactional id when
	// the producer started.
	Coordinator int `json:"coordinator"`
	// Committed is where each partition started and ended for the
	// read_committed audit (up to the last stable offset).
	Committed []PartitionOffsets `json:"committed_audit_offsets,omitempty"`
	// HangAfter is how long a last stable offset may stand still below
	// the high watermark before its partition counts as hanging.
	HangAfter time.Duration `json:"hang_after_ns"`
	// TransactionVersion is the cluster's finalized transaction.version
	// feature level ("" before Kafka 3.9 and when it was not read): at 2,
	// clients that speak it (Kafka's Java client from 4.0) run
	// transactions on protocol version 2, KIP-890 part 2.
	TransactionVersion string     `json:"transaction_version,omitempty"`
	Verdict            TxnVerdict `json:"verdict"`
}

// Perf summarises a profile's throughput and latency from its ledger.
type Perf struct {
	AckedPerSecond float64 `json:"acked_per_second"`
	LatencyP50Ms   float64 `json:"latency_p50_ms"`
	LatencyP99Ms   float64 `json:"latency_p99_ms"`
	// MaxAckGapSeconds is the longest stretch without any acknowledgement
	// while producing: the profile's unavailability.
	MaxAckGapSeconds float64 `json:"max_ack_gap_seconds"`
}

// Point is one second of one profile's traffic. T is the bucket's start in
// whole seconds from the scenario's base time, the clock of the timeline
// and of the fault window, so charts can lay them over each other.
type Point struct {
	T         int `json:"t"`
	Attempted int `json:"attempted"`
	// Acked and P99Ms are counted by the second the acknowledgement
	// arrived, not the second the message was sent: a stall then shows as
	// empty buckets followed by a burst of slow acks, which is what the
	// application experienced.
	Acked int     `json:"acked"`
	P99Ms float64 `json:"p99_ms,omitempty"`
}

// PartitionOffsets is where a partition's log started and ended when the
// auditor read it.
type PartitionOffsets struct {
	Partition     int32 `json:"partition"`
	LogStart      int64 `json:"log_start_offset"`
	HighWatermark int64 `json:"high_watermark"`
	// LastStable is the last stable offset, read for transactional topics
	// only: below the high watermark while a transaction is open.
	LastStable int64 `json:"last_stable_offset,omitempty"`
}

// AppResult is set on the profile of a producer application that ran as
// worker processes (worker.ClientProfile): Profile holds its producer settings,
// Verdict what the broker and the application saw; this adds what the
// application did around the producer and how it ran.
type AppResult struct {
	// Behaviour is the application's result handling, exit, linger and
	// messages per process.
	Behaviour map[string]string `json:"behaviour"`
	// Processes counts the worker processes the application ran as.
	Processes int `json:"processes"`
	// Resends counts failures the application answered by sending the
	// message again.
	Resends int `json:"resends"`
	// Undelivered counts messages the application attempted that are not
	// in the log, whatever it believed: dropped after a logged error (P2),
	// believed sent (P1, P3), or lost after an acknowledgement.
	Undelivered int `json:"undelivered"`
	// MustDeliver is set when the scenario holds the application to
	// delivering everything it attempted.
	MustDeliver bool `json:"must_deliver,omitempty"`
	// LedgerDir holds every process's ledger, spec and log.
	LedgerDir string `json:"ledger_dir"`
}

// ErrUndelivered is wrapped by AppResult.Err.
var ErrUndelivered = errors.New("every attempted message delivered")

// Err reports an application held to MustDeliver that left messages out.
func (a *AppResult) Err() error {
	if a == nil || !a.MustDeliver || a.Undelivered == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d not delivered", ErrUndelivered, a.Undelivered)
}

// MemberRecord is one member process of a consumer group.
type MemberRecord struct {
	Name string `json:"name"`
	// StartedAt and ExitedAt are seconds from the scenario start; ExitedAt
	// is 0 for a member still running when the run stopped it.
	StartedAt float64 `json:"started_at"`
	ExitedAt  float64 `json:"exited_at,omitempty"`
	// Signals the harness sent it, in order (a fault's SIGKILL, SIGSTOP,
	// SIGCONT, and the SIGTERM that ends every run).
	Signals []string `json:"signals,omitempty"`
}

// ConsumerResult is set on the profile of a consumer-group application.
// The profile's Verdict is then that of the producer that fed the input
// topic (the input side, held to losing nothing); this is the consumer
// side: processed, dead-lettered, never processed, duplicate effects,
// retries.
type ConsumerResult struct {
	Consumer        ConsumerProfile `json:"consumer"`
	Group           string          `json:"group"`
	DeadLetterTopic string          `json:"dead_letter_topic,omitempty"`
	// ClientConfig is every group setting the members ran with.
	ClientConfig map[string]string `json:"client_config"`
	// Failures is the processing-failure injection every member applied.
	Failures Failures        `json:"failures"`
	Verdict  ConsumerVerdict `json:"verdict"`
	Members  []MemberRecord  `json:"members"`
	// LedgerDir holds the effect store, every member's ledger, spec and
	// log.
	LedgerDir string `json:"ledger_dir"`
}

// ClientErr reports what the client side of a profile broke: a consumer
// guarantee, or delivery by an application that must deliver.
func (p ProfileResult) ClientErr() error {
	var errs []error
	if p.Consumer != nil {
		errs = append(errs, p.Consumer.Verdict.Err())
	}
	return errors.Join(append(errs, p.App.Err())...)
}
