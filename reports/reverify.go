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
	// Verdict is "producer" or "consumer"; Stored and Recomputed are the
	// two verdicts as JSON, or Stored names why nothing was recomputed.
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
			v := p.Verdict
			window, min := exposureOf(v.Exposure)
			got := verify.Producer(verify.Params{
				Profile: v.Profile, Entries: h.Entries, Records: h.Records, Expect: v.Expected, Window: window, MinExposure: min,
			})
			checked++
			if a, b := asJSON(v), asJSON(got); a != b {
				miss("producer", a, b)
			}
			if p.Consumer == nil {
				continue
			}
			cv := p.Consumer.Verdict
			window, min = exposureOf(cv.Exposure)
			cgot := verify.Consumer(verify.ConsumerParams{
				Profile: cv.Profile, Entries: h.Entries, Log: h.Records, Effects: h.Effects, DeadLetters: h.DeadLetters,
				Skipped: h.Skipped, Metrics: cv.Metrics, Expect: cv.Expected, Window: window, MinExposure: min,
			})
			checked++
			if a, b := asJSON(cv), asJSON(cgot); a != b {
				miss("consumer", a, b)
			}
		}
	}
	return checked, out, nil
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
