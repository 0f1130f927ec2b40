package pricing

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/workload"
)

// safeIdempotent has the settings of safe-idempotent in
// scenarios/profiles/default.yaml.
var safeIdempotent = workload.Profile{
	Name: "safe-idempotent", ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: workload.Async, Acks: workload.AcksAll, Idempotent: true,
	RetryMax: 10, RetryBackoff: 250 * time.Millisecond, MaxOpenRequests: 1, AckTimeout: 10 * time.Second,
}

// TestJavaProps: the Java client's defaults that differ from sarama's are
// written out, and the batching knobs map to their Java names.
func TestJavaProps(t *testing.T) {
	got := JavaProps(safeIdempotent)
	for k, want := range map[string]string{
		"acks": "all", "enable.idempotence": "true", "max.in.flight.requests.per.connection": "1",
		"retries": "10", "retry.backoff.ms": "250", "retry.backoff.max.ms": "250", "request.timeout.ms": "10000",
		"linger.ms": "0", "batch.size": "1048576", "max.request.size": "104857600", "compression.type": "none",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	tuned := safeIdempotent
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
