package workload

import (
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// groupDefaults are the group timeouts shared by every preset: a 6 s
// session (the broker's minimum) so that a crashed or stalled member is
// evicted within the fault window, and a 10 s rebalance timeout. Offsets
// are auto-committed every autoCommit: sarama's default of 1 s for the
// naive application, the Java client's 5 s for those that commit after
// processing (fewer commits; the window re-delivered after a crash).
func groupDefaults(p schema.ConsumerProfile, autoCommit time.Duration) schema.ConsumerProfile {
	p.AutoCommitInterval = autoCommit
	p.SessionTimeout = 6 * time.Second
	p.HeartbeatInterval = time.Second
	p.RebalanceTimeout = 10 * time.Second
	return p
}

// Consumer applications compared by the consumer scenarios.
var (
	// AutoCommitOnReceive: offsets marked when received and auto-committed
	// every second, processing 3 s behind in an asynchronous stage;
	// failures ignored. A crash, or a clean exit that does not drain the
	// stage, loses what was committed and not yet processed (C2).
	AutoCommitOnReceive = groupDefaults(schema.ConsumerProfile{
		Name: "autocommit-on-receive", Description: "C2: auto-commit every 1s, offsets marked on receipt, processing 3s later in an async stage; failures ignored",
		Commit: schema.OnReceive, ProcessLag: 3 * time.Second, Retry: schema.RetryPolicy{MaxAttempts: 1},
	}, time.Second)
	// IgnoreFailures: C1. Commits after processing, but a failed
	// processing step is logged and the offset moves on.
	IgnoreFailures = groupDefaults(schema.ConsumerProfile{
		Name: "ignore-failures", Description: "C1: offset marked after processing, a processing failure is logged and skipped",
		Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{MaxAttempts: 1},
	}, 5*time.Second)
	// CommitAfter: at-least-once. Retries until processing succeeds, marks
	// after; a re-delivery after a crash or rebalance applies the effect
	// again. A message that always failed would block its partition: that
	// is what RetryDeadLetterIdempotent handles.
	CommitAfter = groupDefaults(schema.ConsumerProfile{
		Name: "commit-after", Description: "at-least-once: offset marked after processing, retries without bound (10ms doubling to 160ms)",
		Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{MaxAttempts: 0, Backoff: 10 * time.Millisecond, MaxDelay: 160 * time.Millisecond},
	}, 5*time.Second)
	// RetryDeadLetterIdempotent: bounded retries with backoff and a
	// maximum delay, then the dead-letter topic; offsets marked only after
	// an outcome, so a new owner resumes at the first message without
	// one; dedupe by message id, so re-deliveries have no second effect.
	RetryDeadLetterIdempotent = groupDefaults(schema.ConsumerProfile{
		Name: "retry-dlt-idempotent", Description: "3 attempts (10ms doubling, max 40ms), then dead-letter topic; marked after the outcome; dedupe by message id",
		Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{MaxAttempts: 3, Backoff: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond},
		DeadLetter: true, Dedupe: true,
	}, 5*time.Second)
)

// ConsumerProfiles are the consumer applications of the consumer scenarios.
var ConsumerProfiles = []schema.ConsumerProfile{AutoCommitOnReceive, IgnoreFailures, CommitAfter, RetryDeadLetterIdempotent}

// applyConsumer sets the group settings on a base client config.
func applyConsumer(p schema.ConsumerProfile, cfg *sarama.Config) {
	cfg.Consumer.Return.Errors = true
	// A new group starts at the beginning: starting at the end would skip
	// whatever was produced before the members joined.
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Enable = true
	cfg.Consumer.Offsets.AutoCommit.Interval = p.AutoCommitInterval
	cfg.Consumer.Group.Session.Timeout = p.SessionTimeout
	cfg.Consumer.Group.Heartbeat.Interval = p.HeartbeatInterval
	cfg.Consumer.Group.Rebalance.Timeout = p.RebalanceTimeout
}

// ConsumerClientConfig returns every group setting a member of p runs
// with.
func ConsumerClientConfig(p schema.ConsumerProfile, cfg *sarama.Config) map[string]string {
	strategies := make([]string, 0, len(cfg.Consumer.Group.Rebalance.GroupStrategies))
	for _, s := range cfg.Consumer.Group.Rebalance.GroupStrategies {
		strategies = append(strategies, s.Name())
	}
	return map[string]string{
		"protocol.version":        cfg.Version.String(),
		"offsets.initial":         "oldest",
		"auto.commit":             fmt.Sprint(cfg.Consumer.Offsets.AutoCommit.Enable),
		"auto.commit.interval":    cfg.Consumer.Offsets.AutoCommit.Interval.String(),
		"session.timeout":         cfg.Consumer.Group.Session.Timeout.String(),
		"heartbeat.interval":      cfg.Consumer.Group.Heartbeat.Interval.String(),
		"rebalance.timeout":       cfg.Consumer.Group.Rebalance.Timeout.String(),
		"rebalance.strategies":    fmt.Sprint(strategies),
		"max.processing.time":     cfg.Consumer.MaxProcessingTime.String(),
		"metadata.retry.max":      fmt.Sprint(cfg.Metadata.Retry.Max),
		"metadata.retry.backoff":  cfg.Metadata.Retry.Backoff.String(),
		"net.read.timeout":        cfg.Net.ReadTimeout.String(),
		"app.commit":              string(p.Commit),
		"app.process_lag":         p.ProcessLag.String(),
		"app.retry.max_attempts":  fmt.Sprint(p.Retry.MaxAttempts),
		"app.retry.backoff":       p.Retry.Backoff.String(),
		"app.retry.max_delay":     p.Retry.MaxDelay.String(),
		"app.dead_letter":         fmt.Sprint(p.DeadLetter),
		"app.dedupe":              fmt.Sprint(p.Dedupe),
		"dead_letter.acks":        "all",
		"dead_letter.idempotent":  "true",
		"dead_letter.retry.max":   fmt.Sprint(deadLetterRetries),
		"dead_letter.retry.delay": deadLetterBackoff.String(),
	}
}
