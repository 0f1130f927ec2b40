package schema_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/kafka-chaos/kafka-chaos"

// forbidden are the libraries of the Docker backend and the Kafka client:
// reading, rendering and re-verifying a stored run must not need them, nor
// must a fault.
var forbidden = []string{"testcontainers", "moby", "docker", "toxiproxy", "IBM/sarama"}

// deps lists the packages pkg depends on, itself included, each with
// whether it is in the standard library.
func deps(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to list dependencies with: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", module+"/"+pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	m := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		path, std, _ := strings.Cut(strings.TrimSpace(line), " ")
		m[path] = std == "true"
	}
	return m
}

// TestNoBackendDependencies: the result schema, the verifier and the
// report renderer name no container, proxy or Kafka client library, and
// neither do the faults, which see the cluster only through interfaces of
// their own, so a second backend adds a package beside cluster/ alone.
func TestNoBackendDependencies(t *testing.T) {
	for _, pkg := range []string{"schema", "verify", "reports", "faults"} {
		for path := range deps(t, pkg) {
			for _, f := range forbidden {
				if strings.Contains(path, f) {
					t.Errorf("%s depends on %s", pkg, path)
				}
			}
		}
	}
}

// TestSchemaDependencies: the schema needs nothing but the standard
// library and the ledger.
func TestSchemaDependencies(t *testing.T) {
	for path, std := range deps(t, "schema") {
		if !std && path != module+"/schema" && path != module+"/ledger" {
			t.Errorf("schema depends on %s", path)
		}
	}
}
