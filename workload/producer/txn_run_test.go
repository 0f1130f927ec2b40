package producer

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// mockTopic is the topic of the runs against sarama's mock broker, which
// leads its three partitions and coordinates the transactions.
const mockTopic = "mock.txn-mixed"

// mockBroker answers every request a transactional producer makes, as
// override says for the request types it names, else with success.
func mockBroker(t *testing.T, override map[string]sarama.MockResponse) *sarama.MockBroker {
	b := sarama.NewMockBroker(t, 1)
	t.Cleanup(b.Close)
	meta := sarama.NewMockMetadataResponse(t).SetBroker(b.Addr(), b.BrokerID()).SetController(b.BrokerID())
	added := &sarama.AddPartitionsToTxnResponse{Version: 1, Errors: map[string][]*sarama.PartitionError{}}
	for p := range int32(3) {
		meta.SetLeader(mockTopic, p, b.BrokerID())
		added.Errors[mockTopic] = append(added.Errors[mockTopic], &sarama.PartitionError{Partition: p})
	}
	handlers := map[string]sarama.MockResponse{
		"MetadataRequest":           meta,
		"FindCoordinatorRequest":    sarama.NewMockFindCoordinatorResponse(t).SetCoordinator(sarama.CoordinatorTransaction, TransactionalID(mockTopic, txnMixed.Name), b),
		"InitProducerIDRequest":     sarama.NewMockWrapper(&sarama.InitProducerIDResponse{Version: 1, ProducerID: 7}),
		"AddPartitionsToTxnRequest": sarama.NewMockWrapper(added),
		"ProduceRequest":            sarama.NewMockProduceResponse(t),
		"EndTxnRequest":             sarama.NewMockWrapper(&sarama.EndTxnResponse{Version: 1}),
	}
	maps.Copy(handlers, override)
	b.SetHandlerByMap(handlers)
	return b
}

// requests counts the requests of type T b received.
func requests[T any](b *sarama.MockBroker) int {
	n := 0
	for _, rr := range b.History() {
		if _, ok := rr.Request.(T); ok {
			n++
		}
	}
	return n
}

// runMock runs txn-mixed against b until count messages are sent, with
// sarama's retries and backoffs cut short. Protocol 2.0 keeps every
// request at the version the mock's fixed responses are written in (1),
// and no ApiVersions request is sent, which the mock does not answer.
func runMock(t *testing.T, b *sarama.MockBroker, count int64) *Producer {
	cfg := sarama.NewConfig()
	cfg.Version, cfg.ApiVersionsRequest = sarama.V2_0_0_0, false
	cfg.Producer.Transaction.Retry.Backoff = time.Millisecond
	prof := txnMixed
	prof.RetryMax, prof.RetryBackoff = 1, time.Millisecond
	pr, err := New(Params{
		Profile: prof, Topic: mockTopic, Brokers: []string{b.Addr()}, Config: cfg,
		Rate: 2000, Size: 64, Base: time.Now(), OpenLoop: true, Count: count, Seed: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := pr.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	return pr
}

// endTxns returns the result (true: commit) of every EndTxn b received.
func endTxns(b *sarama.MockBroker) []bool {
	var out []bool
	for _, rr := range b.History() {
		if r, ok := rr.Request.(*sarama.EndTxnRequest); ok {
			out = append(out, r.TransactionResult)
		}
	}
	return out
}

// TestTxnRun: every transaction of 10 ends as the seed intends, its
// messages carry its Seq, and the last one, cut short by the stop, is
// aborted.
func TestTxnRun(t *testing.T) {
	b := mockBroker(t, nil)
	pr := runMock(t, b, 125)
	txns := pr.Txns()
	if len(txns) != 13 {
		t.Fatalf("%d transactions for 125 messages of 10 per transaction, want 13", len(txns))
	}
	var wantEnds []bool
	for i, x := range txns {
		intent := txnMixed.Transactions.Intent(7, x.Seq)
		want := map[string]ledger.TxnStatus{ledger.IntentCommit: ledger.TxnCommitted, ledger.IntentAbort: ledger.TxnAborted}[intent]
		if i == len(txns)-1 {
			want = ledger.TxnAborted
		}
		if x.Seq != int64(i+1) || x.Intent != intent || x.Status != want || x.TransactionalID != "mock.txn-mixed.txn-mixed" || x.Error != "" {
			t.Errorf("transaction %d: %+v, want intent %s, status %s", i+1, x, intent, want)
		}
		wantEnds = append(wantEnds, want == ledger.TxnCommitted)
	}
	if got := endTxns(b); fmt.Sprint(got) != fmt.Sprint(wantEnds) {
		t.Errorf("EndTxn commits %v, want %v", got, wantEnds)
	}
	for _, e := range pr.Ledger().Entries() {
		if e.Txn != e.Seq/10+1 || e.Status != ledger.Acked {
			t.Errorf("message %d: transaction %d, status %s; want transaction %d, acked", e.Seq, e.Txn, e.Status, e.Seq/10+1)
		}
	}
}

// TestTxnRunReplacesFencedProducer: a producer fenced at its commit leaves
// the transaction's outcome unknown and is replaced by a new one under the
// same transactional id, on which the next transaction commits.
func TestTxnRunReplacesFencedProducer(t *testing.T) {
	fenced := sarama.NewMockSequence(&sarama.EndTxnResponse{Version: 1, Err: sarama.ErrProducerFenced}, &sarama.EndTxnResponse{Version: 1})
	b := mockBroker(t, map[string]sarama.MockResponse{"EndTxnRequest": fenced})
	pr := runMock(t, b, 30)
	var got []ledger.TxnStatus
	for _, x := range pr.Txns() {
		got = append(got, x.Status)
	}
	// Seed 7 means to abort transaction 1 and to commit 2 and 3.
	if fmt.Sprint(got) != "[unknown committed committed]" || pr.Txns()[0].Error != sarama.ErrProducerFenced.Error() {
		t.Errorf("transactions ended %v (%+v), want unknown, fenced, then committed twice", got, pr.Txns())
	}
	if inits := requests[*sarama.InitProducerIDRequest](b); inits != 2 {
		t.Errorf("%d InitProducerId requests, want 2: the fenced producer is replaced once", inits)
	}
}
