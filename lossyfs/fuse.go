//go:build linux

package lossyfs

import (
	"context"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// fsNode adapts one overlay Node to go-fuse. It holds no state of its own:
// the overlay is the only source of truth, so the kernel-facing tree can be
// rebuilt from lookups at any time (Drop relies on that).
type fsNode struct {
	fs.Inode
	ov *Overlay
	n  *Node
}

var (
	_ fs.NodeLookuper    = (*fsNode)(nil)
	_ fs.NodeGetattrer   = (*fsNode)(nil)
	_ fs.NodeSetattrer   = (*fsNode)(nil)
	_ fs.NodeOpener      = (*fsNode)(nil)
	_ fs.NodeCreater     = (*fsNode)(nil)
	_ fs.NodeReader      = (*fsNode)(nil)
	_ fs.NodeWriter      = (*fsNode)(nil)
	_ fs.NodeFsyncer     = (*fsNode)(nil)
	_ fs.NodeFlusher     = (*fsNode)(nil)
	_ fs.NodeAllocater   = (*fsNode)(nil)
	_ fs.NodeMkdirer     = (*fsNode)(nil)
	_ fs.NodeRmdirer     = (*fsNode)(nil)
	_ fs.NodeUnlinker    = (*fsNode)(nil)
	_ fs.NodeRenamer     = (*fsNode)(nil)
	_ fs.NodeSymlinker   = (*fsNode)(nil)
	_ fs.NodeReadlinker  = (*fsNode)(nil)
	_ fs.NodeReaddirer   = (*fsNode)(nil)
	_ fs.NodeStatfser    = (*fsNode)(nil)
	_ fs.NodeAccesser    = (*fsNode)(nil)
	_ fs.NodeOnForgetter = (*fsNode)(nil)
)

func errno(err error) syscall.Errno {
	if err == nil {
		return 0
	}
	return fs.ToErrno(err)
}

func fillAttr(out *fuse.Attr, a Attr) {
	out.Ino = a.ID
	out.Mode = a.Mode
	out.Size = uint64(a.Size)
	out.Blocks = (out.Size + 511) / 512
	out.Blksize = pageSize
	out.Nlink = 1
	out.Owner = fuse.Owner{Uid: a.UID, Gid: a.GID}
	out.SetTimes(&a.Atime, &a.Mtime, &a.Ctime)
}

// child hands a node to the kernel. The overlay id doubles as the FUSE node
// id (Options.ExternalNodeID), so the FS can invalidate any inode by id.
func (f *fsNode) child(ctx context.Context, c *Node, a Attr, out *fuse.EntryOut) *fs.Inode {
	fillAttr(&out.Attr, a)
	return f.NewInode(ctx, &fsNode{ov: f.ov, n: c}, fs.StableAttr{Mode: a.Mode & syscall.S_IFMT, Ino: c.id})
}

func caller(ctx context.Context) (uid, gid uint32) {
	if c, ok := fuse.FromContext(ctx); ok {
		return c.Uid, c.Gid
	}
	return 0, 0
}

func (f *fsNode) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	c, a, err := f.ov.Lookup(f.n, name)
	if err != nil {
		return nil, errno(err)
	}
	return f.child(ctx, c, a, out), 0
}

func (f *fsNode) Getattr(ctx context.Context, fh fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	fillAttr(&out.Attr, f.ov.Attr(f.n))
	return 0
}

func (f *fsNode) Setattr(ctx context.Context, fh fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	var s SetAttr
	if sz, ok := in.GetSize(); ok {
		v := int64(sz)
		s.Size = &v
	}
	if m, ok := in.GetMode(); ok {
		s.Mode = &m
	}
	if u, ok := in.GetUID(); ok {
		s.UID = &u
	}
	if g, ok := in.GetGID(); ok {
		s.GID = &g
	}
	if t, ok := in.GetATime(); ok {
		s.Atime = &t
	}
	if t, ok := in.GetMTime(); ok {
		s.Mtime = &t
	}
	a, err := f.ov.SetAttr(f.n, s)
	if err != nil {
		return errno(err)
	}
	fillAttr(&out.Attr, a)
	return 0
}

