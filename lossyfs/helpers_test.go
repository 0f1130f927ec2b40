//go:build linux

package lossyfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// ovT wraps an Overlay with path-based helpers so the model tests read
// like shell sessions.
type ovT struct {
	t       *testing.T
	o       *Overlay
	backing string
}

func newOvT(t *testing.T) *ovT {
	t.Helper()
	dir := t.TempDir()
	o, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return &ovT{t: t, o: o, backing: dir}
}

func (v *ovT) lookup(p string) (*Node, error) {
	n := v.o.Root()
	for _, part := range strings.Split(strings.Trim(p, "/"), "/") {
		if part == "" {
			continue
		}
		c, _, err := v.o.Lookup(n, part)
		if err != nil {
			return nil, err
		}
		n = c
	}
	return n, nil
}

func (v *ovT) node(p string) *Node {
	v.t.Helper()
	n, err := v.lookup(p)
	if err != nil {
		v.t.Fatalf("lookup %s: %v", p, err)
	}
	return n
}

func (v *ovT) dir(p string) (*Node, string) {
	return v.node(filepath.Dir("/" + p)), filepath.Base(p)
}

func (v *ovT) create(p, data string) *Node {
	v.t.Helper()
	d, name := v.dir(p)
	n, _, err := v.o.Create(d, name, 0o644, 0, 0)
	if err != nil {
		v.t.Fatalf("create %s: %v", p, err)
	}
	v.write(n, data, 0)
	return n
}

func (v *ovT) mkdir(p string) *Node {
	v.t.Helper()
	d, name := v.dir(p)
	n, _, err := v.o.Mkdir(d, name, 0o755, 0, 0)
	if err != nil {
		v.t.Fatalf("mkdir %s: %v", p, err)
	}
	return n
}

func (v *ovT) write(n *Node, data string, off int64) {
	v.t.Helper()
	if _, err := v.o.WriteAt(n, []byte(data), off); err != nil {
		v.t.Fatalf("write: %v", err)
	}
}

func (v *ovT) fsync(p string) {
	v.t.Helper()
	if err := v.o.Fsync(v.node(p)); err != nil {
		v.t.Fatalf("fsync %s: %v", p, err)
	}
}

func (v *ovT) rename(from, to string) {
	v.t.Helper()
	sd, sn := v.dir(from)
	dd, dn := v.dir(to)
	if err := v.o.Rename(sd, sn, dd, dn, 0); err != nil {
		v.t.Fatalf("rename %s %s: %v", from, to, err)
	}
}

func (v *ovT) unlink(p string) {
	v.t.Helper()
	d, name := v.dir(p)
	if err := v.o.Unlink(d, name); err != nil {
		v.t.Fatalf("unlink %s: %v", p, err)
	}
}

func (v *ovT) drop() {
	v.t.Helper()
	if err := v.o.Drop(); err != nil {
		v.t.Fatalf("drop: %v", err)
	}
}

func (v *ovT) readNode(n *Node) string {
	v.t.Helper()
	buf := make([]byte, v.o.Attr(n).Size)
	k, err := v.o.ReadAt(n, buf, 0)
	if err != nil {
		v.t.Fatalf("read: %v", err)
	}
	return string(buf[:k])
}

// want asserts the view content of p (missing: want == "<absent>").
func (v *ovT) want(p, want string) {
	v.t.Helper()
	n, err := v.lookup(p)
	if errors.Is(err, syscall.ENOENT) {
		if want != absent {
			v.t.Errorf("%s: absent, want %q", p, want)
		}
		return
	}
	if err != nil {
		v.t.Fatalf("lookup %s: %v", p, err)
	}
	if got := v.readNode(n); got != want {
		v.t.Errorf("%s: %s", p, diff(got, want))
	}
}

const absent = "<absent>"

// wantBacking asserts the durable content of p in the backing directory.
func wantBacking(t *testing.T, backing, p, want string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(backing, p))
	if errors.Is(err, os.ErrNotExist) {
		if want != absent {
			t.Errorf("backing %s: absent, want %q", p, want)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != want {
		t.Errorf("backing %s: %s", p, diff(string(b), want))
	}
}

// diff describes how got differs from want without dumping large files.
func diff(got, want string) string {
	if len(got) <= 64 && len(want) <= 64 {
		return fmt.Sprintf("got %q, want %q", got, want)
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	end := func(s string) string { return s[i:min(len(s), i+16)] }
	return fmt.Sprintf("got %d bytes, want %d; first difference at %d: %q vs %q",
		len(got), len(want), i, end(got), end(want))
}
