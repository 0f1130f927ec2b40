package scenarios

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestWithProfiles(t *testing.T) {
	ss, err := Load(".")
	if err != nil {
		t.Fatal(err)
	}
	names := func(ps []schema.Profile) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	before := make([][]string, len(ss))
	for i, s := range ss {
		before[i] = names(s.Profiles)
	}
	const mine = "acks1-unclean"
	got, err := withProfiles(ss, loadLibrary(t).profiles, ProfileNames(" acks1-unclean, ,safe-idempotent"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	clients, reassigns := 0, 0
	for i, s := range got {
		// A scenario of applications alone compares no profile, and
		// gets none.
		if len(before[i]) == 0 {
			clients++
			if len(s.Profiles) > 0 {
				t.Errorf("%s: %d profiles added to a scenario of applications alone", s.Name, len(s.Profiles))
			}
			continue
		}
		// Both profiles are RF3, which a reassignment refuses: it
		// compares its own.
		if rc, ok := s.Fault.(faults.ReplicationChecker); ok && rc.CheckReplicationFactor(3) != nil {
			reassigns++
			if !slices.Equal(names(s.Profiles), before[i]) {
				t.Errorf("%s: profiles %v added to a scenario whose fault refuses them", s.Name, names(s.Profiles))
			}
			continue
		}
		if n := strings.Count(strings.Join(names(s.Profiles), " ")+" ", mine+" "); n != 1 {
			t.Errorf("%s: %s compared %d times, want once", s.Name, mine, n)
		}
		if !slices.Contains(names(s.Profiles), "safe-idempotent") {
			t.Errorf("%s: safe-idempotent not compared", s.Name)
		}
		if _, judged := s.Expect[mine]; judged && !slices.Contains(before[i], mine) {
			t.Errorf("%s: added profile %s is judged; it should be measured only", s.Name, mine)
		}
		if !slices.Equal(names(ss[i].Profiles), before[i]) {
			t.Errorf("%s: the loaded scenarios changed: %v, was %v", s.Name, names(ss[i].Profiles), before[i])
		}
	}

	if clients == 0 || reassigns == 0 {
		t.Errorf("%d scenarios of applications alone, %d of faults refusing RF3 among the files: want some of each", clients, reassigns)
	}

	_, err = Load(".", "acks1-uncleen")
	if err == nil || !strings.Contains(err.Error(), `did you mean "acks1-unclean"`) || !strings.Contains(err.Error(), "profiles/*.yaml") {
		t.Errorf("unknown profile: error %v, want the closest name and where profiles are written", err)
	}
}

// TestProfiles: the library by name, or the profiles asked for in the
// order asked, and a typo named with its fix.
func TestProfiles(t *testing.T) {
	all, err := Profiles(".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range all {
		names = append(names, p.Name)
	}
	if !slices.IsSorted(names) || !slices.Contains(names, "java-defaults") || !slices.Contains(names, "safe-tuned") || len(names) < 10 {
		t.Errorf("library %v: want every profile file's profiles, by name", names)
	}
	some, err := Profiles(".", "safe-tuned", "acks1-async")
	if err != nil || len(some) != 2 || some[0].Name != "safe-tuned" || some[1].Name != "acks1-async" {
		t.Errorf("Profiles(safe-tuned, acks1-async) = %v, %v", some, err)
	}
	if _, err := Profiles(".", "acks1-asnyc"); err == nil || !strings.Contains(err.Error(), `(did you mean "acks1-async"?)`) {
		t.Errorf("unknown profile: %v", err)
	}
}
