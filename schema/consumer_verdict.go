package schema

import "github.com/kafka-chaos/kafka-chaos/ledger"

// ConsumerGuarantee names one property a consumer application promises.
// The text reads as a sentence in results and violation messages.
type ConsumerGuarantee string

const (
	// NoProcessingLoss: every acknowledged message (and every message in
	// the input log) ends processed or dead-lettered.
	NoProcessingLoss ConsumerGuarantee = "every acknowledged message processed or dead-lettered"
	// NoDuplicateEffects: no message has its side effect applied twice.
	NoDuplicateEffects ConsumerGuarantee = "no duplicate side effects"
	// SingleOutcome: no message is both processed and dead-lettered.
	// Copies within the dead-letter topic are counted, not judged: without
	// a transaction around the publish and the offset commit, a crash
	// between the two publishes again on re-delivery, and readers of the
	// dead-letter topic dedupe by id.
	SingleOutcome ConsumerGuarantee = "no message both processed and dead-lettered"
)

// ConsumerExpectation is the set of guarantees a consumer profile promises.
type ConsumerExpectation []ConsumerGuarantee

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
	// TxnCommitted, TxnAborted, TxnUnknown and TxnOpen tally an
	// in-transaction application's transactions by how they ended, as its
	// members journaled them (a member killed mid-transaction leaves its
	// transaction open).
	TxnCommitted int `json:"txn_committed,omitempty"`
	TxnAborted   int `json:"txn_aborted,omitempty"`
	TxnUnknown   int `json:"txn_unknown,omitempty"`
	TxnOpen      int `json:"txn_open,omitempty"`
}

// CountTxn adds one transaction that ended with status to the tally.
func (m *ConsumerMetrics) CountTxn(status ledger.TxnStatus) {
	switch status {
	case ledger.TxnCommitted:
		m.TxnCommitted++
	case ledger.TxnAborted:
		m.TxnAborted++
	case ledger.TxnUnknown:
		m.TxnUnknown++
	default:
		m.TxnOpen++
	}
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

// ConsumerVerdict is what the verifier concluded about one consumer
// profile.
type ConsumerVerdict struct {
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

// Consumer anomaly names: the keys of ConsumerVerdict.Examples, matching the
// JSON names of the ConsumerCounts fields.
const (
	AnomalyNeverProcessed           = "never_processed"
	AnomalySkippedAfterFailure      = "skipped_after_failure"
	AnomalyNotInLog                 = "not_in_log"
	AnomalyDuplicateEffects         = "duplicate_effects"
	AnomalyProcessedAndDeadLettered = "processed_and_dead_lettered"
	AnomalyDeadLetteredTwice        = "dead_lettered_twice"
	AnomalyUnexpectedOutcome        = "unexpected_outcomes"
)

// measure returns what breaks g in c: the count, the anomaly whose examples
// illustrate it, and the noun of a violation message. ok is false for a
// guarantee this package cannot check.
func (g ConsumerGuarantee) measure(c ConsumerCounts) (count int, anomaly, noun string, ok bool) {
	switch g {
	case NoProcessingLoss:
		return c.NeverProcessed, AnomalyNeverProcessed, "never processed", true
	case NoDuplicateEffects:
		return c.DuplicateEffects, AnomalyDuplicateEffects, "duplicate side effects", true
	case SingleOutcome:
		return c.ProcessedAndDeadLettered, AnomalyProcessedAndDeadLettered, "processed and dead-lettered", true
	}
	return 0, "", "", false
}

// ConsumerViolation is one expected consumer guarantee that the run broke.
type ConsumerViolation struct {
	Guarantee ConsumerGuarantee
	Count     int
	Examples  []string
}

func (v *ConsumerViolation) Error() string {
	return violationText[ConsumerGuarantee, ConsumerCounts]("consumer guarantee", v.Guarantee, v.Count, v.Examples)
}

// Err returns nil when every expected guarantee held, otherwise one
// *ConsumerViolation per broken guarantee, joined.
func (r ConsumerVerdict) Err() error { return joinViolations(r.violated()) }

func (r ConsumerVerdict) violated() []*ConsumerViolation {
	var vs []*ConsumerViolation
	for _, b := range breaches(r.Expected, r.Counts, r.Examples) {
		vs = append(vs, &ConsumerViolation{Guarantee: b.g, Count: b.count, Examples: b.examples})
	}
	return vs
}

// Judge fills Status, Reason and Violations from the rest of r, as
// Verdict.Judge does.
func (r *ConsumerVerdict) Judge() {
	vs := r.violated()
	r.Violations = texts(vs)
	switch {
	case len(vs) > 0:
		r.Status, r.Reason = Fail, ""
	case r.Counts.Required == 0:
		r.Status, r.Reason = Unknown, "no acknowledged input message: nothing to consume"
	case len(r.Expected) > 0 && r.Exposure.unexercised() != "":
		r.Status, r.Reason = Unknown, r.Exposure.unexercised()
	default:
		r.Status, r.Reason = Pass, ""
	}
}
