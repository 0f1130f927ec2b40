package consumer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// TransactionalID is the transactional.id of the in-transaction member
// named member of group: <group>.<member>. Every member process has a name
// of its own (a replacement started after a crash has a new one), so no two
// processes share an id and none fences another by it: a zombie, a member
// the group has moved on from, is fenced by its generation, which every
// offset commit of its transactions carries (KIP-447). A producer the
// member starts in place of one it gave up takes the same id, whose
// InitProducerId aborts whatever the one given up left open.
func TransactionalID(group, member string) string { return group + "." + member }

// TxnRecord is one line of an in-transaction member's transaction journal
// (Spec.Txns): a transaction as its producer knows it, and the batch of
// input records it carries, one output record each. A transaction has two
// lines, written as it begins (status open) and as it ends; a member killed
// in between leaves the first only.
type TxnRecord struct {
	ledger.Txn
	// Partition is the batch's input partition, First and Last the
	// offsets of its first and last record, Count how many it holds (a
	// read_committed fetch skips aborted records and transaction markers,
	// so offsets have gaps).
	Partition int32 `json:"p"`
	First     int64 `json:"first"`
	Last      int64 `json:"last"`
	Count     int   `json:"n"`
	// Generation is the group generation the batch was consumed in, as
	// whose member the transaction commits its offsets.
	Generation int32 `json:"gen"`
}

// ReadTxns folds transaction journals into one record per transaction, as
// its last line has it, in the order of their first lines.
func ReadTxns(paths ...string) ([]TxnRecord, error) {
	type key struct {
		id  string
		seq int64
	}
	var out []TxnRecord
	at := map[key]int{}
	for _, p := range paths {
		err := worker.ReadJournal(p, func(r TxnRecord) {
			k := key{r.TransactionalID, r.Seq}
			if i, ok := at[k]; ok {
				out[i] = r
				return
			}
			at[k] = len(out)
			out = append(out, r)
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// txnStage is an in-transaction member's producing side: one transactional
// producer, which the member's claims take turns with, one transaction at
// a time.
type txnStage struct {
	a   *consumerApp
	cfg *sarama.Config
	log *worker.Journal
	mu  sync.Mutex
	// sp is the producer, nil until it is started and once it is given up
	// until it is replaced; seq is the Seq of the last transaction begun.
	sp  sarama.SyncProducer
	seq int64
}

// openTxnStage opens a's transaction journal; the producer starts with the
// first transaction.
func openTxnStage(a *consumerApp) (*txnStage, error) {
	cfg, err := producerConfig(a.s, a.s.Name+"-txn")
	if err != nil {
		return nil, err
	}
	cfg.Producer.Transaction.ID = TransactionalID(a.s.Group, a.s.Name)
	cfg.Producer.Transaction.Timeout = a.prof.TxnTimeout
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("transactional producer %s: %w", cfg.Producer.Transaction.ID, err)
	}
	log, err := worker.OpenJournal(a.s.Txns, 100*time.Millisecond)
	if err != nil {
		return nil, err
	}
	return &txnStage{a: a, cfg: cfg, log: log}, nil
}

// shutdown closes the producer and the journal. Every claim has returned
// by then, so no transaction is open.
func (t *txnStage) shutdown() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.close()
	return t.log.Close()
}

// consume is an in-transaction member's ConsumeClaim: it transacts the
// claim's records batch by batch for as long as each commits. After any
// other end it returns, and so ends the session (sarama ends a session
// when one ConsumeClaim returns): nothing else rewinds a sarama claim, and
// the next session resumes each partition at its committed offset, where
// the batch aborted is consumed again.
func (t *txnStage) consume(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		batch := collect(sess.Context(), claim.Messages(), t.a.prof.TxnSize)
		if len(batch) == 0 || !t.transact(sess, batch) {
			return nil
		}
	}
}

// collect waits for the next record and takes with it those already
// fetched, up to size: what one poll gives. It returns nothing once ctx is
// done or msgs is closed first.
func collect(ctx context.Context, msgs <-chan *sarama.ConsumerMessage, size int) []*sarama.ConsumerMessage {
	var batch []*sarama.ConsumerMessage
	select {
	case <-ctx.Done():
		return nil
	case m, ok := <-msgs:
		if !ok {
			return nil
		}
		batch = append(batch, m)
	}
	for len(batch) < size {
		select {
		case m, ok := <-msgs:
			if !ok {
				return batch
			}
			batch = append(batch, m)
		default:
			return batch
		}
	}
	return batch
}

// transact runs the transaction of batch, unless its session ended, and
// reports whether it committed. A producer that could not end it is given
// up; the next transaction begins on a new one.
func (t *txnStage) transact(sess sarama.ConsumerGroupSession, batch []*sarama.ConsumerMessage) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	ctx := sess.Context()
	if ctx.Err() != nil || !t.begin(ctx) {
		return false
	}
	r := t.opened(batch, sess.GenerationID())
	status, err := t.commit(sess, batch)
	r.Status, r.EndedAt = status, time.Since(t.a.s.Base)
	if err != nil {
		r.Error = err.Error()
	}
	t.journal(r)
	if status == ledger.TxnUnknown {
		t.close()
	}
	return status == ledger.TxnCommitted
}

