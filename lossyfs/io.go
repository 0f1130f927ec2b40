//go:build linux

package lossyfs

import (
	"syscall"
	"time"
)

// ReadAt reads from a regular file, unsynced data included.
func (o *Overlay) ReadAt(n *Node, dest []byte, off int64) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n.kind != kindFile {
		return 0, syscall.EISDIR
	}
	if err := o.openBacking(n); err != nil {
		return 0, err
	}
	return n.data.read(dest, off)
}

// WriteAt writes to a regular file. The data stays in memory until the
// file is synced.
func (o *Overlay) WriteAt(n *Node, data []byte, off int64) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n.kind != kindFile {
		return 0, syscall.EISDIR
	}
	if off < 0 {
		return 0, syscall.EINVAL
	}
	if o.full {
		return 0, syscall.ENOSPC
	}
	if err := o.openBacking(n); err != nil {
		return 0, err
	}
	if err := n.data.write(data, off); err != nil {
		return 0, err
	}
	now := time.Now()
	n.meta.mtime, n.meta.ctime = now, now
	return len(data), nil
}

// SetAttr describes a setattr request; nil fields are left alone.
type SetAttr struct {
	Size         *int64
	Mode         *uint32
	UID, GID     *uint32
	Atime, Mtime *time.Time
}

// SetAttr applies chmod, chown, truncate and utimes to the view.
func (o *Overlay) SetAttr(n *Node, s SetAttr) (Attr, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	if s.Size != nil {
		if n.kind != kindFile {
			return Attr{}, syscall.EISDIR
		}
		if *s.Size < 0 {
			return Attr{}, syscall.EINVAL
		}
		if err := o.openBacking(n); err != nil {
			return Attr{}, err
		}
		n.data.truncate(*s.Size)
		n.meta.mtime = now
	}
	if s.Mode != nil {
		n.meta.mode = *s.Mode & 07777
	}
	if s.UID != nil {
		n.meta.uid = *s.UID
	}
	if s.GID != nil {
		n.meta.gid = *s.GID
	}
	if s.Atime != nil {
		n.meta.atime = *s.Atime
	}
	if s.Mtime != nil {
		n.meta.mtime = *s.Mtime
	}
	n.meta.ctime = now
	return o.attr(n), nil
}

// Allocate implements fallocate modes 0 and FALLOC_FL_KEEP_SIZE. Space is
// not reserved anywhere (the backing disk is the host's), so only the size
// change is visible.
func (o *Overlay) Allocate(n *Node, off, length int64, keepSize bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n.kind != kindFile {
		return syscall.EISDIR
	}
	if o.full {
		return syscall.ENOSPC
	}
	if off < 0 || length <= 0 {
		return syscall.EINVAL
	}
	if end := off + length; !keepSize && end > n.data.size {
		if err := o.openBacking(n); err != nil {
			return err
		}
		n.data.truncate(end)
	}
	return nil
}
