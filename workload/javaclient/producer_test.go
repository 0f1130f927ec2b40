package javaclient

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// process is a client process that printed out and, if exited, ended
// with code after printing stderr. A SIGKILL or a Stop ends it.
type process struct {
	out     string
	exited  bool
	code    int
	stderr  string
	signals []syscall.Signal
	removed bool
	// files are what ReadFile finds, by path.
	files map[string]string
}

func (p *process) ReadFile(_ context.Context, path string) ([]byte, error) {
	f, ok := p.files[path]
	if !ok {
		return nil, os.ErrNotExist
	}
	return []byte(f), nil
}

func (p *process) Signal(_ context.Context, sig syscall.Signal) error {
	p.signals = append(p.signals, sig)
	if sig == syscall.SIGKILL {
		p.exited, p.code = true, 137
	}
	return nil
}
func (p *process) Stop(context.Context, time.Duration) error {
	p.exited, p.code = true, 143
	return nil
}
func (p *process) Remove(context.Context) error {
	p.removed = true
	return nil
}
func (p *process) Output(context.Context) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader(p.out)), nil
}
func (p *process) Exited(context.Context) (bool, int, error) { return p.exited, p.code, nil }
func (p *process) Stderr(context.Context) (string, error)    { return p.stderr, nil }

func TestWaitProducing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := waitProducing(ctx, &process{out: output}); err != nil {
		t.Errorf("a process with results: %v", err)
	}
	err := waitProducing(ctx, &process{exited: true, code: 1, stderr: "org.apache.kafka.common.config.ConfigException: Invalid value 2 for configuration acks"})
	if err == nil || !strings.Contains(err.Error(), "exited with code 1 before its first send result: org.apache.kafka.common.config.ConfigException") {
		t.Errorf("a client that failed at start: %v", err)
	}
	short, stop := context.WithTimeout(context.Background(), 2*readyPoll)
	defer stop()
	if err := waitProducing(short, &process{out: `{"timestamp":1,"name":"startup_complete"}`}); err == nil || !strings.Contains(err.Error(), "no send result before the run ended") {
		t.Errorf("a client that never produced: %v", err)
	}
}

// Kafka 3.9's tool has no --command-config; 4.x deprecates --producer.config.
func TestCommandNamesTheConfigAsTheReleaseTakesIt(t *testing.T) {
	for version, want := range map[string]string{"3.9.1": "--producer.config", "4.4.0": "--command-config", "10.0.0": "--command-config", "": "--command-config"} {
		pr, err := New(Params{Profile: "p", Settings: schemaAcksAll, Rate: 10, Topic: "t", Bootstrap: "b", KafkaVersion: version})
		if err != nil {
			t.Fatal(err)
		}
		if cmd := strings.Join(pr.Command(1), " "); !strings.Contains(cmd, " "+want+" "+configPath) {
			t.Errorf("Kafka %q: %s, want %s", version, cmd, want)
		}
	}
}

var schemaAcksAll = schema.JavaProducer{Acks: "all"}

func TestProgressCountsResults(t *testing.T) {
	pr := &Producer{live: liveProcess{proc: &process{out: output}}}
	if got := pr.Progress(); got != "java acked=2 errors=2" {
		t.Errorf("progress %q, want the 2 results and 2 errors of the output", got)
	}
	if got := (&Producer{}).Progress(); got != "java: not running" {
		t.Errorf("progress without a process: %q", got)
	}
}

// A crash is a SIGKILL of the live process whose output, kept, becomes the
// ledger of prefix 1; the replacement produces with prefix 2, and the
// stop at the end keeps its output too.
func TestCrashAndReplace(t *testing.T) {
	var procs []*process
	var cmds []string
	launch := func(_ context.Context, _ string, cmd []string, _ map[string]string) (Process, error) {
		p := &process{out: output}
		procs, cmds = append(procs, p), append(cmds, strings.Join(cmd, " "))
		return p, nil
	}
	pr, err := New(Params{Profile: "j", ID: func(seq int64) string { return fmt.Sprint(seq) }, Settings: schemaAcksAll, Topic: "t", Rate: 10, Launch: launch, KafkaVersion: "4.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- pr.Run(ctx) }()
	if err := pr.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	name, code, err := pr.Crash(ctx)
	if err != nil || name != "java-j-1" || code != 137 {
		t.Fatalf("Crash = %q, %d, %v; want java-j-1 killed (137)", name, code, err)
	}
	if !slices.Equal(procs[0].signals, []syscall.Signal{syscall.SIGKILL}) || !procs[0].removed {
		t.Errorf("crashed process: signals %v, removed %v", procs[0].signals, procs[0].removed)
	}
	if _, _, err := pr.Crash(ctx); err == nil {
		t.Error("a second crash without a replacement found a process to kill")
	}
	if err := pr.Replace(ctx); err != nil {
		t.Fatal(err)
	}
	if err := pr.Replace(ctx); err == nil {
		t.Error("a replacement started beside a live process")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(pr.runs) != 2 || pr.runs[0].Prefix != 1 || pr.runs[1].Prefix != 2 || !strings.Contains(cmds[1], "--value-prefix 2") {
		t.Errorf("runs %+v, commands %q", pr.runs, cmds)
	}
}
