// Package history stores the histories a verdict was computed from, next to
// results.json: every profile's ledger and what the auditor read, so that a
// run can be verified again without a cluster (kafka-chaos verify).
//
// Each profile gets a directory of gzipped JSON lines files, one value per
// line, which stream in and out without holding a second copy in memory.
package history

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// Profile is one profile's history. The consumer sets are empty for a
// producer profile.
type Profile struct {
	// Entries is the producer's ledger; Records what the auditor read from
	// the profile's topic.
	Entries []ledger.Entry
	Records []ledger.Record
	// Effects, DeadLetters and Skipped belong to a consumer group: the
	// side effects it applied (with their times), what the auditor read
	// from its dead-letter topic, and what it gave up on.
	Effects     []ledger.Record
	DeadLetters []ledger.Record
	Skipped     []ledger.Record
	// Txns, Committed and LSO belong to a transactional profile: how each
	// transaction ended, what the read_committed audit read, and the last
	// stable offsets sampled during the run.
	Txns      []ledger.Txn
	Committed []ledger.Record
	LSO       []ledger.LSOSample
}

// File names inside a profile's directory.
const (
	LedgerFile      = "ledger.jsonl.gz"
	AuditFile       = "audit.jsonl.gz"
	EffectsFile     = "effects.jsonl.gz"
	DeadLettersFile = "dead-letters.jsonl.gz"
	SkippedFile     = "skipped.jsonl.gz"
	TxnsFile        = "transactions.jsonl.gz"
	CommittedFile   = "audit-read-committed.jsonl.gz"
	LSOFile         = "last-stable-offsets.jsonl.gz"
)

// Write stores h under dir, creating it.
func Write(dir string, h Profile) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return errors.Join(
		writeLines(filepath.Join(dir, LedgerFile), h.Entries, true),
		writeLines(filepath.Join(dir, AuditFile), h.Records, true),
		writeLines(filepath.Join(dir, EffectsFile), h.Effects, false),
		writeLines(filepath.Join(dir, DeadLettersFile), h.DeadLetters, false),
		writeLines(filepath.Join(dir, SkippedFile), h.Skipped, false),
		writeLines(filepath.Join(dir, TxnsFile), h.Txns, false),
		writeLines(filepath.Join(dir, CommittedFile), h.Committed, false),
		writeLines(filepath.Join(dir, LSOFile), h.LSO, false),
	)
}

// Read loads the history stored under dir. The ledger and the audit must
// be there; the consumer files are optional.
func Read(dir string) (Profile, error) {
	var h Profile
	err := errors.Join(
		readLines(filepath.Join(dir, LedgerFile), &h.Entries, true),
		readLines(filepath.Join(dir, AuditFile), &h.Records, true),
		readLines(filepath.Join(dir, EffectsFile), &h.Effects, false),
		readLines(filepath.Join(dir, DeadLettersFile), &h.DeadLetters, false),
		readLines(filepath.Join(dir, SkippedFile), &h.Skipped, false),
		readLines(filepath.Join(dir, TxnsFile), &h.Txns, false),
		readLines(filepath.Join(dir, CommittedFile), &h.Committed, false),
		readLines(filepath.Join(dir, LSOFile), &h.LSO, false),
	)
	return h, err
}

// writeLines writes vs as gzipped JSON lines; an empty optional set writes
// no file at all.
func writeLines[T any](path string, vs []T, always bool) (err error) {
	if len(vs) == 0 && !always {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write history %s: %w", path, cerr)
		}
	}()
	zw := gzip.NewWriter(f)
	bw := bufio.NewWriter(zw)
	enc := json.NewEncoder(bw)
	for i := range vs {
		if err := enc.Encode(&vs[i]); err != nil {
			return fmt.Errorf("write history %s: %w", path, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write history %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write history %s: %w", path, err)
	}
	return nil
}

func readLines[T any](path string, out *[]T, required bool) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !required {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("read history %s: %w", path, err)
	}
	dec := json.NewDecoder(bufio.NewReader(zr))
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("read history %s: %w", path, err)
		}
		*out = append(*out, v)
	}
	return nil
}