// cacheFlags: no FOPEN_DIRECT_IO, because shared mmap needs the page
// cache. FOPEN_KEEP_CACHE, because every change to file data passes through
// this kernel's page cache, so the cache is never stale except after Drop or
// Tear, which invalidate explicitly. Invalidating on open instead is racy:
// an appended page the writer has already put in the cache but whose WRITE
// the overlay has not applied yet can be dropped, re-read short and cached
// with zeros (seen with concurrent readers under -race).
const cacheFlags = fuse.FOPEN_KEEP_CACHE

func (f *fsNode) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	return nil, cacheFlags, errno(f.ov.Open(f.n))
}

func (f *fsNode) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	uid, gid := caller(ctx)
	c, a, err := f.ov.Create(f.n, name, mode, uid, gid)
	if err != nil {
		return nil, nil, 0, errno(err)
	}
	return f.child(ctx, c, a, out), nil, cacheFlags, 0
}

func (f *fsNode) Read(ctx context.Context, fh fs.FileHandle, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	k, err := f.ov.ReadAt(f.n, dest, off)
	if err != nil {
		return nil, errno(err)
	}
	return fuse.ReadResultData(dest[:k]), 0
}

func (f *fsNode) Write(ctx context.Context, fh fs.FileHandle, data []byte, off int64) (uint32, syscall.Errno) {
	k, err := f.ov.WriteAt(f.n, data, off)
	return uint32(k), errno(err)
}

// Fsync serves fsync, fdatasync and msync on files and, through go-fuse's
// FsyncDir fallback, fsync on directories.
func (f *fsNode) Fsync(ctx context.Context, fh fs.FileHandle, flags uint32) syscall.Errno {
	return errno(f.ov.Fsync(f.n))
}

// Flush (close) makes nothing durable, as on a real filesystem.
func (f *fsNode) Flush(ctx context.Context, fh fs.FileHandle) syscall.Errno { return 0 }

func (f *fsNode) Allocate(ctx context.Context, fh fs.FileHandle, off, size uint64, mode uint32) syscall.Errno {
	if mode&^unix.FALLOC_FL_KEEP_SIZE != 0 {
		return syscall.EOPNOTSUPP
	}
	return errno(f.ov.Allocate(f.n, int64(off), int64(size), mode&unix.FALLOC_FL_KEEP_SIZE != 0))
}

func (f *fsNode) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	uid, gid := caller(ctx)
	c, a, err := f.ov.Mkdir(f.n, name, mode, uid, gid)
	if err != nil {
		return nil, errno(err)
	}
	return f.child(ctx, c, a, out), 0
}

func (f *fsNode) Symlink(ctx context.Context, target, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	uid, gid := caller(ctx)
	c, a, err := f.ov.Symlink(f.n, name, target, uid, gid)
	if err != nil {
		return nil, errno(err)
	}
	return f.child(ctx, c, a, out), 0
}

func (f *fsNode) Readlink(ctx context.Context) ([]byte, syscall.Errno) {
	t, err := f.ov.Readlink(f.n)
	return []byte(t), errno(err)
}

func (f *fsNode) Rmdir(ctx context.Context, name string) syscall.Errno {
	return errno(f.ov.Rmdir(f.n, name))
}

func (f *fsNode) Unlink(ctx context.Context, name string) syscall.Errno {
	return errno(f.ov.Unlink(f.n, name))
}

func (f *fsNode) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	dst, ok := newParent.(*fsNode)
	if !ok {
		return syscall.EXDEV
	}
	return errno(f.ov.Rename(f.n, name, dst.n, newName, flags))
}

func (f *fsNode) Readdir(ctx context.Context) (fs.DirStream, syscall.Errno) {
	ents, err := f.ov.Readdir(f.n)
	if err != nil {
		return nil, errno(err)
	}
	out := make([]fuse.DirEntry, len(ents))
	for i, e := range ents {
		out[i] = fuse.DirEntry{Name: e.Name, Ino: e.ID, Mode: e.Mode}
	}
	return fs.NewListDirStream(out), 0
}

func (f *fsNode) Statfs(ctx context.Context, out *fuse.StatfsOut) syscall.Errno {
	st, err := f.ov.Statfs()
	if err != nil {
		return errno(err)
	}
	out.FromStatfsT(&st)
	return 0
}

// Access grants everything: the mount exists for one broker process (root
// or not), and refusing access(2) would only make Kafka call its log
// directory unwritable.
func (f *fsNode) Access(ctx context.Context, mask uint32) syscall.Errno { return 0 }

func (f *fsNode) OnForget() { f.ov.Forget(f.n) }
