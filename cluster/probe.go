package cluster

import (
	"fmt"
	"time"

	"github.com/IBM/sarama"
)

// ProbeRoundTrip opens a new connection to node n through its client proxy
// and times one metadata request for topic on it: the path every producer
// takes. A new connection, unlike the cluster's cached ones, also pays any
// latency or refusal at connect time.
func (c *Cluster) ProbeRoundTrip(n int, topic string, timeout time.Duration) (time.Duration, error) {
	cfg := c.SaramaConfig("kafka-chaos-fault-probe")
	cfg.Net.DialTimeout = timeout
	cfg.Net.ReadTimeout = timeout
	cfg.Net.WriteTimeout = timeout
	b := sarama.NewBroker(c.Bootstrap()[n-1])
	began := time.Now()
	if err := b.Open(cfg); err != nil {
		return 0, fmt.Errorf("probe node %d: %w", n, err)
	}
	defer func() { _ = b.Close() }()
	if _, err := b.GetMetadata(sarama.NewMetadataRequest(cfg.Version, []string{topic})); err != nil {
		return time.Since(began), fmt.Errorf("probe node %d: %w", n, err)
	}
	return time.Since(began), nil
}

// ProbeHeld opens a connection to node n through its client proxy, runs
// inject, then sends a metadata request for topic every 100 ms for up to
// five seconds. It returns how long after inject the connection failed and
// why (connErr nil: it survived); err reports a probe that could not run.
func (c *Cluster) ProbeHeld(n int, topic string, inject func() error) (lasted time.Duration, connErr, err error) {
	cfg := c.SaramaConfig("kafka-chaos-fault-probe")
	cfg.Net.ReadTimeout = 3 * time.Second
	b := sarama.NewBroker(c.Bootstrap()[n-1])
	if err := b.Open(cfg); err != nil {
		return 0, nil, fmt.Errorf("probe node %d: %w", n, err)
	}
	defer func() { _ = b.Close() }()
	req := sarama.NewMetadataRequest(cfg.Version, []string{topic})
	// The first request completes the handshake before the fault.
	if _, err := b.GetMetadata(req); err != nil {
		return 0, nil, fmt.Errorf("probe node %d before the fault: %w", n, err)
	}
	if err := inject(); err != nil {
		return 0, nil, err
	}
	began := time.Now()
	for time.Since(began) < 5*time.Second {
		if _, err := b.GetMetadata(req); err != nil {
			return time.Since(began), err, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(began), nil, nil
}
