package consumer

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// mockGroupBroker is one broker that leads partition 0 of topics in and
// out, holds n records in in, coordinates group g and the transactions
// of its member exactly-once-m1, and gives that member partition 0 of in
// at generation 4. It answers every request with success but those
// override names.
func mockGroupBroker(t *testing.T, n int, override map[string]sarama.MockResponse) *sarama.MockBroker {
	b := sarama.NewMockBroker(t, 1)
	t.Cleanup(b.Close)
	fetch := sarama.NewMockFetchResponse(t, n).SetHighWaterMark("in", 0, int64(n))
	for i := range n {
		fetch.SetMessageWithKey("in", 0, int64(i), sarama.StringEncoder(fmt.Sprintf("k%d", i%3)), sarama.StringEncoder(fmt.Sprintf("exactly-once-%09d", i)))
	}
	// Every API at every version, so the client sends each at the
	// version protocol 2.5.0 chooses: the fixed responses below are
	// written in those.
	var apis []sarama.ApiVersionsResponseKey
	for key := range int16(70) {
		apis = append(apis, sarama.ApiVersionsResponseKey{ApiKey: key, MaxVersion: 20})
	}
	handlers := map[string]sarama.MockResponse{
		"ApiVersionsRequest": sarama.NewMockApiVersionsResponse(t).SetApiKeys(apis),
		"MetadataRequest": sarama.NewMockMetadataResponse(t).SetBroker(b.Addr(), b.BrokerID()).SetController(b.BrokerID()).
			SetLeader("in", 0, b.BrokerID()).SetLeader("out", 0, b.BrokerID()),
		"FindCoordinatorRequest": sarama.NewMockFindCoordinatorResponse(t).SetCoordinator(sarama.CoordinatorGroup, "g", b).
			SetCoordinator(sarama.CoordinatorTransaction, "g.exactly-once-m1", b),
		"JoinGroupRequest": sarama.NewMockJoinGroupResponse(t).SetGenerationId(4).SetMemberId("member-1").SetLeaderId("member-0").SetGroupProtocol("range"),
		"SyncGroupRequest": sarama.NewMockSyncGroupResponse(t).SetMemberAssignment(
			&sarama.ConsumerGroupMemberAssignment{Version: 1, Topics: map[string][]int32{"in": {0}}}),
		"HeartbeatRequest":   sarama.NewMockHeartbeatResponse(t),
		"LeaveGroupRequest":  sarama.NewMockLeaveGroupResponse(t),
		"OffsetFetchRequest": sarama.NewMockOffsetFetchResponse(t).SetOffset("g", "in", 0, -1, "", sarama.ErrNoError),
		"OffsetRequest": sarama.NewMockOffsetResponse(t).SetOffset("in", 0, sarama.OffsetOldest, 0).
			SetOffset("in", 0, sarama.OffsetNewest, int64(n)),
		"FetchRequest":          fetch,
		"InitProducerIDRequest": sarama.NewMockInitProducerIDResponse(t).SetProducerID(7),
		"AddPartitionsToTxnRequest": sarama.NewMockWrapper(&sarama.AddPartitionsToTxnResponse{
			Version: 1, Errors: map[string][]*sarama.PartitionError{"out": {{Partition: 0}}},
		}),
		"ProduceRequest":         sarama.NewMockProduceResponse(t),
		"AddOffsetsToTxnRequest": sarama.NewMockWrapper(&sarama.AddOffsetsToTxnResponse{Version: 1}),
		"TxnOffsetCommitRequest": sarama.NewMockWrapper(&sarama.TxnOffsetCommitResponse{
			Version: 3, Topics: map[string][]*sarama.PartitionError{"in": {{Partition: 0}}},
		}),
		"EndTxnRequest": sarama.NewMockWrapper(&sarama.EndTxnResponse{Version: 1}),
	}
	maps.Copy(handlers, override)
	b.SetHandlerByMap(handlers)
	return b
}

