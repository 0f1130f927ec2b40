package worker

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// safeApp checks every result, re-sends what failed and waits for every
// result before Close, from an idempotent acks=all producer.
var safeApp = ClientProfile{Profile: schema.Profile{
	Name: "safe-app", ReplicationFactor: 3, MinInsyncReplicas: 2, Mode: schema.Async, Acks: schema.AcksAll, Idempotent: true,
	RetryMax: 10, RetryBackoff: 250 * time.Millisecond, MaxOpenRequests: 1, AckTimeout: 10 * time.Second,
}, Results: Checked, Resend: true, Exit: CloseAndDrain, Linger: 100 * time.Millisecond}

func TestClientValidate(t *testing.T) {
	if err := safeApp.Validate(); err != nil {
		t.Error(err)
	}
	bad := safeApp
	bad.Exit = "whenever"
	if bad.Validate() == nil {
		t.Error("unknown exit mode accepted")
	}
	bad = safeApp
	bad.Results = Ignored
	if bad.Validate() == nil {
		t.Error("re-sending unread results accepted")
	}
}

func TestJournalSkipsATornLastLineOnly(t *testing.T) {
	type rec struct{ N int }
	var got []int
	collect := func(r rec) { got = append(got, r.N) }
	if err := scanJournal(strings.NewReader("{\"N\":1}\n\n{\"N\":2}\n{\"N\":"), "j", collect); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != 2 {
		t.Fatalf("read %v, want [1 2]", got)
	}
	if err := scanJournal(strings.NewReader("{\"N\":1}\nnot json\n{\"N\":2}\n"), "j", collect); err == nil {
		t.Fatal("a corrupt line in the middle was accepted")
	}
}

func TestProducerLedgerFoldsAttemptsAndOutcomes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.jsonl")
	j, err := OpenJournal(path, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []appRecord{
		{ID: "a-1", Seq: 1, Attempt: true, Believed: true, At: 1},
		{ID: "a-2", Seq: 2, Attempt: true, Believed: true, At: 2},
		{ID: "a-3", Seq: 3, Attempt: true, At: 3},
		{ID: "a-1", Status: ledger.Acked, Partition: 2, Offset: 7, Believed: true, At: 4},
		{ID: "a-3", Status: ledger.Failed, Partition: 0, Offset: -1, Err: "not leader", At: 5},
		{ID: "a-2", Resend: true, Err: "shutting down", At: 6},
		{ID: "a-4", Seq: 4, Attempt: true, At: 7},
		{ID: "a-4", Seq: 4, Withdrawn: true, At: 8},
	} {
		if err := j.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if err := j.Append(appRecord{ID: "late"}); err != ErrJournalClosed {
		t.Fatalf("append after close: %v, want ErrJournalClosed", err)
	}
	// The ledger of a process stopped before it opened one does not exist:
	// it attempted nothing. A ledger that cannot be read is an error.
	stoppedEarly := filepath.Join(t.TempDir(), "never-opened.jsonl")
	if _, _, err := ReadProducerLedgers(path, t.TempDir()); err == nil {
		t.Fatal("a directory read as a ledger: no error")
	}
	es, resends, err := ReadProducerLedgers(path, stoppedEarly)
	if err != nil || resends != 1 {
		t.Fatalf("resends %d, err %v; want 1, nil", resends, err)
	}
	if len(es) != 3 {
		t.Fatalf("%d entries, want 3 (a-4 was withdrawn)", len(es))
	}
	if e := es[0]; e.Status != ledger.Acked || e.Partition != 2 || e.Offset != 7 || !e.Believed {
		t.Errorf("a-1: %+v", e)
	}
	if e := es[1]; e.Status != ledger.Pending || !e.Believed {
		t.Errorf("a-2 (process exited before its outcome) must stay pending and believed: %+v", e)
	}
	if e := es[2]; e.Status != ledger.Failed || e.Believed || e.Error != "not leader" {
		t.Errorf("a-3: %+v", e)
	}
}

// fakeWorker writes a shell script that stands in for the worker binary.
func fakeWorker(t *testing.T, body string) (string, Spec) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "worker.sh")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	spec := Spec{
		Role: RoleProduce, Name: "w1", Brokers: []string{"localhost:1"}, Topic: "t",
		Ledger: filepath.Join(dir, "w1.jsonl"), Producer: &safeApp, Rate: 10, Size: 64,
	}
	return bin, spec
}

func TestWorkerStoppedOrKilledByTheHarnessIsNotAnError(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL, syscall.SIGSTOP} {
		bin, spec := fakeWorker(t, "exec sleep 30")
		w, err := Start(bin, spec)
		if err != nil {
			t.Fatal(err)
		}
		switch sig {
		case syscall.SIGKILL:
			w.Kill()
		case syscall.SIGSTOP:
			// Stop must get a stalled process out too.
			if err := w.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			w.Stop(5 * time.Second)
		default:
			w.Stop(5 * time.Second)
		}
		if !w.Exited() || w.Err() != nil {
			t.Errorf("%s: exited=%v err=%v", sig, w.Exited(), w.Err())
		}
		if len(w.Signals()) == 0 {
			t.Errorf("%s: no signal recorded", sig)
		}
	}
}

func TestWorkerFailingOnItsOwnIsAnError(t *testing.T) {
	bin, spec := fakeWorker(t, "echo broken >&2; exit 1")
	w, err := Start(bin, spec)
	if err != nil {
		t.Fatal(err)
	}
	<-w.Done()
	if w.Err() == nil {
		t.Fatal("exit 1 not reported")
	}
	if b, _ := os.ReadFile(w.LogPath); !bytes.Contains(b, []byte("broken")) {
		t.Errorf("worker log %q lacks its stderr", b)
	}
	if _, err := os.Stat(spec.Ledger + ".spec.json"); err != nil {
		t.Errorf("spec not written next to the ledger: %v", err)
	}
}

func TestMainRejectsABadSpec(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spec.json")
	if err := WriteSpec(path, Spec{Role: "dance", Name: "x", Brokers: []string{"b"}, Topic: "t", Ledger: "l"}); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := Main([]string{"-spec", path}, &stderr, nil); code != ExitFailed || !strings.Contains(stderr.String(), "dance") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

// TestSpecOutput: an in-transaction member needs an output topic other
// than its input and a transaction journal; another member takes neither.
func TestSpecOutput(t *testing.T) {
	inTxn := schema.ConsumerProfile{
		Name: "exactly-once", Commit: schema.InTransaction, Retry: schema.RetryPolicy{MaxAttempts: 1}, TxnSize: 10, TxnTimeout: 10 * time.Second,
		AutoCommitInterval: time.Second, SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
	}
	after := inTxn
	after.Name, after.Commit, after.TxnSize, after.TxnTimeout = "after", schema.AfterProcessing, 0, 0
	s := Spec{Role: RoleConsume, Name: "m1", Brokers: []string{"b:9092"}, Topic: "in", Ledger: "m1.jsonl", Group: "g", Effects: "e.jsonl", Consumer: &inTxn, Output: "out", Txns: "m1.txns.jsonl"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*Spec){
		"no output":         func(s *Spec) { s.Output = "" },
		"output is input":   func(s *Spec) { s.Output = "in" },
		"no journal":        func(s *Spec) { s.Txns = "" },
		"output of another": func(s *Spec) { s.Consumer = &after },
	} {
		bad := s
		change(&bad)
		if bad.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
