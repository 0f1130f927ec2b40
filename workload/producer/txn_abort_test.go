//go:build !race

package producer

import (
	"fmt"
	"testing"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// TestTxnRunAbortsAfterFailedSend: a refused send leaves its transaction
// abortable, so each is aborted, one meant to commit with the send's
// error, and the next one begins on the same producer.
//
// The file builds without the race detector only: sarama 1.61.1 races
// with itself once a send fails in a transaction, its broker producer's
// transitionTo writing lastError under statusLock
// (transaction_manager.go:249) while its bridge goroutine's
// publishTxnPartitions reads it under partitionInTxnLock alone (:884).
func TestTxnRunAbortsAfterFailedSend(t *testing.T) {
	refuse := sarama.NewMockProduceResponse(t).SetError(mockTopic, 1, sarama.ErrNotEnoughReplicas)
	b := mockBroker(t, map[string]sarama.MockResponse{"ProduceRequest": refuse})
	pr := runMock(t, b, 30)
	txns := pr.Txns()
	if len(txns) != 3 {
		t.Fatalf("%d transactions, want 3", len(txns))
	}
	for _, x := range txns {
		if x.Status != ledger.TxnAborted || (x.Error != "") != (x.Intent == ledger.IntentCommit) {
			t.Errorf("transaction %d: %+v, want aborted, with the send's error if meant to commit", x.Seq, x)
		}
	}
	if got := endTxns(b); fmt.Sprint(got) != "[false false false]" {
		t.Errorf("EndTxn commits %v, want three aborts", got)
	}
	if inits := requests[*sarama.InitProducerIDRequest](b); inits != 1 {
		t.Errorf("%d InitProducerId requests, want 1: an aborted transaction keeps its producer", inits)
	}
}
