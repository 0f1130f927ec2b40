// Package pricing measures what a producer configuration costs the way
// messaging benchmarks do (OpenMessaging Benchmark,
// kafka-producer-perf-test): one configuration at a time on a healthy
// cluster, warm-up discarded, repeated in interleaved order, summarised by
// median and range. It holds the plan, the measurements over a ledger,
// the statistics and the kafka-producer-perf-test calibration; driving
// the cluster is the runner's.
package pricing

import "time"

// Method is how every profile is measured; the same for all of them, so
// that their prices compare.
type Method struct {
	Repetitions int `json:"repetitions"`
	// MessageBytes and Partitions are those of the scenarios' default
	// workload, so that a price is that of the load the matrix runs.
	MessageBytes int `json:"message_bytes"`
	Partitions   int `json:"partitions"`
	// Warmup is discarded, Measure counted, for the unthrottled run.
	// UnthrottledRate is its target: far above what any profile reaches,
	// so the cluster and the client set the pace.
	Warmup          time.Duration `json:"warmup_ns"`
	Measure         time.Duration `json:"measure_ns"`
	UnthrottledRate int           `json:"unthrottled_rate"`
	// FixedRate is the offered load of the latency run, FixedWarmup and
	// FixedMeasure its stretches; messages are sent at their intended
	// times and latency is measured from them.
	FixedRate    int           `json:"fixed_rate"`
	FixedWarmup  time.Duration `json:"fixed_warmup_ns"`
	FixedMeasure time.Duration `json:"fixed_measure_ns"`
	// CalibrationSeconds sizes each kafka-producer-perf-test run: as many
	// records as the harness acknowledged in that long, two fifths of them
	// warm-up.
	CalibrationSeconds float64 `json:"calibration_seconds"`
}

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
func DefaultMethod() Method {
	return Method{
		Repetitions: 3, MessageBytes: 256, Partitions: 3,
		Warmup: time.Second, Measure: 3 * time.Second, UnthrottledRate: 1_000_000,
		FixedRate: 1000, FixedWarmup: 500 * time.Millisecond, FixedMeasure: 1500 * time.Millisecond,
		CalibrationSeconds: 4,
	}
}

// Slot is one measurement: a profile's repetition.
type Slot struct {
	Profile string `json:"profile"`
	// Repetition counts from 1.
	Repetition int `json:"repetition"`
}

// Plan orders the measurements A B C A B C …: every repetition measures
// each profile once before the next starts, so a drift of the machine
// (page cache filling, JIT warming, a noisy neighbour) reaches every
// profile alike instead of pricing the last one for it.
func Plan(profiles []string, repetitions int) []Slot {
	out := make([]Slot, 0, len(profiles)*repetitions)
	for r := 1; r <= repetitions; r++ {
		for _, p := range profiles {
			out = append(out, Slot{Profile: p, Repetition: r})
		}
	}
	return out
}
