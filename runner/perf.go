package runner

import (
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// perf derives throughput, latency and the longest acknowledgement gap from
// a ledger.
func perf(entries []ledger.Entry) schema.Perf {
	if len(entries) == 0 {
		return schema.Perf{}
	}
	first, last := entries[0].SentAt, entries[len(entries)-1].SentAt
	var lat []time.Duration
	var done []time.Duration
	for _, e := range entries {
		if e.Status != ledger.Acked {
			continue
		}
		lat = append(lat, e.DoneAt-e.SentAt)
		done = append(done, e.DoneAt)
	}
	var p schema.Perf
	if span := (last - first).Seconds(); span > 0 {
		p.AckedPerSecond = float64(len(done)) / span
	}
	if len(lat) == 0 {
		p.MaxAckGapSeconds = (last - first).Seconds()
		return p
	}
	slices.Sort(lat)
	p.LatencyP50Ms = float64(lat[len(lat)/2].Microseconds()) / 1000
	p.LatencyP99Ms = float64(lat[len(lat)*99/100].Microseconds()) / 1000
	slices.Sort(done)
	prev := first
	for _, d := range append(done, last) {
		if gap := (d - prev).Seconds(); gap > p.MaxAckGapSeconds {
			p.MaxAckGapSeconds = gap
		}
		prev = max(prev, d)
	}
	return p
}
