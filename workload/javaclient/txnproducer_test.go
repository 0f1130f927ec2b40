package javaclient

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// seedFor returns a seed under which the abort ratio aborts transaction 1
// and commits transaction 2, as the harness draws them.
func seedFor(t *testing.T, tx schema.Transactions) int64 {
	for seed := int64(1); seed < 1000; seed++ {
		if tx.Intent(seed, 1) == ledger.IntentAbort && tx.Intent(seed, 2) == ledger.IntentCommit {
			return seed
		}
	}
	t.Fatal("no seed aborts transaction 1 and commits 2")
	return 0
}

// The application's events are its ledgers: a message sent without a
// result is unknown, a transaction without an end open, and an intent
// the harness's draw does not give is an error.
func TestTxnHistory(t *testing.T) {
	tx := schema.Transactions{Size: 2, AbortRatio: 0.5, Timeout: 10 * time.Second}
	seed := seedFor(t, tx)
	lines := []string{
		`{"timestamp":1000010,"name":"startup_complete"}`,
		`{"timestamp":1000020,"name":"txn_begin","txn":1,"intent":"abort"}`,
		`{"timestamp":1000030,"name":"send","seq":0,"txn":1}`,
		`{"timestamp":1000040,"name":"send","seq":1,"txn":1}`,
		`{"timestamp":1000050,"name":"producer_send_success","seq":0,"txn":1,"partition":2,"offset":7}`,
		`{"timestamp":1000060,"name":"producer_send_error","seq":1,"txn":1,"exception":"org.apache.kafka.common.errors.NotEnoughReplicasException","message":"too few"}`,
		`{"timestamp":1000070,"name":"txn_end","txn":1,"status":"aborted"}`,
		`{"timestamp":1000080,"name":"txn_begin","txn":2,"intent":"commit"}`,
		`{"timestamp":1000090,"name":"send","seq":2,"txn":2}`,
		`{"timestamp":1000091,"name":"send","seq":3,"txn":2}`,
		`{"timestamp":1000095,"name":"producer_send_error","seq":3,"txn":2,"exception":"org.apache.kafka.common.errors.TransactionAbortedException","message":"Failing batch since transaction was aborted"}`,
	}
	p := TxnHistoryParams{ID: func(seq int64) string { return fmt.Sprintf("p-%09d", seq) }, Base: time.UnixMilli(1_000_000), Retries: 0,
		TransactionalID: "t.t0", Transactions: tx, Seed: seed}
	out, err := ParseOutput(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	entries, txns, err := TxnHistory(out, p)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%d | %s p%d o%d txn%d | %s %s | %s txn%d %s %s | %s", len(entries), entries[0].Status, entries[0].Partition, entries[0].Offset, entries[0].Txn,
		entries[1].Status, entries[1].Code, entries[2].Status, entries[2].Txn, entries[2].Key, entries[2].SentAt, entries[3].Status)
	if want := "4 | acked p2 o7 txn1 | failed NOT_ENOUGH_REPLICAS | unknown txn2 k02 90ms | failed"; got != want {
		t.Errorf("entries %s; want %s", got, want)
	}
	if len(txns) != 2 || txns[0].Status != ledger.TxnAborted || txns[0].Intent != ledger.IntentAbort || txns[1].Status != ledger.TxnOpen || txns[1].TransactionalID != "t.t0" {
		t.Errorf("transactions %+v", txns)
	}
	p.Seed++
	for p.Transactions.Intent(p.Seed, 1) == ledger.IntentAbort {
		p.Seed++
	}
	if _, _, err := TxnHistory(out, p); err == nil || !strings.Contains(err.Error(), "draw differs") {
		t.Errorf("an intent the seed does not give: %v", err)
	}
}
