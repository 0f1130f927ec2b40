//go:build linux

package lossyfs

import (
	"errors"
	"syscall"
	"testing"
)

// A full disk refuses writes and allocations, keeps what was written before
// (made durable when the disk filled up), and takes writes again once space
// is freed.
func TestOverlayFullDisk(t *testing.T) {
	v := newOvT(t)
	f := v.create("seg.log", "before")
	if err := v.o.SetFull(true); err != nil {
		t.Fatal(err)
	}
	if _, err := v.o.WriteAt(f, []byte("after"), 6); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("write on a full disk: %v, want ENOSPC", err)
	}
	if err := v.o.Allocate(f, 0, 4096, false); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("allocate on a full disk: %v, want ENOSPC", err)
	}
	if got := v.o.UnsyncedBytes(); got != 0 {
		t.Errorf("UnsyncedBytes after the disk filled = %d, want 0: what the page cache held stays", got)
	}
	v.drop()
	v.want("seg.log", "before")
	if err := v.o.SetFull(false); err != nil {
		t.Fatal(err)
	}
	if _, err := v.o.WriteAt(f, []byte("after"), 6); err != nil {
		t.Errorf("write after space was freed: %v", err)
	}
	v.want("seg.log", "beforeafter")
}
