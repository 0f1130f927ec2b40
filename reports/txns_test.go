package reports

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// txnProfile is a transactional profile whose producer verdict lost
// nothing, and whose transaction verdict, held to every transaction
// guarantee, is judged from ten transactions of three messages, nine
// committed and one aborted, and whatever plant changes.
func txnProfile(name string, ackedPerSec float64, plant func(*schema.TxnVerdict)) schema.ProfileResult {
	p := durable(result(name, noLoss, 0, 0, 0, ackedPerSec))
	v := schema.TxnVerdict{Profile: name, Expected: schema.ExactlyOnce(),
		Counts: schema.TxnCounts{Transactions: 10, Committed: 9, Aborted: 1, Messages: 30}}
	if plant != nil {
		plant(&v)
	}
	v.Judge()
	p.Txn = &schema.TxnResult{TransactionalID: name + "-id", Coordinator: 2, HangAfter: 5 * time.Second, Verdict: v}
	return p
}

// lostCommits plants three messages of committed transactions that
// read_committed lacks, two of which read_uncommitted shows.
func lostCommits(v *schema.TxnVerdict) {
	v.Counts.CommittedAbsent, v.Counts.CommittedAbsentWritten = 3, 2
	v.Examples = map[string][]string{schema.AnomalyCommittedAbsent: {"tx-000000004", "tx-000000005", "tx-000000017"}}
}

// unjudged plants transactions none of which committed: nothing to judge.
func unjudged(v *schema.TxnVerdict) { v.Counts.Committed, v.Counts.Aborted = 0, 10 }

func TestBreachesCountBrokenTransactionGuarantees(t *testing.T) {
	p := txnProfile("tx", 100, lostCommits)
	if got := guaranteesOf(breaches(p)); !slices.Equal(got, []string{string(schema.NoCommittedLoss)}) {
		t.Fatalf("guarantees %q, want the transaction guarantee alone", got)
	}
	if st, _ := judged(p); st != schema.Fail {
		t.Errorf("judged %s, want fail", st)
	}
	// The counts no longer show it, but the file says it failed.
	p.Txn.Verdict.Counts.CommittedAbsent = 0
	if bs := breaches(p); len(bs) != 1 || bs[0].guarantee != recordedFail {
		t.Errorf("breaches %+v, want the recorded transaction failure", bs)
	}
	r := run("rep", 1, scenario("kill", schema.ScenarioFail, txnProfile("tx", 100, lostCommits)), scenario("kill", schema.ScenarioPass, txnProfile("tx", 100, nil)))
	if ds := Repetitions(r); len(ds) != 1 || ds[0].Runs != 2 || ds[0].RunsBroken != 1 || ds[0].RunsWithLoss != 0 {
		t.Errorf("repetitions %+v, want 1 of 2 runs broken", ds)
	}
}

// A transaction verdict with nothing to judge makes the profile unknown
// when it is held to transaction guarantees, and not otherwise.
func TestJudgedUnknownTransactions(t *testing.T) {
	p := txnProfile("tx", 100, unjudged)
	if st, reason := judged(p); st != schema.Unknown || reason != "no commit acknowledged: nothing to judge" {
		t.Errorf("judged %s (%q), want unknown with the transaction verdict's reason", st, reason)
	}
	p.Txn.Verdict.Expected = nil
	if st, _ := judged(p); st != schema.Pass {
		t.Errorf("held to no transaction guarantee: judged %s, want the producer verdict's pass", st)
	}
}

func TestMatrixColoursTransactions(t *testing.T) {
	m := BuildMatrix(run("colours", 1, scenario("kill", schema.ScenarioFail,
		txnProfile("broken", 100, lostCommits), txnProfile("idle", 100, unjudged), txnProfile("held", 100, nil))))
	want := map[string]Colour{"broken": Red, "idle": Grey, "held": Green}
	for i, name := range m.Profiles {
		if c := m.Rows[i][0]; c.Colour != want[name] {
			t.Errorf("%s: %s, want %s", name, c.Colour, want[name])
		}
	}
	if c := m.Rows[0][0]; !strings.Contains(strings.Join(c.Violations, "\n"), string(schema.NoCommittedLoss)) {
		t.Errorf("broken: violations %q, want the transaction guarantee named", c.Violations)
	}
}

