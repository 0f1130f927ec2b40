package scenarios

import (
	"errors"
	"testing"
)

// FuzzLoadScenario feeds arbitrary bytes to the parser and validator, as a
// scenario file against the shipped profiles and as a profile file. It
// must never panic, and its answer must be one of: scenarios that all
// passed validation, or nothing but *Error values with a file name.
func FuzzLoadScenario(f *testing.F) {
	library := loadLibrary(f)
	for _, dir := range []string{".", "profiles"} {
		files, err := readDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, src := range files {
			f.Add(src.data)
		}
	}
	for _, c := range append(validationCases, clientValidationCases...) {
		f.Add([]byte(c.yaml))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := loadScenarios([]source{{"fuzz.yaml", data}}, library)
		checkOutcome(t, err)
		if err == nil {
			for _, s := range got {
				apps := len(s.Profiles) + len(s.Clients.Producers) + len(s.Clients.Consumers)
				if s.Fault == nil || apps == 0 || s.Rate < 1 || s.Hold <= 0 || s.RecoverTimeout <= 0 {
					t.Fatalf("accepted an unrunnable scenario: %+v", s)
				}
			}
		}
		profiles, err := loadProfiles([]source{{"profiles/fuzz.yaml", data}})
		checkOutcome(t, err)
		if err == nil {
			for _, p := range profiles.profiles {
				if verr := p.Validate(); verr != nil {
					t.Fatalf("accepted a profile workload rejects: %v", verr)
				}
			}
		}
	})
}

func checkOutcome(t *testing.T, err error) {
	for _, e := range unjoin(err) {
		var le *Error
		if !errors.As(e, &le) || le.Path == "" || le.Line < 0 || le.Msg == "" {
			t.Fatalf("error %q (%T) is not a located *Error", e, e)
		}
	}
}
