package pricing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/workload"
)

// TestJavaProps: the Java client's defaults that differ from sarama's are
// written out, and the batching knobs map to their Java names.
func TestJavaProps(t *testing.T) {
	got := JavaProps(workload.SafeIdempotent)
	for k, want := range map[string]string{
		"acks": "all", "enable.idempotence": "true", "max.in.flight.requests.per.connection": "1",
		"retries": "10", "retry.backoff.ms": "250", "retry.backoff.max.ms": "250", "request.timeout.ms": "10000",
		"linger.ms": "0", "batch.size": "1048576", "max.request.size": "104857600", "compression.type": "none",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	tuned := workload.SafeIdempotent
	tuned.Acks, tuned.Idempotent, tuned.Compression = workload.Acks1, false, "lz4"
	tuned.Batching = workload.Batching{Linger: 5 * time.Millisecond, FlushBytes: 16384}
	got = JavaProps(tuned)
	if got["acks"] != "1" || got["enable.idempotence"] != "false" || got["linger.ms"] != "5" || got["batch.size"] != "16384" || got["compression.type"] != "lz4" {
		t.Errorf("tuned profile: %v", got)
	}
}

func TestPerfTestArgs(t *testing.T) {
	pt := PerfTest{Bootstrap: "kafka-2:9292", Topic: "t", Records: 1000, WarmupRecords: 200, RecordSize: 256, Keys: 16,
		Props: map[string]string{"linger.ms": "0", "acks": "all"}}
	got := strings.Join(pt.Args(), " ")
	want := "/opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.ProducerPerformance --bootstrap-server kafka-2:9292 --topic t --num-records 1000 --warmup-records 200 --record-size 256" +
		" --throughput -1 --key-distribution range --record-key-range 16 --command-property acks=all linger.ms=0"
	if got != want {
		t.Errorf("args\n %s\nwant\n %s", got, want)
	}
}

// TestParsePerfTest: the steady-state summary wins over the total, and the
// progress lines are skipped.
func TestParsePerfTest(t *testing.T) {
	got, err := ParsePerfTest(perfTestOutput)
	if err != nil {
		t.Fatal(err)
	}
	want := PerfTestSummary{
		Records: 160000, RecordsPerSecond: 44543.429844, MBPerSecond: 10.87, AvgLatencyMs: 12.23, MaxLatencyMs: 95,
		P50Ms: 10, P95Ms: 27, P99Ms: 41, P999Ms: 77, SteadyState: true,
	}
	if !strings.HasPrefix(got.Line, "160000 steady state records sent") || !strings.HasPrefix(got.Total, "200000 records sent") {
		t.Errorf("summary line %q, total %q", got.Line, got.Total)
	}
	got.Line, got.Total = "", ""
	if got != want {
		t.Errorf("summary\n %+v\nwant\n %+v", got, want)
	}
	total := strings.Join(slices.DeleteFunc(strings.Split(perfTestOutput, "\n"), func(l string) bool { return strings.Contains(l, "steady state") }), "\n")
	if got, err := ParsePerfTest(total); err != nil || got.SteadyState || got.Records != 200000 {
		t.Errorf("without a steady-state line: %+v, %v; want the total of 200000 records", got, err)
	}
	if _, err := ParsePerfTest("Exception in thread \"main\" org.apache.kafka.common.KafkaException: Failed to construct kafka producer\n"); err == nil ||
		!strings.Contains(err.Error(), "Failed to construct kafka producer") {
		t.Errorf("a failed run: %v; want an error quoting the output", err)
	}
}

// perfTestOutput is kafka-producer-perf-test's output, progress lines and
// the two summaries.
const perfTestOutput = `Warmup first 40000 records. Steady state results will print after the complete test summary.
98342 records sent, 19664.4 records/sec (4.80 MB/sec), 24.3 ms avg latency, 310.0 ms max latency.
200000 records sent, 36913.990402 records/sec (9.01 MB/sec), 15.85 ms avg latency, 310.00 ms max latency, 11 ms 50th, 35 ms 95th, 120 ms 99th, 290 ms 99.9th.
160000 steady state records sent, 44543.429844 records/sec (10.87 MB/sec), 12.23 ms avg latency, 95.00 ms max latency, 10 ms 50th, 27 ms 95th, 41 ms 99th, 77 ms 99.9th.
`
