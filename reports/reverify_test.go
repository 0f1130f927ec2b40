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
	}}}}}
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
	if err != nil || len(ms) > 0 || checked != 2 {
		t.Fatalf("reverify of an untouched run: %d checked, mismatches %v, err %v", checked, ms, err)
	}
	if back.Scenarios[0].Profiles[0].Verdict.Status != schema.Fail {
		t.Fatalf("the planted loss was not found: %+v", back.Scenarios[0].Profiles[0].Verdict)
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
