//go:build linux

package lossyfs

import (
	"os"
	"sort"
	"syscall"
	"time"
)

// Entry is one directory entry as Readdir returns it.
type Entry struct {
	Name string
	ID   uint64
	Mode uint32 // S_IFMT bits only
}

// Lookup finds name in directory d.
func (o *Overlay) Lookup(d *Node, name string) (*Node, Attr, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.load(d); err != nil {
		return nil, Attr{}, err
	}
	c := d.children[name]
	if c == nil {
		return nil, Attr{}, syscall.ENOENT
	}
	c.forgotten = false
	return c, o.attr(c), nil
}

// Attr returns n's attributes.
func (o *Overlay) Attr(n *Node) Attr {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.attr(n)
}

// Readdir lists directory d, sorted by name.
func (o *Overlay) Readdir(d *Node) ([]Entry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.load(d); err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(d.children))
	for name, c := range d.children {
		out = append(out, Entry{Name: name, ID: c.id, Mode: o.attr(c).Mode & syscall.S_IFMT})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// newChild links a fresh node of kind k into d as name; the change lives
// in the view only until something makes it durable.
func (o *Overlay) newChild(d *Node, name string, k kind, mode, uid, gid uint32) (*Node, error) {
	if err := o.load(d); err != nil {
		return nil, err
	}
	if d == o.root && name == trashName {
		return nil, syscall.EPERM
	}
	if d.children[name] != nil {
		return nil, syscall.EEXIST
	}
	if d.parent == nil && d != o.root {
		return nil, syscall.ENOENT // creating inside an unlinked directory
	}
	n := o.newNode(k)
	now := time.Now()
	n.meta = meta{mode: mode & 07777, uid: uid, gid: gid, atime: now, mtime: now, ctime: now}
	n.parent, n.name = d, name
	d.children[name] = n
	d.meta.mtime, d.meta.ctime = now, now
	return n, nil
}

// Create makes a new empty regular file. An existing name is EEXIST: the
// kernel only sends CREATE after a lookup found nothing.
func (o *Overlay) Create(d *Node, name string, mode, uid, gid uint32) (*Node, Attr, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := o.newChild(d, name, kindFile, mode, uid, gid)
	if err != nil {
		return nil, Attr{}, err
	}
	return n, o.attr(n), nil
}

// Mkdir makes a new empty directory.
func (o *Overlay) Mkdir(d *Node, name string, mode, uid, gid uint32) (*Node, Attr, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := o.newChild(d, name, kindDir, mode, uid, gid)
	if err != nil {
		return nil, Attr{}, err
	}
	return n, o.attr(n), nil
}

// Symlink makes a new symbolic link to target.
func (o *Overlay) Symlink(d *Node, name, target string, uid, gid uint32) (*Node, Attr, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := o.newChild(d, name, kindSymlink, 0777, uid, gid)
	if err != nil {
		return nil, Attr{}, err
	}
	n.target = target
	return n, o.attr(n), nil
}

// Readlink returns a symlink's target.
func (o *Overlay) Readlink(n *Node) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n.kind != kindSymlink {
		return "", syscall.EINVAL
	}
	return n.target, nil
}

// Unlink removes a non-directory name. The node keeps its data for
// whoever still has it open.
func (o *Overlay) Unlink(d *Node, name string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.remove(d, name, false)
}

// Rmdir removes an empty directory.
func (o *Overlay) Rmdir(d *Node, name string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.remove(d, name, true)
}

func (o *Overlay) remove(d *Node, name string, dir bool) error {
	if err := o.load(d); err != nil {
		return err
	}
	c := d.children[name]
	switch {
	case c == nil:
		return syscall.ENOENT
	case dir && c.kind != kindDir:
		return syscall.ENOTDIR
	case !dir && c.kind == kindDir:
		return syscall.EISDIR
	}
	if dir {
		if err := o.load(c); err != nil {
			return err
		}
		if len(c.children) > 0 {
			return syscall.ENOTEMPTY
		}
	}
	o.detach(c)
	now := time.Now()
	d.meta.mtime, d.meta.ctime = now, now
	return nil
}

func (o *Overlay) detach(c *Node) {
	delete(c.parent.children, c.name)
	c.parent, c.name = nil, ""
	c.meta.ctime = time.Now()
}

// Rename moves src/name to dst/newName in the view, with rename(2) and
// renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE) semantics.
func (o *Overlay) Rename(src *Node, name string, dst *Node, newName string, flags uint32) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.load(src); err != nil {
		return err
	}
	if err := o.load(dst); err != nil {
		return err
	}
	if dst == o.root && newName == trashName {
		return syscall.EPERM
	}
	if dst.parent == nil && dst != o.root {
		return syscall.ENOENT // into an unlinked directory
	}
	n := src.children[name]
	if n == nil {
		return syscall.ENOENT
	}
	for a := dst; a != nil; a = a.parent {
		if a == n {
			return syscall.EINVAL // a directory into its own subtree
		}
	}
	t := dst.children[newName]
	switch {
	case flags&^(renameNoReplace|renameExchange) != 0:
		return syscall.EINVAL
	case flags&renameExchange != 0:
		if t == nil {
			return syscall.ENOENT
		}
		src.children[name], dst.children[newName] = t, n
		t.parent, t.name, n.parent, n.name = src, name, dst, newName
		return nil
	case t == n:
		return nil
	case t != nil && flags&renameNoReplace != 0:
		return syscall.EEXIST
	case t != nil && n.kind == kindDir && t.kind != kindDir:
		return syscall.ENOTDIR
	case t != nil && n.kind != kindDir && t.kind == kindDir:
		return syscall.EISDIR
	}
	if t != nil {
		if t.kind == kindDir {
			if err := o.load(t); err != nil {
				return err
			}
			if len(t.children) > 0 {
				return syscall.ENOTEMPTY
			}
		}
		o.detach(t)
	}
	delete(src.children, name)
	dst.children[newName] = n
	n.parent, n.name = dst, newName
	now := time.Now()
	n.meta.ctime = now
	src.meta.mtime, dst.meta.mtime = now, now
	return nil
}

const (
	renameNoReplace = 1 // RENAME_NOREPLACE
	renameExchange  = 2 // RENAME_EXCHANGE
)

// Open prepares n for I/O. The backing file is opened now so that the data
// stays readable through an open descriptor even after the name is
// durably removed.
func (o *Overlay) Open(n *Node) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n.kind == kindDir {
		return syscall.EISDIR
	}
	return o.openBacking(n)
}

func (o *Overlay) openBacking(n *Node) error {
	if n.kind != kindFile || n.data.fd != nil {
		return nil
	}
	p := o.dpath(n)
	if p == "" {
		return nil // no backing entry: every byte is in memory
	}
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	n.data.fd = f
	return nil
}

// Forget is called when the kernel no longer references n. Backing
// descriptors can be reopened by path, so they are closed; a node that is
// unlinked and has no backing bytes can never be reached again and is freed.
func (o *Overlay) Forget(n *Node) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n.forgotten = true
	o.gc(n)
}

func (o *Overlay) gc(n *Node) {
	if !n.forgotten || n == o.root {
		return
	}
	if n.data != nil && n.data.fd != nil {
		n.data.fd.Close()
		n.data.fd = nil
	}
	if n.parent == nil && n.dparent == nil {
		delete(o.nodes, n.id)
	}
}

// Statfs reports the backing filesystem's figures.
func (o *Overlay) Statfs() (syscall.Statfs_t, error) {
	var st syscall.Statfs_t
	err := syscall.Statfs(o.backing, &st)
	return st, err
}
