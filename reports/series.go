package reports

import (
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// PerSecond buckets a ledger into one Point per second, from the first
// second with any send or acknowledgement to the last. Seconds in between
// with no traffic are kept as zero points: an empty second is exactly the
// unavailability the report has to show.
func PerSecond(entries []ledger.Entry) []schema.Point {
	first, last := -1, -1
	see := func(d time.Duration) {
		s := int(d / time.Second)
		if first < 0 || s < first {
			first = s
		}
		last = max(last, s)
	}
	for _, e := range entries {
		see(e.SentAt)
		if e.Status == ledger.Acked {
			see(e.DoneAt)
		}
	}
	if first < 0 {
		return nil
	}
	pts := make([]schema.Point, last-first+1)
	lat := make([][]time.Duration, len(pts))
	for i := range pts {
		pts[i].T = first + i
	}
	for _, e := range entries {
		pts[int(e.SentAt/time.Second)-first].Attempted++
		if e.Status != ledger.Acked {
			continue
		}
		b := int(e.DoneAt/time.Second) - first
		pts[b].Acked++
		lat[b] = append(lat[b], e.DoneAt-e.SentAt)
	}
	for i, l := range lat {
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		// Same percentile rule and rounding as the run's Perf summary, so
		// a bucket and the whole run are comparable.
		pts[i].P99Ms = float64(l[len(l)*99/100].Microseconds()) / 1000
	}
	return pts
}
