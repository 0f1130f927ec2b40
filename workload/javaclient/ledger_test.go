package javaclient

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// output is what VerifiableProducer printed in a run against a cluster
// whose leader was killed: two results, a refusal, a delivery timeout, a
// log line, and the shutdown summary. Message 4 was sent and never
// answered.
const output = `{"timestamp":1000000,"name":"startup_complete"}
{"timestamp":1000020,"name":"producer_send_success","key":null,"value":"3.0","topic":"t","partition":1,"offset":0}
{"timestamp":1000030,"name":"producer_send_success","key":null,"value":"3.1","topic":"t","partition":1,"offset":1}
[2026-12-01 10:00:00,000] WARN [Producer clientId=p] Got error produce response (org.apache.kafka.clients.producer.internals.Sender)
{"timestamp":1000400,"name":"producer_send_error","key":null,"value":"3.2","topic":"t","exception":"class org.apache.kafka.common.errors.NotEnoughReplicasException","message":"Messages are rejected since there are fewer in-sync replicas than required."}
{"timestamp":1002000,"name":"producer_send_error","key":null,"value":"3.3","topic":"t","exception":"class org.apache.kafka.common.errors.TimeoutException","message":"Expiring 1 record(s) for t-1:120000 ms has passed since batch creation"}
{"timestamp":1002100,"name":"shutdown_complete"}
{"timestamp":1002101,"name":"tool_data","sent":5,"acked":2,"target_throughput":100,"avg_throughput":0.9}
`

func entries(t *testing.T, retries int, text string, audited map[int64]int64) []ledger.Entry {
	t.Helper()
	out, err := ParseOutput(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	es, err := Entries(ProcessOutput{Prefix: 3, Rate: 100, Output: out}, LedgerParams{
		ID: func(seq int64) string { return fmt.Sprintf("p-%09d", seq) }, Base: time.UnixMilli(1000000), Retries: retries, Audited: audited,
	})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestEntriesFromEvents(t *testing.T) {
	es := entries(t, 0, output, nil)
	if len(es) != 5 {
		t.Fatalf("%d entries, want 5 (the tool's own total)", len(es))
	}
	want := []struct {
		status ledger.Status
		code   string
		offset int64
	}{{ledger.Acked, "", 0}, {ledger.Acked, "", 1}, {ledger.Failed, "NOT_ENOUGH_REPLICAS", -1}, {ledger.Unknown, "", -1}, {ledger.Unknown, "", -1}}
	for i, w := range want {
		e := es[i]
		if e.Status != w.status || e.Code != w.code || e.Offset != w.offset {
			t.Errorf("message %d: %s %q offset %d, want %s %q offset %d", i, e.Status, e.Code, e.Offset, w.status, w.code, w.offset)
		}
		if e.ID != fmt.Sprintf("p-%09d", Seq(3, int64(i))) {
			t.Errorf("message %d: id %s", i, e.ID)
		}
	}
	if !es[0].Believed || es[2].Believed {
		t.Errorf("believed: %v %v, want only acknowledged sends believed", es[0].Believed, es[2].Believed)
	}
	if es[0].DoneAt != 20*time.Millisecond {
		t.Errorf("done at %s, want 20ms", es[0].DoneAt)
	}
}

// A retried refusal may follow an attempt that was appended: unknown.
func TestRetriedRefusalIsUnknown(t *testing.T) {
	if es := entries(t, 5, output, nil); es[2].Status != ledger.Unknown || es[2].Code != "NOT_ENOUGH_REPLICAS" {
		t.Errorf("retried refusal: %s %q, want unknown NOT_ENOUGH_REPLICAS", es[2].Status, es[2].Code)
	}
}

// Sends are paced at the rate from startup, but none can have been sent
// after a later message's result came back.
func TestSentTimesArePacedAndBoundedByLaterResults(t *testing.T) {
	es := entries(t, 0, output, nil)
	for i, want := range []time.Duration{0, 10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond, 40 * time.Millisecond} {
		if es[i].SentAt != want {
			t.Errorf("message %d sent at %s, want %s", i, es[i].SentAt, want)
		}
	}
	slow := strings.Replace(output, `"timestamp":1000030`, `"timestamp":1000005`, 1)
	if es := entries(t, 0, slow, nil); es[0].SentAt != 0 || es[1].SentAt != 5*time.Millisecond {
		t.Errorf("message 1 answered at 5ms: sent at %s, want 5ms", es[1].SentAt)
	}
}

// After a SIGKILL there is no summary: what the process sent is what its
// events and the audit show.
func TestKilledProcessCountsWhatTheAuditFound(t *testing.T) {
	killed := output[:strings.Index(output, `{"timestamp":1002100`)]
	if es := entries(t, 0, killed, nil); len(es) != 4 {
		t.Errorf("killed, no audit: %d entries, want 4 (highest result)", len(es))
	}
	es := entries(t, 0, killed, map[int64]int64{3: 6})
	if len(es) != 7 || es[6].Status != ledger.Unknown {
		t.Errorf("killed, audit found message 6: %d entries, last %s; want 7, unknown", len(es), es[len(es)-1].Status)
	}
}

func TestMalformedOutput(t *testing.T) {
	if _, err := ParseOutput(strings.NewReader("{\"timestamp\":1,\n")); err == nil {
		t.Error("truncated event: no error")
	}
	out, _ := ParseOutput(strings.NewReader(`{"timestamp":1,"name":"producer_send_success","value":"3.0"}`))
	if _, err := Entries(ProcessOutput{Prefix: 3, Output: out}, LedgerParams{ID: func(int64) string { return "" }}); err == nil {
		t.Error("no startup event: no error")
	}
	for _, v := range []string{"3", "x.1", "3.-1", "3.y"} {
		if _, _, err := ParseValue(v); err == nil {
			t.Errorf("ParseValue(%q): no error", v)
		}
	}
}

func TestErrorCode(t *testing.T) {
	for exc, want := range map[string]string{
		"class org.apache.kafka.common.errors.NotEnoughReplicasException":            "NOT_ENOUGH_REPLICAS",
		"class org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException": "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
		"class org.apache.kafka.common.errors.TimeoutException":                      "",
		"NotLeaderOrFollowerException":                                               "NOT_LEADER_OR_FOLLOWER",
	} {
		if got := ErrorCode(exc); got != want {
			t.Errorf("ErrorCode(%q) = %q, want %q", exc, got, want)
		}
	}
}
