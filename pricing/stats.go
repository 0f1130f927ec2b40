package pricing

import (
	"math"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Summarize returns the median and range of xs; zero for none.
func Summarize(xs []float64) schema.Range {
	if len(xs) == 0 {
		return schema.Range{}
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	median := s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return schema.Range{Median: median, Min: s[0], Max: s[n-1]}
}

// Paired summarises f over the repetitions of two profiles taken in pairs,
// repetition i of a with repetition i of b: both ran in the same round of
// the plan, so a drift between rounds cancels out of each pair.
func Paired(a, b []float64, f func(a, b float64) float64) schema.Range {
	n := min(len(a), len(b))
	xs := make([]float64, n)
	for i := range n {
		xs[i] = f(a[i], b[i])
	}
	return Summarize(xs)
}

// percentile is the nearest-rank percentile of sorted: the smallest value
// at least q of the values do not exceed.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
