package pricing

import (
	"math"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestSummarize(t *testing.T) {
	cases := []struct {
		xs   []float64
		want schema.Range
	}{
		{nil, schema.Range{}},
		{[]float64{7}, schema.Range{Median: 7, Min: 7, Max: 7}},
		{[]float64{30, 10, 20}, schema.Range{Median: 20, Min: 10, Max: 30}},
		{[]float64{4, 1, 3, 2}, schema.Range{Median: 2.5, Min: 1, Max: 4}},
	}
	for _, c := range cases {
		if got := Summarize(c.xs); got != c.want {
			t.Errorf("Summarize(%v) = %+v, want %+v", c.xs, got, c.want)
		}
	}
}

// TestPaired: repetition i of one profile is compared with repetition i
// of the other, so a round that ran slow for both cancels out.
func TestPaired(t *testing.T) {
	fast := []float64{100, 50, 100}
	slow := []float64{70, 35, 65}
	cost := Paired(slow, fast, func(s, f float64) float64 { return 100 * (1 - s/f) })
	if math.Abs(cost.Median-30) > 1e-9 || math.Abs(cost.Min-30) > 1e-9 || math.Abs(cost.Max-35) > 1e-9 {
		t.Errorf("paired cost %+v, want 30 (30–35)", cost)
	}
}

func acked(seq int64, sent, done time.Duration) ledger.Entry {
	return ledger.Entry{Seq: seq, Status: ledger.Acked, SentAt: sent, DoneAt: done}
}

// TestMeasureThroughput counts the acknowledgements within the stretch
// only, and MB/s as kafka-producer-perf-test does (2^20 bytes).
func TestMeasureThroughput(t *testing.T) {
	var entries []ledger.Entry
	for i := range 4000 {
		at := time.Duration(i) * time.Millisecond // one per ms over 4 s
		entries = append(entries, acked(int64(i), at, at))
	}
	entries = append(entries, ledger.Entry{Seq: 4000, Status: ledger.Unknown, DoneAt: 2500 * time.Millisecond})
	got := MeasureThroughput(entries, time.Second, 3*time.Second, 1024)
	if got.Acked != 2000 || got.AckedPerSecond != 1000 || got.Unknown != 1 {
		t.Errorf("throughput %+v, want 2000 acked, 1000/s, 1 unknown", got)
	}
	if want := 1000.0 * 1024 / (1 << 20); got.MBPerSecond != want {
		t.Errorf("MB/s %v, want %v", got.MBPerSecond, want)
	}
}

// TestLatencyFromIntendedTime: a client that stalls delays every message
// queued behind it; measured from the send it happened to make, they
// would look fast, measured from when each was due they do not.
func TestLatencyFromIntendedTime(t *testing.T) {
	const rate = 1000 // one message due per millisecond
	intended := func(seq int64) time.Duration { return time.Duration(seq) * time.Second / rate }
	var entries []ledger.Entry
	for seq := range int64(1000) {
		due := intended(seq)
		sent := due
		if seq >= 500 && seq < 600 {
			// The client stalled 100 ms at seq 500, then sent the
			// backlog at once: each took 1 ms from its actual send.
			sent = intended(600)
		}
		entries = append(entries, acked(seq, sent, sent+time.Millisecond))
	}
	got := MeasureLatency(entries, intended, 0, 1000)
	if got.Messages != 1000 || got.Acked != 1000 || !got.Complete() {
		t.Errorf("%+v: want 1000 due, all acknowledged", got)
	}
	if got.P50Ms != 1 {
		t.Errorf("p50 %v ms, want 1", got.P50Ms)
	}
	// 100 of 1000 waited 2 to 101 ms: p99 is the 990th of 1000, the
	// eleventh worst; p99.9 the second worst.
	if got.P99Ms != 91 || got.P999Ms != 100 || got.MaxMs != 101 {
		t.Errorf("p99 %v, p99.9 %v, max %v ms; want 91, 100, 101 from the intended times", got.P99Ms, got.P999Ms, got.MaxMs)
	}
	// A message due but never acknowledged has no latency.
	entries[700].Status = ledger.Unknown
	if got := MeasureLatency(entries, intended, 600, 800); got.Messages != 200 || got.Acked != 199 || got.Complete() {
		t.Errorf("%+v: want 200 due, 199 acknowledged, incomplete", got)
	}
}