// TestRunMemberInTransaction runs an in-transaction member against
// sarama's mock broker: it reads read_committed, commits the 25 records'
// offsets only in its transactions, in order, each TxnOffsetCommit as
// member-1 of generation 4 (KIP-447), and journals its transactions and
// the usual member events.
func TestRunMemberInTransaction(t *testing.T) {
	b := mockGroupBroker(t, 25, nil)
	s := runMockMember(t, b)
	var last int64
	for _, rr := range b.History() {
		switch r := rr.Request.(type) {
		case *sarama.OffsetCommitRequest:
			t.Error("an offset commit outside a transaction")
		case *sarama.FetchRequest:
			if r.Isolation != sarama.ReadCommitted {
				t.Errorf("fetch at isolation %d, want read_committed", r.Isolation)
			}
		case *sarama.TxnOffsetCommitRequest:
			if r.GroupID != "g" || r.GenerationID != 4 || r.MemberID != "member-1" || r.TransactionalID != "g.exactly-once-m1" {
				t.Errorf("TxnOffsetCommit for group %s, generation %d, member %q, transactional id %s", r.GroupID, r.GenerationID, r.MemberID, r.TransactionalID)
			}
			if o := r.Topics["in"][0].Offset; o <= last {
				t.Errorf("offset %d committed after %d", o, last)
			} else {
				last = o
			}
		}
	}
	if last != 25 {
		t.Errorf("last offset committed %d, want 25", last)
	}
	var events []string
	err := worker.ReadJournal(s.Ledger, func(e MemberEvent) { events = append(events, e.Event) })
	if err != nil || len(events) < 4 || events[0] != EvStart || events[1] != EvSession || events[2] != EvClaim || events[len(events)-1] != EvStop {
		t.Errorf("member events %v (%v): want start, session, claim, ..., stop", events, err)
	}
}

// runMockMember runs member exactly-once-m1 of group g against b until
// the 25 records of its input are committed, then stops it, and returns
// its spec.
func runMockMember(t *testing.T, b *sarama.MockBroker) worker.Spec {
	dir := t.TempDir()
	prof := exactlyOnce
	base := testBase
	base.Version = "2.5.0"
	s := worker.Spec{
		Role: worker.RoleConsume, Name: "exactly-once-m1", Brokers: []string{b.Addr()}, Client: base, Base: time.Now(),
		Topic: "in", Output: "out", Group: "g", Consumer: &prof,
		Ledger: filepath.Join(dir, "m1.jsonl"), Txns: filepath.Join(dir, "m1.txns.jsonl"), Effects: filepath.Join(dir, "effects.jsonl"),
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- RunMember(ctx, s, t.Logf) }()
	for committed(t, s.Txns) < 25 && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := committed(t, s.Txns); n != 25 {
		t.Fatalf("%d records committed, want 25", n)
	}
	return s
}

// TestRunMemberReconsumesAfterAbort: output refused aborts the first
// transaction and ends the session; the member joins again, resumes at
// the committed offset (none: the oldest) and commits every record.
func TestRunMemberReconsumesAfterAbort(t *testing.T) {
	refuse := sarama.NewMockProduceResponse(t).SetError("out", 0, sarama.ErrMessageSizeTooLarge)
	b := mockGroupBroker(t, 25, map[string]sarama.MockResponse{"ProduceRequest": sarama.NewMockSequence(refuse, sarama.NewMockProduceResponse(t))})
	s := runMockMember(t, b)
	var ends []bool
	joins := 0
	for _, rr := range b.History() {
		switch r := rr.Request.(type) {
		case *sarama.EndTxnRequest:
			ends = append(ends, r.TransactionResult)
		case *sarama.JoinGroupRequest:
			joins++
		}
	}
	if len(ends) < 2 || ends[0] || joins < 2 {
		t.Errorf("EndTxn commits %v after %d joins: want an abort first, then a second session", ends, joins)
	}
	txns, err := ReadTxns(s.Txns)
	if err != nil || txns[0].Status != ledger.TxnAborted || txns[0].Error == "" {
		t.Errorf("first transaction %+v (%v): want aborted, with the error", txns[0], err)
	}
}

// committed counts the records of the committed transactions journalled
// at path.
func committed(t *testing.T, path string) int {
	txns, err := ReadTxns(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range txns {
		if r.Status == ledger.TxnCommitted {
			n += r.Count
		}
	}
	return n
}
