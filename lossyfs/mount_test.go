//go:build linux

package lossyfs

import (
	"os"
	"strings"
	"testing"
)

func TestMountFsyncedDataSurvivesDrop(t *testing.T) {
	m := mountFS(t)
	m.writeFile("synced.log", "durable", true)
	m.syncDir(".")
	wantBacking(t, m.backing, "synced.log", "durable")
	m.drop()
	m.want("synced.log", "durable")
}

func TestMountUnsyncedDataLost(t *testing.T) {
	m := mountFS(t)
	m.writeFile("old.log", "old", true)
	m.writeFile("old.log", "overwritten", false)
	m.writeFile("new.log", "never synced", false)
	m.want("old.log", "overwritten") // the writer sees its own writes
	wantBacking(t, m.backing, "new.log", absent)
	m.drop()
	m.want("old.log", "old")
	m.want("new.log", absent)
}

func TestMountAppendAfterFsync(t *testing.T) {
	m := mountFS(t)
	m.writeFile("00000.log", "batch1", true)
	m.appendFile("00000.log", "batch2", true)
	m.appendFile("00000.log", "batch3", false)
	m.want("00000.log", "batch1batch2batch3")
	m.drop()
	m.want("00000.log", "batch1batch2")
}

// Kafka preallocates index files, writes, then trims them to size.
func TestMountTruncateThenFsync(t *testing.T) {
	m := mountFS(t)
	m.writeFile("big", strings.Repeat("x", 10000), true)
	if err := os.Truncate(m.path("big"), 3000); err != nil {
		t.Fatal(err)
	}
	m.drop()
	m.want("big", strings.Repeat("x", 10000))

	f, err := os.OpenFile(m.path("big"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(3000); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(10 << 20); err != nil { // preallocate
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte("entry"), 3000); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(3005); err != nil { // trim on close
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	m.drop()
	m.want("big", strings.Repeat("x", 3000)+"entry")
}

func TestMountRenameNeedsDirFsync(t *testing.T) {
	m := mountFS(t)
	m.writeFile("00.log.cleaned", "compacted", true)
	m.syncDir(".")
	if err := os.Rename(m.path("00.log.cleaned"), m.path("00.log.swap")); err != nil {
		t.Fatal(err)
	}
	m.want("00.log.swap", "compacted")
	m.drop()
	m.want("00.log.cleaned", "compacted")
	m.want("00.log.swap", absent)

	if err := os.Rename(m.path("00.log.cleaned"), m.path("00.log.swap")); err != nil {
		t.Fatal(err)
	}
	m.syncDir(".")
	m.drop()
	m.want("00.log.cleaned", absent)
	m.want("00.log.swap", "compacted")
}

// Pins the chosen model: a new file's fsync makes its name durable (ext4
// new-inode rule), a directory fsync alone persists the name, not the data.
func TestMountNewFileModel(t *testing.T) {
	m := mountFS(t)
	if err := os.MkdirAll(m.path("topic-0/sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	m.writeFile("topic-0/sub/fsynced", "data", true)
	m.writeFile("topic-0/dir-synced-only", "data", false)
	m.syncDir("topic-0")
	m.drop()
	m.want("topic-0/sub/fsynced", "data")
	m.want("topic-0/dir-synced-only", "")
}

func TestMountUnlink(t *testing.T) {
	m := mountFS(t)
	m.writeFile("seg.deleted", "old", true)
	m.syncDir(".")
	if err := os.Remove(m.path("seg.deleted")); err != nil {
		t.Fatal(err)
	}
	m.want("seg.deleted", absent)
	m.drop()
	m.want("seg.deleted", "old")

	f, err := os.Open(m.path("seg.deleted"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.Remove(m.path("seg.deleted")); err != nil {
		t.Fatal(err)
	}
	m.syncDir(".")
	wantBacking(t, m.backing, "seg.deleted", absent)
	buf := make([]byte, 3)
	if _, err := f.ReadAt(buf, 0); err != nil || string(buf) != "old" {
		t.Errorf("open unlinked file reads %q, %v", buf, err)
	}
	m.drop()
	m.want("seg.deleted", absent)
}

func TestMountMkdirRmdir(t *testing.T) {
	m := mountFS(t)
	if err := os.Mkdir(m.path("lost-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(m.path("kept-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	m.syncDir("kept-dir") // new-inode rule: its own fsync persists its name
	m.drop()
	if _, err := os.Stat(m.path("lost-dir")); !os.IsNotExist(err) {
		t.Errorf("unsynced mkdir survived: %v", err)
	}
	if err := os.Remove(m.path("kept-dir")); err != nil {
		t.Fatal(err)
	}
	m.drop()
	if fi, err := os.Stat(m.path("kept-dir")); err != nil || !fi.IsDir() {
		t.Errorf("unsynced rmdir was durable: %v", err)
	}
	if err := os.Remove(m.path("kept-dir")); err != nil {
		t.Fatal(err)
	}
	m.syncDir(".")
	m.drop()
	if _, err := os.Stat(m.path("kept-dir")); !os.IsNotExist(err) {
		t.Errorf("synced rmdir undone: %v", err)
	}
}

func TestMountUnsyncedBytes(t *testing.T) {
	m := mountFS(t)
	m.writeFile("a", "0123456789", true)
	m.appendFile("a", strings.Repeat("u", 1000), false)
	m.writeFile("b", strings.Repeat("v", 5000), false)
	if got := m.fs.UnsyncedBytes(); got != 6000 {
		t.Errorf("UnsyncedBytes = %d, want 6000", got)
	}
	if err := os.Truncate(m.path("b"), 100); err != nil {
		t.Fatal(err)
	}
	if got := m.fs.UnsyncedBytes(); got != 1100 {
		t.Errorf("UnsyncedBytes after truncate = %d, want 1100", got)
	}
	if err := m.fs.SyncAll(); err != nil {
		t.Fatal(err)
	}
	if got := m.fs.UnsyncedBytes(); got != 0 {
		t.Errorf("UnsyncedBytes after SyncAll = %d, want 0", got)
	}
	m.drop()
	m.want("b", strings.Repeat("v", 100))
}

func TestMountTear(t *testing.T) {
	m := mountFS(t)
	m.writeFile("00.log", "synced|", true)
	m.syncDir(".")
	m.appendFile("00.log", "whole|", false)
	m.appendFile("00.log", "0123456789", false)
	if n, err := m.fs.Tear(0.5); n != 1 || err != nil {
		t.Fatalf("Tear = %d, %v", n, err)
	}
	m.drop()
	m.want("00.log", "synced|whole|01234")
}
