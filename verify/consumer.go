package verify

import (
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// ConsumerParams is the input for verifying one consumer profile: what its
// input producer learned, what the auditor read from the input and the
// dead-letter topics, and what the application recorded.
type ConsumerParams struct {
	Profile string
	// Entries is the ledger of the producer that fed the input topic.
	Entries []ledger.Entry
	// Log is everything the auditor read from the input topic.
	Log []ledger.Record
	// Effects holds one record per side effect the application applied
	// (the effect store's "effect" lines), any order.
	Effects []ledger.Record
	// DeadLetters is everything the auditor read from the dead-letter
	// topic: the truth about dead-lettering, whatever the application
	// believes it published.
	DeadLetters []ledger.Record
	// Skipped lists the messages the application logged as given up after
	// a failed processing step, without dead-lettering them (C1).
	Skipped []ledger.Record
	// Metrics are passed through to the result.
	Metrics schema.ConsumerMetrics
	Expect  schema.ConsumerExpectation
	// Window and MinExposure as in Params; Effects carry their times.
	Window      *schema.Window
	MinExposure int
}

// Consumer checks that every message the consumer had to handle ended as
// exactly one of processed or dead-lettered, and counts what did not.
func Consumer(p ConsumerParams) schema.ConsumerVerdict {
	seq := map[string]int64{}
	required := map[string]bool{} // id -> present in the input log
	for _, e := range p.Entries {
		seq[e.ID] = e.Seq
		if e.Status == ledger.Acked {
			if _, ok := required[e.ID]; !ok {
				required[e.ID] = false
			}
		}
	}
	for _, r := range p.Log {
		seq[r.ID] = r.Seq
		required[r.ID] = true
	}
	tally := func(recs []ledger.Record) map[string]int {
		n := make(map[string]int, len(recs))
		for _, r := range recs {
			n[r.ID]++
			if _, ok := seq[r.ID]; !ok {
				seq[r.ID] = r.Seq
			}
		}
		return n
	}
	effects, dead, skipped := tally(p.Effects), tally(p.DeadLetters), tally(p.Skipped)

	c := schema.ConsumerCounts{Required: len(required), Effects: len(p.Effects)}
	ex := exampleSet{}
	for id, inLog := range required {
		s := seq[id]
		applied, dl := effects[id], dead[id]
		if applied > 0 {
			c.Processed++
		}
		if applied > 1 {
			c.DuplicateEffects += applied - 1
			c.DuplicatedIDs++
			ex.add(schema.AnomalyDuplicateEffects, s, id)
		}
		if dl > 0 {
			c.DeadLettered++
		}
		if dl > 1 {
			c.DeadLetterCopies += dl - 1
			ex.add(schema.AnomalyDeadLetteredTwice, s, id)
		}
		if applied > 0 && dl > 0 {
			c.ProcessedAndDeadLettered++
			ex.add(schema.AnomalyProcessedAndDeadLettered, s, id)
		}
		if applied > 0 || dl > 0 {
			continue
		}
		c.NeverProcessed++
		ex.add(schema.AnomalyNeverProcessed, s, id)
		if skipped[id] > 0 {
			c.SkippedAfterFailure++
			ex.add(schema.AnomalySkippedAfterFailure, s, id)
		}
		if !inLog {
			c.NotInLog++
			ex.add(schema.AnomalyNotInLog, s, id)
		}
	}
	for id := range effects {
		if _, ok := required[id]; !ok {
			c.UnexpectedOutcomes++
			ex.add(schema.AnomalyUnexpectedOutcome, seq[id], id)
		}
	}
	for id := range dead {
		if _, ok := required[id]; !ok && effects[id] == 0 {
			c.UnexpectedOutcomes++
			ex.add(schema.AnomalyUnexpectedOutcome, seq[id], id)
		}
	}
	r := schema.ConsumerVerdict{
		Profile:  p.Profile,
		Expected: append(schema.ConsumerExpectation{}, p.Expect...),
		Counts:   c,
		Metrics:  p.Metrics,
		Examples: ex.result(),
		Exposure: consumerExposure(p),
	}
	r.Judge()
	return r
}
