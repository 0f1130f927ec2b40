package runner

import (
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// safeIdempotent has the settings of safe-idempotent in
// scenarios/profiles/default.yaml.
var safeIdempotent = schema.Profile{
	Name: "safe-idempotent", ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: schema.Async, Acks: schema.AcksAll, Idempotent: true,
	RetryMax: 10, RetryBackoff: 250 * time.Millisecond, MaxOpenRequests: 1, AckTimeout: 10 * time.Second,
}

// TestJavaProps: the Java client's defaults that differ from sarama's are
// written out, and the batching knobs map to their Java names.
func TestJavaProps(t *testing.T) {
	got := javaProps(safeIdempotent)
	for k, want := range map[string]string{
		"acks": "all", "enable.idempotence": "true", "max.in.flight.requests.per.connection": "1",
		"retries": "10", "retry.backoff.ms": "250", "retry.backoff.max.ms": "250", "request.timeout.ms": "10000",
		"linger.ms": "0", "batch.size": "1048576", "max.request.size": "104857600", "compression.type": "none",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	tuned := safeIdempotent
	tuned.Acks, tuned.Idempotent, tuned.Compression = schema.Acks1, false, "lz4"
	tuned.Batching = schema.Batching{Linger: 5 * time.Millisecond, FlushBytes: 16384}
	got = javaProps(tuned)
	if got["acks"] != "1" || got["enable.idempotence"] != "false" || got["linger.ms"] != "5" || got["batch.size"] != "16384" || got["compression.type"] != "lz4" {
		t.Errorf("tuned profile: %v", got)
	}
}
