package scenarios

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/workload"
)

func TestWithProfiles(t *testing.T) {
	ss, err := Load(".")
	if err != nil {
		t.Fatal(err)
	}
	names := func(ps []workload.Profile) []string {
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
	got, err := withProfiles(ss, loadLibrary(t), ProfileNames(" acks1-unclean, ,safe-idempotent"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range got {
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

	_, err = Load(".", "acks1-uncleen")
	if err == nil || !strings.Contains(err.Error(), `did you mean "acks1-unclean"`) || !strings.Contains(err.Error(), "profiles/*.yaml") {
		t.Errorf("unknown profile: error %v, want the closest name and where profiles are written", err)
	}
}
