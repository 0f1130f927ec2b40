package producer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// txnMixed is txn-mixed of scenarios/profiles/transactions.yaml.
var txnMixed = func() schema.Profile {
	p := safeIdempotent
	p.Name = "txn-mixed"
	p.Transactions = &schema.Transactions{Size: 10, AbortRatio: 0.2, Timeout: 10 * time.Second}
	return p
}()

// TestTxnConfig: a transactional profile's client runs under the
// transactional id <topic>.<profile> with the profile's timeout and what
// sarama's transactional producer needs, and ClientConfig says so; a
// profile without transactions has none of it.
func TestTxnConfig(t *testing.T) {
	pr, err := New(Params{Profile: txnMixed, Topic: "leader-kill.txn-mixed", Config: sarama.NewConfig(), Rate: 10, Size: 64})
	if err != nil {
		t.Fatal(err)
	}
	c := pr.Config()
	if c.Producer.Transaction.ID != "leader-kill.txn-mixed.txn-mixed" || c.Producer.Transaction.Timeout != 10*time.Second ||
		!c.Producer.Idempotent || c.Net.MaxOpenRequests != 1 || c.Producer.RequiredAcks != sarama.WaitForAll {
		t.Errorf("transaction id %q, timeout %v, idempotent %v, max open requests %d, acks %d",
			c.Producer.Transaction.ID, c.Producer.Transaction.Timeout, c.Producer.Idempotent, c.Net.MaxOpenRequests, c.Producer.RequiredAcks)
	}
	got := pr.ClientConfig()
	for k, want := range map[string]string{
		"transactional.id": "leader-kill.txn-mixed.txn-mixed", "transaction.timeout": "10s", "transaction.size": "10",
		"transaction.abort.ratio": "0.2", "transaction.retry.max": "50", "transaction.retry.backoff": "100ms",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	plain, err := New(Params{Profile: safeIdempotent, Topic: "leader-kill.safe-idempotent", Config: sarama.NewConfig(), Rate: 10, Size: 64})
	if err != nil {
		t.Fatal(err)
	}
	if id := plain.Config().Producer.Transaction.ID; id != "" {
		t.Errorf("a profile without transactions runs under transactional id %q", id)
	}
	if _, ok := plain.ClientConfig()["transactional.id"]; ok {
		t.Error("ClientConfig of a profile without transactions names a transactional id")
	}
}

// TestTxnKeysSpread: the messages of every transaction of 10, whatever
// its place in the key cycle, span every partition of a topic of 2 to 6
// partitions (the scenarios' default is 3) under the hash partitioner.
func TestTxnKeysSpread(t *testing.T) {
	const size = 10
	for partitions := int32(2); partitions <= 6; partitions++ {
		hash := sarama.NewHashPartitioner("t")
		// Keys*size messages make every transaction start at every key.
		for first := int64(0); first < Keys*size; first += size {
			spanned := map[int32]bool{}
			for seq := first; seq < first+size; seq++ {
				p, err := hash.Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(key(seq))}, partitions)
				if err != nil {
					t.Fatal(err)
				}
				spanned[p] = true
			}
			if len(spanned) != int(partitions) {
				t.Errorf("%d partitions: the transaction of messages %d to %d spans %d of them", partitions, first, first+size-1, len(spanned))
			}
		}
	}
}

// fakeTxn is a producer whose commit and aborts fail as told.
type fakeTxn struct {
	commit error
	aborts []error // the results of successive AbortTxn calls
	status sarama.ProducerTxnStatusFlag
	calls  []string
}

func (f *fakeTxn) CommitTxn() error {
	f.calls = append(f.calls, "commit")
	return f.commit
}

func (f *fakeTxn) AbortTxn() error {
	f.calls = append(f.calls, "abort")
	err := f.aborts[0]
	f.aborts = f.aborts[1:]
	return err
}

func (f *fakeTxn) TxnStatus() sarama.ProducerTxnStatusFlag { return f.status }

// TestFinishTxn: a transaction ends as intended; after an error that leaves
// it abortable it is aborted, with the error that made it abort; after any
// other error, or a failed abort, its outcome is unknown.
func TestFinishTxn(t *testing.T) {
	abortable := sarama.ProducerTxnFlagInError | sarama.ProducerTxnFlagAbortableError
	fatal := sarama.ProducerTxnFlagInError | sarama.ProducerTxnFlagFatalError
	sendErr, abortErr := sarama.ErrNotEnoughReplicas, errors.New("coordinator gone")
	for _, c := range []struct {
		name   string
		intent string
		p      fakeTxn
		want   ledger.TxnStatus
		err    []error
		calls  string
	}{
		{"commit", ledger.IntentCommit, fakeTxn{}, ledger.TxnCommitted, nil, "[commit]"},
		{"abort on purpose", ledger.IntentAbort, fakeTxn{aborts: []error{nil}}, ledger.TxnAborted, nil, "[abort]"},
		{"abortable commit", ledger.IntentCommit, fakeTxn{commit: sendErr, aborts: []error{nil}, status: abortable}, ledger.TxnAborted, []error{sendErr}, "[commit abort]"},
		{"abort fails too", ledger.IntentCommit, fakeTxn{commit: sendErr, aborts: []error{abortErr}, status: abortable}, ledger.TxnUnknown, []error{sendErr, abortErr}, "[commit abort]"},
		{"fenced", ledger.IntentCommit, fakeTxn{commit: sarama.ErrProducerFenced, status: fatal}, ledger.TxnUnknown, []error{sarama.ErrProducerFenced}, "[commit]"},
		{"commit lost", ledger.IntentCommit, fakeTxn{commit: abortErr, status: sarama.ProducerTxnFlagEndTransaction}, ledger.TxnUnknown, []error{abortErr}, "[commit]"},
		{"abortable abort", ledger.IntentAbort, fakeTxn{aborts: []error{sendErr, nil}, status: abortable}, ledger.TxnAborted, []error{sendErr}, "[abort abort]"},
	} {
		got, err := FinishTxn(&c.p, c.intent)
		if got != c.want || fmt.Sprint(c.p.calls) != c.calls {
			t.Errorf("%s: %s after %s, want %s after %s", c.name, got, fmt.Sprint(c.p.calls), c.want, c.calls)
		}
		if (err == nil) != (len(c.err) == 0) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
		}
		for _, want := range c.err {
			if !errors.Is(err, want) {
				t.Errorf("%s: error %v does not hold %v", c.name, err, want)
			}
		}
	}
}
