package pricing

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// TestParsePerfTest: the steady-state summary wins over the total, and the
// progress lines are skipped.
func TestParsePerfTest(t *testing.T) {
	got, err := ParsePerfTest(perfTestOutput)
	if err != nil {
		t.Fatal(err)
	}
	want := schema.PerfTestSummary{
		Records: 122118, RecordsPerSecond: 49004.012841, MBPerSecond: 11.96, AvgLatencyMs: 75.28, MaxLatencyMs: 286,
		P50Ms: 57, P95Ms: 201, P99Ms: 271, P999Ms: 281, SteadyState: true,
	}
	if !strings.HasPrefix(got.Line, "122118 steady state records sent") || !strings.HasPrefix(got.Total, "203530 records sent") {
		t.Errorf("summary line %q, total %q", got.Line, got.Total)
	}
	got.Line, got.Total = "", ""
	if got != want {
		t.Errorf("summary\n %+v\nwant\n %+v", got, want)
	}
	total := strings.Join(slices.DeleteFunc(strings.Split(perfTestOutput, "\n"), func(l string) bool { return strings.Contains(l, "steady state") }), "\n")
	if got, err := ParsePerfTest(total); err != nil || got.SteadyState || got.Records != 203530 || got.RecordsPerSecond != 36474.910394 || got.P999Ms != 416 {
		t.Errorf("without a steady-state line: %+v, %v; want the total of 203530 records", got, err)
	}
	if _, err := ParsePerfTest("Exception in thread \"main\" org.apache.kafka.common.KafkaException: Failed to construct kafka producer\n"); err == nil ||
		!strings.Contains(err.Error(), "Failed to construct kafka producer") {
		t.Errorf("a failed run: %v; want an error quoting the output", err)
	}
}

// perfTestOutput is kafka-producer-perf-test's output in a calibration of
// acks1-async (Kafka 4.4.0, --num-records 203532 --warmup-records 81412):
// the two summaries are real; the first two lines follow the tool's
// format strings, a run of 5 s or more prints progress like the second.
const perfTestOutput = `Warmup first 81412 records. Steady state results will print after the complete test summary.
183210 records sent, 36642.0 records/sec (8.95 MB/sec), 80.1 ms avg latency, 698.0 ms max latency.
203530 records sent, 36474.910394 records/sec (8.91 MB/sec), 78.29 ms avg latency, 698.00 ms max latency, 53 ms 50th, 223 ms 95th, 320 ms 99th, 416 ms 99.9th.
122118 steady state records sent, 49004.012841 records/sec (11.96 MB/sec), 75.28 ms avg latency, 286.00 ms max latency, 57 ms 50th, 201 ms 95th, 271 ms 99th, 281 ms 99.9th.
`