// A transactional profile that lost committed messages is not safe, though
// its producer verdict lost nothing and it would win on coverage and
// throughput, being the fastest; one whose transactions proved nothing covers nothing there,
// else it would tie safe on coverage and win on throughput.
func TestRecommendKeepsBrokenTransactionalProfilesFromSafe(t *testing.T) {
	r := run("rec", 1,
		scenario("kill", schema.ScenarioFail, txnProfile("tx-fast", 1000, lostCommits), txnProfile("tx-idle", 950, unjudged), result("safe", noLoss, 0, 0, 0, 300)),
		scenario("partition", schema.ScenarioPass, txnProfile("tx-fast", 1000, nil), txnProfile("tx-idle", 950, nil), result("safe", noLoss, 0, 0, 0, 300)))
	rec := Recommend(r)
	if f := summary(t, rec, "tx-fast"); f.ZeroLoss() || f.TxnBroken != 1 || f.Proven != 2 {
		t.Errorf("tx-fast = %+v: want one scenario broken, not zero-loss", f)
	}
	if i := summary(t, rec, "tx-idle"); i.Proven != 1 {
		t.Errorf("tx-idle = %+v: an unknown transaction verdict proves nothing", i)
	}
	if rec.Safe == nil || rec.Safe.Name != "safe" || rec.Faster == nil || rec.Faster.Name != "tx-idle" {
		t.Fatalf("safe %+v, passed over %+v: want safe, tx-idle", rec.Safe, rec.Faster)
	}
	if rec.Txns.Judged != 3 || rec.Txns.Broken != 1 || rec.Txns.Held() {
		t.Errorf("transactions %+v: want 3 judged, 1 broken", rec.Txns)
	}
	wantSentences(t, rec,
		"tx-fast under kill: 3 messages of committed transactions absent (2 written but never committed; e.g. tx-000000004, tx-000000005, tx-000000017).",
		"Fastest producer profile: tx-fast, 1000.0 acked/s on average at an offered 400 msg/s per profile, through the faults; it lost nothing, and broke transaction guarantees in 1 scenario.",
		"tx-idle is faster (950.0 acked/s on average at an offered 400 msg/s per profile, through the faults) and lost nothing either, but in only 1 of the 2 fault scenarios",
	)
	if s := strings.Join(rec.Sentences(), "\n"); strings.Contains(s, "Every transactional profile") {
		t.Errorf("a transactional profile broke, yet %q", s)
	}
}

func TestRecommendSaysWhenEveryTransactionalProfileHeld(t *testing.T) {
	visible := func(v *schema.TxnVerdict) {
		v.Counts.VisibleAlthoughFailed = 1
		v.Examples = map[string][]string{schema.AnomalyVisibleAlthoughFailed: {"tx-000000009"}}
	}
	r := run("held", 1,
		scenario("kill", schema.ScenarioPass, txnProfile("tx", 100, visible)),
		scenario("partition", schema.ScenarioPass, txnProfile("tx", 100, nil), txnProfile("tx-idle", 100, unjudged)),
		// Proves nothing: its transactions are not counted.
		scenario("flap", schema.ScenarioInvalid, txnProfile("tx", 100, nil)))
	wantSentences(t, Recommend(r),
		// Counted, not judged: an anomaly without a broken guarantee.
		"tx under kill: 1 message visible although its send failed (e.g. tx-000000009).",
		"Every transactional profile kept the transaction guarantees expected of it wherever it was judged: 20 transactions judged.",
	)
}

// txnRun is a scenario whose transactional profile broke every judged
// guarantee but duplicates, and stalled two partitions, one long enough to
// hang; and one whose transactions held without a stall.
func txnRun() *schema.Run {
	broken := txnProfile("tx-commit", 100, func(v *schema.TxnVerdict) {
		v.Counts.Unknown, v.Counts.Open, v.Counts.UnknownResolvedCommitted, v.Counts.UnknownResolvedAborted = 2, 1, 1, 1
		v.Counts.AbortedRead, v.Counts.VisibleAlthoughFailed, v.Counts.PartialTransactions, v.Counts.HangingPartitions = 1, 1, 1, 1
		lostCommits(v)
		v.Examples[schema.AnomalyAbortedRead] = []string{"tx-000000021"}
		v.Examples[schema.AnomalyPartialTransactions] = []string{"tx-commit-id#7"}
		v.Examples[schema.AnomalyHangingPartitions] = []string{"partition 2"}
		v.Stalls = []schema.PartitionStall{
			{Partition: 0, LongestSeconds: 1.5, From: 10, To: 11.5},
			{Partition: 2, LongestSeconds: 6.25, From: 12, To: 18.25, Hanging: true},
		}
	})
	return run("txn", 1,
		scenario("txn-coordinator-kill", schema.ScenarioFail, broken),
		scenario("quiet", schema.ScenarioPass, txnProfile("tx-commit", 100, nil)))
}

