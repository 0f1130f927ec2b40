package schema

// Guarantee names one property a profile promises. The text is what results,
// reports and violation messages show, so it reads as a sentence.
type Guarantee string

const (
	// NoAckedLoss: every message the broker acknowledged (or, for acks=0,
	// the client reported as sent) is in the log.
	NoAckedLoss Guarantee = "no acknowledged message lost"
	// NoBelievedLoss: every message the application believes it sent is in
	// the log. Stricter than NoAckedLoss when errors are ignored (P3).
	NoBelievedLoss Guarantee = "no believed-sent message lost"
	// NoDuplicates: no id appears at more than one offset.
	NoDuplicates Guarantee = "no duplicates"
	// NoPresentAlthoughFailed: a send that returned a definite error left
	// nothing in the log. Indeterminate sends are exempt.
	NoPresentAlthoughFailed Guarantee = "no message present although its send failed"
	// NoReordering: within a partition, the log holds messages in the
	// order the producer sent them.
	NoReordering Guarantee = "no reordering within a partition"
)

// Expectation is the set of guarantees a profile promises.
type Expectation []Guarantee

// AllGuarantees is what a fully safe producer profile promises.
func AllGuarantees() Expectation {
	return Expectation{NoAckedLoss, NoBelievedLoss, NoDuplicates, NoPresentAlthoughFailed, NoReordering}
}

// Has reports whether g is among the promised guarantees.
func (e Expectation) Has(g Guarantee) bool {
	for _, x := range e {
		if x == g {
			return true
		}
	}
	return false
}

// Anomaly names: the keys of Verdict.Examples. They match the JSON names of
// the corresponding Counts fields.
const (
	AnomalyLost                   = "lost"
	AnomalyBelievedLost           = "believed_lost"
	AnomalyDuplicates             = "duplicates"
	AnomalyPresentAlthoughFailed  = "present_although_failed"
	AnomalyPresentAlthoughUnknown = "present_although_unknown"
	AnomalyReordered              = "reordered"
	AnomalyUnexpected             = "unexpected"
	AnomalyAckedOffsetMismatch    = "acked_offset_mismatch"
)

// measure returns what breaks g in c: the count, the anomaly whose examples
// illustrate it, and the noun a violation message uses. ok is false for a
// guarantee this package does not know how to check.
func (g Guarantee) measure(c Counts) (count int, anomaly, noun string, ok bool) {
	switch g {
	case NoAckedLoss:
		return c.Lost, AnomalyLost, "lost", true
	case NoBelievedLoss:
		return c.BelievedLost, AnomalyBelievedLost, "believed sent but lost", true
	case NoDuplicates:
		return c.Duplicates, AnomalyDuplicates, "duplicate copies", true
	case NoPresentAlthoughFailed:
		return c.PresentAlthoughFailed, AnomalyPresentAlthoughFailed, "present although their send failed", true
	case NoReordering:
		return c.Reordered, AnomalyReordered, "out of order", true
	}
	return 0, "", "", false
}
