package schema

// Status is the verdict on one profile.
type Status string

const (
	// Pass: every expected guarantee held and there was something to judge.
	Pass Status = "pass"
	// Fail: at least one expected guarantee was broken.
	Fail Status = "fail"
	// Unknown: nothing broke, but nothing was exercised either (no message
	// acknowledged, or too few exposed to the fault), so the run proves
	// nothing about this profile.
	Unknown Status = "unknown"
)

// Counts are per-message tallies. Every anomaly is counted whether or not the
// profile promises to avoid it: a report compares profiles on all of them.
type Counts struct {
	Attempted int `json:"attempted"`
	Acked     int `json:"acked"`
	Failed    int `json:"failed"`
	// Unknown counts indeterminate sends, including entries still pending
	// after the drain.
	Unknown  int `json:"unknown"`
	Believed int `json:"believed"`
	// Present counts distinct ledger ids found in the log.
	Present int `json:"present"`
	// Lost: acknowledged (acks=0 included) and absent.
	Lost int `json:"lost"`
	// BelievedLost: believed sent and absent, whatever the status.
	BelievedLost int `json:"believed_lost"`
	// Duplicates counts extra copies (an id at three offsets adds two);
	// DuplicatedIDs counts the distinct ids that have any.
	Duplicates             int `json:"duplicates"`
	DuplicatedIDs          int `json:"duplicated_ids"`
	PresentAlthoughFailed  int `json:"present_although_failed"`
	PresentAlthoughUnknown int `json:"present_although_unknown"`
	// Reordered counts first copies whose seq is lower than a seq earlier
	// in the same partition.
	Reordered int `json:"reordered"`
	// Unexpected counts distinct ids in the log that this ledger never
	// attempted.
	Unexpected int `json:"unexpected"`
	// AckedOffsetMismatch counts acked entries with a known offset that are
	// present, but not at the partition/offset the acknowledgement named.
	AckedOffsetMismatch int `json:"acked_offset_mismatch"`
	// RepeatedRecords counts audit records that repeat the same id at the
	// same partition and offset. Kafka cannot do that, so it is an auditor
	// defect; such records are ignored rather than counted as duplicates.
	RepeatedRecords int `json:"repeated_records"`
}

// Verdict is what the verifier concluded about one producer profile, as
// written to results.json. Violations are derived from Expected, Counts and
// Examples, so a Verdict read back from JSON gives the same Err.
type Verdict struct {
	Profile string `json:"profile"`
	Status  Status `json:"status"`
	// Reason says why Status is Unknown.
	Reason   string      `json:"reason,omitempty"`
	Expected Expectation `json:"expected"`
	Counts   Counts      `json:"counts"`
	// Examples maps an anomaly name (Anomaly* constants) to at most five
	// ids, lowest producer seq first. Anomalies with no occurrence are
	// left out.
	Examples   map[string][]string `json:"examples,omitempty"`
	Violations []string            `json:"violations,omitempty"`
	// Exposure is what the fault touched; nil when the run had no fault
	// window to measure against.
	Exposure *Exposure `json:"exposure,omitempty"`
}

// Err returns nil when every expected guarantee held, otherwise one
// *Violation per broken guarantee, joined.
func (r Verdict) Err() error { return joinViolations(r.violated()) }

// violated lists broken guarantees in the order they were expected,
// ignoring repeats.
func (r Verdict) violated() []*Violation {
	var vs []*Violation
	for _, b := range breaches(r.Expected, r.Counts, r.Examples) {
		vs = append(vs, &Violation{Guarantee: b.g, Count: b.count, Examples: b.examples})
	}
	return vs
}

// Judge fills Status, Reason and Violations from the rest of r. Package
// verify calls it last; a verdict read back from JSON judges the same.
func (r *Verdict) Judge() {
	vs := r.violated()
	r.Violations = texts(vs)
	switch {
	case len(vs) > 0:
		r.Status, r.Reason = Fail, ""
	case r.Counts.Attempted == 0:
		r.Status, r.Reason = Unknown, "no message attempted"
	case r.Counts.Acked == 0:
		r.Status, r.Reason = Unknown, "no message acknowledged: nothing to judge"
	case len(r.Expected) > 0 && r.Exposure.unexercised() != "":
		r.Status, r.Reason = Unknown, r.Exposure.unexercised()
	default:
		r.Status, r.Reason = Pass, ""
	}
}
