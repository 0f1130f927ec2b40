package verify

import (
	"testing"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// benchHistory: a million messages over six partitions with a few hundred
// anomalies of each kind, built once outside the timer.
func benchHistory() *history {
	const n, parts = 1_000_000, 6
	h := newHistory(n, parts)
	var lost []int64
	for s := int64(1000); s < n-1000; s += 5000 {
		lost = append(lost, s)
		h.entry(s + 1).Status = ledger.Unknown
		h.entry(s + 2).Status = ledger.Failed
		h.entry(s + 3).Offset += 10
		h.copyToEnd(s + 4)
	}
	h.drop(lost...)
	for s := int64(500); s < n-1000; s += 50000 {
		h.moveToEnd(s)
	}
	h.appendAt(0, "stray", 7)
	return h
}

func BenchmarkProducer1M(b *testing.B) {
	h := benchHistory()
	// An auditor reading partitions one after another hands records over in
	// log order; one reading them concurrently interleaves partitions.
	inOrder := make([]ledger.Record, 0, len(h.records))
	for p := range int32(6) {
		for _, r := range h.records {
			if r.Partition == p {
				inOrder = append(inOrder, r)
			}
		}
	}
	for _, bc := range []struct {
		name    string
		records []ledger.Record
	}{
		{"log-order", inOrder},
		{"interleaved", h.records},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p := Params{Profile: "bench", Entries: h.entries, Records: bc.records, Expect: schema.AllGuarantees()}
			b.ReportAllocs()
			var r schema.Verdict
			for b.Loop() {
				r = Producer(p)
			}
			if c := r.Counts; c.Attempted != 1_000_000 || c.Lost == 0 || c.Duplicates == 0 || c.Reordered == 0 || c.Unexpected != 1 {
				b.Fatalf("unexpected counts %+v", c)
			}
		})
	}
}
