package runner

import (
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

func TestPerfFindsTheLongestAckGap(t *testing.T) {
	s := time.Second
	entries := []ledger.Entry{
		{SentAt: 0, DoneAt: s / 10, Status: ledger.Acked},
		{SentAt: 1 * s, DoneAt: 1*s + s/10, Status: ledger.Acked},
		{SentAt: 2 * s, Status: ledger.Unknown},
		{SentAt: 3 * s, DoneAt: 6 * s, Status: ledger.Acked},
		{SentAt: 7 * s, DoneAt: 7*s + s/10, Status: ledger.Acked},
	}
	p := perf(entries)
	if p.MaxAckGapSeconds < 4.8 || p.MaxAckGapSeconds > 4.95 {
		t.Errorf("max ack gap = %.2fs, want 4.9s (1.1s -> 6s)", p.MaxAckGapSeconds)
	}
	if p.AckedPerSecond != 4.0/7.0 {
		t.Errorf("acked/s = %v, want %v", p.AckedPerSecond, 4.0/7.0)
	}
	if p.LatencyP99Ms != 3000 {
		t.Errorf("p99 latency = %vms, want 3000", p.LatencyP99Ms)
	}
}
