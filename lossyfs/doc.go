// Package lossyfs is a FUSE filesystem that simulates power loss.
//
// A SIGKILL of a Kafka broker keeps the page cache; only an OS crash or a
// power cut loses it. lossyfs puts a broker's log directory behind a mount
// that keeps every change in its own memory until the application makes it
// durable, so "power loss" (Drop) can discard exactly what a real machine
// would lose.
//
// # Durability model
//
// The backing directory is the disk image: what it holds survives a power
// cut, and after Drop the mount shows exactly its contents. Everything else
// lives in the Overlay, visible to every reader of the mount at once.
//
//   - Writes, truncates, fallocate, chmod/chown/utimes are held in memory.
//     fsync/fdatasync (or msync) of a file writes that file's data, size and
//     metadata to the backing directory.
//   - Names are directory data. Creates, renames, unlinks, mkdir and rmdir
//     change only the view until the directory that holds the name is fsynced;
//     fsync of a directory makes all of its entries durable at once.
//   - ext4 rule for new inodes (EXT4_STATE_NEWENTRY, ext4_sync_parent): fsync
//     of a file or directory that has no durable name yet also makes its
//     current name durable, and recursively the names of new parent
//     directories. Other pending changes in those parents stay pending. So a
//     file created and fsynced survives Drop even if its directory was never
//     fsynced, while a file created and never fsynced vanishes. A file whose
//     name was made durable by a directory fsync but whose data never was
//     comes back empty (ext4 delayed allocation: the famous zero-length file).
//   - Renames are not made durable by fsync of the file: an existing file
//     renamed and fsynced comes back under its old name unless the
//     destination directory was fsynced. A rename across directories commits
//     (atomically, leaving the old name) when the destination is fsynced;
//     fsync of the source directory alone leaves the old name in place.
//   - Background writeback is not simulated: nothing becomes durable unless
//     something asks for it (fsync, SyncAll, Tear). That is the worst case
//     a power cut can produce, which is what a chaos test wants.
//
// # Memory-mapped files
//
// Files are opened without FOPEN_DIRECT_IO and without writeback caching, so
// the kernel page cache backs shared writable mappings (Kafka mmaps its
// .index/.timeindex files) and plain writes go straight through to the
// daemon. The page cache is kept across opens (FOPEN_KEEP_CACHE, explicit
// data cache control): all data changes pass through it, so only Drop and
// Tear, which change data behind its back, invalidate it. Dirty mapped pages reach the daemon as ordinary WRITE requests on
// msync, close, memory pressure or cache invalidation; msync(MS_SYNC) is
// followed by FSYNC, so mapped data becomes durable exactly like written
// data. Before Drop the FS invalidates every inode's page cache, which makes
// the kernel launder still-dirty mapped pages into the overlay first, so they
// are discarded with the rest instead of resurfacing after the drop.
//
// Locks (flock, fcntl) are left to the kernel: the mount does not negotiate
// lock forwarding, so Linux handles them locally, which is all Kafka's
// FileChannel.tryLock on .lock needs.
//
// # Layout
//
// Overlay is a plain Go type holding the whole model (no FUSE), tested
// directly. FS wraps it in a thin go-fuse node layer and adds the kernel
// cache invalidation around Drop. The control socket (ServeControl, Control)
// drives an FS from another process.
//
// The package is built on Linux only: it needs FUSE and Linux's file system
// calls, and it runs inside the Linux containers of the brokers. Elsewhere it
// is empty, so that the rest of the module builds on any host.
package lossyfs
