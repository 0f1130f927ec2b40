package pricing

import (
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// mebibyte is what kafka-producer-perf-test calls a MB: its MB/sec
// divides bytes by 2^20, and the harness's figure stands beside it.
const mebibyte = 1 << 20

// Throughput is what a producer delivered within a stretch.
type Throughput struct {
	AckedPerSecond float64 `json:"acked_per_second"`
	// MBPerSecond counts message values in MiB, as kafka-producer-perf-test
	// does.
	MBPerSecond float64 `json:"mb_per_second"`
	Acked       int     `json:"acked"`
	// Failed and Unknown ended within the stretch without an
	// acknowledgement: an unthrottled healthy cluster should have none.
	Failed  int `json:"failed"`
	Unknown int `json:"unknown"`
}

// MeasureThroughput counts the outcomes that arrived in [from, to),
// offsets from the ledger's base time, of messages of valueBytes each.
func MeasureThroughput(entries []ledger.Entry, from, to time.Duration, valueBytes int) Throughput {
	var t Throughput
	for _, e := range entries {
		if e.DoneAt < from || e.DoneAt >= to {
			continue
		}
		switch e.Status {
		case ledger.Acked:
			t.Acked++
		case ledger.Failed:
			t.Failed++
		case ledger.Unknown:
			t.Unknown++
		}
	}
	if secs := (to - from).Seconds(); secs > 0 {
		t.AckedPerSecond = float64(t.Acked) / secs
		t.MBPerSecond = t.AckedPerSecond * float64(valueBytes) / mebibyte
	}
	return t
}

// Latency is the latency of the messages due within a stretch at a fixed
// offered load, each measured from its intended send time: a message that
// waited behind a stalled client counts its wait (no coordinated
// omission).
type Latency struct {
	P50Ms  float64 `json:"p50_ms"`
	P99Ms  float64 `json:"p99_ms"`
	P999Ms float64 `json:"p99_9_ms"`
	MaxMs  float64 `json:"max_ms"`
	// Messages were due within the stretch; Acked of them were
	// acknowledged, and only those have a latency.
	Messages int `json:"messages"`
	Acked    int `json:"acked"`
}

// Complete reports whether every message due was acknowledged.
func (l Latency) Complete() bool { return l.Messages > 0 && l.Acked == l.Messages }

// MeasureLatency measures the messages with sequence numbers in
// [first, end), intended(seq) being when each was due.
func MeasureLatency(entries []ledger.Entry, intended func(seq int64) time.Duration, first, end int64) Latency {
	l := Latency{Messages: int(max(end-first, 0))}
	var lat []time.Duration
	for _, e := range entries {
		if e.Seq < first || e.Seq >= end || e.Status != ledger.Acked {
			continue
		}
		lat = append(lat, e.DoneAt-intended(e.Seq))
	}
	l.Acked = len(lat)
	if len(lat) == 0 {
		return l
	}
	slices.Sort(lat)
	l.P50Ms, l.P99Ms, l.P999Ms = ms(percentile(lat, 0.50)), ms(percentile(lat, 0.99)), ms(percentile(lat, 0.999))
	l.MaxMs = ms(lat[len(lat)-1])
	return l
}
