package pricing

import (
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// mebibyte is what kafka-producer-perf-test calls a MB: its MB/sec
// divides bytes by 2^20, and the harness's figure stands beside it.
const mebibyte = 1 << 20

// MeasureThroughput counts the outcomes that arrived in [from, to),
// offsets from the ledger's base time, of messages of valueBytes each.
func MeasureThroughput(entries []ledger.Entry, from, to time.Duration, valueBytes int) schema.Throughput {
	var t schema.Throughput
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

// MeasureLatency measures the messages with sequence numbers in
// [first, end), intended(seq) being when each was due.
func MeasureLatency(entries []ledger.Entry, intended func(seq int64) time.Duration, first, end int64) schema.Latency {
	l := schema.Latency{Messages: int(max(end-first, 0))}
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
