package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// ImportPath is the import path of the worker binary.
const ImportPath = "github.com/kafka-chaos/kafka-chaos/cmd/chaos-worker"

// EnvBinary names a prebuilt worker binary to use instead of building
// one (for example in CI, built once with `go build ./cmd/chaos-worker`).
const EnvBinary = "KAFKA_CHAOS_WORKER"

// Build returns the path of a worker binary: the one EnvBinary
// names, or one built into dir from this module with the go tool (the suite
// always runs where the module and the go tool are).
func Build(ctx context.Context, dir string) (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("worker binary from %s: %w", EnvBinary, err)
		}
		return p, nil
	}
	out := filepath.Join(dir, "chaos-worker")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ImportPath)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build worker (set %s to use a prebuilt one): %w: %s", EnvBinary, err, b)
	}
	return out, nil
}

// spawner starts every worker from one goroutine locked to its OS thread
// for the life of the process: Pdeathsig fires when the thread that forked
// the child exits, and this thread never does, so a worker is killed when
// the harness dies and only then.
var spawner struct {
	once sync.Once
	reqs chan spawnReq
}

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

func spawn(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread()
			for r := range spawner.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawner.reqs <- spawnReq{cmd, done}
	return <-done
}

// Process is one running worker process.
type Process struct {
	Spec      Spec
	StartedAt time.Time
	LogPath   string
	cmd       *exec.Cmd
	stdin     io.WriteCloser
	done      chan struct{}
	mu        sync.Mutex
	sent      []syscall.Signal // signals the harness sent, in order
	waitErr   error
	exitedAt  time.Time
}

// Start writes the spec next to the worker's ledger and starts the
// worker; its stderr goes to <ledger>.log.
func Start(bin string, spec Spec) (*Process, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	specPath := spec.Ledger + ".spec.json"
	if err := WriteSpec(specPath, spec); err != nil {
		return nil, err
	}
	w := &Process{Spec: spec, LogPath: spec.Ledger + ".log", done: make(chan struct{})}
	logf, err := os.OpenFile(w.LogPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("worker %s log: %w", spec.Name, err)
	}
	defer logf.Close()
	w.cmd = exec.Command(bin, "-spec", specPath, "-orphan-exit")
	w.cmd.Stdout, w.cmd.Stderr = logf, logf
	w.cmd.SysProcAttr = sysProcAttr()
	if w.stdin, err = w.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("worker %s stdin: %w", spec.Name, err)
	}
	if err := spawn(w.cmd); err != nil {
		return nil, fmt.Errorf("start worker %s: %w", spec.Name, err)
	}
	w.StartedAt = time.Now()
	go func() {
		err := w.cmd.Wait()
		w.mu.Lock()
		w.waitErr, w.exitedAt = err, time.Now()
		w.mu.Unlock()
		close(w.done)
	}()
	return w, nil
}

// Name is the worker's name (its client id).
func (w *Process) Name() string { return w.Spec.Name }

// Pid is the worker's process id.
func (w *Process) Pid() int { return w.cmd.Process.Pid }

// Done is closed once the process has exited.
func (w *Process) Done() <-chan struct{} { return w.done }

// Exited reports whether the process has exited.
func (w *Process) Exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// ExitedAt is when the process exited (zero while it runs).
func (w *Process) ExitedAt() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.exitedAt
}

// Signal sends sig to the process and remembers that the harness sent it.
func (w *Process) Signal(sig syscall.Signal) error {
	if w.Exited() {
		return fmt.Errorf("signal worker %s: already exited", w.Name())
	}
	w.mu.Lock()
	w.sent = append(w.sent, sig)
	w.mu.Unlock()
	if err := w.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal worker %s with %s: %w", w.Name(), sig, err)
	}
	return nil
}

// Signals returns the signals the harness sent, in order.
func (w *Process) Signals() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, len(w.sent))
	for i, s := range w.sent {
		out[i] = s.String()
	}
	return out
}

// Stop ends the process the way an orchestrator does: SIGCONT (a stalled
// process cannot handle SIGTERM), SIGTERM, and SIGKILL if it has not exited
// within timeout.
func (w *Process) Stop(timeout time.Duration) {
	if w.Exited() {
		return
	}
	_ = w.cmd.Process.Signal(syscall.SIGCONT)
	_ = w.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(timeout):
		w.Kill()
	}
}

// Kill SIGKILLs the process and waits for it to be gone.
func (w *Process) Kill() {
	if w.Exited() {
		return
	}
	_ = w.Signal(syscall.SIGKILL)
	<-w.done
}

// Err reports a process that failed on its own: a non-zero exit that no
// harness signal explains. A process killed by the harness is not an error.
func (w *Process) Err() error {
	if !w.Exited() {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var ee *exec.ExitError
	switch {
	case w.waitErr == nil:
		return nil
	case errors.As(w.waitErr, &ee) && !ee.Exited() && len(w.sent) > 0:
		return nil
	}
	return fmt.Errorf("worker %s: %w (log: %s)", w.Name(), w.waitErr, w.LogPath)
}

// Ledgers returns the ledger files of processes.
func Ledgers(ws []*Process) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Spec.Ledger
	}
	return out
}

// StopAll stops processes concurrently (Stop); timeout 0 kills them
// outright.
func StopAll(ws []*Process, timeout time.Duration) {
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() {
			if timeout == 0 {
				w.Kill()
				return
			}
			w.Stop(timeout)
		})
	}
	wg.Wait()
}
