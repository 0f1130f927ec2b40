package verify

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// consumerHistory is a clean consumer run over newHistory's input: every
// message processed exactly once. Tests plant anomalies into it.
type consumerHistory struct {
	*history
	effects, dead, skipped []ledger.Record
}

func newConsumerHistory(n, parts int) *consumerHistory {
	h := &consumerHistory{history: newHistory(n, parts)}
	h.effects = slices.Clone(h.records)
	return h
}

func (h *consumerHistory) rec(seq int64) ledger.Record {
	e := h.entry(seq)
	return ledger.Record{ID: e.ID, Seq: seq, Partition: e.Partition, Offset: e.Offset}
}

func without(rs []ledger.Record, seq int64) []ledger.Record {
	return slices.DeleteFunc(rs, func(r ledger.Record) bool { return r.ID == id(seq) })
}

// unprocess removes every side effect of the messages.
func (h *consumerHistory) unprocess(seqs ...int64) {
	for _, s := range seqs {
		h.effects = without(h.effects, s)
	}
}

// deadLetter replaces the messages' side effect by a dead-letter copy.
func (h *consumerHistory) deadLetter(seqs ...int64) {
	for _, s := range seqs {
		h.unprocess(s)
		h.dead = append(h.dead, h.rec(s))
	}
}

// skip: processing failed, the application logged it and moved on.
func (h *consumerHistory) skip(seqs ...int64) {
	for _, s := range seqs {
		h.unprocess(s)
		h.skipped = append(h.skipped, h.rec(s))
	}
}

func (h *consumerHistory) params(expect ...schema.ConsumerGuarantee) ConsumerParams {
	return ConsumerParams{
		Profile: "test", Entries: h.entries, Log: h.records,
		Effects: h.effects, DeadLetters: h.dead, Skipped: h.skipped,
		Metrics: schema.ConsumerMetrics{Retries: 7}, Expect: expect,
	}
}

var allConsumer = schema.ConsumerExpectation{schema.NoProcessingLoss, schema.NoDuplicateEffects, schema.SingleOutcome}

