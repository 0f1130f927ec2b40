//go:build linux

package lossyfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"
)

// trashName is a directory inside the backing root that parks backing
// entries which lost their durable name while the view still needs their
// bytes (a file renamed away and replaced, a directory holding something
// that moved out). Its contents have no durable name: Drop and New empty it,
// and it is hidden from the mount.
const trashName = ".lossyfs-trash"

var errUnsupported = errors.New("unsupported file type")

type kind uint8

const (
	kindFile kind = iota
	kindDir
	kindSymlink
)

// meta is what chmod, chown and utimes change; kept twice (view, durable).
type meta struct {
	mode         uint32 // permission bits (07777) only
	uid, gid     uint32
	atime, mtime time.Time
	ctime        time.Time
}

// Node is one inode of the overlay. Its identity outlives renames and Drop,
// so the FUSE layer can use its id as the kernel node id. Fields are guarded
// by the owning Overlay's mutex.
type Node struct {
	id   uint64
	kind kind

	// Where the mount shows the node; parent == nil means unlinked
	// (the root is never unlinked).
	parent *Node
	name   string

	// Where its bytes are in the backing directory: under dparent (which
	// is the root, the trash or a node that itself has a dparent) as
	// dname. dparent == nil: the node has no backing entry at all.
	dparent *Node
	dname   string

	meta, dmeta meta

	// Directories: view and durable entries. nil until loaded.
	children, dchildren map[string]*Node

	target string   // symlinks
	data   *content // regular files

	// forgotten is set once the kernel dropped the node; an unlinked node
	// without backing bytes can then be freed.
	forgotten bool
}

// ID is the node's stable inode number.
func (n *Node) ID() uint64 { return n.id }

// Attr is a snapshot of a node's attributes as the mount shows them.
type Attr struct {
	ID                  uint64
	Mode                uint32 // S_IFMT bits | permission bits
	Size                int64
	UID, GID            uint32
	Atime, Mtime, Ctime time.Time
}

// IsDir reports whether the attributes are those of a directory.
func (a Attr) IsDir() bool { return a.Mode&syscall.S_IFMT == syscall.S_IFDIR }

// Overlay is the in-memory state machine of lossyfs: a view of the backing
// directory plus every change not yet made durable. It is safe for
// concurrent use; one mutex serialises everything, which keeps the model
// simple and is fast enough for a test broker.
type Overlay struct {
	mu      sync.Mutex
	backing string
	root    *Node
	trash   *Node
	nextID  uint64
	nodes   map[uint64]*Node
	// full makes every write and allocation fail with ENOSPC, as on a disk
	// with no free block left.
	full bool
}

// New opens an overlay over the directory backing. A trash directory left
// by an earlier run holds nothing durable and is removed.
func New(backing string) (*Overlay, error) {
	abs, err := filepath.Abs(backing)
	if err != nil {
		return nil, err
	}
	var st syscall.Stat_t
	if err := syscall.Stat(abs, &st); err != nil {
		return nil, fmt.Errorf("backing directory: %w", &os.PathError{Op: "stat", Path: abs, Err: err})
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		return nil, fmt.Errorf("backing %s is not a directory", abs)
	}
	if err := os.RemoveAll(filepath.Join(abs, trashName)); err != nil {
		return nil, err
	}
	o := &Overlay{backing: abs, nextID: 2, nodes: map[uint64]*Node{}}
	o.root = &Node{id: 1, kind: kindDir, meta: metaFromStat(&st)}
	o.root.dmeta = o.root.meta
	o.trash = &Node{kind: kindDir, children: map[string]*Node{}, dchildren: map[string]*Node{}}
	o.nodes[1] = o.root
	return o, nil
}

// Root returns the root directory node.
func (o *Overlay) Root() *Node { return o.root }

// Backing returns the absolute path of the backing directory.
func (o *Overlay) Backing() string { return o.backing }

