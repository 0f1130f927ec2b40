// Package worker runs client applications as OS processes of their own:
// the spec a process runs from, starting, signalling and stopping it, the
// journals it keeps its history in, and the producer application, one of
// the roles a worker process plays.
package worker

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Exit codes of a worker process.
const (
	ExitOK = 0
	// ExitFailed: the worker could not do its job (bad spec, broker
	// unreachable at start, ledger not writable): an infrastructure error.
	ExitFailed = 1
	// ExitOrphaned: the harness that started the worker went away.
	ExitOrphaned = 3
)

// RunFunc runs one role of a worker process until its work is done or ctx
// ends (SIGTERM).
type RunFunc func(ctx context.Context, s Spec, logf func(string, ...any)) error

// Main is the body of the worker binary (cmd/chaos-worker): it runs the
// role a spec names (the producer application, RunProducerApp, or a
// consumer-group member) with the function roles holds for it until its
// work is done or SIGTERM arrives, and returns the exit code.
//
// Flags: -spec <file> names the Spec; -orphan-exit makes the worker
// exit at once when its stdin reaches EOF, which happens when the harness
// that holds the other end dies, so no worker outlives a killed run.
func Main(args []string, stderr io.Writer, roles map[Role]RunFunc) int {
	fs := flag.NewFlagSet("chaos-worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "worker spec (JSON)")
	orphanExit := fs.Bool("orphan-exit", false, "exit when stdin reaches EOF")
	if err := fs.Parse(args); err != nil {
		return ExitFailed
	}
	spec, err := ReadSpec(*specPath)
	if err != nil {
		fmt.Fprintln(stderr, "chaos-worker:", err)
		return ExitFailed
	}
	start := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s %7.3fs %s: %s\n", time.Now().UTC().Format("15:04:05.000"), time.Since(start).Seconds(), spec.Name, fmt.Sprintf(format, args...))
	}
	if *orphanExit {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			logf("harness gone (stdin closed), exiting")
			os.Exit(ExitOrphaned)
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	logf("pid %d, %s on %s", os.Getpid(), spec.Role, spec.Topic)
	run, ok := roles[spec.Role]
	if !ok {
		logf("this binary runs no %s role", spec.Role)
		return ExitFailed
	}
	if err := run(ctx, spec, logf); err != nil {
		logf("failed: %v", err)
		return ExitFailed
	}
	logf("done")
	return ExitOK
}
