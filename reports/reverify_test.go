package reports

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/history"
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
)

// recordedRun is a run as the runner leaves it: verdicts in results.json,
// the histories they came from on disk.
func recordedRun(t *testing.T, dir string) *schema.Run {
	t.Helper()
	w := schema.Window{Injected: 2 * time.Second, Healed: 4 * time.Second, Recovered: 5 * time.Second}
	var entries []ledger.Entry
	var recs []ledger.Record
	for i := range 20 {
		id := message.ID("p", int64(i))
		sent := time.Duration(i) * 250 * time.Millisecond
		entries = append(entries, ledger.Entry{ID: id, Seq: int64(i), Status: ledger.Acked, Partition: 0, Offset: int64(i), SentAt: sent, DoneAt: sent + time.Millisecond})
		if i != 9 { // one acknowledged message lost in the fault
			recs = append(recs, ledger.Record{ID: id, Seq: int64(i), Partition: 0, Offset: int64(i)})
		}
	}
	effects := []ledger.Record{{ID: entries[3].ID, Seq: 3, At: 3 * time.Second}}
	h := history.Profile{Entries: entries, Records: recs, Effects: effects}
	rel := filepath.Join("histories", "s", "p")
	if err := history.Write(filepath.Join(dir, rel), h); err != nil {
		t.Fatal(err)
	}
	v := verify.Producer(verify.Params{Profile: "p", Entries: entries, Records: recs, Expect: schema.Expectation{schema.NoAckedLoss}, Window: &w, MinExposure: 5})
	cv := verify.Consumer(verify.ConsumerParams{Profile: "g", Entries: entries, Log: recs, Effects: effects,
		Expect: schema.ConsumerExpectation{schema.NoProcessingLoss}, Window: &w, MinExposure: 5})
	return &schema.Run{SchemaVersion: schema.SchemaVersion, RunID: "r", Scenarios: []schema.Scenario{{Name: "s", Profiles: []schema.ProfileResult{{
		Profile: schema.Profile{Name: "p"}, History: rel, Verdict: v,
		Consumer: &schema.ConsumerResult{Verdict: cv},
	}, recordedTxn(t, dir, w)}}}}
}

// recordedTxn is a transactional profile as the runner leaves it: four
// transactions of three messages, one per partition. The second committed,
// yet read_committed lacks its message 4, which read_uncommitted shows;
// the third was aborted; partition 0's last stable offset stood still for
// a second, as long as the profile lets it before it hangs.
func recordedTxn(t *testing.T, dir string, w schema.Window) schema.ProfileResult {
	t.Helper()
	var h history.Profile
	for i := range int64(12) {
		id, sent := message.ID("tx", i), time.Duration(i)*400*time.Millisecond
		e := ledger.Entry{ID: id, Seq: i, Txn: i/3 + 1, Status: ledger.Acked, Partition: int32(i % 3), Offset: i / 3, SentAt: sent, DoneAt: sent + time.Millisecond}
		h.Entries = append(h.Entries, e)
		rec := ledger.Record{ID: id, Seq: i, Partition: e.Partition, Offset: e.Offset}
		h.Records = append(h.Records, rec)
		if e.Txn != 3 && i != 4 {
			h.Committed = append(h.Committed, rec)
		}
	}
	for k := int64(1); k <= 4; k++ {
		status, intent := ledger.TxnCommitted, ledger.IntentCommit
		if k == 3 {
			status, intent = ledger.TxnAborted, ledger.IntentAbort
		}
		h.Txns = append(h.Txns, ledger.Txn{TransactionalID: "tx-id", Seq: k, Intent: intent, Status: status})
	}
	h.LSO = []ledger.LSOSample{
		{Partition: 0, At: time.Second, LSO: 1, HighWatermark: 2}, {Partition: 0, At: 2 * time.Second, LSO: 1, HighWatermark: 3},
		{Partition: 0, At: 3 * time.Second, LSO: 4, HighWatermark: 4},
	}
	rel := filepath.Join("histories", "s", "tx")
	if err := history.Write(filepath.Join(dir, rel), h); err != nil {
		t.Fatal(err)
	}
	txn := &schema.TxnResult{TransactionalID: "tx-id", Coordinator: 2, HangAfter: time.Second}
	txn.Verdict = verify.Transactions(verify.TxnParams{Profile: "tx", Entries: h.Entries, Txns: h.Txns, Uncommitted: h.Records,
		Committed: h.Committed, LSO: h.LSO, HangAfter: txn.HangAfter, Expect: schema.ExactlyOnce(), Window: &w, MinExposure: 2})
	v := verify.Producer(verify.Params{Profile: "tx", Entries: h.Entries, Records: h.Records, Expect: schema.Expectation{schema.NoAckedLoss}, Window: &w, MinExposure: 2, Txns: h.Txns})
	return schema.ProfileResult{Profile: schema.Profile{Name: "tx"}, History: rel, Verdict: v, Txn: txn}
}

func TestReverifyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r := recordedRun(t, dir)
	if _, err := WriteDir(dir, r); err != nil {
		t.Fatal(err)
	}
	back, err := Read(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	checked, ms, err := Reverify(dir, back)
	if err != nil || len(ms) > 0 || checked != 4 {
		t.Fatalf("reverify of an untouched run: %d checked, mismatches %v, err %v", checked, ms, err)
	}
	if back.Scenarios[0].Profiles[0].Verdict.Status != schema.Fail {
		t.Fatalf("the planted loss was not found: %+v", back.Scenarios[0].Profiles[0].Verdict)
	}
	tv := back.Scenarios[0].Profiles[1].Txn.Verdict
	if c := tv.Counts; c.CommittedAbsent != 1 || c.CommittedAbsentWritten != 1 || c.PartialTransactions != 1 || c.HangingPartitions != 1 || tv.Status != schema.Fail {
		t.Fatalf("the planted transaction anomalies were not found: %+v", tv)
	}
}

// A transaction verdict its history does not give is reported: counts
// edited in results.json, or a hang threshold other than the one the
// history was judged with.
func TestReverifyFindsATamperedTransactionVerdict(t *testing.T) {
	dir := t.TempDir()
	r := recordedRun(t, dir)
	txn := r.Scenarios[0].Profiles[1].Txn
	txn.Verdict.Counts.CommittedAbsent = 0
	_, ms, err := Reverify(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Profile != "tx" || ms[0].Verdict != "transaction" || !strings.Contains(ms[0].Recomputed, `"committed_absent":1`) {
		t.Fatalf("mismatches %v", ms)
	}
	txn.Verdict.Counts.CommittedAbsent = 1
	txn.HangAfter = 2 * time.Second
	if _, ms, _ := Reverify(dir, r); len(ms) != 1 || !strings.Contains(ms[0].Recomputed, `"hanging_partitions":0`) {
		t.Fatalf("another hang threshold: mismatches %v", ms)
	}
}

// A verdict that does not follow from the histories is reported, whichever
// side was changed.
func TestReverifyFindsTampering(t *testing.T) {
	dir := t.TempDir()
	r := recordedRun(t, dir)
	r.Scenarios[0].Profiles[0].Verdict.Counts.Lost = 0
	r.Scenarios[0].Profiles[0].Consumer.Verdict.Counts.Processed = 99
	_, ms, err := Reverify(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Verdict != "producer" || ms[1].Verdict != "consumer" || !strings.Contains(ms[0].Recomputed, `"lost":1`) {
		t.Fatalf("mismatches %v", ms)
	}
	r.Scenarios[0].Profiles[0].History = ""
	if _, ms, _ := Reverify(dir, r); len(ms) != 1 || !strings.Contains(ms[0].String(), "names no history") {
		t.Fatalf("a profile without history: %v", ms)
	}
}