func TestReportShowsTransactions(t *testing.T) {
	dir := renderTo(t, txnRun())
	md := readFile(t, filepath.Join(dir, MarkdownFile))
	wantIn(t, "report.md", md,
		"### Transactions",
		"| tx-commit | sarama (–) | `tx-commit-id` | 2 | 10 | 9 / 1 / 2 / 1 | 1 / 1 | 30 | 3 (2) | 1 | 1 | 1 | 0 | 1 | fail: no message of a committed transaction lost: 3 committed but absent (e.g. tx-000000004, tx-000000005, tx-000000017): ",
		"| committed absent: tx-000000004, tx-000000005, tx-000000017; aborted read: tx-000000021; partial transactions: tx-commit-id#7; hanging partitions: partition 2 |",
		"| tx-commit | 0 | 1.5s | 10.0s–11.5s | no |",
		"| tx-commit | 2 | 6.2s | 12.0s–18.2s | yes |",
		"| tx-commit | sarama (–) | `tx-commit-id` | 2 | 10 | 9 / 1 / 0 / 0 | 0 / 0 | 30 | 0 (0) | 0 | 0 | 0 | 0 | 0 | pass |  |",
		"No partition's last stable offset stood still below its high watermark.",
		"tx-commit under txn-coordinator-kill: 3 messages of committed transactions absent (2 written but never committed; e.g. tx-000000004, tx-000000005, tx-000000017); "+
			"1 message read although its transaction did not commit (e.g. tx-000000021); 1 message visible although its send failed; "+
			"1 transaction visible in part (e.g. tx-commit-id#7); 1 partition left hanging by a transaction (e.g. partition 2).",
	)
	page := readFile(t, filepath.Join(dir, HTMLFile))
	wantIn(t, "report.html", page,
		"<h3>Transactions</h3>",
		`<td>tx-commit</td><td>sarama (–)</td><td><code>tx-commit-id</code></td><td class="n">2</td><td class="n">10</td><td class="n">9 / 1 / 2 / 1</td><td class="n">1 / 1</td><td class="n">30</td><td class="n">3 (2)</td>`,
		"<td>fail<br>no message of a committed transaction lost: 3 committed but absent",
		"<td>committed absent: <code>tx-000000004, tx-000000005, tx-000000017</code><br>aborted read: <code>tx-000000021</code>",
		`<tr><td>tx-commit</td><td class="n">2</td><td class="n">6.2s</td><td>12.0s–18.2s</td><td>yes</td></tr>`,
		"<p>No partition's last stable offset stood still below its high watermark.</p>",
	)
	for _, f := range []string{MarkdownFile, HTMLFile} {
		if page := readFile(t, filepath.Join(renderTo(t, testdataRun(t)), f)); strings.Contains(page, "Transactions") {
			t.Errorf("%s of a run without transactional profiles shows transactions", f)
		}
	}
}

func TestCompareTransactionAnomalies(t *testing.T) {
	aborted := func(v *schema.TxnVerdict) {
		v.Counts.AbortedRead = 2
		v.Examples = map[string][]string{schema.AnomalyAbortedRead: {"tx-000000021", "tx-000000022"}}
	}
	visible := func(v *schema.TxnVerdict) { v.Counts.VisibleAlthoughFailed = 1 }
	old := run("old", 1, scenario("kill", schema.ScenarioPass,
		txnProfile("tx", 100, nil), txnProfile("tx-visible", 100, nil), txnProfile("tx-mended", 100, lostCommits), result("plain", noLoss, 0, 0, 0, 100)))
	new := run("new", 2, scenario("kill", schema.ScenarioFail,
		txnProfile("tx", 100, aborted), txnProfile("tx-visible", 100, visible), txnProfile("tx-mended", 100, nil), result("plain", noLoss, 0, 0, 0, 100)))
	got := changes(old, new)
	want := map[string]bool{ // key -> regression
		"started-txn-anomaly kill/tx":         true,
		"started-breaking kill/tx":            true,
		"started-txn-anomaly kill/tx-visible": false,
		"stopped-txn-anomaly kill/tx-mended":  false,
		"status kill/":                        false,
	}
	for k, reg := range want {
		if c, ok := got[k]; !ok || c.Regression != reg {
			t.Errorf("%s: %+v (present %v), want regression %v", k, c, ok, reg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("changes %v, want only %d", got, len(want))
	}
	for k, text := range map[string]string{
		"started-txn-anomaly kill/tx":         "2 messages read although their transaction did not commit (e.g. tx-000000021, tx-000000022) (was 0)",
		"started-breaking kill/tx":            string(schema.NoAbortedReads) + ": 2 read although their transaction did not commit",
		"started-txn-anomaly kill/tx-visible": "1 message visible although its send failed (was 0)",
		"stopped-txn-anomaly kill/tx-mended":  "0 messages of committed transactions absent (was 3)",
	} {
		if !strings.Contains(got[k].Text, text) {
			t.Errorf("%s says %q, want %q in it", k, got[k].Text, text)
		}
	}
}
