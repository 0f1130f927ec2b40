package verify

import (
	"cmp"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// stalls returns, by partition, the longest time each partition's last
// stable offset stood still below its high watermark, from the first
// sample that saw it there to the last: one that only ever moved, or
// caught up, is left out. A stall of at least hangAfter is hanging; 0
// never is.
func stalls(samples []ledger.LSOSample, hangAfter time.Duration) []schema.PartitionStall {
	s := slices.Clone(samples)
	slices.SortStableFunc(s, func(a, b ledger.LSOSample) int {
		return cmp.Or(cmp.Compare(a.Partition, b.Partition), cmp.Compare(a.At, b.At))
	})
	var out []schema.PartitionStall
	for len(s) > 0 {
		n := 1
		for n < len(s) && s[n].Partition == s[0].Partition {
			n++
		}
		if from, to := longestStall(s[:n]); to > from {
			out = append(out, schema.PartitionStall{
				Partition: s[0].Partition, LongestSeconds: (to - from).Seconds(),
				From: from.Seconds(), To: to.Seconds(), Hanging: hangAfter > 0 && to-from >= hangAfter,
			})
		}
		s = s[n:]
	}
	return out
}

// longestStall returns the longest run of one partition's samples, in time
// order, with the same last stable offset below the high watermark.
func longestStall(s []ledger.LSOSample) (from, to time.Duration) {
	var start time.Duration
	stuck := false
	for k, x := range s {
		if x.LSO >= x.HighWatermark {
			stuck = false
			continue
		}
		if !stuck || x.LSO != s[k-1].LSO {
			start, stuck = x.At, true
		}
		if x.At-start > to-from {
			from, to = start, x.At
		}
	}
	return from, to
}
