//go:build linux

package lossyfs

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSpans(t *testing.T) {
	var s spans
	s.add(10, 20)
	s.add(30, 40)
	s.add(20, 25) // adjacent: merges
	s.add(5, 6)
	want := spans{{5, 6}, {10, 25}, {30, 40}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("spans = %v, want %v", s, want)
	}
	s.add(0, 100)
	if !reflect.DeepEqual(s, spans{{0, 100}}) || s.total() != 100 {
		t.Fatalf("spans = %v", s)
	}
	s = spans{{0, 10}, {20, 30}, {40, 50}}
	s.clip(25)
	if !reflect.DeepEqual(s, spans{{0, 10}, {20, 25}}) {
		t.Fatalf("clip = %v", s)
	}
}

// contentOver builds a content backed by a real file holding durable.
func contentOver(t *testing.T, durable string) *content {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(durable), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	c := newContent(int64(len(durable)))
	c.fd = f
	return c
}

func readContent(t *testing.T, c *content) []byte {
	t.Helper()
	buf := make([]byte, c.size)
	if _, err := c.read(buf, 0); err != nil {
		t.Fatal(err)
	}
	return buf
}

func TestContentOverlay(t *testing.T) {
	durable := bytes.Repeat([]byte("d"), 10000)
	c := contentOver(t, string(durable))
	if err := c.write([]byte("XY"), 4095); err != nil { // straddles a page
		t.Fatal(err)
	}
	want := append([]byte(nil), durable...)
	copy(want[4095:], "XY")
	if got := readContent(t, c); !bytes.Equal(got, want) {
		t.Fatal("overwrite across a page boundary misread")
	}
	if c.unsynced() != 2 {
		t.Errorf("unsynced = %d, want 2", c.unsynced())
	}
	// Shrink below durable data, grow again: the cut bytes must read as
	// zeros, not as the stale backing bytes.
	c.truncate(3000)
	c.truncate(6000)
	want = append(append([]byte(nil), durable[:3000]...), make([]byte, 3000)...)
	if got := readContent(t, c); !bytes.Equal(got, want) {
		t.Fatal("truncate+grow does not read zeros")
	}
	if c.unsynced() != 0 {
		t.Errorf("unsynced after truncate = %d, want 0 (the write was cut off)", c.unsynced())
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	disk, _ := os.ReadFile(c.fd.Name())
	if !bytes.Equal(disk, want) {
		t.Fatalf("flushed file has %d bytes, differs from view", len(disk))
	}
	c.write([]byte("gone"), 0)
	c.discard()
	if got := readContent(t, c); !bytes.Equal(got, want) {
		t.Fatal("discard did not restore the durable view")
	}
}

func TestContentTear(t *testing.T) {
	c := contentOver(t, "0123456789")
	c.write([]byte("AB"), 10)       // earlier write: persisted whole
	c.write([]byte("abcdefgh"), 12) // last write: half kept
	if ok, err := c.tear(0.5); !ok || err != nil {
		t.Fatalf("tear = %v, %v", ok, err)
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	disk, _ := os.ReadFile(c.fd.Name())
	if string(disk) != "0123456789ABabcd" {
		t.Fatalf("torn file = %q", disk)
	}

	// Torn overwrite: the uncommitted tail keeps its old bytes.
	c = contentOver(t, "0123456789")
	c.write([]byte("abcdef"), 2)
	c.tear(0.5)
	c.flush()
	disk, _ = os.ReadFile(c.fd.Name())
	if string(disk) != "01abc56789" {
		t.Fatalf("torn overwrite = %q", disk)
	}
	if ok, _ := c.tear(0.5); ok {
		t.Error("tear without a pending write reported a tear")
	}
}
