package verify

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

// Consumer anomaly names: the keys of ConsumerResult.Examples, matching the
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
// illustrate it, and the noun of a violation message. ok is false for a guarantee this package cannot check.
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
func (r ConsumerResult) Err() error { return joinViolations(r.violated()) }

func (r ConsumerResult) violated() []*ConsumerViolation {
	var vs []*ConsumerViolation
	for _, b := range breaches(r.Expected, r.Counts, r.Examples) {
		vs = append(vs, &ConsumerViolation{Guarantee: b.g, Count: b.count, Examples: b.examples})
	}
	return vs
}

// judge fills Status, Reason and Violations from the rest of r.
func (r *ConsumerResult) judge() {
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
