package verify

import (
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// TxnParams is the input for verifying one transactional producer profile.
type TxnParams struct {
	Profile string
	// Entries is the profile's ledger and Txns its transactions: one
	// producer per ledger, so a transaction's Seq names it.
	Entries []ledger.Entry
	Txns    []ledger.Txn
	// Uncommitted and Committed are everything the auditor read from the
	// profile's topic with isolation.level read_uncommitted and
	// read_committed, all partitions, any order.
	Uncommitted, Committed []ledger.Record
	// LSO is the partitions' last stable offsets as sampled during the
	// run, any order. A partition whose last stable offset stands still
	// below its high watermark for HangAfter or longer is hanging; 0 turns
	// the check off.
	LSO       []ledger.LSOSample
	HangAfter time.Duration
	// Expect lists the guarantees the profile promises; anomalies outside
	// it are counted, not judged.
	Expect schema.TxnExpectation
	// Window and MinExposure as in Params.
	Window      *schema.Window
	MinExposure int
}

// txnCheck is one run of Transactions: the tallies so far, and where
// read_committed showed each id.
type txnCheck struct {
	p  TxnParams
	c  schema.TxnCounts
	ex exampleSet
	// shown holds, per id read_committed showed, the first place it did.
	shown map[string]position
	// written holds the ids read_uncommitted showed.
	written map[string]bool
}

type position struct {
	partition int32
	offset    int64
}

// Transactions checks one transactional producer's ledger against what
// read_committed and read_uncommitted readers found in the log, and its
// partitions' last stable offsets for hanging transactions.
//
// A transaction whose producer never learned how it ended (open or
// unknown) is resolved by what read_committed shows: all of it, committed;
// none, aborted; some, partial, and what it shows counts as read from an
// aborted transaction. One its producer meant to abort never asked for a
// commit, so anything shown of it is an aborted read whatever the rest.
//
// Failed sends are exempt from a committed transaction's completeness: the
// producer was told they failed. One that read_committed shows anyway is
// counted as visible although failed, not judged.
func Transactions(p TxnParams) schema.TxnVerdict {
	tc := &txnCheck{p: p, ex: exampleSet{}, written: map[string]bool{}}
	for _, r := range p.Uncommitted {
		tc.written[r.ID] = true
	}
	tc.scanCommitted()
	txns, msgs := groupTxns(p.Entries, p.Txns)
	for i := range txns {
		tc.transaction(&txns[i], msgs[txns[i].Seq])
	}
	st := stalls(p.LSO, p.HangAfter)
	tc.hanging(st)
	return tc.verdict(st)
}

// scanCommitted indexes the read_committed log by id and counts the ids it
// holds at more than one offset. A record repeating an earlier one's
// partition and offset is the auditor reading it twice, not a duplicate.
func (tc *txnCheck) scanCommitted() {
	tc.shown = make(map[string]position, len(tc.p.Committed))
	dup := map[string]bool{}
	for _, r := range tc.p.Committed {
		at := position{r.Partition, r.Offset}
		first, ok := tc.shown[r.ID]
		switch {
		case !ok:
			tc.shown[r.ID] = at
		case first != at && !dup[r.ID]:
			dup[r.ID] = true
			tc.c.Duplicates++
			tc.ex.add(schema.AnomalyDuplicates, r.Seq, r.ID)
		}
	}
}

// groupTxns returns the transactions and, by Seq, the entries sent in
// each. An entry naming a transaction the ledger lacks gets one of unknown
// outcome, so that its messages are still judged.
func groupTxns(entries []ledger.Entry, txns []ledger.Txn) ([]ledger.Txn, map[int64][]*ledger.Entry) {
	out := append([]ledger.Txn(nil), txns...)
	msgs := make(map[int64][]*ledger.Entry, len(txns))
	for _, t := range txns {
		msgs[t.Seq] = nil
	}
	for i := range entries {
		e := &entries[i]
		if e.Txn == 0 {
			continue
		}
		if _, ok := msgs[e.Txn]; !ok {
			out = append(out, ledger.Txn{TransactionalID: transactionalID(txns), Seq: e.Txn, Status: ledger.TxnUnknown})
		}
		msgs[e.Txn] = append(msgs[e.Txn], e)
	}
	return out, msgs
}

// transactionalID is the ledger's transactional id, "" when it holds no
// transaction.
func transactionalID(txns []ledger.Txn) string {
	if len(txns) == 0 {
		return ""
	}
	return txns[0].TransactionalID
}

// visibility is how much of a transaction read_committed shows.
type visibility int

const (
	noneVisible visibility = iota
	allVisible
	partlyVisible
)

// visibility tells whether read_committed shows all of msgs, none or some.
// A failed send it does not show is not missing: the producer was told.
func (tc *txnCheck) visibility(msgs []*ledger.Entry) visibility {
	shown, missing := 0, 0
	for _, e := range msgs {
		_, ok := tc.shown[e.ID]
		switch {
		case ok:
			shown++
		case e.Status != ledger.Failed:
			missing++
		}
	}
	switch {
	case shown == 0:
		return noneVisible
	case missing == 0:
		return allVisible
	}
	return partlyVisible
}

// transaction judges one transaction by how its producer learned it ended
// and by what read_committed shows of it.
func (tc *txnCheck) transaction(t *ledger.Txn, msgs []*ledger.Entry) {
	tc.c.Transactions++
	tc.c.Messages += len(msgs)
	v := tc.visibility(msgs)
	if v == partlyVisible {
		tc.c.PartialTransactions++
		tc.ex.add(schema.AnomalyPartialTransactions, t.Seq, fmt.Sprintf("%s#%d", t.TransactionalID, t.Seq))
	}
	switch t.Status {
	case ledger.TxnCommitted:
		tc.c.Committed++
		tc.committed(msgs)
	case ledger.TxnAborted:
		tc.c.Aborted++
		tc.aborted(msgs)
	case ledger.TxnOpen:
		tc.c.Open++
		tc.resolve(t, v, msgs)
	default:
		// Unknown, or a status this version does not know: either way no
		// outcome was learned.
		tc.c.Unknown++
		tc.resolve(t, v, msgs)
	}
}

// resolve judges a transaction whose producer never learned how it ended,
// as Transactions says. Nothing shown is resolved aborted, since it cannot
// be told from an abort.
func (tc *txnCheck) resolve(t *ledger.Txn, v visibility, msgs []*ledger.Entry) {
	switch v {
	case noneVisible:
		tc.c.UnknownResolvedAborted++
		return
	case allVisible:
		tc.c.UnknownResolvedCommitted++
	}
	if v == partlyVisible || t.Intent == ledger.IntentAbort {
		tc.aborted(msgs)
		return
	}
	tc.committed(msgs)
}

// committed counts the messages of a committed transaction read_committed
// does not show, and the failed sends it does.
func (tc *txnCheck) committed(msgs []*ledger.Entry) {
	for _, e := range msgs {
		_, shown := tc.shown[e.ID]
		switch {
		case shown && e.Status == ledger.Failed:
			tc.c.VisibleAlthoughFailed++
			tc.ex.add(schema.AnomalyVisibleAlthoughFailed, e.Seq, e.ID)
		case !shown && e.Status != ledger.Failed:
			tc.c.CommittedAbsent++
			tc.ex.add(schema.AnomalyCommittedAbsent, e.Seq, e.ID)
			if tc.written[e.ID] {
				tc.c.CommittedAbsentWritten++
			}
		}
	}
}

// aborted counts the messages of a transaction that did not commit that
// read_committed shows.
func (tc *txnCheck) aborted(msgs []*ledger.Entry) {
	for _, e := range msgs {
		if _, shown := tc.shown[e.ID]; shown {
			tc.c.AbortedRead++
			tc.ex.add(schema.AnomalyAbortedRead, e.Seq, e.ID)
		}
	}
}

// hanging counts the partitions whose stall made them hang.
func (tc *txnCheck) hanging(stalls []schema.PartitionStall) {
	for _, s := range stalls {
		if s.Hanging {
			tc.c.HangingPartitions++
			tc.ex.add(schema.AnomalyHangingPartitions, int64(s.Partition), fmt.Sprintf("partition %d", s.Partition))
		}
	}
}

// verdict judges the counts, with the exposure to the fault window when
// there is one, as Producer does.
func (tc *txnCheck) verdict(stalls []schema.PartitionStall) schema.TxnVerdict {
	r := schema.TxnVerdict{
		Profile:  tc.p.Profile,
		Expected: append(schema.TxnExpectation{}, tc.p.Expect...),
		Counts:   tc.c,
		Examples: tc.ex.result(),
		Stalls:   stalls,
	}
	if tc.p.Window != nil {
		x := TxnExposure(tc.p.Entries, tc.p.Txns, *tc.p.Window, tc.p.MinExposure)
		r.Exposure = &x
	}
	r.Judge()
	return r
}
