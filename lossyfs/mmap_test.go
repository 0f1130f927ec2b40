//go:build linux

package lossyfs

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// Kafka's .index/.timeindex files are written through shared mappings and
// made durable with MappedByteBuffer.force (msync).
func TestMountMmap(t *testing.T) {
	m := mountFS(t)
	base := strings.Repeat("a", 3*pageSize)
	m.writeFile("00.index", base, true)
	m.syncDir(".")
	p := m.path("00.index")

	helper(t, "mmap-msync", p, "LOSSYFS_OFF=0", "LOSSYFS_DATA=SYNCED")
	want := "SYNCED" + base[6:]
	wantBacking(t, m.backing, "00.index", want)

	// A broker killed with a dirty mapping: the kernel writes the page to
	// the overlay on unmap, unsynced, and the power cut loses it.
	helper(t, "mmap-exit", p, "LOSSYFS_OFF=8192", "LOSSYFS_DATA=LOST")
	if got := helper(t, "cat", p); got[8192:8196] != "LOST" {
		t.Errorf("mapped write not visible to another process: %q", got[8192:8196])
	}
	if got := m.fs.UnsyncedBytes(); got == 0 {
		t.Error("unmapped dirty page not counted as unsynced")
	}
	m.drop()
	m.want("00.index", want)
	if got := helper(t, "cat", p); got != want {
		t.Error("another process still sees the dropped mapped write")
	}
}

// A mapping still alive at the power cut: its dirty page sits in the kernel,
// not the overlay. Drop must launder it first, or it would reach the
// overlay after the drop and survive.
func TestMountMmapLiveMappingDrop(t *testing.T) {
	m := mountFS(t)
	base := strings.Repeat("c", 2*pageSize)
	m.writeFile("02.index", base, true)
	m.syncDir(".")
	release := holdMapping(t, m.path("02.index"), "4096", "DIRTY")
	m.drop()
	release() // unmapping now must find nothing left to write back
	m.want("02.index", base)
	if got := m.fs.UnsyncedBytes(); got != 0 {
		t.Errorf("UnsyncedBytes after drop = %d", got)
	}
}

// SyncAll must pull dirty pages of live mappings out of the kernel.
func TestMountMmapSyncAll(t *testing.T) {
	m := mountFS(t)
	base := strings.Repeat("b", 2*pageSize)
	m.writeFile("01.timeindex", base, true)
	release := holdMapping(t, m.path("01.timeindex"), "100", "KEPT")
	if err := m.fs.SyncAll(); err != nil {
		t.Fatal(err)
	}
	wantBacking(t, m.backing, "01.timeindex", base[:100]+"KEPT"+base[104:])
	release()
	m.drop()
	m.want("01.timeindex", base[:100]+"KEPT"+base[104:])
}

func TestMountConcurrentReaders(t *testing.T) {
	m := mountFS(t)
	const chunk, chunks = 1000, 100
	var want bytes.Buffer
	for i := range chunks {
		want.WriteString(strings.Repeat(string(rune('A'+i%26)), chunk))
	}
	m.writeFile("00.log", "", false)
	w, err := os.OpenFile(m.path("00.log"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan string, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				b, err := os.ReadFile(m.path("00.log"))
				if err != nil {
					errs <- "reader: " + err.Error()
					return
				}
				if !bytes.HasPrefix(want.Bytes(), b) {
					errs <- "reader: " + diff(string(b), want.String()[:min(len(b), want.Len())])
					return
				}
			}
		}()
	}
	for i := range chunks {
		if _, err := w.Write(want.Bytes()[i*chunk : (i+1)*chunk]); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if got := helper(t, "cat", m.path("00.log")); got != want.String() {
		t.Errorf("other process reads %d bytes, want %d", len(got), want.Len())
	}
	if got := m.fs.UnsyncedBytes(); got != chunk*chunks {
		t.Errorf("UnsyncedBytes = %d, want %d", got, chunk*chunks)
	}
	m.drop()
	m.want("00.log", absent)
}

// Kafka locks <logdir>/.lock, checks free space and may fallocate.
func TestMountLocksStatfsFallocate(t *testing.T) {
	m := mountFS(t)
	m.writeFile(".lock", "", false)
	a, err := os.OpenFile(m.path(".lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0}
	if err := unix.FcntlFlock(a.Fd(), unix.F_SETLK, &lk); err != nil {
		t.Errorf("fcntl lock: %v", err)
	}
	if err := unix.Flock(int(a.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Errorf("flock: %v", err)
	}
	b, err := os.OpenFile(m.path(".lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := unix.Flock(int(b.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != syscall.EWOULDBLOCK {
		t.Errorf("second flock = %v, want EWOULDBLOCK", err)
	}

	var st unix.Statfs_t
	if err := unix.Statfs(m.mnt, &st); err != nil || st.Blocks == 0 {
		t.Errorf("statfs: %v, blocks %d", err, st.Blocks)
	}

	if err := unix.Fallocate(int(a.Fd()), 0, 0, 1<<20); err != nil {
		t.Fatalf("fallocate: %v", err)
	}
	if err := unix.Fallocate(int(a.Fd()), unix.FALLOC_FL_KEEP_SIZE, 0, 4<<20); err != nil {
		t.Fatalf("fallocate keep-size: %v", err)
	}
	if fi, err := a.Stat(); err != nil || fi.Size() != 1<<20 {
		t.Errorf("size after fallocate = %v, %v", fi.Size(), err)
	}
}
