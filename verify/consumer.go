package verify

import "github.com/kafka-chaos/kafka-chaos/ledger"

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
	Metrics ConsumerMetrics
	Expect  ConsumerExpectation
	// Window and MinExposure as in Params; Effects carry their times.
	Window      *Window
	MinExposure int
}

// ConsumerMetrics are what the application's members reported about
// themselves, summed over every member process of the group.
type ConsumerMetrics struct {
	// Retries counts failed attempts that were retried in place.
	Retries int `json:"retries"`
	// DeadLetterSends counts messages the members published to the
	// dead-letter topic (the audit of that topic is the truth).
	DeadLetterSends int `json:"dead_letter_sends"`
	// Skips counts messages given up after a failure without dead-letter.
	Skips int `json:"skips"`
	// Deduplicated counts re-deliveries the idempotent store absorbed.
	Deduplicated int `json:"deduplicated"`
	// GroupErrors counts errors the consumer group reported (commits,
	// heartbeats, fetches, dead-letter publishes).
	GroupErrors int `json:"group_errors"`
	// Sessions counts group generations the members went through: one per
	// member at start, one more per member per rebalance.
	Sessions int `json:"sessions"`
	// Members counts member processes started.
	Members int `json:"members"`
	// AbandonedAtExit counts received messages a member left unprocessed
	// when it exited cleanly (on-receive applications do not drain).
	AbandonedAtExit int `json:"abandoned_at_exit"`
}

// ConsumerCounts are per-message tallies of one consumer profile.
type ConsumerCounts struct {
	// Required counts distinct ids the application had to handle: those
	// the input producer saw acknowledged, and any other found in the
	// input log (an indeterminate send that was written).
	Required     int `json:"required"`
	Processed    int `json:"processed"`
	DeadLettered int `json:"dead_lettered"`
	// NeverProcessed: required, no side effect, not dead-lettered: loss.
	NeverProcessed int `json:"never_processed"`
	// SkippedAfterFailure: the part of NeverProcessed the application
	// logged as skipped after a failure (C1); the rest it never handled
	// at all (C2, C3).
	SkippedAfterFailure int `json:"skipped_after_failure"`
	// NotInLog: the part of NeverProcessed that was acknowledged but is
	// absent from the input log: lost before any consumer could see it.
	NotInLog int `json:"not_in_log"`
	// Effects counts side effects applied, duplicates included.
	Effects int `json:"effects"`
	// DuplicateEffects counts extra side effects (an id applied three
	// times adds two); DuplicatedIDs the ids that have any.
	DuplicateEffects         int `json:"duplicate_effects"`
	DuplicatedIDs            int `json:"duplicated_ids"`
	ProcessedAndDeadLettered int `json:"processed_and_dead_lettered"`
	// DeadLetterCopies counts extra copies in the dead-letter topic.
	DeadLetterCopies int `json:"dead_letter_copies"`
	// UnexpectedOutcomes counts distinct ids processed or dead-lettered
	// that were never required: neither acknowledged nor in the log.
	UnexpectedOutcomes int `json:"unexpected_outcomes"`
}

// ConsumerResult is the verdict on one consumer profile.
type ConsumerResult struct {
	Profile    string              `json:"profile"`
	Status     Status              `json:"status"`
	Reason     string              `json:"reason,omitempty"`
	Expected   ConsumerExpectation `json:"expected"`
	Counts     ConsumerCounts      `json:"counts"`
	Metrics    ConsumerMetrics     `json:"metrics"`
	Examples   map[string][]string `json:"examples,omitempty"`
	Violations []string            `json:"violations,omitempty"`
	Exposure   *Exposure           `json:"exposure,omitempty"`
}

// Consumer checks that every message the consumer had to handle ended as
// exactly one of processed or dead-lettered, and counts what did not.
func Consumer(p ConsumerParams) ConsumerResult {
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

	c := ConsumerCounts{Required: len(required), Effects: len(p.Effects)}
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
			ex.add(AnomalyDuplicateEffects, s, id)
		}
		if dl > 0 {
			c.DeadLettered++
		}
		if dl > 1 {
			c.DeadLetterCopies += dl - 1
			ex.add(AnomalyDeadLetteredTwice, s, id)
		}
		if applied > 0 && dl > 0 {
			c.ProcessedAndDeadLettered++
			ex.add(AnomalyProcessedAndDeadLettered, s, id)
		}
		if applied > 0 || dl > 0 {
			continue
		}
		c.NeverProcessed++
		ex.add(AnomalyNeverProcessed, s, id)
		if skipped[id] > 0 {
			c.SkippedAfterFailure++
			ex.add(AnomalySkippedAfterFailure, s, id)
		}
		if !inLog {
			c.NotInLog++
			ex.add(AnomalyNotInLog, s, id)
		}
	}
	for id := range effects {
		if _, ok := required[id]; !ok {
			c.UnexpectedOutcomes++
			ex.add(AnomalyUnexpectedOutcome, seq[id], id)
		}
	}
	for id := range dead {
		if _, ok := required[id]; !ok && effects[id] == 0 {
			c.UnexpectedOutcomes++
			ex.add(AnomalyUnexpectedOutcome, seq[id], id)
		}
	}
	r := ConsumerResult{
		Profile:  p.Profile,
		Expected: append(ConsumerExpectation{}, p.Expect...),
		Counts:   c,
		Metrics:  p.Metrics,
		Examples: ex.result(),
		Exposure: consumerExposure(p),
	}
	r.judge()
	return r
}
