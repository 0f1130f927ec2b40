package verify

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

var window = schema.Window{Injected: 10 * time.Second, Healed: 16 * time.Second, Recovered: 20 * time.Second}

func entry(id string, sent, done time.Duration, st ledger.Status) ledger.Entry {
	return ledger.Entry{ID: id, Status: st, SentAt: sent, DoneAt: done, Partition: 0, Offset: -1}
}

func TestProducerExposure(t *testing.T) {
	s := time.Second
	refused := entry("r", 11*s, 12*s, ledger.Unknown)
	refused.Code = "NOT_ENOUGH_REPLICAS"
	entries := []ledger.Entry{
		entry("before", 1*s, 2*s, ledger.Acked),                            // done before the fault: not exposed
		entry("straddle", 9*s, 11*s, ledger.Acked),                         // in flight at injection
		entry("pending", 9*s, 0, ledger.Pending),                           // in flight, never answered
		entry("in", 12*s, 13*s, ledger.Acked),                              // sent and acked in the fault
		entry("late-ack", 15*s, 17*s, ledger.Acked),                        // sent in the fault, acked after heal
		entry("after", 17*s, 18*s, ledger.Acked),                           // after heal, acked before recovery
		entry("long-after", 25*s, 26*s, ledger.Acked),                      // after recovery
		entry("straddle-fail", 9*s, 10500*time.Millisecond, ledger.Failed), // in flight
		refused,
	}
	x := ProducerExposure(entries, window, 3)
	want := schema.Exposure{Window: window, InFlight: 3, Attempted: 3, Acked: 1, AckedAfterHeal: 2, Refused: 1,
		RefusedBy: map[string]int{"NOT_ENOUGH_REPLICAS": 1}, Exposed: 6, Min: 3}
	if x.InFlight != want.InFlight || x.Attempted != want.Attempted || x.Acked != want.Acked ||
		x.AckedAfterHeal != want.AckedAfterHeal || x.Refused != want.Refused || x.Exposed != want.Exposed ||
		x.RefusedBy["NOT_ENOUGH_REPLICAS"] != 1 || x.Min != 3 {
		t.Fatalf("exposure = %+v, want %+v", x, want)
	}
	if got := x.Short(); !strings.Contains(got, "refused 1 with NOT_ENOUGH_REPLICAS") || !strings.HasPrefix(got, "6 exposed") {
		t.Errorf("Short() = %q", got)
	}
	if got := (*schema.Exposure)(nil).Short(); got != "no fault window" {
		t.Errorf("Short() of no exposure = %q", got)
	}
}

// A judged profile the fault barely touched is unknown however clean its
// counts; a broken guarantee stays a failure whatever the exposure; a
// profile without expectations is measured, never unknown for exposure.
func TestExposureThreshold(t *testing.T) {
	s := time.Second
	var entries []ledger.Entry
	var recs []ledger.Record
	for i := range 50 {
		e := entry(string(rune('a'+i%26))+strings.Repeat("x", i/26), 12*s, 13*s, ledger.Acked)
		e.Seq, e.Offset = int64(i), int64(i)
		entries = append(entries, e)
		recs = append(recs, ledger.Record{ID: e.ID, Seq: e.Seq, Offset: e.Offset})
	}
	judged := schema.Expectation{schema.NoAckedLoss}
	w := window
	cases := []struct {
		name   string
		expect schema.Expectation
		min    int
		recs   []ledger.Record
		want   schema.Status
	}{
		{"enough exposed", judged, 50, recs, schema.Pass},
		{"too few exposed", judged, 51, recs, schema.Unknown},
		{"too few but lost", judged, 51, recs[1:], schema.Fail},
		{"measured only", nil, 51, recs, schema.Pass},
	}
	for _, c := range cases {
		r := Producer(Params{Profile: "p", Entries: entries, Records: c.recs, Expect: c.expect, Window: &w, MinExposure: c.min})
		if r.Status != c.want {
			t.Errorf("%s: status %s (%s), want %s", c.name, r.Status, r.Reason, c.want)
		}
		if c.want == schema.Unknown && !strings.Contains(r.Reason, "not exercised by the fault: 50 messages exposed") {
			t.Errorf("%s: reason %q", c.name, r.Reason)
		}
	}
	// Without a window there is nothing to measure exposure against.
	if r := Producer(Params{Profile: "p", Entries: entries, Records: recs, Expect: judged, MinExposure: 1000}); r.Status != schema.Pass || r.Exposure != nil {
		t.Errorf("no window: %s %+v", r.Status, r.Exposure)
	}
}

