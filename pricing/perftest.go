package pricing

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/workload"
)

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

// JavaProps are the Java producer's settings equivalent to a profile's.
// Java defaults that differ from sarama's are written out (idempotence
// and a 5 ms linger are on by default in Java 4.x, off in sarama), and
// batch.size, Java's per-partition cap, takes the batch size the profile
// aims for (flush_bytes) or else sarama's per-partition cap.
func JavaProps(p workload.Profile) map[string]string {
	batch := p.Batching.FlushBytes
	if batch == 0 {
		batch = p.Batching.MaxMessageBytes
	}
	if batch == 0 {
		batch = 1 << 20 // sarama's Producer.MaxMessageBytes
	}
	compression := string(p.Compression)
	if compression == "" {
		compression = "none"
	}
	return map[string]string{
		"acks":                                  string(p.Acks),
		"enable.idempotence":                    strconv.FormatBool(p.Idempotent),
		"max.in.flight.requests.per.connection": strconv.Itoa(p.MaxOpenRequests),
		"retries":                               strconv.Itoa(p.RetryMax),
		// sarama backs off by a fixed interval, Java exponentially up
		// to the max: the same bound makes it fixed.
		"retry.backoff.ms":     strconv.FormatInt(p.RetryBackoff.Milliseconds(), 10),
		"retry.backoff.max.ms": strconv.FormatInt(p.RetryBackoff.Milliseconds(), 10),
		"request.timeout.ms":   strconv.FormatInt(p.AckTimeout.Milliseconds(), 10),
		"linger.ms":            strconv.FormatInt(p.Batching.Linger.Milliseconds(), 10),
		"batch.size":           strconv.Itoa(batch),
		// sarama puts every partition's batch for a broker in one
		// request of up to its MaxRequestSize; Java's 1 MiB default
		// would split them over several round trips.
		"max.request.size": strconv.Itoa(int(sarama.MaxRequestSize)),
		"compression.type": compression,
		"client.id":        "kafka-chaos-perf-test-" + p.Name,
	}
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

// summaryLine matches ProducerPerformance's printTotal, e.g.
// "200000 records sent, 41152.263374 records/sec (10.05 MB/sec), 14.40 ms avg
// latency, 312.00 ms max latency, 9 ms 50th, 41 ms 95th, 103 ms 99th, 290 ms
// 99.9th." and, with --warmup-records, the same line with "steady state"
// after the count.
var summaryLine = regexp.MustCompile(`^(\d+)( steady state)? records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$`)

// ParsePerfTest reads the summary from kafka-producer-perf-test's output:
// the steady-state line when there is one, else the last total.
func ParsePerfTest(out string) (PerfTestSummary, error) {
	var found *PerfTestSummary
	total := ""
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		m := summaryLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := PerfTestSummary{SteadyState: m[2] != "", Line: line}
		var err error
		for i, dst := range []*float64{&s.RecordsPerSecond, &s.MBPerSecond, &s.AvgLatencyMs, &s.MaxLatencyMs, &s.P50Ms, &s.P95Ms, &s.P99Ms, &s.P999Ms} {
			if *dst, err = strconv.ParseFloat(m[3+i], 64); err != nil {
				return PerfTestSummary{}, fmt.Errorf("perf-test summary %q: %w", line, err)
			}
		}
		if s.Records, err = strconv.ParseInt(m[1], 10, 64); err != nil {
			return PerfTestSummary{}, fmt.Errorf("perf-test summary %q: %w", line, err)
		}
		if !s.SteadyState {
			total = line
		}
		if found == nil || s.SteadyState || !found.SteadyState {
			found = &s
		}
	}
	if found == nil {
		return PerfTestSummary{}, fmt.Errorf("no summary line (\"N records sent, X records/sec ...\") in perf-test output: %s", tail(out, 600))
	}
	if found.SteadyState {
		found.Total = total
	}
	return *found, nil
}

// tail is the end of a long output, where a tool prints why it failed.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// Differences are what perf-test does differently from the harness's
// producer even with equivalent settings, for the calibration row.
func Differences(p workload.Profile) []string {
	out := []string{
		"perf-test times each record from its send() call and divides by the whole run after its warm-up records; the harness counts acknowledgements within its measured stretch",
		"both cycle through 16 keys, but Java hashes them with murmur2 and sarama with FNV-1a: the partitions get different shares",
		"one Java sender thread per producer against sarama's goroutines per broker and partition, and the Java client compiled by the JIT in a broker's container",
		"the harness records every message's send and outcome in its ledger, which the verdicts and the latencies need; perf-test keeps a latency sample",
	}
	if p.Batching.FlushBytes > 0 {
		out = append(out, "batch.size caps each partition's batch; sarama's flush_bytes counts a broker's batches together")
	}
	if p.Compression != "" && p.Compression != "none" {
		out = append(out, "perf-test's values are random letters, the harness's an id and repeated padding, which compress far better")
	}
	return out
}
