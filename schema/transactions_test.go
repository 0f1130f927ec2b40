package schema

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// TestIntentFromSeed: which transactions are aborted on purpose depends
// on the seed and the transaction's seq alone, in about the ratio asked
// for, and a ratio of 0 aborts none.
func TestIntentFromSeed(t *testing.T) {
	const n = 20000
	mixed := Transactions{Size: 10, AbortRatio: 0.2, Timeout: 10 * time.Second}
	aborts, differ := 0, 0
	for seq := int64(1); seq <= n; seq++ {
		got := mixed.Intent(42, seq)
		if got != mixed.Intent(42, seq) {
			t.Fatalf("seq %d: intent changed between two calls", seq)
		}
		if got == ledger.IntentAbort {
			aborts++
		}
		if got != mixed.Intent(43, seq) {
			differ++
		}
		if c := (Transactions{Size: 10, Timeout: time.Second}).Intent(42, seq); c != ledger.IntentCommit {
			t.Fatalf("seq %d: abort_ratio 0 gave intent %s", seq, c)
		}
	}
	// 20000 draws at p=0.2 have a standard deviation of about 57.
	if got := float64(aborts) / n; math.Abs(got-0.2) > 0.015 {
		t.Errorf("%d of %d transactions aborted (%.3f), want about 0.2", aborts, n, got)
	}
	if differ == 0 {
		t.Error("seeds 42 and 43 pick the same transactions to abort")
	}
}

// TestTransactionsValidate: the bounds of each setting, and the producer
// settings sarama's transactional producer needs.
func TestTransactionsValidate(t *testing.T) {
	txn := Transactions{Size: 10, AbortRatio: 0.1, Timeout: 10 * time.Second}
	safe := Profile{
		Name: "txn", ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: Async, Acks: AcksAll, Idempotent: true,
		RetryMax: 10, MaxOpenRequests: 1, AckTimeout: 10 * time.Second, Transactions: &txn,
	}
	if err := safe.Validate(); err != nil {
		t.Fatalf("a valid transactional profile: %v", err)
	}
	bad := map[string]func(p *Profile){
		"holds 1 message or more":                         func(p *Profile) { p.Transactions.Size = 0 },
		"abort_ratio 1: use 0 to below 1":                 func(p *Profile) { p.Transactions.AbortRatio = 1 },
		"abort_ratio NaN":                                 func(p *Profile) { p.Transactions.AbortRatio = math.NaN() },
		"timeout 500ms: use 1s to 15m0s":                  func(p *Profile) { p.Transactions.Timeout = 500 * time.Millisecond },
		"timeout 16m0s":                                   func(p *Profile) { p.Transactions.Timeout = 16 * time.Minute },
		"need acks=all and idempotence":                   func(p *Profile) { p.Acks, p.Idempotent = Acks1, false },
		"async producer, not mode sync":                   func(p *Profile) { p.Mode = Sync },
		"idempotence needs":                               func(p *Profile) { p.MaxOpenRequests = 5 },
		"transactions need the Java client's idempotence": func(p *Profile) { p.Client, p.Java = JavaClient, &JavaProducer{Acks: "1"} },
	}
	for want, change := range bad {
		p := safe
		tx := txn
		p.Transactions = &tx
		change(&p)
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v", want, err)
		}
	}
}