// A consumer fault touches what the group processes while it holds, even
// messages produced long before.
func TestConsumerExposure(t *testing.T) {
	s := time.Second
	w := window
	var entries []ledger.Entry
	var effects []ledger.Record
	for i := range 10 {
		e := entry("m"+string(rune('0'+i)), 1*s, 2*s, ledger.Acked)
		e.Seq = int64(i)
		entries = append(entries, e)
		at := 5 * s
		if i < 4 {
			at = 12 * s // processed while the fault held
		}
		effects = append(effects, ledger.Record{ID: e.ID, Seq: e.Seq, At: at})
	}
	x := consumerExposure(ConsumerParams{Entries: entries, Effects: effects, Window: &w, MinExposure: 5})
	if x.Processed != 4 || x.Exposed != 4 {
		t.Fatalf("exposure %+v, want 4 processed in the fault", x)
	}
	r := Consumer(ConsumerParams{Profile: "g", Entries: entries, Log: records(entries), Effects: effects,
		Expect: schema.ConsumerExpectation{schema.NoProcessingLoss}, Window: &w, MinExposure: 5})
	if r.Status != schema.Unknown {
		t.Errorf("consumer status %s (%s), want unknown", r.Status, r.Reason)
	}
}

func records(entries []ledger.Entry) []ledger.Record {
	var out []ledger.Record
	for i, e := range entries {
		out = append(out, ledger.Record{ID: e.ID, Seq: e.Seq, Offset: int64(i)})
	}
	return out
}

// A transaction open at the injection, all of whose messages had their
// result before it (its EndTxn in flight), is exposed; so is one begun
// while the fault held; one ended before it is not.
func TestTxnExposure(t *testing.T) {
	w := schema.Window{Injected: 10 * time.Second, Healed: 20 * time.Second, Recovered: 25 * time.Second}
	entry := func(seq, txn int64, sent, done time.Duration) ledger.Entry {
		return ledger.Entry{ID: fmt.Sprint(seq), Seq: seq, Status: ledger.Acked, Txn: txn, SentAt: sent, DoneAt: done}
	}
	entries := []ledger.Entry{
		entry(1, 1, 1*time.Second, 2*time.Second), entry(2, 1, 1*time.Second, 2*time.Second), // ended before
		entry(3, 2, 8*time.Second, 9*time.Second), entry(4, 2, 8*time.Second, 9*time.Second), // EndTxn in flight at injection
		entry(5, 3, 30*time.Second, 31*time.Second), // begun after the heal
	}
	txns := []ledger.Txn{
		{Seq: 1, BeganAt: time.Second, EndedAt: 3 * time.Second, Status: ledger.TxnCommitted},
		{Seq: 2, BeganAt: 8 * time.Second, EndedAt: 15 * time.Second, Status: ledger.TxnCommitted},
		{Seq: 3, BeganAt: 30 * time.Second, EndedAt: 32 * time.Second, Status: ledger.TxnCommitted},
	}
	x := TxnExposure(entries, txns, w, 2)
	if x.InOpenTxn != 2 || x.Exposed != 2 || x.InFlight != 0 {
		t.Errorf("exposure %+v; want the 2 messages of transaction 2 only", x)
	}
	txns[1].BeganAt, txns[1].EndedAt = 12*time.Second, 14*time.Second
	if x := TxnExposure(entries, txns, w, 2); x.InOpenTxn != 2 {
		t.Errorf("a transaction begun while the fault held: %+v", x)
	}
	if x := TxnExposure(entries, nil, w, 2); !reflect.DeepEqual(x, ProducerExposure(entries, w, 2)) {
		t.Errorf("without transactions: %+v", x)
	}
}
