package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// Error is one problem in a scenario or profile file, at the line where it
// was written. Field is the dotted path of the offending field ("" for the
// file as a whole); Msg says what is wrong and how to fix it.
type Error struct {
	Path  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	at := e.Path
	if e.Line > 0 {
		at = fmt.Sprintf("%s:%d", e.Path, e.Line)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", at, e.Msg)
	}
	return fmt.Sprintf("%s: field %q: %s", at, e.Field, e.Msg)
}

// source is one file's name and content, so that the parser can be tested
// and fuzzed without a directory.
type source struct {
	path string
	data []byte
}

// Load reads the profiles in dir/profiles/*.yaml and the scenarios in
// dir/*.yaml and returns the scenarios in file name order, then in their
// order within each file. Every problem of every file is reported at once,
// joined, each as an *Error with its file and line; no scenario is returned
// then, since a suite that quietly skipped a broken one would report a
// smaller matrix as a success. The profiles named in review join every
// scenario that compares profiles (withProfiles).
func Load(dir string, review ...string) ([]runner.Scenario, error) {
	profiles, perr := readDir(filepath.Join(dir, "profiles"))
	scens, serr := readDir(dir)
	lib, out, err := load(profiles, scens)
	if err := errors.Join(perr, serr, err); err != nil {
		return nil, err
	}
	return withProfiles(out, lib.profiles, review, filepath.Join(dir, "profiles"))
}

// readDir returns the .yaml files of dir in name order. A .yml file is an
// error rather than skipped, so that a file written with the other common
// extension does not silently drop out of the suite.
func readDir(dir string) ([]source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read scenario files: %w", err)
	}
	var out []source
	var errs []error
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
		case strings.HasSuffix(e.Name(), ".yml"):
			errs = append(errs, &Error{Path: path, Msg: "scenario and profile files end in .yaml: rename it"})
		case strings.HasSuffix(e.Name(), ".yaml"):
			data, err := os.ReadFile(path)
			if err != nil {
				errs = append(errs, &Error{Path: path, Msg: err.Error()})
				continue
			}
			out = append(out, source{path: path, data: data})
		}
	}
	return out, errors.Join(errs...)
}

// named remembers where a profile, producer app, consumer group or
// scenario was defined, to report a second definition of the same name.
type named struct {
	kind string
	path string
	line int
}

// claim records name as defined at line of d's file, or reports the first
// definition and returns false. Profiles, producer apps and consumer groups
// share their names: each names a topic and an expect entry.
func (d *decoder) claim(defined map[string]named, kind, name string, line int) bool {
	first, dup := defined[name]
	switch {
	case !dup:
		defined[name] = named{kind, d.path, line}
		return true
	case first.kind == kind:
		d.fail(line, "name", "%s %q is already defined at %s:%d: rename one of them", kind, name, first.path, first.line)
	default:
		d.fail(line, "name", "%q is already the name of a %s, defined at %s:%d: profiles, producer apps and consumer groups share names (each names a topic and an expect entry); rename one of them", name, first.kind, first.path, first.line)
	}
	return false
}

// library is what the files under profiles/ define, by name.
type library struct {
	profiles map[string]schema.Profile
	apps     map[string]worker.ClientProfile
	groups   map[string]schema.ConsumerProfile
}

// kindOf returns what name is defined as, or "".
func (l library) kindOf(name string) string {
	switch {
	case hasKey(l.profiles, name):
		return kindProfile
	case hasKey(l.apps, name):
		return kindApp
	case hasKey(l.groups, name):
		return kindGroup
	}
	return ""
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// load parses the profile files, then the scenario files against their
// library.
func load(profileFiles, scenarioFiles []source) (library, []runner.Scenario, error) {
	lib, perr := loadProfiles(profileFiles)
	out, serr := loadScenarios(scenarioFiles, lib)
	if err := errors.Join(perr, serr); err != nil {
		return library{}, nil, err
	}
	return lib, out, nil
}

// loadProfiles returns the library. Names are global, as scenarios refer
// to definitions of any file. Broken definitions are kept too: the load
// fails anyway, and a scenario naming one should not add an "unknown
// profile" to the real problem.
func loadProfiles(files []source) (library, error) {
	var errs []error
	lib := library{profiles: map[string]schema.Profile{}, apps: map[string]worker.ClientProfile{}, groups: map[string]schema.ConsumerProfile{}}
	defined := map[string]named{}
	for _, src := range files {
		d := newDecoder(src.path)
		for _, l := range d.lists(src.data, kindProfile, kindApp, kindGroup) {
			for _, n := range l.items {
				switch l.key {
				case kindProfile:
					if p := d.profile(n); d.claim(defined, nouns[l.key], p.Name, n.Line) {
						lib.profiles[p.Name] = p
					}
				case kindApp:
					if a := d.app(n); d.claim(defined, nouns[l.key], a.Name, n.Line) {
						lib.apps[a.Name] = a
					}
				case kindGroup:
					if g := d.group(n); d.claim(defined, nouns[l.key], g.Name, n.Line) {
						lib.groups[g.Name] = g
					}
				}
			}
		}
		errs = append(errs, d.err())
	}
	return lib, errors.Join(errs...)
}

// loadScenarios returns the scenarios in file order.
func loadScenarios(files []source, lib library) ([]runner.Scenario, error) {
	var errs []error
	var out []runner.Scenario
	defined := map[string]named{}
	for _, src := range files {
		d := newDecoder(src.path)
		for _, s := range d.scenarioFile(src.data, lib) {
			if d.claim(defined, "scenario", s.scenario.Name, s.line) {
				out = append(out, s.scenario)
			}
		}
		errs = append(errs, d.err())
	}
	return out, errors.Join(errs...)
}
