package consumer

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/IBM/sarama/mocks"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// exactlyOnce is exactly-once of scenarios/profiles/consumer-groups.yaml.
var exactlyOnce = schema.ConsumerProfile{
	Name: "exactly-once", Commit: schema.InTransaction, Retry: schema.RetryPolicy{MaxAttempts: 1}, TxnSize: 10, TxnTimeout: 10 * time.Second,
	AutoCommitInterval: time.Second, SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
}

// TestInTransactionConfig: an in-transaction member reads read_committed
// with auto-commit off, on a protocol whose offset commits carry its
// generation, and its producer is transactional under <group>.<member>.
func TestInTransactionConfig(t *testing.T) {
	cfg, err := Config(testBase, exactlyOnce, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Consumer.IsolationLevel != sarama.ReadCommitted || cfg.Consumer.Offsets.AutoCommit.Enable {
		t.Errorf("isolation %d, auto-commit %v: want read_committed without auto-commit", cfg.Consumer.IsolationLevel, cfg.Consumer.Offsets.AutoCommit.Enable)
	}
	got := ClientConfig(exactlyOnce, cfg)
	for k, want := range map[string]string{
		"isolation.level": "read_committed", "auto.commit": "false", "transactional.id": "<group>.<member>",
		"transaction.size": "10", "transaction.timeout": "10s",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	old := testBase
	old.Version = "2.4.0"
	if _, err := Config(old, exactlyOnce, "m1"); err == nil || !strings.Contains(err.Error(), "KIP-447") {
		t.Errorf("protocol 2.4.0: %v, want a refusal naming KIP-447", err)
	}
	stage, _ := newTestStage(t)
	p := stage.cfg.Producer
	if p.Transaction.ID != "g.exactly-once-m1" || p.Transaction.Timeout != 10*time.Second || !p.Idempotent || p.RequiredAcks != sarama.WaitForAll {
		t.Errorf("producer: transactional id %q, timeout %v, idempotent %v, acks %d", p.Transaction.ID, p.Transaction.Timeout, p.Idempotent, p.RequiredAcks)
	}
}

// session is one generation of a member's group session; an offset
// marked or committed outside a transaction fails the test.
type session struct {
	t   *testing.T
	ctx context.Context
}

func (s session) Claims() map[string][]int32 { return map[string][]int32{"in": {2}} }
func (s session) MemberID() string           { return "member-1" }
func (s session) GenerationID() int32        { return 4 }
func (s session) Context() context.Context   { return s.ctx }
func (s session) Commit()                    { s.t.Error("offsets committed outside a transaction") }
func (s session) MarkOffset(string, int32, int64, string) {
	s.t.Error("offset marked outside a transaction")
}
func (s session) ResetOffset(string, int32, int64, string) {
	s.t.Error("offset reset outside a transaction")
}
func (s session) MarkMessage(*sarama.ConsumerMessage, string) {
	s.t.Error("message marked outside a transaction")
}

// claim is partition 2 of topic in, holding what msgs holds.
type claim struct{ msgs chan *sarama.ConsumerMessage }

func (c claim) Topic() string                            { return "in" }
func (c claim) Partition() int32                         { return 2 }
func (c claim) InitialOffset() int64                     { return 100 }
func (c claim) HighWaterMarkOffset() int64               { return 100 + int64(len(c.msgs)) }
func (c claim) Messages() <-chan *sarama.ConsumerMessage { return c.msgs }
func records(n int, closed bool) claim {
	c := claim{make(chan *sarama.ConsumerMessage, n)}
	for i := range n {
		c.msgs <- &sarama.ConsumerMessage{Topic: "in", Partition: 2, Offset: int64(100 + i), Key: fmt.Appendf(nil, "k%d", i%3), Value: fmt.Appendf(nil, "exactly-once-%09d payload", i)}
	}
	if closed {
		close(c.msgs)
	}
	return c
}

// txnProducer is sarama's mock producer, recording the offsets added to
// each transaction, whose commit fails with commitErr, leaving it in
// status.
type txnProducer struct {
	*mocks.SyncProducer
	added     []sarama.ConsumerGroupMetadata
	offsets   []int64
	commitErr error
	status    sarama.ProducerTxnStatusFlag
	closed    bool
}

func (p *txnProducer) AddMessageToTxnWithGroupMetadata(m *sarama.ConsumerMessage, meta *sarama.ConsumerGroupMetadata, _ *string) error {
	p.added, p.offsets = append(p.added, *meta), append(p.offsets, m.Offset+1)
	return nil
}

func (p *txnProducer) CommitTxn() error {
	if p.commitErr != nil {
		return p.commitErr
	}
	return p.SyncProducer.CommitTxn()
}

func (p *txnProducer) TxnStatus() sarama.ProducerTxnStatusFlag {
	if p.commitErr != nil {
		return p.status
	}
	return p.SyncProducer.TxnStatus()
}

func (p *txnProducer) Close() error {
	p.closed = true
	return p.SyncProducer.Close()
}

// expectOutputs expects n output records, each the key and value of its
// input record on topic out; fail makes the first of them fail.
func (p *txnProducer) expectOutputs(t *testing.T, n int, fail error) {
	for range n {
		if fail != nil {
			p.ExpectSendMessageAndFail(fail)
			fail = nil
			continue
		}
		p.ExpectSendMessageWithMessageCheckerFunctionAndSucceed(func(m *sarama.ProducerMessage) error {
			k, _ := m.Key.Encode()
			v, _ := m.Value.Encode()
			if m.Topic != "out" || !strings.HasPrefix(string(v), "exactly-once-") || !strings.HasPrefix(string(k), "k") {
				t.Errorf("output record %q = %q on %s: want the input's key and value on out", k, v, m.Topic)
			}
			return nil
		})
	}
}

// newTestStage is the transaction stage of member exactly-once-m1 of
// group g, on a mock producer.
func newTestStage(t *testing.T) (*txnStage, *txnProducer) {
	dir := t.TempDir()
	prof := exactlyOnce
	s := worker.Spec{
		Role: worker.RoleConsume, Name: "exactly-once-m1", Brokers: []string{"127.0.0.1:1"}, Client: testBase, Base: time.Now(),
		Topic: "in", Output: "out", Group: "g", Consumer: &prof,
		Ledger: filepath.Join(dir, "m1.jsonl"), Txns: filepath.Join(dir, "m1.txns.jsonl"), Effects: filepath.Join(dir, "effects.jsonl"),
	}
	a := &consumerApp{s: s, prof: prof, logf: t.Logf}
	var err error
	if a.log, err = worker.OpenJournal(s.Ledger, time.Hour); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.log.Close() })
	stage, err := openTxnStage(a)
	if err != nil {
		t.Fatal(err)
	}
	p := &txnProducer{SyncProducer: mocks.NewSyncProducer(t, stage.cfg)}
	stage.sp = p
	return stage, p
}

