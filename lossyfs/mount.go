//go:build linux

package lossyfs

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// Config describes one mount.
type Config struct {
	Backing    string // durable image; must not be touched while mounted
	Mountpoint string
	AllowOther bool // let other users (e.g. a non-root broker) use the mount
	Debug      bool // log every FUSE request
}

// FS is a mounted lossyfs.
type FS struct {
	ov     *Overlay
	server *fuse.Server
	mnt    string
	ctl    sync.Mutex // one control operation at a time
}

// Mount mounts an overlay of cfg.Backing on cfg.Mountpoint and serves it
// until Unmount. As root it mounts /dev/fuse directly with mount(2) and
// never needs fusermount; otherwise it falls back to fusermount.
func Mount(cfg Config) (*FS, error) {
	ov, err := New(cfg.Backing)
	if err != nil {
		return nil, err
	}
	// Zero timeouts make the kernel ask the overlay on every path walk and
	// stat, so a Drop is seen at once without chasing cached dentries.
	zero := time.Duration(0)
	opts := &fs.Options{
		MountOptions: fuse.MountOptions{
			AllowOther:        cfg.AllowOther,
			FsName:            "lossyfs:" + ov.Backing(),
			Name:              "lossyfs",
			DisableXAttrs:     true, // spares a GETXATTR(security.capability) per write
			Debug:             cfg.Debug,
			DirectMount:       true,
			DirectMountStrict: os.Geteuid() == 0,
			// The kernel must not invalidate file data on its own (it
			// would race with in-flight WRITEs, see cacheFlags); Drop and
			// Tear invalidate explicitly.
			ExplicitDataCacheControl: true,
		},
		EntryTimeout:    &zero,
		AttrTimeout:     &zero,
		NegativeTimeout: &zero,
		NullPermissions: true,
		ExternalNodeID:  true,
		RootStableAttr:  &fs.StableAttr{Ino: ov.Root().ID()},
	}
	root := &fsNode{ov: ov, n: ov.Root()}
	server, err := fs.Mount(cfg.Mountpoint, root, opts)
	if err != nil {
		ov.Close()
		return nil, fmt.Errorf("mount %s: %w", cfg.Mountpoint, err)
	}
	return &FS{ov: ov, server: server, mnt: cfg.Mountpoint}, nil
}

// Overlay exposes the state machine behind the mount.
func (f *FS) Overlay() *Overlay { return f.ov }

// Mountpoint returns where the FS is mounted.
func (f *FS) Mountpoint() string { return f.mnt }

// flushKernel invalidates the kernel's cached pages and attributes of
// every node. Invalidation launders dirty mmap pages into the overlay as
// WRITEs, so it must run without the overlay lock held.
func (f *FS) flushKernel() {
	for _, id := range f.ov.NodeIDs() {
		// ENOENT just means the kernel holds nothing for that node.
		_ = f.server.InodeNotify(id, 0, 0)
	}
}

// Drop simulates a power cut. Meant to be called once the writers are
// dead (a broker SIGKILLed): the kernel's dirty mmap pages are first pulled
// into the overlay so they die with the rest, then the kernel is told to
// re-read everything.
func (f *FS) Drop() error {
	f.ctl.Lock()
	defer f.ctl.Unlock()
	f.flushKernel()
	err := f.ov.Drop()
	f.flushKernel()
	return err
}

// SyncAll makes every change durable, including dirty mmap pages.
func (f *FS) SyncAll() error {
	f.ctl.Lock()
	defer f.ctl.Unlock()
	f.flushKernel()
	return f.ov.SyncAll()
}

// SetFull switches the disk-full mode (see Overlay.SetFull).
func (f *FS) SetFull(full bool) error {
	f.ctl.Lock()
	defer f.ctl.Unlock()
	f.flushKernel()
	return f.ov.SetFull(full)
}

// Tear persists torn last writes (see Overlay.Tear); follow with Drop.
func (f *FS) Tear(frac float64) (int, error) {
	f.ctl.Lock()
	defer f.ctl.Unlock()
	f.flushKernel()
	return f.ov.Tear(frac)
}

// UnsyncedBytes reports the bytes a power cut would lose now. Dirty mmap
// pages still in the kernel are not counted until they are written back.
func (f *FS) UnsyncedBytes() int64 { return f.ov.UnsyncedBytes() }

// Wait blocks until the FS is unmounted.
func (f *FS) Wait() { f.server.Wait() }

// Unmount unmounts and releases the overlay; unsynced changes are lost.
// A busy mount is retried for a while, then lazily detached so that a
// crashed test never leaves a live mount behind.
func (f *FS) Unmount() error {
	var err error
	for i := 0; i < 20; i++ {
		if err = f.server.Unmount(); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		if derr := syscall.Unmount(f.mnt, syscall.MNT_DETACH); derr != nil {
			return errors.Join(err, derr)
		}
		err = nil
	}
	return errors.Join(err, f.ov.Close())
}
