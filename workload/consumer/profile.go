package consumer

import (
	"fmt"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

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

// ClientConfig returns every group setting a member of p runs
// with.
func ClientConfig(p schema.ConsumerProfile, cfg *sarama.Config) map[string]string {
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
