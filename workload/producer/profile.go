package producer

import (
	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// codec maps the compression name to sarama's; Profile.Validate has
// refused a name sarama does not know.
func codec(c schema.Compression) sarama.CompressionCodec {
	cc := sarama.CompressionNone
	if c != "" {
		_ = cc.UnmarshalText([]byte(c))
	}
	return cc
}

// applyProfile sets the profile's producer settings on a base client
// config.
func applyProfile(p schema.Profile, cfg *sarama.Config) {
	switch p.Acks {
	case schema.Acks0:
		cfg.Producer.RequiredAcks = sarama.NoResponse
	case schema.Acks1:
		cfg.Producer.RequiredAcks = sarama.WaitForLocal
	case schema.AcksAll:
		cfg.Producer.RequiredAcks = sarama.WaitForAll
	}
	cfg.Producer.Idempotent = p.Idempotent
	cfg.Producer.Retry.Max = p.RetryMax
	cfg.Producer.Retry.Backoff = p.RetryBackoff
	cfg.Producer.Timeout = p.AckTimeout
	cfg.Net.MaxOpenRequests = p.MaxOpenRequests
	cfg.Producer.Compression = codec(p.Compression)
	cfg.Producer.Flush.Frequency = p.Batching.Linger
	cfg.Producer.Flush.Bytes = p.Batching.FlushBytes
	cfg.Producer.Flush.Messages = p.Batching.FlushMessages
	if p.Batching.MaxMessageBytes > 0 {
		cfg.Producer.MaxMessageBytes = p.Batching.MaxMessageBytes
	}
	cfg.Producer.Return.Successes = true
	cfg.Producer.Return.Errors = true
	cfg.Producer.Partitioner = sarama.NewHashPartitioner
}
