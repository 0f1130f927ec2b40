package pricing

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// summaryLine matches ProducerPerformance's printTotal, e.g.
// "200000 records sent, 41152.263374 records/sec (10.05 MB/sec), 14.40 ms avg
// latency, 312.00 ms max latency, 9 ms 50th, 41 ms 95th, 103 ms 99th, 290 ms
// 99.9th." and, with --warmup-records, the same line with "steady state"
// after the count.
var summaryLine = regexp.MustCompile(`^(\d+)( steady state)? records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$`)

// ParsePerfTest reads the summary from kafka-producer-perf-test's output:
// the steady-state line when there is one, else the last total.
func ParsePerfTest(out string) (schema.PerfTestSummary, error) {
	var found *schema.PerfTestSummary
	total := ""
	for line := range strings.Lines(out) {
		line = strings.TrimSpace(line)
		m := summaryLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		s := schema.PerfTestSummary{SteadyState: m[2] != "", Line: line}
		var err error
		for i, dst := range []*float64{&s.RecordsPerSecond, &s.MBPerSecond, &s.AvgLatencyMs, &s.MaxLatencyMs, &s.P50Ms, &s.P95Ms, &s.P99Ms, &s.P999Ms} {
			if *dst, err = strconv.ParseFloat(m[3+i], 64); err != nil {
				return schema.PerfTestSummary{}, fmt.Errorf("perf-test summary %q: %w", line, err)
			}
		}
		if s.Records, err = strconv.ParseInt(m[1], 10, 64); err != nil {
			return schema.PerfTestSummary{}, fmt.Errorf("perf-test summary %q: %w", line, err)
		}
		if !s.SteadyState {
			total = line
		}
		if found == nil || s.SteadyState || !found.SteadyState {
			found = &s
		}
	}
	if found == nil {
		return schema.PerfTestSummary{}, fmt.Errorf("no summary line (\"N records sent, X records/sec ...\") in perf-test output: %s", tail(out, 600))
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
func Differences(p schema.Profile) []string {
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
