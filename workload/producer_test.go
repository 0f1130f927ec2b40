package workload

import (
	"errors"
	"fmt"
	"testing"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

func TestParseValueRoundTrip(t *testing.T) {
	id := MessageID("acks1-async", 42)
	gotID, seq, err := ParseValue([]byte(id + "|xxxxxxxx"))
	if err != nil || gotID != id || seq != 42 {
		t.Fatalf("ParseValue = %q, %d, %v; want %q, 42, nil", gotID, seq, err, id)
	}
}

func TestParseValueRejectsForeignValues(t *testing.T) {
	for _, v := range []string{"", "no-id-here|x", "plain", "p-12x|"} {
		if _, _, err := ParseValue([]byte(v)); err == nil {
			t.Errorf("ParseValue(%q) accepted a value without a message id", v)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want ledger.Status
	}{
		{sarama.ErrNotEnoughReplicas, ledger.Failed},
		{fmt.Errorf("wrapped: %w", sarama.ErrNotLeaderForPartition), ledger.Failed},
		{sarama.ErrNotEnoughReplicasAfterAppend, ledger.Unknown},
		{sarama.ErrRequestTimedOut, ledger.Unknown},
		{sarama.ErrOutOfBrokers, ledger.Unknown},
		{errors.New("connection reset"), ledger.Unknown},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}

func TestProfileValidate(t *testing.T) {
	acks1 := Profile{Name: "acks1", ReplicationFactor: 3, MinInsyncReplicas: 1, Mode: Async, Acks: Acks1, RetryMax: 3, MaxOpenRequests: 5}
	acks0Sync := acks1
	acks0Sync.Name, acks0Sync.Mode, acks0Sync.Acks = "acks0-sync", Sync, Acks0
	for _, p := range []Profile{SafeIdempotent, acks1, acks0Sync} {
		if err := p.Validate(); err != nil {
			t.Errorf("profile %s: %v", p.Name, err)
		}
	}
	bad := SafeIdempotent
	bad.Acks = Acks1
	if err := bad.Validate(); err == nil {
		t.Error("idempotence with acks=1 was accepted")
	}
	bad = acks1
	bad.MinInsyncReplicas = 4
	if err := bad.Validate(); err == nil {
		t.Error("min.insync.replicas above the replication factor was accepted")
	}
}
