package producer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// A send is failed only when no attempt can have been appended: sarama
// reports the last error of a retried message, so retries make a refusal
// unknown unless sarama never retries it.
func TestClassify(t *testing.T) {
	cases := []struct {
		err      error
		retryMax int
		want     ledger.Status
		code     string
	}{
		{sarama.ErrNotEnoughReplicas, 0, ledger.Failed, "NOT_ENOUGH_REPLICAS"},
		{sarama.ErrNotEnoughReplicas, 3, ledger.Unknown, "NOT_ENOUGH_REPLICAS"},
		{fmt.Errorf("wrapped: %w", sarama.ErrUnknownTopicOrPartition), 0, ledger.Failed, "UNKNOWN_TOPIC_OR_PARTITION"},
		// The acks=all wait can end with NOT_LEADER_OR_FOLLOWER after the
		// leader appended.
		{fmt.Errorf("wrapped: %w", sarama.ErrNotLeaderForPartition), 0, ledger.Unknown, "NOT_LEADER_OR_FOLLOWER"},
		{sarama.ErrMessageSizeTooLarge, 5, ledger.Failed, "MESSAGE_TOO_LARGE"},
		{sarama.ErrNotEnoughReplicasAfterAppend, 0, ledger.Unknown, "NOT_ENOUGH_REPLICAS_AFTER_APPEND"},
		{sarama.ErrKafkaStorageError, 0, ledger.Unknown, "KAFKA_STORAGE_ERROR"},
		{sarama.ErrRequestTimedOut, 0, ledger.Unknown, "REQUEST_TIMED_OUT"},
		{sarama.KError(999), 0, ledger.Unknown, "ERROR_999"},
		{sarama.ErrOutOfBrokers, 0, ledger.Unknown, ""},
		{errors.New("connection reset"), 0, ledger.Unknown, ""},
	}
	for _, c := range cases {
		got, code := Classify(c.err, c.retryMax)
		if got != c.want || code != c.code {
			t.Errorf("Classify(%v, retries %d) = %s %q, want %s %q", c.err, c.retryMax, got, code, c.want, c.code)
		}
	}
}

// safeIdempotent is an idempotent acks=all producer, as safe-idempotent of
// scenarios/profiles/default.yaml.
var safeIdempotent = schema.Profile{
	Name: "safe-idempotent", ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: schema.Async, Acks: schema.AcksAll, Idempotent: true,
	RetryMax: 10, RetryBackoff: 250 * time.Millisecond, MaxOpenRequests: 1, AckTimeout: 10 * time.Second,
}

func TestProfileValidate(t *testing.T) {
	acks1 := schema.Profile{Name: "acks1", ReplicationFactor: 3, MinInsyncReplicas: 1, Mode: schema.Async, Acks: schema.Acks1, RetryMax: 3, MaxOpenRequests: 5}
	acks0Sync := acks1
	acks0Sync.Name, acks0Sync.Mode, acks0Sync.Acks = "acks0-sync", schema.Sync, schema.Acks0
	for _, p := range []schema.Profile{safeIdempotent, acks1, acks0Sync} {
		if err := p.Validate(); err != nil {
			t.Errorf("profile %s: %v", p.Name, err)
		}
	}
	bad := safeIdempotent
	bad.Acks = schema.Acks1
	if err := bad.Validate(); err == nil {
		t.Error("idempotence with acks=1 was accepted")
	}
	bad = acks1
	bad.MinInsyncReplicas = 4
	if err := bad.Validate(); err == nil {
		t.Error("min.insync.replicas above the replication factor was accepted")
	}
}

// TestApplyBatching: compression and every batching knob land in the
// client's config as written, and zero keeps sarama's defaults.
func TestApplyBatching(t *testing.T) {
	p := safeIdempotent
	p.Compression = "lz4"
	p.Batching = schema.Batching{Linger: 10 * time.Millisecond, FlushBytes: 16384, FlushMessages: 100, MaxMessageBytes: 2 << 20}
	pr, err := New(Params{Profile: p, Config: sarama.NewConfig(), Rate: 10, Size: 64})
	if err != nil {
		t.Fatal(err)
	}
	got := pr.ClientConfig()
	for k, want := range map[string]string{
		"compression": "lz4", "flush.frequency": "10ms", "flush.bytes": "16384", "flush.messages": "100", "max.message.bytes": "2097152",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	pr, err = New(Params{Profile: safeIdempotent, Config: sarama.NewConfig(), Rate: 10, Size: 64})
	if err != nil {
		t.Fatal(err)
	}
	if got := pr.ClientConfig(); got["compression"] != "none" || got["max.message.bytes"] != "1048576" || got["flush.frequency"] != "0s" {
		t.Errorf("defaults: compression %s, max.message.bytes %s, flush.frequency %s; want sarama's none, 1048576, 0s",
			got["compression"], got["max.message.bytes"], got["flush.frequency"])
	}
	bad := safeIdempotent
	bad.Compression = "brotli"
	if err := bad.Validate(); err == nil {
		t.Error("compression brotli was accepted")
	}
}