// opened records that the transaction of batch began.
func (t *txnStage) opened(batch []*sarama.ConsumerMessage, generation int32) TxnRecord {
	t.seq++
	first, last := batch[0], batch[len(batch)-1]
	r := TxnRecord{
		Txn: ledger.Txn{
			TransactionalID: t.cfg.Producer.Transaction.ID, Seq: t.seq, Intent: ledger.IntentCommit,
			Status: ledger.TxnOpen, BeganAt: time.Since(t.a.s.Base),
		},
		Partition: first.Partition, First: first.Offset, Last: last.Offset, Count: len(batch), Generation: generation,
	}
	t.journal(r)
	return r
}

func (t *txnStage) journal(r TxnRecord) {
	if err := t.log.Append(r); err != nil && !errors.Is(err, worker.ErrJournalClosed) {
		t.a.logf("record transaction %d: %v", r.Seq, err)
	}
}

// commit produces the output records of batch and adds its offsets, as
// the session's member in its generation, to the open transaction, then
// commits it; after a failed send or add it aborts it instead.
func (t *txnStage) commit(sess sarama.ConsumerGroupSession, batch []*sarama.ConsumerMessage) (ledger.TxnStatus, error) {
	err := sendErr(t.sp.SendMessages(outputs(t.a.s.Output, batch)), len(batch))
	if err == nil {
		meta := sarama.NewConsumerGroupMetadataFromSession(sess, t.a.s.Group, nil)
		err = t.sp.AddMessageToTxnWithGroupMetadata(batch[len(batch)-1], meta, nil)
	}
	if err != nil {
		status, aerr := producer.FinishTxn(t.sp, ledger.IntentAbort)
		return status, errors.Join(err, aerr)
	}
	return producer.FinishTxn(t.sp, ledger.IntentCommit)
}

// outputs are the output records of batch: each input record's key and
// value unchanged, so the message id at the head of the value is kept.
func outputs(topic string, batch []*sarama.ConsumerMessage) []*sarama.ProducerMessage {
	out := make([]*sarama.ProducerMessage, len(batch))
	for i, m := range batch {
		out[i] = &sarama.ProducerMessage{Topic: topic, Value: sarama.ByteEncoder(m.Value)}
		if m.Key != nil {
			out[i].Key = sarama.ByteEncoder(m.Key)
		}
	}
	return out
}

// sendErr names what failed of n output records sent together, if any.
func sendErr(err error, n int) error {
	var pe sarama.ProducerErrors
	if errors.As(err, &pe) && len(pe) > 0 {
		return fmt.Errorf("%d of %d output records failed, the first: %w", len(pe), n, pe[0].Err)
	}
	return err
}

// begin begins a transaction, on a new producer when there is none or the
// last cannot begin one, and reports whether it did before ctx was done.
func (t *txnStage) begin(ctx context.Context) bool {
	for {
		if t.sp == nil && !producer.Reconnect(ctx, t.connect) {
			return false
		}
		err := t.sp.BeginTxn()
		if err == nil {
			return true
		}
		t.a.event(MemberEvent{Event: EvGroupError, Partition: -1, Offset: -1, Err: "begin transaction: " + err.Error()})
		t.close()
	}
}

// connect starts the member's transactional producer.
func (t *txnStage) connect() error {
	sp, err := sarama.NewSyncProducer(t.a.s.Brokers, t.cfg)
	if err != nil {
		t.a.event(MemberEvent{Event: EvGroupError, Partition: -1, Offset: -1, Err: "start transactional producer: " + err.Error()})
		return err
	}
	t.sp = sp
	return nil
}

// close gives the producer up, if there is one.
func (t *txnStage) close() {
	if t.sp == nil {
		return
	}
	if err := t.sp.Close(); err != nil {
		t.a.logf("close transactional producer: %v", err)
	}
	t.sp = nil
}
