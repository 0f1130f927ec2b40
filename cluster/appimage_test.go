package cluster

import (
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/workload/javaclient"
)

// A build's error message fails it, with the output before it; a build
// without one succeeds.
func TestBuildOutcome(t *testing.T) {
	ok := `{"stream":"Step 1/9 : ARG KAFKA_IMAGE\n"}{"stream":"Successfully built 0123\n"}`
	if err := buildOutcome(strings.NewReader(ok)); err != nil {
		t.Errorf("successful build: %v", err)
	}
	failed := `{"stream":"Step 7/9 : RUN javac\n"}{"stream":"App.java:3: error: ';' expected\n"}{"errorDetail":{"code":1},"error":"The command returned a non-zero code: 1"}`
	err := buildOutcome(strings.NewReader(failed))
	if err == nil || !strings.Contains(err.Error(), "non-zero code: 1") || !strings.Contains(err.Error(), "App.java:3") {
		t.Errorf("failed build: %v", err)
	}
	if err := buildOutcome(strings.NewReader(`{"stream":`)); err == nil {
		t.Error("truncated output accepted")
	}
}

// The Java application's members find their store where LaunchApp mounts
// it.
func TestStoreDirMatchesTheApplications(t *testing.T) {
	if StoreDir != javaclient.StoreDir {
		t.Errorf("cluster mounts the store at %s, the Java application looks in %s", StoreDir, javaclient.StoreDir)
	}
}
