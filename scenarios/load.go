package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/schema"
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
// scenario (withProfiles).
func Load(dir string, review ...string) ([]runner.Scenario, error) {
	profiles, perr := readDir(filepath.Join(dir, "profiles"))
	scens, serr := readDir(dir)
	library, out, err := load(profiles, scens)
	if err := errors.Join(perr, serr, err); err != nil {
		return nil, err
	}
	return withProfiles(out, library, review, filepath.Join(dir, "profiles"))
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

// named remembers where a profile or scenario was defined, to report a
// second definition of the same name.
type named struct {
	path string
	line int
}

// load parses the profile files, then the scenario files against those
// profiles.
func load(profileFiles, scenarioFiles []source) (map[string]schema.Profile, []runner.Scenario, error) {
	library, perr := loadProfiles(profileFiles)
	out, serr := loadScenarios(scenarioFiles, library)
	if err := errors.Join(perr, serr); err != nil {
		return nil, nil, err
	}
	return library, out, nil
}

// loadProfiles returns the profiles by name. Names are global, as
// scenarios refer to profiles of any file.
func loadProfiles(files []source) (map[string]schema.Profile, error) {
	var errs []error
	library := map[string]schema.Profile{}
	defined := map[string]named{}
	for _, src := range files {
		d := newDecoder(src.path)
		for _, p := range d.profileFile(src.data) {
			if first, dup := defined[p.profile.Name]; dup {
				d.fail(p.line, "name", "profile %q is already defined at %s:%d: rename one of them", p.profile.Name, first.path, first.line)
				continue
			}
			defined[p.profile.Name] = named{src.path, p.line}
			library[p.profile.Name] = p.profile
		}
		errs = append(errs, d.err())
	}
	return library, errors.Join(errs...)
}

// loadScenarios returns the scenarios in file order.
func loadScenarios(files []source, library map[string]schema.Profile) ([]runner.Scenario, error) {
	var errs []error
	var out []runner.Scenario
	defined := map[string]named{}
	for _, src := range files {
		d := newDecoder(src.path)
		for _, s := range d.scenarioFile(src.data, library) {
			if first, dup := defined[s.scenario.Name]; dup {
				d.fail(s.line, "name", "scenario %q is already defined at %s:%d: rename one of them", s.scenario.Name, first.path, first.line)
				continue
			}
			defined[s.scenario.Name] = named{src.path, s.line}
			out = append(out, s.scenario)
		}
		errs = append(errs, d.err())
	}
	return out, errors.Join(errs...)
}
