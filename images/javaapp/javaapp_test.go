package javaapp

import (
	"archive/tar"
	"bytes"
	"io"
	"testing"
)

// The build context holds the Dockerfile and every source file, and is
// the same archive every time.
func TestContext(t *testing.T) {
	a, d1, err := Context()
	if err != nil {
		t.Fatal(err)
	}
	b, d2, err := Context()
	if err != nil || !bytes.Equal(a, b) || d1 != d2 {
		t.Fatalf("two builds of the context differ (%v)", err)
	}
	names := map[string]bool{}
	tr := tar.NewReader(bytes.NewReader(a))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names[h.Name] = true
	}
	for _, want := range []string{"Dockerfile", "src/kafkachaos/App.java", "src/kafkachaos/ConsumerApp.java", "src/kafkachaos/EffectStore.java", "src/kafkachaos/Failures.java"} {
		if !names[want] {
			t.Errorf("context lacks %s (has %v)", want, names)
		}
	}
}
