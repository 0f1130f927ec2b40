//go:build linux

package lossyfs

import (
	"os"
	"path/filepath"
	"testing"
)

// durableFile creates p with data and makes both data and name durable.
func (v *ovT) durableFile(p, data string) *Node {
	v.t.Helper()
	n := v.create(p, data)
	v.fsync(p)
	v.fsync(filepath.Dir("/" + p))
	return n
}

func TestOverlayFsyncAndDrop(t *testing.T) {
	v := newOvT(t)
	f := v.durableFile("seg.log", "synced")
	v.write(f, "+lost", 6)
	v.want("seg.log", "synced+lost")
	wantBacking(t, v.backing, "seg.log", "synced")
	v.create("never.log", "unsynced")
	if got := v.o.UnsyncedBytes(); got != int64(len("+lost")+len("unsynced")) {
		t.Errorf("UnsyncedBytes = %d", got)
	}
	v.drop()
	v.want("seg.log", "synced")
	v.want("never.log", absent)
	if got := v.o.UnsyncedBytes(); got != 0 {
		t.Errorf("UnsyncedBytes after drop = %d", got)
	}
	// The node keeps its identity across the drop.
	if v.node("seg.log") != f {
		t.Error("durable file changed identity across Drop")
	}
}

// The model pinned here: fsync of a new file makes its name durable too
// (ext4 new-inode rule), a directory fsync alone makes the name durable
// but not the data.
func TestOverlayNewInodeRule(t *testing.T) {
	v := newOvT(t)
	v.create("fsynced-file", "data")
	v.fsync("fsynced-file")
	v.create("dir-synced-only", "data")
	v.mkdir("a")
	v.mkdir("a/b")
	v.create("a/b/deep", "deep")
	v.fsync("a/b/deep")
	v.fsync("/")
	v.drop()
	v.want("fsynced-file", "data")
	v.want("dir-synced-only", "")
	v.want("a/b/deep", "deep")
}

func TestOverlayRenameNeedsDirFsync(t *testing.T) {
	v := newOvT(t)
	v.durableFile("00.log", "batch")
	v.rename("00.log", "00.log.swap")
	v.fsync("00.log.swap") // a file fsync does not commit the rename
	v.drop()
	v.want("00.log", "batch")
	v.want("00.log.swap", absent)

	v.rename("00.log", "00.log.swap")
	v.fsync("/")
	v.drop()
	v.want("00.log", absent)
	v.want("00.log.swap", "batch")
}

func TestOverlayRenameCycles(t *testing.T) {
	v := newOvT(t)
	v.durableFile("a", "A")
	v.durableFile("b", "B")
	v.durableFile("c", "C")
	// a -> tmp, b -> a, tmp -> b: a swap; and c renamed over b's old slot chain.
	v.rename("a", "tmp")
	v.rename("b", "a")
	v.rename("tmp", "b")
	v.rename("c", "d")
	v.fsync("/")
	v.drop()
	v.want("a", "B")
	v.want("b", "A")
	v.want("c", absent)
	v.want("d", "C")
	if _, err := os.Stat(filepath.Join(v.backing, trashName)); !os.IsNotExist(err) {
		t.Errorf("trash left after drop: %v", err)
	}
	// Rename over an existing file: the replaced file is gone once durable.
	v.durableFile("x", "X")
	v.rename("a", "x")
	v.fsync("/")
	v.drop()
	v.want("x", "B")
	v.want("a", absent)
}

func TestOverlayCrossDirRename(t *testing.T) {
	v := newOvT(t)
	v.mkdir("src")
	v.mkdir("dst")
	v.fsync("/")
	v.durableFile("src/f", "F")
	v.rename("src/f", "dst/f")
	v.fsync("src") // the source alone does not commit the move
	v.drop()
	v.want("src/f", "F")
	v.want("dst/f", absent)

	v.rename("src/f", "dst/f")
	v.fsync("dst")
	v.drop()
	v.want("src/f", absent)
	v.want("dst/f", "F")
}

func TestOverlayUnlink(t *testing.T) {
	v := newOvT(t)
	f := v.durableFile("old.log", "old")
	v.unlink("old.log")
	v.want("old.log", absent)
	v.drop()
	v.want("old.log", "old")

	f = v.node("old.log")
	v.unlink("old.log")
	v.fsync("/")
	wantBacking(t, v.backing, "old.log", absent)
	if got := v.readNode(f); got != "old" { // an open handle still reads it
		t.Errorf("unlinked file reads %q", got)
	}
	v.drop()
	v.want("old.log", absent)
}

