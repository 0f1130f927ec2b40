package reports

import (
	"errors"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// breach is one guarantee the scenario expected of a profile that the run
// broke.
type breach struct {
	// guarantee names it: a schema.Guarantee, a schema.ConsumerGuarantee,
	// a schema.TxnGuarantee, or ErrUndelivered's text. Runs are compared
	// by name, since the counts in text differ from one run to the next.
	guarantee string
	// text says by how much, with example ids.
	text string
}

// recordedFail names what a verdict recorded as failed broke when its
// counts no longer show it (a results file edited by hand).
const recordedFail = "verdict recorded as fail"

// breaches lists every guarantee the scenario expected of p that the run
// broke, whatever the scenario's status: the producer verdict's, then the
// client side's (ClientErr), then the transactions'. They are derived from
// the counts, as the verdicts' own are, so they do not depend on how a
// status was set.
func breaches(p schema.ProfileResult) []breach {
	out := named(p.Verdict.Err(), p.Verdict.Status, p.Verdict.Violations)
	var st schema.Status
	var recorded []string
	if c := p.Consumer; c != nil {
		st, recorded = c.Verdict.Status, c.Verdict.Violations
	}
	out = append(out, named(p.ClientErr(), st, recorded)...)
	return append(out, txnBreaches(p)...)
}

// txnBreaches lists the transaction guarantees expected of p that the run
// broke, nil for a profile that is not transactional.
func txnBreaches(p schema.ProfileResult) []breach {
	if p.Txn == nil {
		return nil
	}
	v := p.Txn.Verdict
	return named(v.Err(), v.Status, v.Violations)
}

// named splits err into one breach per violated guarantee. A verdict
// recorded as failed (st) stays broken even when its counts derive no
// violation: no status may hide a broken guarantee, in either direction.
func named(err error, st schema.Status, recorded []string) []breach {
	var out []breach
	for _, e := range leaves(err) {
		b := breach{guarantee: e.Error(), text: e.Error()}
		var v *schema.Violation
		var cv *schema.ConsumerViolation
		var tv *schema.TxnViolation
		switch {
		case errors.As(e, &v):
			b.guarantee = string(v.Guarantee)
		case errors.As(e, &cv):
			b.guarantee = string(cv.Guarantee)
		case errors.As(e, &tv):
			b.guarantee = string(tv.Guarantee)
		case errors.Is(e, schema.ErrUndelivered):
			b.guarantee = schema.ErrUndelivered.Error()
		}
		out = append(out, b)
	}
	if len(out) == 0 && st == schema.Fail {
		text := strings.Join(recorded, "; ")
		if text == "" {
			text = recordedFail
		}
		out = append(out, breach{guarantee: recordedFail, text: text})
	}
	return out
}

// leaves lists the errors err joins (errors.Join, nested or not), err
// itself when it joins none, nothing when it is nil.
func leaves(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, leaves(e)...)
	}
	return out
}

// texts are the breaches' messages, nil for none.
func texts(bs []breach) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.text)
	}
	return out
}

// judged sums up p's verdicts: fail when it broke anything expected of it;
// else unknown, and why, when its producer or consumer verdict, or a
// transaction verdict held to guarantees, had nothing to judge (the fault
// did not exercise it); else pass.
func judged(p schema.ProfileResult) (schema.Status, string) {
	switch {
	case len(breaches(p)) > 0:
		return schema.Fail, ""
	case p.Verdict.Status == schema.Unknown:
		return schema.Unknown, p.Verdict.Reason
	case p.Consumer != nil && p.Consumer.Verdict.Status == schema.Unknown:
		return schema.Unknown, p.Consumer.Verdict.Reason
	case txnUnknown(p):
		return schema.Unknown, p.Txn.Verdict.Reason
	}
	return schema.Pass, ""
}

// txnUnknown reports a transactional profile held to transaction
// guarantees whose transaction verdict had nothing to judge. One held to
// none is judged by its producer verdict alone.
func txnUnknown(p schema.ProfileResult) bool {
	return p.Txn != nil && p.Txn.Verdict.Status == schema.Unknown && len(p.Txn.Verdict.Expected) > 0
}
