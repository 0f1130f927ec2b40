// Package pricing measures what a producer configuration costs the way
// messaging benchmarks do (OpenMessaging Benchmark,
// kafka-producer-perf-test): one configuration at a time on a healthy
// cluster, warm-up discarded, repeated in interleaved order, summarised by
// median and range. It holds the plan, the measurements over a ledger,
// the statistics and the reading of kafka-producer-perf-test's summary,
// without a Kafka client: the records it fills in are package schema's,
// and driving the cluster, perf-test's Java settings included, is the
// runner's.
package pricing

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// DefaultMethod fits the matrix's budget of 3 minutes for its 7 producer
// profiles on two cores, calibrating one of them (measuredOverhead and
// calibrationOverhead in the test): 3 repetitions, the fewest that give a
// median and a range; per measurement a 2 s fixed-load run, 1.5 s of it
// measured (1,500 latencies at 1,000 msg/s: the slowest library profile,
// 64 synchronous senders, delivers about 2,000 msg/s unthrottled and
// falls behind at 2,000), then 1 s of unthrottled warm-up, enough for
// connections, metadata and the first full batches, and 3 s measured, a
// few hundred round trips even with one request in flight; after each
// round, a perf-test run per calibrated profile with 4 s worth of the
// harness's records, two fifths of them warm-up: the Java client's JIT
// competes with the brokers for the two cores in its first seconds.
func DefaultMethod() schema.PriceMethod {
	return schema.PriceMethod{
		Repetitions: 3, MessageBytes: 256, Partitions: 3,
		Warmup: time.Second, Measure: 3 * time.Second, UnthrottledRate: 1_000_000,
		FixedRate: 1000, FixedWarmup: 500 * time.Millisecond, FixedMeasure: 1500 * time.Millisecond,
		CalibrationSeconds: 4,
	}
}

// Plan orders the measurements A B C A B C …: every repetition measures
// each profile once before the next starts, so a drift of the machine
// (page cache filling, JIT warming, a noisy neighbour) reaches every
// profile alike instead of pricing the last one for it.
func Plan(profiles []string, repetitions int) []schema.PriceSlot {
	out := make([]schema.PriceSlot, 0, len(profiles)*repetitions)
	for r := 1; r <= repetitions; r++ {
		for _, p := range profiles {
			out = append(out, schema.PriceSlot{Profile: p, Repetition: r})
		}
	}
	return out
}
