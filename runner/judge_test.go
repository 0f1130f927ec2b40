package runner

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
)

// judgedProfile is a profile held to no acknowledged loss, with exposed
// messages sent during the window, lost ones left out of the log.
func judgedProfile(name string, exposed, lost int) schema.ProfileResult {
	w := schema.Window{Injected: time.Second, Healed: 2 * time.Second, Recovered: 3 * time.Second}
	var entries []ledger.Entry
	var recs []ledger.Record
	for i := range exposed {
		id := message.ID(name, int64(i))
		entries = append(entries, ledger.Entry{ID: id, Seq: int64(i), Status: ledger.Acked, Offset: int64(i), SentAt: 1500 * time.Millisecond, DoneAt: 1600 * time.Millisecond})
		if i >= lost {
			recs = append(recs, ledger.Record{ID: id, Seq: int64(i), Offset: int64(i)})
		}
	}
	v := verify.Producer(verify.Params{Profile: name, Entries: entries, Records: recs, Expect: schema.Expectation{schema.NoAckedLoss}, Window: &w, MinExposure: 100})
	return schema.ProfileResult{Profile: schema.Profile{Name: name}, Verdict: v}
}

// A broken guarantee fails the scenario whatever else went wrong; a run
// error or an unexercised judged profile makes it invalid, never pass.
func TestJudgeStatusPolicy(t *testing.T) {
	healErr := errors.New("recover: ISR not full after 90s")
	cases := []struct {
		name     string
		profiles []schema.ProfileResult
		err      error
		want     schema.ScenarioStatus
		reason   []string
	}{
		{"exercised and clean", []schema.ProfileResult{judgedProfile("a", 200, 0)}, nil, schema.ScenarioPass, nil},
		{"unexercised", []schema.ProfileResult{judgedProfile("a", 200, 0), judgedProfile("idle", 5, 0)}, nil, schema.ScenarioInvalid,
			[]string{"profile idle was not exercised by the fault", "5 messages exposed"}},
		{"lost while unexercised", []schema.ProfileResult{judgedProfile("idle", 5, 1)}, nil, schema.ScenarioFail,
			[]string{"idle: no acknowledged message lost: 1 lost"}},
		{"recovery failed, nothing lost", []schema.ProfileResult{judgedProfile("a", 200, 0)}, healErr, schema.ScenarioInvalid,
			[]string{"recover: ISR not full"}},
		{"recovery failed and lost", []schema.ProfileResult{judgedProfile("a", 200, 7)}, healErr, schema.ScenarioFail,
			[]string{"a: no acknowledged message lost: 7 lost", "recover: ISR not full"}},
		{"transaction guarantee broken", []schema.ProfileResult{txnResultOf("t", 200, true)}, nil, schema.ScenarioFail,
			[]string{"t transactions: "}},
		{"transactions unexercised", []schema.ProfileResult{judgedProfile("a", 200, 0), txnResultOf("t", 5, false)}, nil, schema.ScenarioInvalid,
			[]string{"transactions of t were not exercised by the fault"}},
	}
	for _, c := range cases {
		r := &run{res: schema.Scenario{Profiles: c.profiles}}
		r.judge(c.err)
		if r.res.Status != c.want {
			t.Errorf("%s: status %s (%s), want %s", c.name, r.res.Status, r.res.Reason, c.want)
		}
		for _, want := range c.reason {
			if !strings.Contains(r.res.Reason, want) {
				t.Errorf("%s: reason %q lacks %q", c.name, r.res.Reason, want)
			}
		}
	}
}

// txnResultOf is a transactional profile with one committed transaction of
// exposed messages, the first of which read_committed misses when lost.
func txnResultOf(name string, exposed int, lost bool) schema.ProfileResult {
	res := judgedProfile(name, 200, 0)
	w := schema.Window{Injected: time.Second, Healed: 2 * time.Second, Recovered: 3 * time.Second}
	var entries []ledger.Entry
	var committed []ledger.Record
	for i := range exposed {
		id := message.ID(name, int64(i))
		entries = append(entries, ledger.Entry{ID: id, Seq: int64(i), Status: ledger.Acked, Offset: int64(i), Txn: 1, SentAt: 1500 * time.Millisecond, DoneAt: 1600 * time.Millisecond})
		if i > 0 || !lost {
			committed = append(committed, ledger.Record{ID: id, Seq: int64(i), Offset: int64(i)})
		}
	}
	txns := []ledger.Txn{{TransactionalID: name, Seq: 1, Intent: ledger.IntentCommit, Status: ledger.TxnCommitted}}
	v := verify.Transactions(verify.TxnParams{Profile: name, Entries: entries, Txns: txns, Uncommitted: committed, Committed: committed,
		Expect: schema.ExactlyOnce(), Window: &w, MinExposure: 100})
	res.Txn = &schema.TxnResult{TransactionalID: name, Verdict: v}
	return res
}
