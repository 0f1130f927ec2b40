//go:build linux

package lossyfs

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Fsync makes n durable: a file's data, size and metadata, or a
// directory's entries. See the package documentation for the model.
func (o *Overlay) Fsync(n *Node) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n.kind == kindDir {
		return o.syncDir(n)
	}
	return o.syncFile(n)
}

func (o *Overlay) syncFile(n *Node) error {
	if err := o.ensureDurable(n); err != nil {
		return err
	}
	if n.kind == kindFile {
		if err := o.openBacking(n); err != nil {
			return err
		}
		if n.data.fd == nil {
			return nil // unlinked and never durable: nowhere to put it
		}
		if err := n.data.flush(); err != nil {
			return err
		}
	}
	return o.syncMeta(n)
}

func (o *Overlay) syncDir(d *Node) error {
	if err := o.ensureDurable(d); err != nil {
		return err
	}
	if !o.isDurable(d) {
		return nil // unlinked directory: none of its names can survive
	}
	if err := o.load(d); err != nil {
		return err
	}
	names := make([]string, 0, len(d.children)+len(d.dchildren))
	for name := range d.children {
		names = append(names, name)
	}
	for name := range d.dchildren {
		if d.children[name] == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if err := o.commitEntry(d, name); err != nil {
			return err
		}
	}
	return o.syncMeta(d)
}

// ensureDurable applies the new-inode rule: a node without a durable name
// gets its current name made durable, new parents first.
func (o *Overlay) ensureDurable(n *Node) error {
	if o.isDurable(n) || n.parent == nil {
		return nil
	}
	if err := o.ensureDurable(n.parent); err != nil {
		return err
	}
	if !o.isDurable(n.parent) {
		return nil // inside an unlinked directory: no name can survive
	}
	return o.commitEntry(n.parent, n.name)
}

// commitEntry makes the backing entry d/name match the view.
func (o *Overlay) commitEntry(d *Node, name string) error {
	n, old := d.children[name], d.dchildren[name]
	if n == old {
		return nil
	}
	if old != nil {
		if n == nil && old.parent != nil {
			// Renamed: the move is committed with its destination
			// directory (or with this one's other name, if it is here).
			return nil
		}
		if err := o.vacate(old); err != nil {
			return err
		}
	}
	if n == nil {
		return nil
	}
	return o.place(n, d, name)
}

// vacate takes m's backing entry out of its durable place. Bytes nobody
// can reach again are deleted (open descriptors keep reading them); bytes
// the view may still commit elsewhere go to the trash.
func (o *Overlay) vacate(m *Node) error {
	p := o.dpath(m)
	delete(m.dparent.dchildren, m.dname)
	if m.parent == nil && !o.holdsVisible(m) {
		o.dropBacking(m)
		return os.RemoveAll(p)
	}
	if err := os.MkdirAll(o.dpath(o.trash), 0o700); err != nil {
		return err
	}
	name := strconv.FormatUint(m.id, 10)
	if err := os.Rename(p, filepath.Join(o.dpath(o.trash), name)); err != nil {
		return err
	}
	m.dparent, m.dname = o.trash, name
	o.trash.dchildren[name] = m
	return nil
}

// holdsVisible reports whether a backing directory holds an entry that is
// still visible somewhere (moved out in the view, not yet committed).
func (o *Overlay) holdsVisible(d *Node) bool {
	for _, c := range d.dchildren {
		if c.parent != nil || o.holdsVisible(c) {
			return true
		}
	}
	return false
}

// dropBacking records that m's backing entry (and everything below it) no
// longer exists.
func (o *Overlay) dropBacking(m *Node) {
	for _, c := range m.dchildren {
		o.dropBacking(c)
	}
	if m.kind == kindDir && m.dchildren != nil {
		m.dchildren = map[string]*Node{}
	}
	m.dparent, m.dname = nil, ""
	o.gc(m)
}

// place puts n's backing entry at d/name: moved from where its bytes are,
// or created if it has none (a new file starts empty: its data is durable
// only after its own fsync).
func (o *Overlay) place(n *Node, d *Node, name string) error {
	dst := filepath.Join(o.dpath(d), name)
	if n.dparent != nil {
		if err := os.Rename(o.dpath(n), dst); err != nil {
			return err
		}
		delete(n.dparent.dchildren, n.dname)
		n.dparent, n.dname = d, name
		d.dchildren[name] = n
		return nil
	}
	switch n.kind {
	case kindFile:
		f, err := os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_EXCL, os.FileMode(n.meta.mode&0o777))
		if err != nil {
			return err
		}
		if n.data.fd != nil {
			n.data.fd.Close()
		}
		n.data.fd, n.data.durSize, n.data.validDur = f, 0, 0
	case kindDir:
		if err := os.Mkdir(dst, os.FileMode(n.meta.mode&0o777)); err != nil {
			return err
		}
		if n.dchildren == nil {
			n.dchildren = map[string]*Node{}
		}
	case kindSymlink:
		if err := os.Symlink(n.target, dst); err != nil {
			return err
		}
	}
	n.dparent, n.dname = d, name
	d.dchildren[name] = n
	n.dmeta = meta{}
	return o.syncMeta(n)
}

// syncMeta writes n's owner, mode and times to its backing entry.
func (o *Overlay) syncMeta(n *Node) error {
	if n.meta == n.dmeta || !o.isDurable(n) {
		return nil
	}
	p := o.dpath(n)
	m := n.meta
	if err := os.Lchown(p, int(m.uid), int(m.gid)); err != nil && !os.IsPermission(err) {
		return err
	}
	if n.kind != kindSymlink {
		if err := syscall.Chmod(p, m.mode); err != nil {
			return &os.PathError{Op: "chmod", Path: p, Err: err}
		}
	}
	ts := []unix.Timespec{toTimespec(m.atime), toTimespec(m.mtime)}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.PathError{Op: "utimes", Path: p, Err: err}
	}
	n.dmeta = m
	return nil
}

func toTimespec(t time.Time) unix.Timespec {
	if t.IsZero() {
		return unix.Timespec{Nsec: unix.UTIME_OMIT}
	}
	return unix.NsecToTimespec(t.UnixNano())
}
