//go:build linux

package lossyfs

import (
	"errors"
	"maps"
	"os"
	"sort"
)

// Drop simulates a power cut: every change that was not made durable is
// forgotten and the view becomes the backing directory again. Nodes keep
// their identity, so a durable file is the same inode before and after.
func (o *Overlay) Drop() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range o.trash.dchildren {
		o.dropBacking(m) // parked bytes had no durable name
	}
	o.trash.dchildren = map[string]*Node{}
	err := os.RemoveAll(o.dpath(o.trash))
	for _, n := range o.nodes {
		if n == o.root {
			n.meta = n.dmeta
			n.children = maps.Clone(n.dchildren)
			continue
		}
		if o.isDurable(n) {
			n.parent, n.name = n.dparent, n.dname
			n.meta = n.dmeta
		} else {
			n.parent, n.name = nil, ""
		}
		if n.data != nil {
			n.data.discard()
		}
		if n.children != nil {
			n.children = maps.Clone(n.dchildren)
		}
	}
	for _, n := range o.nodes {
		o.gc(n)
	}
	return err
}

// SyncAll makes everything durable, as sync(2) plus fsync of every
// directory would.
func (o *Overlay) SyncAll() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.syncTree(o.root)
}

func (o *Overlay) syncTree(d *Node) error {
	if d.children == nil {
		return nil // never loaded: nothing below can have changed
	}
	if err := o.syncDir(d); err != nil {
		return err
	}
	var errs []error
	for _, c := range sortedChildren(d) {
		if c.kind == kindDir {
			errs = append(errs, o.syncTree(c))
		} else {
			errs = append(errs, o.syncFile(c))
		}
	}
	return errors.Join(errs...)
}

func sortedChildren(d *Node) []*Node {
	names := make([]string, 0, len(d.children))
	for name := range d.children {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]*Node, len(names))
	for i, name := range names {
		out[i] = d.children[name]
	}
	return out
}

// UnsyncedBytes is the number of written bytes a power cut would lose now:
// bytes written since the file's last sync, within its current size, in
// files that have a name (in the view or on disk). Pure size changes and
// namespace changes count zero.
func (o *Overlay) UnsyncedBytes() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	var t int64
	for _, n := range o.nodes {
		if n.data != nil && (n.parent != nil || n.dparent != nil) {
			t += n.data.unsynced()
		}
	}
	return t
}

// Tear persists a torn version of every file whose last change is an
// unsynced write: earlier writes whole, the last one cut to its first frac
// (0 <= frac < 1; at least one byte is lost). Like fsync it also applies
// the new-inode rule. It returns how many files were torn; follow it with
// Drop to discard everything else.
func (o *Overlay) Tear(frac float64) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := make([]uint64, 0, len(o.nodes))
	for id, n := range o.nodes {
		if n.data != nil && n.data.last != nil && (n.parent != nil || o.isDurable(n)) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	torn := 0
	for _, id := range ids {
		n := o.nodes[id]
		if err := o.openBacking(n); err != nil {
			return torn, err
		}
		ok, err := n.data.tear(frac)
		if err != nil {
			return torn, err
		}
		if err := o.syncFile(n); err != nil {
			return torn, err
		}
		if ok {
			torn++
		}
	}
	return torn, nil
}

// NodeIDs lists every node the overlay knows, for cache invalidation.
func (o *Overlay) NodeIDs() []uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := make([]uint64, 0, len(o.nodes))
	for id := range o.nodes {
		ids = append(ids, id)
	}
	return ids
}

// Close releases backing descriptors. Unsynced changes are lost, exactly
// as in a power cut.
func (o *Overlay) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	var errs []error
	for _, n := range o.nodes {
		if n.data != nil && n.data.fd != nil {
			errs = append(errs, n.data.fd.Close())
			n.data.fd = nil
		}
	}
	return errors.Join(errs...)
}

// SetFull switches the disk-full mode. Turning it on first makes everything
// written so far durable, atomically with refusing new writes: a full disk
// still holds what the page cache had, so when the application then exits
// (Kafka halts when its only log directory fails) that is a process crash,
// not a power cut.
func (o *Overlay) SetFull(full bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if full {
		if err := o.syncTree(o.root); err != nil {
			return err
		}
	}
	o.full = full
	return nil
}