func TestConsumerAnomalies(t *testing.T) {
	cases := []struct {
		name       string
		plant      func(h *consumerHistory)
		expect     schema.ConsumerExpectation
		counts     func(c *schema.ConsumerCounts) // changes from the clean counts
		examples   map[string][]string
		status     schema.Status
		violations []string
	}{
		{name: "clean run passes", expect: allConsumer, status: schema.Pass},
		{
			name:     "dead-lettered is an outcome, not a loss",
			plant:    func(h *consumerHistory) { h.deadLetter(4, 9) },
			expect:   allConsumer,
			counts:   func(c *schema.ConsumerCounts) { c.Processed, c.DeadLettered, c.Effects = 18, 2, 18 },
			status:   schema.Pass,
			examples: nil,
		},
		{
			name:   "never processed after a skip is C1 loss",
			plant:  func(h *consumerHistory) { h.skip(5, 2); h.unprocess(11) },
			expect: schema.ConsumerExpectation{schema.NoProcessingLoss},
			counts: func(c *schema.ConsumerCounts) {
				c.Processed, c.Effects, c.NeverProcessed, c.SkippedAfterFailure = 17, 17, 3, 2
			},
			examples: map[string][]string{
				schema.AnomalyNeverProcessed:      {"p-00000002", "p-00000005", "p-00000011"},
				schema.AnomalySkippedAfterFailure: {"p-00000002", "p-00000005"},
			},
			status:     schema.Fail,
			violations: []string{"every acknowledged message processed or dead-lettered: 3 never processed (e.g. p-00000002, p-00000005, p-00000011)"},
		},
		{
			name:   "duplicate side effects, not promised",
			plant:  func(h *consumerHistory) { h.effects = append(h.effects, h.rec(3), h.rec(3), h.rec(8)) },
			expect: schema.ConsumerExpectation{schema.NoProcessingLoss},
			counts: func(c *schema.ConsumerCounts) { c.Effects, c.DuplicateEffects, c.DuplicatedIDs = 23, 3, 2 },
			examples: map[string][]string{
				schema.AnomalyDuplicateEffects: {"p-00000003", "p-00000008"},
			},
			status: schema.Pass,
		},
		{
			name: "processed and dead-lettered, dead-lettered twice",
			plant: func(h *consumerHistory) {
				h.dead = append(h.dead, h.rec(6))
				h.deadLetter(1)
				h.dead = append(h.dead, h.rec(1))
			},
			expect: allConsumer,
			counts: func(c *schema.ConsumerCounts) {
				c.Processed, c.Effects, c.DeadLettered, c.ProcessedAndDeadLettered, c.DeadLetterCopies = 19, 19, 2, 1, 1
			},
			examples: map[string][]string{
				schema.AnomalyProcessedAndDeadLettered: {"p-00000006"},
				schema.AnomalyDeadLetteredTwice:        {"p-00000001"},
			},
			status:     schema.Fail,
			violations: []string{"no message both processed and dead-lettered: 1 processed and dead-lettered (e.g. p-00000006)"},
		},
		{
			name: "acknowledged but absent from the input log",
			plant: func(h *consumerHistory) {
				h.drop(7)
				h.unprocess(7)
			},
			expect: schema.ConsumerExpectation{schema.NoDuplicateEffects},
			counts: func(c *schema.ConsumerCounts) { c.Processed, c.Effects, c.NeverProcessed, c.NotInLog = 19, 19, 1, 1 },
			examples: map[string][]string{
				schema.AnomalyNeverProcessed: {"p-00000007"},
				schema.AnomalyNotInLog:       {"p-00000007"},
			},
			status: schema.Pass,
		},
		{
			name: "an indeterminate send in the log must be processed; one absent need not",
			plant: func(h *consumerHistory) {
				h.entry(12).Status = ledger.Unknown
				h.unprocess(12)
				h.entry(13).Status = ledger.Unknown
				h.drop(13)
				h.unprocess(13)
			},
			expect: allConsumer,
			counts: func(c *schema.ConsumerCounts) { c.Required, c.Processed, c.Effects, c.NeverProcessed = 19, 18, 18, 1 },
			examples: map[string][]string{
				schema.AnomalyNeverProcessed: {"p-00000012"},
			},
			status:     schema.Fail,
			violations: []string{"every acknowledged message processed or dead-lettered: 1 never processed (e.g. p-00000012)"},
		},
		{
			name: "outcomes for ids never required",
			plant: func(h *consumerHistory) {
				h.effects = append(h.effects, ledger.Record{ID: "x-1", Seq: 1})
				h.dead = append(h.dead, ledger.Record{ID: "x-1", Seq: 1}, ledger.Record{ID: "x-2", Seq: 2})
			},
			expect:   allConsumer,
			counts:   func(c *schema.ConsumerCounts) { c.Effects, c.UnexpectedOutcomes = 21, 2 },
			examples: map[string][]string{schema.AnomalyUnexpectedOutcome: {"x-1", "x-2"}},
			status:   schema.Pass,
		},
		{
			name:       "unknown guarantee is never kept",
			expect:     schema.ConsumerExpectation{"exactly-once, somehow"},
			status:     schema.Fail,
			violations: []string{`unknown consumer guarantee "exactly-once, somehow": cannot be checked`},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newConsumerHistory(20, 3)
			if tc.plant != nil {
				tc.plant(h)
			}
			got := Consumer(h.params(tc.expect...))
			want := schema.ConsumerCounts{Required: 20, Processed: 20, Effects: 20}
			if tc.counts != nil {
				tc.counts(&want)
			}
			if got.Counts != want {
				t.Errorf("counts:\n got %+v\nwant %+v", got.Counts, want)
			}
			if !reflect.DeepEqual(got.Examples, tc.examples) {
				t.Errorf("examples: got %v, want %v", got.Examples, tc.examples)
			}
			if got.Status != tc.status || !slices.Equal(got.Violations, tc.violations) {
				t.Errorf("status %q, violations %q; want %q, %q", got.Status, got.Violations, tc.status, tc.violations)
			}
			if got.Metrics.Retries != 7 {
				t.Errorf("metrics not passed through: %+v", got.Metrics)
			}
		})
	}
}

func TestConsumerErrNamesTheGuarantee(t *testing.T) {
	h := newConsumerHistory(10, 2)
	h.unprocess(3)
	h.effects = append(h.effects, h.rec(4))
	err := Consumer(h.params(allConsumer...)).Err()
	var v *schema.ConsumerViolation
	if !errors.As(err, &v) || v.Guarantee != schema.NoProcessingLoss || v.Count != 1 {
		t.Fatalf("Err() = %v, want a NoProcessingLoss violation first", err)
	}
	if n := len(Consumer(h.params(allConsumer...)).Violations); n != 2 {
		t.Errorf("want 2 violations, got %d", n)
	}
}

func TestConsumerWithNothingToConsumeIsUnknown(t *testing.T) {
	got := Consumer(ConsumerParams{Profile: "empty", Expect: allConsumer})
	if got.Status != schema.Unknown || got.Err() != nil {
		t.Fatalf("status %q, err %v; want unknown and no error", got.Status, got.Err())
	}
}
