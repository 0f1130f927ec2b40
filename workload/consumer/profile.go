package consumer

import (
	"fmt"
	"maps"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// applyConsumer sets the group settings on a base client config.
func applyConsumer(p schema.ConsumerProfile, cfg *sarama.Config) {
	cfg.Consumer.Return.Errors = true
	// A new group starts at the beginning: starting at the end would skip
	// whatever was produced before the members joined.
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	// An in-transaction member commits offsets in its transactions only,
	// and reads only what other transactions committed.
	cfg.Consumer.Offsets.AutoCommit.Enable = p.Commit != schema.InTransaction
	cfg.Consumer.Offsets.AutoCommit.Interval = p.AutoCommitInterval
	if p.Commit == schema.InTransaction {
		cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	}
	cfg.Consumer.Group.Session.Timeout = p.SessionTimeout
	cfg.Consumer.Group.Heartbeat.Interval = p.HeartbeatInterval
	cfg.Consumer.Group.Rebalance.Timeout = p.RebalanceTimeout
}

// ClientConfig returns every group setting a member of p runs
// with.
func ClientConfig(p schema.ConsumerProfile, cfg *sarama.Config) map[string]string {
	strategies := make([]string, 0, len(cfg.Consumer.Group.Rebalance.GroupStrategies))
	for _, s := range cfg.Consumer.Group.Rebalance.GroupStrategies {
		strategies = append(strategies, s.Name())
	}
	isolation := "read_uncommitted"
	if cfg.Consumer.IsolationLevel == sarama.ReadCommitted {
		isolation = "read_committed"
	}
	out := map[string]string{
		"protocol.version":        cfg.Version.String(),
		"isolation.level":         isolation,
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
		"dead_letter.retry.max":   fmt.Sprint(producerRetries),
		"dead_letter.retry.delay": producerBackoff.String(),
	}
	if p.Commit == schema.InTransaction {
		maps.Copy(out, map[string]string{
			"transactional.id":    TransactionalID("<group>", "<member>"),
			"transaction.size":    fmt.Sprint(p.TxnSize),
			"transaction.timeout": p.TxnTimeout.String(),
			"output.acks":         "all",
			"output.idempotent":   "true",
		})
	}
	return out
}