// txns ends the stage and returns its journal.
func txns(t *testing.T, stage *txnStage) []TxnRecord {
	sp := stage.sp
	if err := stage.shutdown(); err != nil {
		t.Fatal(err)
	}
	if sp != nil && !sp.(*txnProducer).closed {
		t.Error("shutdown left the producer open")
	}
	got, err := ReadTxns(stage.a.s.Txns)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestTxnStageCommitsBatches: 25 records make transactions of 10, 10 and
// 5, each committing its records' output with the offset after its last
// record, as the session's member in its generation.
func TestTxnStageCommitsBatches(t *testing.T) {
	stage, p := newTestStage(t)
	p.expectOutputs(t, 25, nil)
	if err := stage.consume(session{t, t.Context()}, records(25, true)); err != nil {
		t.Fatal(err)
	}
	want := sarama.ConsumerGroupMetadata{GroupID: "g", GenerationID: 4, MemberID: "member-1"}
	if fmt.Sprint(p.offsets) != "[110 120 125]" || len(p.added) != 3 || p.added[0] != want {
		t.Errorf("offsets %v added as %+v, want 110, 120, 125 as %+v", p.offsets, p.added, want)
	}
	got := txns(t, stage)
	if len(got) != 3 {
		t.Fatalf("%d transactions, want 3: %+v", len(got), got)
	}
	for i, r := range got {
		first := int64(100 + 10*i)
		if r.Seq != int64(i+1) || r.Status != ledger.TxnCommitted || r.Intent != ledger.IntentCommit || r.TransactionalID != "g.exactly-once-m1" ||
			r.Partition != 2 || r.First != first || r.Last != min(first+9, 124) || r.Count != int(r.Last-first+1) || r.Generation != 4 || r.EndedAt < r.BeganAt {
			t.Errorf("transaction %d: %+v", i+1, r)
		}
	}
}

// TestTxnStageAbortEndsSession: a batch whose output fails is aborted and
// its offsets never added, and the claim returns at once, leaving the
// records after it to the next session, which resumes at the committed
// offset; the producer is kept.
func TestTxnStageAbortEndsSession(t *testing.T) {
	stage, p := newTestStage(t)
	p.expectOutputs(t, 10, nil)
	p.expectOutputs(t, 10, sarama.ErrNotEnoughReplicas)
	c := records(25, false)
	if err := stage.consume(session{t, t.Context()}, c); err != nil {
		t.Fatal(err)
	}
	if len(c.msgs) != 5 || fmt.Sprint(p.offsets) != "[110]" || stage.sp == nil {
		t.Errorf("%d records left, offsets %v added, producer kept %v: want 5 left, only 110 added, the producer kept", len(c.msgs), p.offsets, stage.sp != nil)
	}
	got := txns(t, stage)
	if len(got) != 2 || got[0].Status != ledger.TxnCommitted || got[1].Status != ledger.TxnAborted || !strings.Contains(got[1].Error, sarama.ErrNotEnoughReplicas.Error()) {
		t.Errorf("transactions %+v: want one committed, then one aborted by the failed send", got)
	}
}

// TestTxnStageGivesUpFencedProducer: a commit refused as fenced leaves the
// outcome unknown; the producer is given up and the session ended.
func TestTxnStageGivesUpFencedProducer(t *testing.T) {
	stage, p := newTestStage(t)
	p.expectOutputs(t, 10, nil)
	p.commitErr, p.status = sarama.ErrProducerFenced, sarama.ProducerTxnFlagInError|sarama.ProducerTxnFlagFatalError
	if err := stage.consume(session{t, t.Context()}, records(15, false)); err != nil {
		t.Fatal(err)
	}
	if stage.sp != nil || !p.closed {
		t.Error("a fenced producer was kept")
	}
	got := txns(t, stage)
	if len(got) != 1 || got[0].Status != ledger.TxnUnknown || got[0].Error != sarama.ErrProducerFenced.Error() {
		t.Errorf("transactions %+v: want one of unknown outcome, fenced", got)
	}
}

// TestTxnStageSkipsEndedSession: a batch collected as its session ended
// is left to the next session, without a transaction.
func TestTxnStageSkipsEndedSession(t *testing.T) {
	stage, _ := newTestStage(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if stage.transact(session{t, ctx}, []*sarama.ConsumerMessage{{Topic: "in"}}) {
		t.Error("a transaction committed after its session ended")
	}
	if got := txns(t, stage); len(got) != 0 {
		t.Errorf("transactions %+v, want none", got)
	}
}

// TestCollect: a batch is the next record and those already fetched, up
// to the size; nothing once the session ends or the claim closes.
func TestCollect(t *testing.T) {
	c := records(7, false)
	if b := collect(t.Context(), c.msgs, 5); len(b) != 5 || b[0].Offset != 100 {
		t.Errorf("batch of %d from offset %d, want 5 from 100", len(b), b[0].Offset)
	}
	if b := collect(t.Context(), c.msgs, 5); len(b) != 2 {
		t.Errorf("batch of %d, want the 2 fetched", len(b))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if b := collect(ctx, c.msgs, 5); b != nil {
		t.Errorf("batch %v after the session ended", b)
	}
	close(c.msgs)
	if b := collect(t.Context(), c.msgs, 5); b != nil {
		t.Errorf("batch %v from a closed claim", b)
	}
}

// TestOutputsKeepKeyAndValue: an output record is its input's key, none
// for none, and value.
func TestOutputsKeepKeyAndValue(t *testing.T) {
	out := outputs("out", []*sarama.ConsumerMessage{{Key: []byte("k"), Value: []byte("v1")}, {Value: []byte("v2")}})
	k, _ := out[0].Key.Encode()
	v, _ := out[1].Value.Encode()
	if out[0].Topic != "out" || string(k) != "k" || out[1].Key != nil || string(v) != "v2" {
		t.Errorf("outputs %+v", out)
	}
}

// TestReadTxnsFolds: each transaction is its last line, in the order of
// first lines, across members; one whose member was killed stays open.
func TestReadTxnsFolds(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, recs ...TxnRecord) string {
		path := filepath.Join(dir, name)
		j, err := worker.OpenJournal(path, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if err := j.Append(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	rec := func(id string, seq int64, s ledger.TxnStatus) TxnRecord {
		return TxnRecord{Txn: ledger.Txn{TransactionalID: id, Seq: seq, Intent: ledger.IntentCommit, Status: s}, Count: 1}
	}
	a := write("a.jsonl", rec("g.m1", 1, ledger.TxnOpen), rec("g.m1", 1, ledger.TxnCommitted), rec("g.m1", 2, ledger.TxnOpen))
	b := write("b.jsonl", rec("g.m2", 1, ledger.TxnOpen), rec("g.m2", 1, ledger.TxnAborted))
	got, err := ReadTxns(a, b, filepath.Join(dir, "never-started.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, r := range got {
		summary = append(summary, fmt.Sprintf("%s/%d:%s", r.TransactionalID, r.Seq, r.Status))
	}
	if fmt.Sprint(summary) != "[g.m1/1:committed g.m1/2:open g.m2/1:aborted]" {
		t.Errorf("folded %v", summary)
	}
}
