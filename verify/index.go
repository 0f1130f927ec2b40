package verify

import (
	"cmp"
	"slices"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// entryIndex finds a ledger entry from an audit record. Workloads number
// messages with a dense seq, so the common case is a slice lookup by seq
// confirmed by id: 4 bytes per entry, where a string-keyed map of a million
// ids costs tens of megabytes. Records that miss it (unexpected ids, or a
// record whose seq disagrees with the ledger) are resolved through a map
// holding only those ids. A ledger whose seqs are sparse or repeated gets a
// full map by id.
type entryIndex struct {
	entries []ledger.Entry
	base    int64
	bySeq   []int32          // entry index by seq-base, -1 for none; nil if unusable
	byID    map[string]int32 // ids bySeq cannot resolve; -1 when not in the ledger
}

// maxSeqSpread bounds the seq range the slice index covers, relative to the
// number of entries, so a sparse numbering cannot blow up memory.
const maxSeqSpread = 2

func newEntryIndex(entries []ledger.Entry, records []ledger.Record) *entryIndex {
	x := &entryIndex{entries: entries, bySeq: seqIndex(entries)}
	if x.bySeq != nil {
		x.base = entries[0].Seq
		for i := range entries {
			x.base = min(x.base, entries[i].Seq)
		}
		for i := range records {
			r := &records[i]
			if x.fromSeq(r.ID, r.Seq) < 0 {
				if x.byID == nil {
					x.byID = make(map[string]int32)
				}
				x.byID[r.ID] = -1
			}
		}
		if x.byID == nil {
			return x
		}
		for i := range entries {
			if j, ok := x.byID[entries[i].ID]; ok && j < 0 {
				x.byID[entries[i].ID] = int32(i)
			}
		}
		return x
	}
	x.byID = make(map[string]int32, len(entries))
	for i := range entries {
		// First attempt wins, as with the seq index.
		if _, dup := x.byID[entries[i].ID]; !dup {
			x.byID[entries[i].ID] = int32(i)
		}
	}
	return x
}

// seqIndex maps seq-min(seq) to the entry index, or returns nil when seqs
// are too sparse or not unique.
func seqIndex(entries []ledger.Entry) []int32 {
	if len(entries) == 0 {
		return nil
	}
	lo, hi := entries[0].Seq, entries[0].Seq
	for i := range entries {
		lo, hi = min(lo, entries[i].Seq), max(hi, entries[i].Seq)
	}
	span := uint64(hi - lo)
	if span >= uint64(maxSeqSpread*len(entries)+16) {
		return nil
	}
	bySeq := make([]int32, span+1)
	for k := range bySeq {
		bySeq[k] = -1
	}
	for i := range entries {
		k := entries[i].Seq - lo
		if bySeq[k] >= 0 {
			return nil
		}
		bySeq[k] = int32(i)
	}
	return bySeq
}

func (x *entryIndex) fromSeq(id string, seq int64) int32 {
	if k := seq - x.base; k >= 0 && k < int64(len(x.bySeq)) {
		if j := x.bySeq[k]; j >= 0 && x.entries[j].ID == id {
			return j
		}
	}
	return -1
}

// lookup returns the index of the entry with this id, or -1. seq is only a
// hint; the id decides.
func (x *entryIndex) lookup(id string, seq int64) int32 {
	if x.bySeq != nil {
		if j := x.fromSeq(id, seq); j >= 0 {
			return j
		}
	}
	if j, ok := x.byID[id]; ok {
		return j
	}
	return -1
}

// logOrder returns the record indices in log order: partition ascending,
// offset ascending, ties kept in input order. It returns nil when records are
// already in that order, which is what a sequential auditor produces. An
// auditor reading partitions concurrently interleaves them; grouping by
// partition first keeps that case linear.
func logOrder(rs []ledger.Record) []int32 {
	sorted := true
	for i := 1; i < len(rs) && sorted; i++ {
		sorted = cmpLogPos(&rs[i-1], &rs[i]) <= 0
	}
	if sorted {
		return nil
	}
	start := make(map[int32]int)
	for i := range rs {
		start[rs[i].Partition]++
	}
	parts := make([]int32, 0, len(start))
	for p := range start {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	bounds := make([]int, 0, len(parts)+1)
	next := 0
	for _, p := range parts {
		bounds = append(bounds, next)
		n := start[p]
		start[p] = next
		next += n
	}
	bounds = append(bounds, next)
	order := make([]int32, len(rs))
	for i := range rs {
		p := rs[i].Partition
		order[start[p]] = int32(i)
		start[p]++
	}
	byOffset := func(a, b int32) int { return cmp.Compare(rs[a].Offset, rs[b].Offset) }
	for k := 0; k+1 < len(bounds); k++ {
		part := order[bounds[k]:bounds[k+1]]
		if !slices.IsSortedFunc(part, byOffset) {
			slices.SortStableFunc(part, byOffset)
		}
	}
	return order
}

func cmpLogPos(a, b *ledger.Record) int {
	if c := cmp.Compare(a.Partition, b.Partition); c != 0 {
		return c
	}
	return cmp.Compare(a.Offset, b.Offset)
}
