package schema

import (
	"fmt"
	"hash/fnv"
	"slices"
	"time"
)

// CommitPoint is when a consumer application marks a message's offset for
// commit.
type CommitPoint string

const (
	// OnReceive marks the offset as soon as the message is received and
	// hands the message to a slower asynchronous stage: an offset can be
	// committed for a message that was never processed (C2).
	OnReceive CommitPoint = "on-receive"
	// AfterProcessing marks the offset only once the message's side effect
	// is recorded (or it was given up on, or dead-lettered).
	AfterProcessing CommitPoint = "after-processing"
	// AutoCommit is the Java client's enable.auto.commit: every
	// AutoCommitInterval, a poll commits the position of what earlier
	// polls returned, which the loop has processed by then. Java only:
	// sarama's auto-commit commits what was marked (OnReceive).
	AutoCommit CommitPoint = "auto-commit"
	// InTransaction is consume-transform-produce (exactly-once): the
	// member reads its input read_committed and, for each batch of records
	// it received (up to TxnSize), produces one output record per input
	// record and commits the batch's offsets in the same transaction, so
	// the output and the commit take effect together or not at all. It
	// never commits an offset outside a transaction. sarama only.
	InTransaction CommitPoint = "in-transaction"
)

// RetryPolicy bounds how a failed processing step is retried in place.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt: 1 never retries, 0 retries
	// until the message succeeds (or the partition is taken away).
	MaxAttempts int `json:"max_attempts"`
	// Backoff is the first delay; each retry doubles it, up to MaxDelay.
	Backoff  time.Duration `json:"backoff_ns"`
	MaxDelay time.Duration `json:"max_delay_ns"`
}

// Delay returns the wait before attempt n+1 after attempt n failed.
func (r RetryPolicy) Delay(n int) time.Duration {
	d := r.Backoff
	for i := 1; i < n && d < r.MaxDelay; i++ {
		d *= 2
	}
	return min(d, r.MaxDelay)
}

// ConsumerProfile is a consumer-group application: when it commits, how it
// handles a processing failure, and whether its processing is idempotent.
type ConsumerProfile struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Client is "" for the sarama application (cmd/chaos-worker), or
	// JavaClient for Kafka's Java client (its verifiable consumer, or the
	// kafka-chaos Java application), with Java's settings.
	Client string        `json:"client,omitempty"`
	Java   *JavaConsumer `json:"java,omitempty"`
	Commit CommitPoint   `json:"commit"`
	// ProcessLag is how long after receiving a message an OnReceive
	// application processes it: its asynchronous stage (a worker pool, a
	// bulk writer) runs that far behind the consumer loop.
	ProcessLag time.Duration `json:"process_lag_ns,omitempty"`
	Retry      RetryPolicy   `json:"retry"`
	// DeadLetter publishes a message that still fails after
	// Retry.MaxAttempts to the dead-letter topic; without it the message is
	// skipped (logged, and its offset moves on: C1).
	DeadLetter bool `json:"dead_letter"`
	// Dedupe makes processing idempotent: a message id whose side effect
	// (or dead-lettering) is already recorded is not applied again.
	Dedupe bool `json:"dedupe"`
	// TxnSize is how many input records an InTransaction batch holds at
	// most: fewer when one fetch brought fewer.
	TxnSize int `json:"txn_size,omitempty"`
	// TxnTimeout is an InTransaction member's transaction.timeout.ms,
	// TxnTimeoutMin to TxnTimeoutMax: how long the coordinator lets its
	// transaction stay open, so how long that of a killed member holds
	// back read_committed readers of its output.
	TxnTimeout time.Duration `json:"txn_timeout_ns,omitempty"`
	// Group settings, recorded because they decide what a fault costs.
	AutoCommitInterval time.Duration `json:"auto_commit_interval_ns"`
	SessionTimeout     time.Duration `json:"session_timeout_ns"`
	HeartbeatInterval  time.Duration `json:"heartbeat_interval_ns"`
	// RebalanceTimeout is sarama's counterpart of max.poll.interval.ms:
	// how long a rebalance waits for every member to give up its claims.
	RebalanceTimeout time.Duration `json:"rebalance_timeout_ns"`
}

