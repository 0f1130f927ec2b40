package scenarios

import (
	"slices"
	"testing"
)

// The fault library's table must stay runnable: unique names (they name
// topics and result entries), one kind label and nightly on each, a small
// smoke subset, profiles Kafka and sarama accept, and expectations only for
// profiles the scenario runs.
func TestFaultScenarios(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range All() {
		if seen[s.Name] {
			t.Errorf("scenario name %q used twice", s.Name)
		}
		seen[s.Name] = true
	}
	smoke := 0
	for _, s := range FaultScenarios() {
		if !slices.Contains(s.Labels, Nightly) {
			t.Errorf("%s: not labelled %s", s.Name, Nightly)
		}
		kinds := 0
		for _, l := range s.Labels {
			if l == Process || l == Network || l == ISR {
				kinds++
			}
		}
		// CI shards the matrix by kind label: two kinds would run twice.
		if kinds != 1 {
			t.Errorf("%s: %d fault-kind labels in %v, want exactly one", s.Name, kinds, s.Labels)
		}
		if slices.Contains(s.Labels, Smoke) {
			smoke++
		}
		names := map[string]bool{}
		for _, p := range s.Profiles {
			if err := p.Validate(); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
			names[p.Name] = true
		}
		for p := range s.Expect {
			if !names[p] {
				t.Errorf("%s: expectation for profile %s, which the scenario does not run", s.Name, p)
			}
		}
		if s.Fault == nil || s.Fault.Name() == "" {
			t.Errorf("%s: no fault", s.Name)
		}
	}
	if smoke > 2 {
		t.Errorf("%d fault scenarios labelled smoke; the smoke budget allows 2", smoke)
	}
}