func (o *Overlay) newNode(k kind) *Node {
	n := &Node{id: o.nextID, kind: k}
	o.nextID++
	o.nodes[n.id] = n
	switch k {
	case kindDir:
		n.children, n.dchildren = map[string]*Node{}, map[string]*Node{}
	case kindFile:
		n.data = newContent(0)
	}
	return n
}

// dpath is the backing path of n's bytes, "" if it has none.
func (o *Overlay) dpath(n *Node) string {
	switch {
	case n == o.root:
		return o.backing
	case n == o.trash:
		return filepath.Join(o.backing, trashName)
	case n.dparent == nil:
		return ""
	}
	p := o.dpath(n.dparent)
	if p == "" {
		return ""
	}
	return filepath.Join(p, n.dname)
}

// isDurable reports whether n survives a power cut under some name, i.e.
// its backing entry hangs off the root rather than the trash.
func (o *Overlay) isDurable(n *Node) bool {
	for n != o.root {
		if n == o.trash || n.dparent == nil {
			return false
		}
		n = n.dparent
	}
	return true
}

// load reads a directory's entries from the backing directory on first use.
// Only lossyfs writes the backing directory while mounted, so one read stays
// accurate for the life of the overlay.
func (o *Overlay) load(d *Node) error {
	if d.kind != kindDir {
		return syscall.ENOTDIR
	}
	if d.children != nil {
		return nil
	}
	d.children, d.dchildren = map[string]*Node{}, map[string]*Node{}
	p := o.dpath(d)
	if p == "" {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		d.children, d.dchildren = nil, nil
		return err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		d.children, d.dchildren = nil, nil
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if d == o.root && name == trashName {
			continue
		}
		c, err := o.nodeFromBacking(filepath.Join(p, name))
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, errUnsupported) {
			continue // Kafka never makes fifos or devices; hide, don't fail
		}
		if err != nil {
			d.children, d.dchildren = nil, nil
			return err
		}
		c.parent, c.name, c.dparent, c.dname = d, name, d, name
		d.children[name], d.dchildren[name] = c, c
	}
	return nil
}

func (o *Overlay) nodeFromBacking(p string) (*Node, error) {
	var st syscall.Stat_t
	if err := syscall.Lstat(p, &st); err != nil {
		return nil, &os.PathError{Op: "lstat", Path: p, Err: err}
	}
	var n *Node
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		n = &Node{kind: kindDir} // children stay nil: loaded lazily
	case syscall.S_IFLNK:
		t, err := os.Readlink(p)
		if err != nil {
			return nil, err
		}
		n = &Node{kind: kindSymlink, target: t}
	case syscall.S_IFREG:
		n = &Node{kind: kindFile, data: newContent(st.Size)}
	default:
		return nil, fmt.Errorf("%s: %w", p, errUnsupported)
	}
	n.id = o.nextID
	o.nextID++
	o.nodes[n.id] = n
	n.meta = metaFromStat(&st)
	n.dmeta = n.meta
	return n, nil
}

func metaFromStat(st *syscall.Stat_t) meta {
	return meta{
		mode:  st.Mode & 07777,
		uid:   st.Uid,
		gid:   st.Gid,
		atime: time.Unix(st.Atim.Unix()),
		mtime: time.Unix(st.Mtim.Unix()),
		ctime: time.Unix(st.Ctim.Unix()),
	}
}

func (o *Overlay) attr(n *Node) Attr {
	a := Attr{ID: n.id, UID: n.meta.uid, GID: n.meta.gid,
		Atime: n.meta.atime, Mtime: n.meta.mtime, Ctime: n.meta.ctime}
	switch n.kind {
	case kindDir:
		a.Mode, a.Size = syscall.S_IFDIR, 4096
	case kindSymlink:
		a.Mode, a.Size = syscall.S_IFLNK, int64(len(n.target))
	default:
		a.Mode, a.Size = syscall.S_IFREG, n.data.size
	}
	a.Mode |= n.meta.mode
	return a
}
