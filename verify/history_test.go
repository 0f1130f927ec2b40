package verify

import (
	"fmt"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// history builds a clean producer ledger and the log an auditor would read
// back from it, for tests to plant anomalies into.
type history struct {
	entries []ledger.Entry
	records []ledger.Record
	next    map[int32]int64 // next free offset per partition
}

func id(seq int64) string { return fmt.Sprintf("p-%08d", seq) }

// newHistory: n messages with seq 0..n-1, round-robin over parts
// partitions, all acknowledged, believed and present exactly once.
func newHistory(n, parts int) *history {
	h := &history{next: map[int32]int64{}}
	for i := range n {
		seq := int64(i)
		p := int32(i % parts)
		off := h.next[p]
		h.next[p]++
		h.entries = append(h.entries, ledger.Entry{
			ID: id(seq), Seq: seq, Status: ledger.Acked, Partition: p, Offset: off, Believed: true,
		})
		h.records = append(h.records, ledger.Record{ID: id(seq), Seq: seq, Partition: p, Offset: off})
	}
	return h
}

func (h *history) entry(seq int64) *ledger.Entry {
	if seq >= 0 && seq < int64(len(h.entries)) && h.entries[seq].Seq == seq {
		return &h.entries[seq]
	}
	for i := range h.entries {
		if h.entries[i].Seq == seq {
			return &h.entries[i]
		}
	}
	panic(fmt.Sprintf("no entry with seq %d", seq))
}

// drop removes every copy of these messages from the log.
func (h *history) drop(seqs ...int64) {
	gone := map[string]bool{}
	for _, s := range seqs {
		gone[id(s)] = true
	}
	kept := h.records[:0]
	for _, r := range h.records {
		if !gone[r.ID] {
			kept = append(kept, r)
		}
	}
	h.records = kept
}

// appendAt writes a record at the end of a partition, as a retry or a
// stray producer would.
func (h *history) appendAt(p int32, recID string, seq int64) {
	off := h.next[p]
	h.next[p]++
	h.records = append(h.records, ledger.Record{ID: recID, Seq: seq, Partition: p, Offset: off})
}

// copyToEnd appends another copy of a message at the end of its partition.
func (h *history) copyToEnd(seq int64) {
	e := h.entry(seq)
	h.appendAt(e.Partition, e.ID, seq)
}

// moveToEnd moves a message to the end of its partition, after messages
// sent later; the entry keeps claiming the old offset unless fixed.
func (h *history) moveToEnd(seq int64) {
	h.drop(seq)
	h.copyToEnd(seq)
	e := h.entry(seq)
	e.Offset = h.next[e.Partition] - 1
}

func (h *history) params(expect ...schema.Guarantee) Params {
	return Params{Profile: "test", Entries: h.entries, Records: h.records, Expect: expect}
}
