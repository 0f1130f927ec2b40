package scenarios

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// withProfiles adds the named profiles of the library to every scenario
// that compares profiles, not these already, and whose fault takes their
// replication factor (a reassignment of RF2 topics cannot take an RF3
// one), so that one run answers "does my
// configuration lose data, under which fault, and at what cost" without
// editing any scenario (KAFKA_CHAOS_PROFILES, make chaos PROFILES=...). An
// added profile is measured, not judged: the report shows what it lost
// next to the profiles the scenario holds to their guarantees. dir is where
// the profiles are written, for the error about an unknown name.
func withProfiles(ss []runner.Scenario, library map[string]schema.Profile, names []string, dir string) ([]runner.Scenario, error) {
	if len(names) == 0 {
		return ss, nil
	}
	known := sortedKeys(library)
	out := slices.Clone(ss)
	for _, name := range names {
		p, ok := library[name]
		if !ok {
			return nil, fmt.Errorf("KAFKA_CHAOS_PROFILES: profile to review %s: write it in %s/*.yaml", oneOf(name, known), dir)
		}
		for i, s := range out {
			// A scenario of client applications alone compares
			// applications, not producer profiles.
			if len(s.Profiles) == 0 || slices.ContainsFunc(s.Profiles, func(q schema.Profile) bool { return q.Name == name }) {
				continue
			}
			if rc, ok := s.Fault.(faults.ReplicationChecker); ok && rc.CheckReplicationFactor(p.ReplicationFactor) != nil {
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

// Profiles returns the named producer profiles of dir/profiles/*.yaml (the
// profiles: lists, not the producer apps or consumer groups), in the order
// given; with no name, every one of them, by name.
func Profiles(dir string, names ...string) ([]schema.Profile, error) {
	files, err := readDir(filepath.Join(dir, "profiles"))
	if err != nil {
		return nil, err
	}
	lib, err := loadProfiles(files)
	if err != nil {
		return nil, err
	}
	library := lib.profiles
	known := sortedKeys(library)
	if len(names) == 0 {
		names = known
	}
	out := make([]schema.Profile, 0, len(names))
	for _, name := range names {
		p, ok := library[name]
		if !ok {
			return nil, fmt.Errorf("profile %s: write it in %s/profiles/*.yaml", oneOf(name, known), dir)
		}
		out = append(out, p)
	}
	return out, nil
}
