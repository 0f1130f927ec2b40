package cluster

import (
	"strings"
	"testing"
)

func TestDiskProblem(t *testing.T) {
	if err := diskProblem("/var/lib/docker", 3<<30, MinDockerFreeBytes); err != nil {
		t.Errorf("3 GiB free: %v, want no problem", err)
	}
	err := diskProblem("/var/lib/docker", 300<<20, MinDockerFreeBytes)
	if err == nil {
		t.Fatal("300 MiB free: no error")
	}
	for _, want := range []string{"300 MiB free", "/var/lib/docker", "2048 MiB", "docker system prune"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
