package verify

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// planted is a history with a known number of every anomaly.
type planted struct {
	params   Params
	counts   schema.Counts
	examples map[string][]string
}

// plantRandom builds a clean history and plants a random number of each
// anomaly at random, disjoint messages. Every choice comes from seed.
func plantRandom(seed int64) planted {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6b61666b61))
	n := 200 + rng.IntN(2000)
	parts := 1 + rng.IntN(8)
	h := newHistory(n, parts)

	// The last message of each partition stays clean, so every message
	// moved to the end lands after a higher seq and reorders exactly once.
	var pool []int64
	for s := range int64(n - parts) {
		pool = append(pool, s)
	}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	take := func() []int64 {
		k := rng.IntN(11)
		out := pool[:k]
		pool = pool[k:]
		return out
	}
	var (
		lost, failedBelieved, absentUnknown, dup, paf, pau = take(), take(), take(), take(), take(), take()
		reordered, mismatch, acks0, repeated               = take(), take(), take(), take()
		believedLost                                       = slices.Concat(lost, failedBelieved)
		c                                                  = schema.Counts{Attempted: n}
	)

	h.drop(lost...)
	for _, s := range failedBelieved {
		h.entry(s).Status = ledger.Failed
	}
	h.drop(failedBelieved...)
	for _, s := range absentUnknown {
		e := h.entry(s)
		e.Status = indeterminate(rng)
		if e.Believed = rng.IntN(2) == 0; e.Believed {
			believedLost = append(believedLost, s)
		} else {
			c.Believed--
		}
	}
	h.drop(absentUnknown...)
	for _, s := range dup {
		for range 1 + rng.IntN(3) {
			h.copyToEnd(s)
			c.Duplicates++
		}
	}
	for _, s := range paf {
		e := h.entry(s)
		e.Status, e.Believed = ledger.Failed, false
	}
	for _, s := range pau {
		e := h.entry(s)
		e.Status, e.Believed = indeterminate(rng), false
	}
	for _, s := range reordered {
		h.moveToEnd(s)
	}
	for _, s := range mismatch {
		h.entry(s).Offset += 1 << 40
	}
	for _, s := range acks0 {
		h.entry(s).Offset = -1
	}
	for _, s := range repeated {
		i := slices.IndexFunc(h.records, func(r ledger.Record) bool { return r.ID == id(s) })
		for range 1 + rng.IntN(2) {
			h.records = append(h.records, h.records[i])
			c.RepeatedRecords++
		}
	}
	var unexpected []sample
	for i := range rng.IntN(11) {
		u := sample{seq: rng.Int64N(int64(n) * 2), id: fmt.Sprintf("u-%d", i)}
		unexpected = append(unexpected, u)
		for range 1 + rng.IntN(2) {
			h.appendAt(int32(rng.IntN(parts)), u.id, u.seq)
		}
	}

	// Layouts the auditor and the workload may produce: log order, fully
	// shuffled, or partitions interleaved; ledgers in attempt order or not;
	// dense or sparse seqs.
	switch rng.IntN(3) {
	case 0:
		slices.SortStableFunc(h.records, func(a, b ledger.Record) int { return cmpLogPos(&a, &b) })
	case 1:
		rng.Shuffle(len(h.records), func(i, j int) { h.records[i], h.records[j] = h.records[j], h.records[i] })
	}
	if rng.IntN(2) == 0 {
		rng.Shuffle(len(h.entries), func(i, j int) { h.entries[i], h.entries[j] = h.entries[j], h.entries[i] })
	}
	if rng.IntN(3) == 0 {
		for i := range h.entries {
			h.entries[i].Seq *= 7
		}
		for i := range h.records {
			if h.records[i].ID[0] == 'p' {
				h.records[i].Seq *= 7
			}
		}
	}

	c.Acked = n - len(failedBelieved) - len(absentUnknown) - len(paf) - len(pau)
	c.Failed = len(failedBelieved) + len(paf)
	c.Unknown = len(absentUnknown) + len(pau)
	c.Believed += n - len(paf) - len(pau)
	c.Present = n - len(lost) - len(failedBelieved) - len(absentUnknown)
	c.Lost = len(lost)
	c.BelievedLost = len(believedLost)
	c.DuplicatedIDs = len(dup)
	c.PresentAlthoughFailed = len(paf)
	c.PresentAlthoughUnknown = len(pau)
	c.Reordered = len(reordered)
	c.Unexpected = len(unexpected)
	c.AckedOffsetMismatch = len(mismatch)

	ex := map[string][]string{}
	for name, seqs := range map[string][]int64{
		schema.AnomalyLost: lost, schema.AnomalyBelievedLost: believedLost, schema.AnomalyDuplicates: dup,
		schema.AnomalyPresentAlthoughFailed: paf, schema.AnomalyPresentAlthoughUnknown: pau,
		schema.AnomalyReordered: reordered, schema.AnomalyAckedOffsetMismatch: mismatch,
	} {
		seqs = slices.Sorted(slices.Values(seqs))
		for _, s := range seqs[:min(len(seqs), maxExamples)] {
			ex[name] = append(ex[name], id(s))
		}
	}
	slices.SortFunc(unexpected, func(a, b sample) int { return cmp.Or(cmp.Compare(a.seq, b.seq), cmp.Compare(a.id, b.id)) })
	for _, u := range unexpected[:min(len(unexpected), maxExamples)] {
		ex[schema.AnomalyUnexpected] = append(ex[schema.AnomalyUnexpected], u.id)
	}
	if len(ex) == 0 {
		ex = nil
	}
	return planted{params: h.params(schema.AllGuarantees()...), counts: c, examples: ex}
}

func indeterminate(rng *rand.Rand) ledger.Status {
	if rng.IntN(2) == 0 {
		return ledger.Pending
	}
	return ledger.Unknown
}

func checkPlanted(t *testing.T, seed int64) {
	t.Helper()
	p := plantRandom(seed)
	got := Producer(p.params)
	c := p.counts
	checkVerdict(t, seed, got.Counts, c, got.Examples, p.examples, got.Status, got.Violations,
		c.Lost, c.BelievedLost, c.Duplicates, c.PresentAlthoughFailed, c.Reordered)
}

// checkVerdict compares a verdict with what was planted: the counts, the
// example ids, and one violation (and a fail) per judged anomaly that was
// planted at least once.
func checkVerdict[C comparable](t *testing.T, seed int64, got, want C, gotEx, wantEx map[string][]string, status schema.Status, violations []string, judged ...int) {
	t.Helper()
	if got != want {
		t.Fatalf("seed %d: counts:\n got %+v\nwant %+v", seed, got, want)
	}
	if !reflect.DeepEqual(gotEx, wantEx) {
		t.Fatalf("seed %d: examples:\n got %v\nwant %v", seed, gotEx, wantEx)
	}
	broken := 0
	for _, n := range judged {
		if n > 0 {
			broken++
		}
	}
	wantStatus := schema.Pass
	if broken > 0 {
		wantStatus = schema.Fail
	}
	if status != wantStatus || len(violations) != broken {
		t.Fatalf("seed %d: status %q with violations %q, want %q with %d", seed, status, violations, wantStatus, broken)
	}
}

func TestProducerRandomPlanted(t *testing.T) {
	for seed := range int64(200) {
		checkPlanted(t, seed)
	}
}

func FuzzProducer(f *testing.F) {
	for _, seed := range []int64{0, 1, 42, 1 << 40, -7} {
		f.Add(seed)
	}
	f.Fuzz(checkPlanted)
}
