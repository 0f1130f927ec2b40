package reports

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/kafka-chaos/kafka-chaos/history"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
)

// Mismatch is a stored verdict its histories do not reproduce.
type Mismatch struct {
	Scenario string
	Profile  string
	// Verdict is "producer", "consumer" or "transaction"; Stored and
	// Recomputed are the two verdicts as JSON, or Stored names why nothing
	// was recomputed.
	Verdict    string
	Stored     string
	Recomputed string
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s / %s (%s verdict): stored %s, recomputed %s", m.Scenario, m.Profile, m.Verdict, m.Stored, m.Recomputed)
}

// Reverify recomputes every profile's verdicts from the histories stored in
// the run directory dir, with the expectations, fault window and exposure
// threshold the result recorded, and lists every verdict that differs. It
// needs no cluster: this is how a reader checks a run's verdicts.
func Reverify(dir string, r *schema.Run) (checked int, out []Mismatch, err error) {
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			miss := func(kind, stored, recomputed string) {
				out = append(out, Mismatch{Scenario: s.Name, Profile: p.Profile.Name, Verdict: kind, Stored: stored, Recomputed: recomputed})
			}
			if p.History == "" {
				miss("producer", "a verdict", "nothing: the result names no history")
				continue
			}
			h, err := history.Read(filepath.Join(dir, p.History))
			if err != nil {
				return checked, out, fmt.Errorf("%s / %s: %w", s.Name, p.Profile.Name, err)
			}
			for _, v := range recompute(p, h) {
				checked++
				if a, b := asJSON(v.stored), asJSON(v.got); a != b {
					miss(v.kind, a, b)
				}
			}
		}
	}
	return checked, out, nil
}

// recomputed is one verdict of a profile as stored and as its history
// gives it.
type recomputed struct {
	kind        string
	stored, got any
}

// recompute recomputes p's verdicts from its history h: the producer's,
// then the consumer group's and the transactions' when p has them.
func recompute(p schema.ProfileResult, h history.Profile) []recomputed {
	out := []recomputed{{"producer", p.Verdict, producerAgain(p.Verdict, h)}}
	if c := p.Consumer; c != nil {
		out = append(out, recomputed{"consumer", c.Verdict, consumerAgain(c.Verdict, h)})
	}
	if t := p.Txn; t != nil {
		out = append(out, recomputed{"transaction", t.Verdict, txnAgain(t, h)})
	}
	return out
}

func producerAgain(v schema.Verdict, h history.Profile) schema.Verdict {
	window, min := exposureOf(v.Exposure)
	return verify.Producer(verify.Params{
		Profile: v.Profile, Entries: h.Entries, Records: h.Records, Expect: v.Expected, Window: window, MinExposure: min, Txns: h.Txns,
	})
}

func consumerAgain(v schema.ConsumerVerdict, h history.Profile) schema.ConsumerVerdict {
	window, min := exposureOf(v.Exposure)
	return verify.Consumer(verify.ConsumerParams{
		Profile: v.Profile, Entries: h.Entries, Log: h.Records, Effects: h.Effects, DeadLetters: h.DeadLetters,
		Skipped: h.Skipped, Metrics: v.Metrics, Expect: v.Expected, Window: window, MinExposure: min,
	})
}

// txnAgain recomputes a transaction verdict: the audit read_uncommitted is
// the history's Records, and the hang threshold the result's.
func txnAgain(t *schema.TxnResult, h history.Profile) schema.TxnVerdict {
	v := t.Verdict
	window, min := exposureOf(v.Exposure)
	return verify.Transactions(verify.TxnParams{
		Profile: v.Profile, Entries: h.Entries, Txns: h.Txns, Uncommitted: h.Records, Committed: h.Committed,
		LSO: h.LSO, HangAfter: t.HangAfter, Expect: v.Expected, Window: window, MinExposure: min,
	})
}

// exposureOf returns the window and threshold a verdict was judged with.
func exposureOf(x *schema.Exposure) (*schema.Window, int) {
	if x == nil {
		return nil, 0
	}
	w := x.Window
	return &w, x.Min
}

// asJSON compares verdicts as results.json holds them: a stored verdict
// went through JSON once, so a fresh one must too.
func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable: %v", err)
	}
	return string(b)
}
