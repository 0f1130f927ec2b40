package cluster

import "testing"

func TestGOARCHOfEngineArchitecture(t *testing.T) {
	for machine, want := range map[string]string{
		"x86_64":  "amd64",
		"amd64":   "amd64",
		"aarch64": "arm64",
		"arm64":   "arm64",
	} {
		got, err := goarch(machine)
		if err != nil || got != want {
			t.Errorf("goarch(%q) = %q, %v; want %q", machine, got, err, want)
		}
	}
	for _, machine := range []string{"", "armv7l", "s390x"} {
		if got, err := goarch(machine); err == nil {
			t.Errorf("goarch(%q) = %q, want an error", machine, got)
		}
	}
}
