package consumer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// Kinds of outcome in the effect store.
const (
	// Applied: the message's side effect happened.
	Applied = "effect"
	// DeadLettered: the message was published to the dead-letter topic.
	DeadLettered = "dead-letter"
)

// Effect is one outcome recorded in a group's effect store: the side effect
// of processing a message, or its dead-lettering.
type Effect struct {
	ID        string        `json:"id"`
	Seq       int64         `json:"seq"`
	Partition int32         `json:"p"`
	Offset    int64         `json:"o"`
	Member    string        `json:"m"`
	Kind      string        `json:"k"`
	At        time.Duration `json:"t"`
}

// EffectStore is the side-effect target every member of a group shares, as
// a database table would be: recording an effect IS the side effect, so an
// effect is applied exactly when its line is in the file. Writers take an
// exclusive flock, so check-and-record is atomic across processes, the way
// a unique key makes an insert idempotent.
type EffectStore struct {
	j      *worker.Journal
	dedupe bool
	seen   map[string]bool
	read   int64 // bytes already folded into seen
}

// OpenEffects opens a group's effect store. With dedupe, Record applies an
// id at most once across every member.
func OpenEffects(path string, dedupe bool) (*EffectStore, error) {
	j, err := worker.OpenJournal(path, 100*time.Millisecond)
	if err != nil {
		return nil, err
	}
	return &EffectStore{j: j, dedupe: dedupe, seen: map[string]bool{}}, nil
}

// Close syncs and closes the store.
func (s *EffectStore) Close() error { return s.j.Close() }

// locked runs fn holding the store for this goroutine and this process,
// with the store's file and an append of whole lines.
func (s *EffectStore) locked(fn func(f *os.File, add func(line []byte) error) error) error {
	return s.j.Locked(func(f *os.File, add func(line []byte) error) error {
		fd := int(f.Fd())
		if err := syscall.Flock(fd, syscall.LOCK_EX); err != nil {
			return fmt.Errorf("lock effect store: %w", err)
		}
		defer func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }()
		return fn(f, add)
	})
}

// catchUp folds the lines other members appended to f since the last call.
func (s *EffectStore) catchUp(f io.ReaderAt) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.NewSectionReader(f, s.read, 1<<62)); err != nil {
		return fmt.Errorf("read effect store: %w", err)
	}
	data := buf.Bytes()
	// Every writer holds the lock while it appends, so the file ends on a
	// full line; a tail without its newline waits for the next call.
	end := bytes.LastIndexByte(data, '\n') + 1
	for _, line := range bytes.Split(data[:end], []byte{'\n'}) {
		if len(line) == 0 {
			continue
		}
		var e Effect
		if err := json.Unmarshal(line, &e); err != nil {
			return fmt.Errorf("parse effect store: %w", err)
		}
		s.seen[e.ID] = true
	}
	s.read += int64(end)
	return nil
}

// Seen reports whether any member recorded an outcome for id. It is the
// idempotent application's first step: a re-delivered message it already
// handled is not processed again.
func (s *EffectStore) Seen(id string) (bool, error) {
	if !s.dedupe {
		return false, nil
	}
	var seen bool
	err := s.locked(func(f *os.File, _ func([]byte) error) error {
		err := s.catchUp(f)
		seen = s.seen[id]
		return err
	})
	return seen, err
}

// Record appends an outcome. With dedupe it does so only if no outcome for
// the id is recorded yet; applied says whether the line was written.
func (s *EffectStore) Record(e Effect) (applied bool, err error) {
	line, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("encode effect: %w", err)
	}
	err = s.locked(func(f *os.File, add func([]byte) error) error {
		if s.dedupe {
			if err := s.catchUp(f); err != nil {
				return err
			}
			if s.seen[e.ID] {
				return nil
			}
		}
		if err := add(append(line, '\n')); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}

// ReadEffects returns every outcome of a group's effect store.
func ReadEffects(path string) ([]Effect, error) {
	var out []Effect
	err := worker.ReadJournal(path, func(e Effect) { out = append(out, e) })
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return out, err
}
