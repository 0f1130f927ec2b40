package schema

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// PriceMethod is how the pricing measures every profile; the same for all
// of them, so that their prices compare.
type PriceMethod struct {
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

// PriceSlot is one measurement of the pricing: a profile's repetition.
type PriceSlot struct {
	Profile string `json:"profile"`
	// Repetition counts from 1.
	Repetition int `json:"repetition"`
}

// Range summarises one figure over the repetitions.
type Range struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Overlaps reports whether two ranges share a value: then which of the two
// is lower is within the noise of the repetitions.
func (r Range) Overlaps(o Range) bool { return r.Min <= o.Max && o.Min <= r.Max }

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

// perfTestCommand is what kafka-producer-perf-test.sh runs, called
// directly: every Kafka image has kafka-run-class.sh, including offline
// images built before the script was added to them.
var perfTestCommand = []string{"/opt/kafka/bin/kafka-run-class.sh", "org.apache.kafka.tools.ProducerPerformance"}

// PerfTest is one kafka-producer-perf-test run with a profile's settings.
type PerfTest struct {
	Bootstrap string `json:"bootstrap"`
	Topic     string `json:"topic"`
	Records   int    `json:"records"`
	// WarmupRecords are left out of the steady-state summary the figures
	// come from: the Java client's JIT compiles while they are sent.
	WarmupRecords int `json:"warmup_records"`
	RecordSize    int `json:"record_size"`
	// Keys is how many distinct keys the records cycle through, as the
	// harness's producer does: keyed records are spread by hash, where
	// keyless ones would fill one partition's batch at a time.
	Keys  int               `json:"keys"`
	Props map[string]string `json:"producer_props"`
}

// Args is the command line, program first.
func (t PerfTest) Args() []string {
	args := append(slices.Clone(perfTestCommand),
		"--bootstrap-server", t.Bootstrap, "--topic", t.Topic,
		"--num-records", strconv.Itoa(t.Records), "--warmup-records", strconv.Itoa(t.WarmupRecords),
		"--record-size", strconv.Itoa(t.RecordSize), "--throughput", "-1",
		"--key-distribution", "range", "--record-key-range", strconv.Itoa(t.Keys),
		"--command-property",
	)
	for _, k := range slices.Sorted(maps.Keys(t.Props)) {
		args = append(args, k+"="+t.Props[k])
	}
	return args
}

// PerfTestSummary is kafka-producer-perf-test's final summary line.
type PerfTestSummary struct {
	Records          int64   `json:"records"`
	RecordsPerSecond float64 `json:"records_per_second"`
	MBPerSecond      float64 `json:"mb_per_second"`
	AvgLatencyMs     float64 `json:"avg_latency_ms"`
	MaxLatencyMs     float64 `json:"max_latency_ms"`
	P50Ms            float64 `json:"p50_ms"`
	P95Ms            float64 `json:"p95_ms"`
	P99Ms            float64 `json:"p99_ms"`
	P999Ms           float64 `json:"p99_9_ms"`
	// SteadyState: the figures leave the warm-up records out. Line is
	// the summary they come from, Total the whole run's when that is
	// another.
	SteadyState bool   `json:"steady_state"`
	Line        string `json:"line"`
	Total       string `json:"total,omitempty"`
}
