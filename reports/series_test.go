package reports

import (
	"slices"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestPerSecondBucketsSendsAndAcks(t *testing.T) {
	ms := time.Millisecond
	entries := []ledger.Entry{
		{SentAt: 2100 * ms, DoneAt: 2110 * ms, Status: ledger.Acked},
		{SentAt: 2500 * ms, DoneAt: 2530 * ms, Status: ledger.Acked},
		// Stuck through a two-second stall, acknowledged in second 5.
		{SentAt: 2900 * ms, DoneAt: 5200 * ms, Status: ledger.Acked},
		{SentAt: 3100 * ms, Status: ledger.Failed},
		{SentAt: 3200 * ms, Status: ledger.Unknown},
		{SentAt: 5100 * ms, DoneAt: 5150 * ms, Status: ledger.Acked},
	}
	want := []schema.Point{
		{T: 2, Attempted: 3, Acked: 2, P99Ms: 30},
		{T: 3, Attempted: 2},
		{T: 4},
		{T: 5, Attempted: 1, Acked: 2, P99Ms: 2300},
	}
	if got := PerSecond(entries); !slices.Equal(got, want) {
		t.Errorf("PerSecond =\n%+v\nwant\n%+v", got, want)
	}
}

func TestPerSecondP99UsesTheRunsPercentileRule(t *testing.T) {
	var entries []ledger.Entry
	for i := range 200 {
		entries = append(entries, ledger.Entry{SentAt: 0, DoneAt: time.Duration(i+1) * time.Millisecond, Status: ledger.Acked})
	}
	pts := PerSecond(entries)
	// 200 latencies of 1..200 ms: index 200*99/100 = 198 holds 199 ms.
	if len(pts) != 1 || pts[0].P99Ms != 199 || pts[0].Acked != 200 {
		t.Errorf("PerSecond = %+v, want one bucket, 200 acks, p99 199ms", pts)
	}
}

func TestPerSecondOfEmptyLedger(t *testing.T) {
	if pts := PerSecond(nil); pts != nil {
		t.Errorf("PerSecond(nil) = %v, want nil", pts)
	}
}