// Validate rejects a profile the application model cannot run.
func (p ConsumerProfile) Validate() error {
	if p.Client == JavaClient {
		return p.validateJava()
	}
	switch p.Commit {
	case OnReceive:
		if p.ProcessLag <= 0 {
			return fmt.Errorf("consumer profile %s: on-receive needs a process lag", p.Name)
		}
		if p.Retry.MaxAttempts != 1 || p.DeadLetter {
			return fmt.Errorf("consumer profile %s: on-receive processing is fire-and-forget: max_attempts 1, no dead letter", p.Name)
		}
	case AfterProcessing:
	case InTransaction:
		if err := p.validateInTransaction(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("consumer profile %s: commit %q: use on-receive, after-processing or in-transaction", p.Name, p.Commit)
	}
	if p.Commit != InTransaction && (p.TxnSize != 0 || p.TxnTimeout != 0) {
		return fmt.Errorf("consumer profile %s: a transaction size and timeout apply to in-transaction only", p.Name)
	}
	if err := p.validateRetry(); err != nil {
		return err
	}
	return p.validateTimeouts()
}

// validateRetry: a retried message waits a delay that doubles from
// backoff up to max_delay, and only a bounded number of attempts can end
// in the dead-letter topic.
func (p ConsumerProfile) validateRetry() error {
	if p.Retry.MaxAttempts < 0 || (p.Retry.MaxAttempts != 1 && (p.Retry.Backoff <= 0 || p.Retry.MaxDelay < p.Retry.Backoff)) {
		return fmt.Errorf("consumer profile %s: retries need max_attempts >= 0 and 0 < backoff <= max_delay", p.Name)
	}
	if p.DeadLetter && p.Retry.MaxAttempts == 0 {
		return fmt.Errorf("consumer profile %s: a dead-letter topic needs bounded retries", p.Name)
	}
	return nil
}

func (p ConsumerProfile) validateTimeouts() error {
	if p.SessionTimeout <= 0 || p.HeartbeatInterval <= 0 || p.RebalanceTimeout <= 0 || p.AutoCommitInterval <= 0 {
		return fmt.Errorf("consumer profile %s: group timeouts must be set", p.Name)
	}
	return nil
}

// validateInTransaction: an in-transaction member transforms every record
// in the consumer loop, in a transaction that either commits or is aborted
// and re-consumed, so it has no slower stage, no retry in place, no
// dead-letter topic and nothing to dedupe.
func (p ConsumerProfile) validateInTransaction() error {
	switch {
	case p.ProcessLag != 0 || p.Retry.MaxAttempts != 1 || p.DeadLetter || p.Dedupe:
		return fmt.Errorf("consumer profile %s: in-transaction processes in its transactions: no process lag, retries, dead letter or dedupe", p.Name)
	case p.TxnSize < 1:
		return fmt.Errorf("consumer profile %s: transaction size %d: a transaction holds 1 record or more", p.Name, p.TxnSize)
	case p.TxnTimeout < TxnTimeoutMin || p.TxnTimeout > TxnTimeoutMax:
		return fmt.Errorf("consumer profile %s: transaction timeout %v: use %v to %v", p.Name, p.TxnTimeout, TxnTimeoutMin, TxnTimeoutMax)
	}
	return nil
}

// Failures injects processing failures. Whether and how often a message
// fails depends only on the seed and its id, so every re-delivery meets the
// same fate whichever member receives it; attempts are counted per
// delivery, so a re-delivered message starts its failures over.
type Failures struct {
	Seed int64 `json:"seed"`
	// Rate is the fraction of messages whose processing fails.
	Rate float64 `json:"rate"`
	// MaxFailures: a failing message fails its first k attempts, with k
	// uniform in 1..MaxFailures, then succeeds.
	MaxFailures int `json:"max_failures"`
	// IDs fail on every attempt (poison messages).
	IDs []string `json:"ids,omitempty"`
}

// FailuresBefore returns how many attempts of id fail before one succeeds:
// 0 for a message that never fails, -1 for one that always does.
func (f Failures) FailuresBefore(id string) int {
	if slices.Contains(f.IDs, id) {
		return -1
	}
	if f.Rate <= 0 || f.MaxFailures <= 0 {
		return 0
	}
	x := draw(f.Seed, id)
	if fraction(x) >= f.Rate {
		return 0
	}
	return 1 + int(x%uint64(f.MaxFailures))
}

// Fails reports whether attempt (1-based) of id fails.
func (f Failures) Fails(id string, attempt int) bool {
	k := f.FailuresBefore(id)
	return k < 0 || attempt <= k
}

// draw hashes key under seed into 64 well-mixed bits: the same seed and
// key draw the same bits on every run.
func draw(seed int64, key string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", seed, key)
	return mix(h.Sum64())
}

// fraction maps bits from draw to [0, 1).
func fraction(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// mix is splitmix64's finalizer. FNV alone spreads a change in the last
// bytes of an id (its sequence number) badly into the high bits, which made
// failing ids come in runs of consecutive numbers.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// JavaConsumer is how a Java consumer profile joins its group: the group
// protocol, and the assignor that spreads the partitions.
type JavaConsumer struct {
	// GroupProtocol is group.protocol: "classic" (the JoinGroup/SyncGroup
	// protocol sarama speaks) or "consumer" (KIP-848, Kafka 4.0 on: the
	// coordinator assigns, members heartbeat their way to it).
	GroupProtocol string `json:"group_protocol"`
	// Assignor is, for the classic protocol, partition.assignment.strategy
	// by its short name (range, roundrobin, sticky, cooperative-sticky);
	// for the consumer protocol, group.remote.assignor (uniform, range).
	Assignor string `json:"assignor"`
	// Application is what each member runs: JavaVerifiableConsumer
	// (Kafka's own tool, the default), or JavaApp, the kafka-chaos Java
	// application (images/javaapp), for what the tool cannot do.
	Application string `json:"application,omitempty"`
}

// Java consumer applications.
const (
	// JavaVerifiableConsumer is Kafka's VerifiableConsumer: it processes
	// a record by printing it in its poll loop, and never fails.
	JavaVerifiableConsumer = "verifiable-consumer"
	// JavaApp is the kafka-chaos Java application: processing that fails
	// as the scenario injects, bounded retries, a dead-letter topic and an
	// effect store every member shares, with dedupe.
	JavaApp = "kafka-chaos"
)

// RunsApp reports whether the members run the kafka-chaos Java
// application rather than Kafka's verifiable consumer.
func (j JavaConsumer) RunsApp() bool { return j.Application == JavaApp }

// Java group protocols and the assignors each takes, by short name.
var (
	JavaClassicAssignors  = []string{"range", "roundrobin", "sticky", "cooperative-sticky"}
	JavaConsumerAssignors = []string{"uniform", "range"}
)

// Assignors returns the assignors the protocol takes, nil for an unknown
// protocol.
func (j JavaConsumer) Assignors() []string {
	switch j.GroupProtocol {
	case "classic":
		return JavaClassicAssignors
	case "consumer":
		return JavaConsumerAssignors
	}
	return nil
}

// validateJava: both Java applications process in the poll loop, so they
// have no slower stage and no transactions; the verifiable consumer
// processes a record by printing it, so it has no processing step that
// fails, and no dead-letter or dedupe logic either.
func (p ConsumerProfile) validateJava() error {
	if p.Java == nil {
		return fmt.Errorf("consumer profile %s: a java profile needs its java settings", p.Name)
	}
	switch {
	case p.Commit == InTransaction && p.Java.Application != JavaApp:
		return fmt.Errorf("consumer profile %s: commit in-transaction runs on java application %s", p.Name, JavaApp)
	case p.Commit == InTransaction:
		if err := p.validateInTransaction(); err != nil {
			return err
		}
	case p.Commit != AfterProcessing && p.Commit != AutoCommit:
		return fmt.Errorf("consumer profile %s: commit %q: the Java consumer commits after-processing, by auto-commit or in-transaction", p.Name, p.Commit)
	case p.ProcessLag != 0 || p.TxnSize != 0 || p.TxnTimeout != 0:
		return fmt.Errorf("consumer profile %s: the Java consumer processes in its poll loop: no process lag, and transactions only in-transaction", p.Name)
	}
	if a := p.Java.Application; a != "" && a != JavaVerifiableConsumer && a != JavaApp {
		return fmt.Errorf("consumer profile %s: java application %q: use %s or %s", p.Name, a, JavaVerifiableConsumer, JavaApp)
	}
	if !p.Java.RunsApp() && (p.Retry.MaxAttempts != 1 || p.DeadLetter || p.Dedupe) {
		return fmt.Errorf("consumer profile %s: Kafka's verifiable consumer never fails a record: retries, a dead letter and dedupe need java application %s", p.Name, JavaApp)
	}
	if err := p.validateRetry(); err != nil {
		return err
	}
	if !slices.Contains(p.Java.Assignors(), p.Java.Assignor) {
		return fmt.Errorf("consumer profile %s: java group protocol %q with assignor %q: the classic protocol takes %v, the consumer protocol %v",
			p.Name, p.Java.GroupProtocol, p.Java.Assignor, JavaClassicAssignors, JavaConsumerAssignors)
	}
	return p.validateTimeouts()
}
