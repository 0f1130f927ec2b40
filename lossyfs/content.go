//go:build linux

package lossyfs

import (
	"errors"
	"io"
	"os"
	"sort"
)

const pageSize = 4096

// content is a regular file's data: the bytes in its backing file overlaid
// with dirty pages held in memory.
//
// The backing file is trusted only below validDur: a truncate below it
// followed by growth must read zeros, not the stale durable bytes that the
// truncate cut off (they stay on disk until the next flush).
type content struct {
	fd       *os.File // backing file, opened lazily; may outlive its name
	size     int64    // size the mount shows
	durSize  int64    // size of the backing file
	validDur int64    // backing bytes [0, validDur) are current unless dirty
	pages    map[int64][]byte
	dirty    spans // exact byte ranges written since the last flush
	last     *lastWrite
}

// lastWrite remembers the most recent write well enough to undo a suffix
// of it, which is how Tear produces a torn write.
type lastWrite struct {
	off, n   int64
	prevSize int64
	prev     []byte // the bytes [off, min(off+n, prevSize)) before the write
}

func newContent(size int64) *content {
	return &content{size: size, durSize: size, validDur: size, pages: map[int64][]byte{}}
}

func (c *content) unsynced() int64 { return c.dirty.total() }

// readBase fills out with the durable view of [off, off+len(out)): backing
// bytes below validDur, zeros above.
func (c *content) readBase(out []byte, off int64) error {
	n := int64(len(out))
	fromDisk := min(max(c.validDur-off, 0), n)
	if fromDisk > 0 {
		if c.fd == nil {
			return errors.New("lossyfs: backing file not open")
		}
		k, err := c.fd.ReadAt(out[:fromDisk], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		clear(out[k:fromDisk])
	}
	clear(out[fromDisk:])
	return nil
}

func (c *content) read(dest []byte, off int64) (int, error) {
	if off >= c.size {
		return 0, nil
	}
	end := min(off+int64(len(dest)), c.size)
	for pos := off; pos < end; {
		pg, in := pos/pageSize, pos%pageSize
		n := min(pageSize-in, end-pos)
		out := dest[pos-off : pos-off+n]
		if p, ok := c.pages[pg]; ok {
			copy(out, p[in:])
		} else if err := c.readBase(out, pos); err != nil {
			return 0, err
		}
		pos += n
	}
	return int(end - off), nil
}

// write stores data at off and remembers it as the last write.
func (c *content) write(data []byte, off int64) error {
	lw := &lastWrite{off: off, n: int64(len(data)), prevSize: c.size}
	if off < c.size {
		lw.prev = make([]byte, min(off+lw.n, c.size)-off)
		if _, err := c.read(lw.prev, off); err != nil {
			return err
		}
	}
	if err := c.writeRaw(data, off); err != nil {
		return err
	}
	c.last = lw
	return nil
}

func (c *content) writeRaw(data []byte, off int64) error {
	end := off + int64(len(data))
	for pos := off; pos < end; {
		pg, in := pos/pageSize, pos%pageSize
		n := min(pageSize-in, end-pos)
		p, ok := c.pages[pg]
		if !ok {
			p = make([]byte, pageSize)
			if err := c.readBase(p, pg*pageSize); err != nil {
				return err
			}
			c.pages[pg] = p
		}
		copy(p[in:in+n], data[pos-off:])
		pos += n
	}
	c.size = max(c.size, end)
	c.dirty.add(off, end)
	return nil
}

// truncate sets the size. Bytes past the old size read as zeros because
// pages are kept zeroed beyond size and validDur never exceeds size.
func (c *content) truncate(size int64) {
	if size < c.size {
		for pg := range c.pages {
			if pg*pageSize >= size {
				delete(c.pages, pg)
			}
		}
		if p, ok := c.pages[size/pageSize]; ok {
			clear(p[size%pageSize:])
		}
		c.validDur = min(c.validDur, size)
		c.dirty.clip(size)
	}
	c.size = size
	c.last = nil
}

// flush makes the file's data and size durable in its backing file. The
// host never loses power, so the backing file is not fsynced: being written
// is what makes it durable in the simulation.
func (c *content) flush() error {
	if c.fd == nil {
		return errors.New("lossyfs: flush without a backing file")
	}
	if c.validDur < c.durSize {
		if err := c.fd.Truncate(c.validDur); err != nil {
			return err
		}
	}
	idx := make([]int64, 0, len(c.pages))
	for pg := range c.pages {
		idx = append(idx, pg)
	}
	sort.Slice(idx, func(i, j int) bool { return idx[i] < idx[j] })
	for _, pg := range idx {
		start := pg * pageSize
		if n := min(pageSize, c.size-start); n > 0 {
			if _, err := c.fd.WriteAt(c.pages[pg][:n], start); err != nil {
				return err
			}
		}
	}
	if err := c.fd.Truncate(c.size); err != nil {
		return err
	}
	c.durSize, c.validDur = c.size, c.size
	c.pages, c.dirty, c.last = map[int64][]byte{}, nil, nil
	return nil
}

// discard forgets every unsynced change: the power-cut view of the file.
func (c *content) discard() {
	c.size, c.validDur = c.durSize, c.durSize
	c.pages, c.dirty, c.last = map[int64][]byte{}, nil, nil
}

// tear undoes the part of the last write past its first frac, so that a
// following flush persists earlier writes whole and the last one cut short.
func (c *content) tear(frac float64) (bool, error) {
	lw := c.last
	if lw == nil || lw.n == 0 {
		return false, nil
	}
	keep := min(max(int64(float64(lw.n)*frac), 0), lw.n-1)
	if from, to := lw.off+keep, min(lw.off+lw.n, lw.prevSize); from < to {
		if err := c.writeRaw(lw.prev[from-lw.off:to-lw.off], from); err != nil {
			return false, err
		}
	}
	if lw.off+lw.n > lw.prevSize {
		c.truncate(max(lw.prevSize, lw.off+keep))
	}
	c.last = nil
	return true, nil
}

// spans is a sorted set of disjoint, non-adjacent byte ranges.
type spans []span

type span struct{ start, end int64 }

func (s *spans) add(start, end int64) {
	if start >= end {
		return
	}
	v := *s
	// first span that ends at or after start: it may merge with [start,end)
	i := sort.Search(len(v), func(i int) bool { return v[i].end >= start })
	j := i
	for j < len(v) && v[j].start <= end {
		start, end = min(start, v[j].start), max(end, v[j].end)
		j++
	}
	out := append(v[:i:i], span{start, end})
	*s = append(out, v[j:]...)
}

func (s *spans) clip(limit int64) {
	v := *s
	for len(v) > 0 && v[len(v)-1].start >= limit {
		v = v[:len(v)-1]
	}
	if len(v) > 0 && v[len(v)-1].end > limit {
		v[len(v)-1].end = limit
	}
	*s = v
}

func (s spans) total() int64 {
	var t int64
	for _, r := range s {
		t += r.end - r.start
	}
	return t
}
