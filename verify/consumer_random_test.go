package verify

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// plantConsumer builds a clean consumer run and plants a random number of
// every consumer anomaly at random, disjoint messages, with the counts and
// examples the verifier must report. Every choice comes from seed.
func plantConsumer(seed int64) (ConsumerParams, schema.ConsumerCounts, map[string][]string) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x636f6e73))
	n := 200 + rng.IntN(2000)
	h := newConsumerHistory(n, 1+rng.IntN(8))
	pool := rng.Perm(n)
	take := func() []int64 {
		k := rng.IntN(11)
		out := make([]int64, k)
		for i := range out {
			out[i] = int64(pool[i])
		}
		pool = pool[k:]
		return out
	}
	var (
		unprocessed, skipped, notInLog, dup = take(), take(), take(), take()
		dead, both, deadTwice, unknownInLog = take(), take(), take(), take()
		unknownAbsent                       = take()
		c                                   = schema.ConsumerCounts{Required: n - len(unknownAbsent)}
		neverProcessed                      = slices.Concat(unprocessed, skipped, notInLog, unknownInLog)
	)
	h.unprocess(unprocessed...)
	h.skip(skipped...)
	h.drop(notInLog...)
	h.unprocess(notInLog...)
	for _, s := range dup {
		for range 1 + rng.IntN(3) {
			h.effects = append(h.effects, h.rec(s))
			c.DuplicateEffects++
		}
	}
	h.deadLetter(dead...)
	for _, s := range both {
		h.dead = append(h.dead, h.rec(s))
	}
	h.deadLetter(deadTwice...)
	for _, s := range deadTwice {
		for range 1 + rng.IntN(2) {
			h.dead = append(h.dead, h.rec(s))
			c.DeadLetterCopies++
		}
	}
	for _, s := range unknownInLog {
		h.entry(s).Status = ledger.Unknown
		h.unprocess(s)
	}
	for _, s := range unknownAbsent {
		h.entry(s).Status = ledger.Pending
		h.drop(s)
		h.unprocess(s)
	}
	var unexpected []sample
	for i := range rng.IntN(6) {
		u := sample{seq: rng.Int64N(int64(n) * 2), id: fmt.Sprintf("u-%d", i)}
		unexpected = append(unexpected, u)
		r := ledger.Record{ID: u.id, Seq: u.seq}
		switch rng.IntN(3) {
		case 0:
			h.effects = append(h.effects, r)
		case 1:
			h.dead = append(h.dead, r)
		default:
			h.effects, h.dead = append(h.effects, r), append(h.dead, r)
		}
	}
	for _, rs := range [][]ledger.Record{h.records, h.effects, h.dead} {
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
	}

	c.DeadLettered = len(dead) + len(both) + len(deadTwice)
	c.Processed = c.Required - len(neverProcessed) - len(dead) - len(deadTwice)
	c.NeverProcessed = len(neverProcessed)
	c.SkippedAfterFailure = len(skipped)
	c.NotInLog = len(notInLog)
	c.Effects = len(h.effects)
	c.DuplicatedIDs = len(dup)
	c.ProcessedAndDeadLettered = len(both)
	c.UnexpectedOutcomes = len(unexpected)

	ex := map[string][]string{}
	for name, seqs := range map[string][]int64{
		schema.AnomalyNeverProcessed: neverProcessed, schema.AnomalySkippedAfterFailure: skipped, schema.AnomalyNotInLog: notInLog,
		schema.AnomalyDuplicateEffects: dup, schema.AnomalyDeadLetteredTwice: deadTwice, schema.AnomalyProcessedAndDeadLettered: both,
	} {
		seqs = slices.Sorted(slices.Values(seqs))
		for _, s := range seqs[:min(len(seqs), maxExamples)] {
			ex[name] = append(ex[name], id(s))
		}
	}
	slices.SortFunc(unexpected, func(a, b sample) int { return cmp.Or(cmp.Compare(a.seq, b.seq), cmp.Compare(a.id, b.id)) })
	for _, u := range unexpected[:min(len(unexpected), maxExamples)] {
		ex[schema.AnomalyUnexpectedOutcome] = append(ex[schema.AnomalyUnexpectedOutcome], u.id)
	}
	if len(ex) == 0 {
		ex = nil
	}
	return h.params(allConsumer...), c, ex
}

func checkPlantedConsumer(t *testing.T, seed int64) {
	t.Helper()
	p, want, examples := plantConsumer(seed)
	got := Consumer(p)
	checkVerdict(t, seed, got.Counts, want, got.Examples, examples, got.Status, got.Violations,
		want.NeverProcessed, want.DuplicateEffects, want.ProcessedAndDeadLettered)
}

func TestConsumerRandomPlanted(t *testing.T) {
	for seed := range int64(200) {
		checkPlantedConsumer(t, seed)
	}
}

func FuzzConsumer(f *testing.F) {
	for _, seed := range []int64{0, 1, 42, 1 << 40, -7} {
		f.Add(seed)
	}
	f.Fuzz(checkPlantedConsumer)
}
