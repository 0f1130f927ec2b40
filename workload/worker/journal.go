package worker

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Journal is an append-only JSON-lines file: the ledger a worker process
// keeps. It models what an application has durably recorded:
//
//   - Every record is one write(2) straight to the kernel, with no buffer in
//     the process. Once Append returns, the record survives a SIGKILL of the
//     process, because the page cache belongs to the kernel, not to the
//     process. A SIGKILL therefore loses exactly what the application had
//     not recorded yet (a message processed in memory whose effect line was
//     never written), which is what a real application loses on a crash.
//   - The file is fsynced per batch (every syncEvery, and on Close), which
//     bounds what a machine crash could lose. The harness never crashes the
//     machine a worker runs on, so that bound is never exercised; it is
//     what a real application would have to do.
type Journal struct {
	mu    sync.Mutex
	f     *os.File
	path  string
	dirty bool
	stop  chan struct{}
	done  chan struct{}
	err   error // first background fsync error
	shut  bool
	once  sync.Once
	cerr  error
}

// ErrJournalClosed is returned by Append after Close: a result that arrives
// while a process exits is not recorded, and must not fail the exit.
var ErrJournalClosed = errors.New("journal closed")

// OpenJournal opens (or creates) path for appending.
func OpenJournal(path string, syncEvery time.Duration) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	j := &Journal{f: f, path: path, stop: make(chan struct{}), done: make(chan struct{})}
	go j.syncLoop(syncEvery)
	return j, nil
}

func (j *Journal) syncLoop(every time.Duration) {
	defer close(j.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
		}
		if err := j.Sync(); err != nil {
			j.mu.Lock()
			j.err = errors.Join(j.err, err)
			j.mu.Unlock()
		}
	}
}

// Append writes one record as one line.
func (j *Journal) Append(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode journal record: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.appendLocked(append(b, '\n'))
}

func (j *Journal) appendLocked(line []byte) error {
	if j.shut {
		return ErrJournalClosed
	}
	if _, err := j.f.Write(line); err != nil {
		return fmt.Errorf("append to %s: %w", j.path, err)
	}
	j.dirty = true
	return nil
}

// Locked runs fn holding the journal, with its open file and an append of
// whole lines, so that a read of the file and the append that depends on
// it are one step for this process; fn may lock the file against other
// processes too. After Close it returns ErrJournalClosed.
func (j *Journal) Locked(fn func(f *os.File, add func(line []byte) error) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.shut {
		return ErrJournalClosed
	}
	return fn(j.f, j.appendLocked)
}

// Sync flushes the file to disk if anything was appended since the last
// sync.
func (j *Journal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.dirty || j.shut {
		return nil
	}
	j.dirty = false
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", j.path, err)
	}
	return nil
}

// Close syncs and closes the file. Later calls return the first result.
func (j *Journal) Close() error {
	j.once.Do(func() {
		close(j.stop)
		<-j.done
		err := j.Sync()
		j.mu.Lock()
		defer j.mu.Unlock()
		j.shut = true
		j.cerr = errors.Join(j.err, err, j.f.Close())
	})
	return j.cerr
}

// ReadJournal calls fn for every record of a journal, in file order. A last
// line without its newline is a write cut short by a machine crash and is
// skipped; any other line that does not parse is an error. A journal that
// does not exist holds no record: every worker opens its journal before it
// does anything it records, so its process was stopped before it had done
// anything (an application restarted just as the run ended).
func ReadJournal[T any](path string, fn func(T)) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read journal: %w", err)
	}
	defer f.Close()
	return scanJournal(f, path, fn)
}

func scanJournal[T any](r io.Reader, name string, fn func(T)) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			return fmt.Errorf("%s line %d: %w", name, n, err)
		}
		fn(v)
	}
}
