package scenarios

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// faultFiles are the fault library's files, each holding the scenarios of
// one fault kind, named by its label.
var faultFiles = map[string]string{"process.yaml": "process", "network.yaml": "network", "isr.yaml": "isr"}

// The fault library must stay runnable: unique names among everything the
// suite runs (they name topics and result entries), nightly and its file's
// kind label on each, a small smoke subset, profiles Kafka and sarama
// accept, and expectations only for profiles the scenario runs.
func TestFaultScenarios(t *testing.T) {
	files, err := Load(".")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	seen := map[string]bool{}
	for _, s := range files {
		if seen[s.Name] {
			t.Errorf("scenario name %q used twice", s.Name)
		}
		seen[s.Name] = true
	}
	sources, err := readDir(".")
	if err != nil {
		t.Fatal(err)
	}
	library := loadLibrary(t)
	kinds := slices.Collect(maps.Values(faultFiles))
	found, smoke := 0, 0
	for _, src := range sources {
		kind, ok := faultFiles[filepath.Base(src.path)]
		if !ok {
			continue
		}
		found++
		scens, err := loadScenarios([]source{src}, library)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range scens {
			if !slices.Contains(s.Labels, Nightly) {
				t.Errorf("%s: not labelled %s", s.Name, Nightly)
			}
			// CI shards the matrix by kind label: two kinds would run twice.
			var got []string
			for _, l := range s.Labels {
				if slices.Contains(kinds, l) {
					got = append(got, l)
				}
			}
			if !slices.Equal(got, []string{kind}) {
				t.Errorf("%s: fault-kind labels %v in %v, want exactly %s (its file's kind)", s.Name, got, s.Labels, kind)
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
	}
	if found != len(faultFiles) {
		t.Errorf("found %d of the fault files %v", found, slices.Sorted(maps.Keys(faultFiles)))
	}
	if smoke > 2 {
		t.Errorf("%d fault scenarios labelled smoke; the smoke budget allows 2", smoke)
	}
}

// The nightly workflow shards the matrix by kind label: every scenario
// must carry exactly one of its shards' labels, or no shard (or two) runs
// it.
func TestNightlyShardsCoverEveryScenario(t *testing.T) {
	wf, err := os.ReadFile("../.github/workflows/nightly.yml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*label: \[(.*)\]`).FindSubmatch(wf)
	if m == nil {
		t.Fatal("nightly.yml: no shard label list")
	}
	shards := strings.Split(strings.ReplaceAll(string(m[1]), " ", ""), ",")
	ss, err := Load(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		n := 0
		for _, l := range s.Labels {
			if slices.Contains(shards, l) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: labels %v carry %d of the nightly shard labels %v, want exactly 1", s.Name, s.Labels, n, shards)
		}
	}
}