// A directory removed in the view while a child moved out of it: the
// child's bytes must survive until the destination is committed.
func TestOverlayRmdirWithMovedChild(t *testing.T) {
	v := newOvT(t)
	v.mkdir("d")
	v.mkdir("e")
	v.fsync("/")
	v.durableFile("d/f", "F")
	v.rename("d/f", "e/f")
	if err := v.o.Rmdir(v.o.Root(), "d"); err != nil {
		t.Fatal(err)
	}
	v.fsync("/") // d is gone durably, f's bytes parked
	v.fsync("e")
	v.drop()
	v.want("d", absent)
	v.want("e/f", "F")
}

func TestOverlayMkdirRmdir(t *testing.T) {
	v := newOvT(t)
	v.mkdir("topic-0")
	v.drop()
	if _, err := v.lookup("topic-0"); err == nil {
		t.Error("unsynced mkdir survived")
	}
	v.mkdir("topic-0")
	v.fsync("/")
	v.drop()
	v.node("topic-0")
	if err := v.o.Rmdir(v.o.Root(), "topic-0"); err != nil {
		t.Fatal(err)
	}
	v.drop()
	v.node("topic-0")
}

func TestOverlayTrashHidden(t *testing.T) {
	v := newOvT(t)
	if _, _, err := v.o.Create(v.o.Root(), trashName, 0o644, 0, 0); err == nil {
		t.Error("created the reserved trash name")
	}
	v.mkdir("sub")
	v.fsync("/")
	v.durableFile("a", "A")
	v.durableFile("b", "B")
	v.rename("a", "sub/a")
	v.rename("b", "a")
	// Committing "a" needs the slot, but A's move into sub is not
	// committed yet: A's bytes are parked without a durable name.
	v.fsync("/")
	if _, err := os.Stat(filepath.Join(v.backing, trashName)); err != nil {
		t.Fatalf("expected parked bytes: %v", err)
	}
	ents, _ := v.o.Readdir(v.o.Root())
	for _, e := range ents {
		if e.Name == trashName {
			t.Error("trash visible in the mount")
		}
	}
	v.want("sub/a", "A")
	v.drop() // parked bytes had no durable name: gone
	v.want("a", "B")
	v.want("b", absent)
	v.want("sub/a", absent)
}

func TestOverlaySyncAllAndTear(t *testing.T) {
	v := newOvT(t)
	v.mkdir("p")
	f := v.create("p/00.log", "AAAA")
	v.write(f, "BBBBBBBB", 4)
	if err := v.o.SyncAll(); err != nil {
		t.Fatal(err)
	}
	if got := v.o.UnsyncedBytes(); got != 0 {
		t.Errorf("UnsyncedBytes after SyncAll = %d", got)
	}
	v.write(f, "CC", 12)
	v.write(f, "DDDDDDDD", 14)
	if n, err := v.o.Tear(0.5); n != 1 || err != nil {
		t.Fatalf("Tear = %d, %v", n, err)
	}
	v.drop()
	v.want("p/00.log", "AAAABBBBBBBBCCDDDD")
}

// Kafka deletes a partition by renaming its directory to *-delete, then
// removing the files and the directory.
func TestOverlayDirectoryRename(t *testing.T) {
	v := newOvT(t)
	// Existing partition, never listed before the rename (lazy loading).
	if err := os.MkdirAll(filepath.Join(v.backing, "t-0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(v.backing, "t-0", "0.log"), []byte("msgs"), 0o644); err != nil {
		t.Fatal(err)
	}
	v.rename("t-0", "t-0.abc-delete")
	v.want("t-0.abc-delete/0.log", "msgs")
	v.drop()
	v.want("t-0/0.log", "msgs")

	v.rename("t-0", "t-0.abc-delete")
	v.fsync("/")
	v.unlink("t-0.abc-delete/0.log")
	if err := v.o.Rmdir(v.o.Root(), "t-0.abc-delete"); err != nil {
		t.Fatal(err)
	}
	v.drop() // only the rename was durable
	v.want("t-0.abc-delete/0.log", "msgs")
	v.unlink("t-0.abc-delete/0.log")
	if err := v.o.Rmdir(v.o.Root(), "t-0.abc-delete"); err != nil {
		t.Fatal(err)
	}
	v.fsync("/")
	v.drop()
	if _, err := os.Stat(filepath.Join(v.backing, "t-0.abc-delete")); !os.IsNotExist(err) {
		t.Errorf("deleted partition still in backing: %v", err)
	}
}
