package history

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

func TestRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	h := Profile{
		Entries: []ledger.Entry{
			{ID: "p-1", Seq: 1, Status: ledger.Acked, Partition: 2, Offset: 7, Believed: true, SentAt: time.Second, DoneAt: 2 * time.Second},
			{ID: "p-2", Seq: 2, Status: ledger.Unknown, Partition: -1, Offset: -1, Error: "timeout", Code: "REQUEST_TIMED_OUT", SentAt: 3 * time.Second},
		},
		Records: []ledger.Record{{ID: "p-1", Seq: 1, Partition: 2, Offset: 7}},
		Effects: []ledger.Record{{ID: "p-1", Seq: 1, Partition: 2, Offset: 7, At: 4 * time.Second}},
	}
	if err := Write(dir, h); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, h) {
		t.Errorf("read back %+v, want %+v", got, h)
	}
	if _, err := os.Stat(filepath.Join(dir, SkippedFile)); !os.IsNotExist(err) {
		t.Errorf("an empty consumer set left a file: %v", err)
	}
}

// A producer profile with nothing attempted still has a ledger file, so a
// missing one means the history is incomplete.
func TestReadMissing(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Profile{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err != nil {
		t.Fatalf("empty history: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, AuditFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir); err == nil {
		t.Fatal("read a history without its audit")
	}
}
