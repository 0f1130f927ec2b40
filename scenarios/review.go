package scenarios

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// WithProfiles adds the named profiles of dir/profiles to every scenario
// that does not compare them already, so that one run answers "does my
// configuration lose data, under which fault, and at what cost" without
// editing any scenario (KAFKA_CHAOS_PROFILES, make chaos PROFILES=...). An
// added profile is measured, not judged: the report shows what it lost
// next to the profiles the scenario holds to their guarantees.
func WithProfiles(dir string, ss []runner.Scenario, names []string) ([]runner.Scenario, error) {
	if len(names) == 0 {
		return ss, nil
	}
	files, err := readDir(filepath.Join(dir, "profiles"))
	if err != nil {
		return nil, err
	}
	library, err := loadProfiles(files)
	if err != nil {
		return nil, err
	}
	known := sortedKeys(library)
	out := slices.Clone(ss)
	for _, name := range names {
		p, ok := library[name]
		if !ok {
			return nil, fmt.Errorf("profile to review %s: write it in %s/*.yaml", oneOf(name, known), filepath.Join(dir, "profiles"))
		}
		for i, s := range out {
			if slices.ContainsFunc(s.Profiles, func(q workload.Profile) bool { return q.Name == name }) {
				continue
			}
			s.Profiles = append(slices.Clone(s.Profiles), p)
			out[i] = s
		}
	}
	return out, nil
}

// ProfileNames splits a comma-separated list of profile names.
func ProfileNames(list string) []string {
	var out []string
	for n := range strings.SplitSeq(list, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}
