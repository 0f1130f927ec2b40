package javaclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Process is one client process in its own container, as the cluster's
// backend runs it.
type Process interface {
	// Stop sends SIGTERM and waits up to grace for the process to exit,
	// then kills it.
	Stop(ctx context.Context, grace time.Duration) error
	// Output is everything the process printed on stdout, complete once
	// it exited, killed or not.
	Output(ctx context.Context) (io.ReadCloser, error)
	// Stderr is everything the process printed on stderr so far: its log.
	Stderr(ctx context.Context) (string, error)
	// Exited reports whether the process has ended, and its exit code.
	Exited(ctx context.Context) (exited bool, code int, err error)
	// Signal sends sig to the process (SIGKILL and SIGSTOP included: the
	// backend delivers them from outside the container).
	Signal(ctx context.Context, sig syscall.Signal) error
	// ReadFile returns a file of the container's, running or stopped.
	ReadFile(ctx context.Context, path string) ([]byte, error)
	// Remove deletes the container.
	Remove(ctx context.Context) error
}

// Launch starts cmd in a new container from the cluster's Kafka image,
// with files (path: content) written before it starts. name is unique
// within the run.
type Launch func(ctx context.Context, name string, cmd []string, files map[string]string) (Process, error)

// Params configure a Java producer.
type Params struct {
	// Profile names the profile; message seq's id is ID(seq).
	Profile  string
	ID       func(seq int64) string
	Settings schema.JavaProducer
	Topic    string
	// Rate is the verifiable producer's --throughput.
	Rate int
	// Base is the run's time origin.
	Base time.Time
	// Launch and Bootstrap come from the cluster: Bootstrap is the
	// brokers as a client container reaches them, through the same client
	// links as the harness's own clients.
	Launch    Launch
	Bootstrap string
	// Grace bounds the clean shutdown at the end (the tool closes the
	// producer, which waits for every send in flight).
	Grace time.Duration
	// KafkaVersion is the release whose tools run: before 4.0 the tool
	// takes its configuration file as --producer.config only.
	KafkaVersion string
}

// verifiableProducer is what kafka-verifiable-producer.sh runs; called
// through kafka-run-class.sh, which every Kafka image has.
var verifiableProducer = []string{"/opt/kafka/bin/kafka-run-class.sh", "org.apache.kafka.tools.VerifiableProducer"}

const configPath = "/tmp/kafka-chaos-producer.properties"

// Producer runs one Java producer profile as a verifiable producer
// process for the whole scenario.
type Producer struct {
	p     Params
	props map[string]string
	ready readiness
	mu    sync.Mutex
	live  liveProcess
	runs  []ProcessOutput
	// ranWith is the configuration the client logged it ran with.
	ranWith map[string]string
}

// New validates the settings.
func New(p Params) (*Producer, error) {
	if err := p.Settings.Validate(); err != nil {
		return nil, fmt.Errorf("profile %s: java.%w", p.Profile, err)
	}
	if p.Rate <= 0 {
		return nil, fmt.Errorf("java producer %s: rate %d/s: need rate > 0", p.Profile, p.Rate)
	}
	return &Producer{p: p, props: Properties(p.Settings, "kafka-chaos-"+p.Profile), ready: newReadiness()}, nil
}

// Command is the verifiable producer's command line for the process with
// the prefix.
func (pr *Producer) Command(prefix int64) []string {
	return append(append([]string(nil), verifiableProducer...),
		"--topic", pr.p.Topic, "--bootstrap-server", pr.p.Bootstrap,
		"--throughput", strconv.Itoa(pr.p.Rate), "--value-prefix", strconv.FormatInt(prefix, 10),
		configFlag(pr.p.KafkaVersion, "--producer.config"), configPath)
}

// configFlag is how the release's verifiable tools take their
// configuration file: --command-config since 4.0 (--producer.config and
// --consumer.config are deprecated there), old before.
func configFlag(kafkaVersion, old string) string {
	major, _, _ := strings.Cut(kafkaVersion, ".")
	if n, err := strconv.Atoi(major); err == nil && n < 4 {
		return old
	}
	return "--command-config"
}

// Run starts the process, lets it produce until ctx ends, then stops
// whichever process is live cleanly and keeps what it printed.
func (pr *Producer) Run(ctx context.Context) error {
	err := pr.start(ctx, 1)
	pr.ready.set(err)
	if err != nil {
		return fmt.Errorf("java producer %s: %w", pr.p.Profile, err)
	}
	<-ctx.Done()
	bg := context.WithoutCancel(ctx)
	pr.mu.Lock()
	l := pr.live
	pr.live = liveProcess{}
	pr.mu.Unlock()
	if l.proc == nil {
		return nil
	}
	return errors.Join(l.proc.Stop(bg, pr.p.Grace), pr.keep(bg, l))
}

// liveProcess is the process producing now, and its value prefix.
type liveProcess struct {
	proc   Process
	prefix int64
}

// start launches the process with the prefix and returns once it has its
// first send result.
func (pr *Producer) start(ctx context.Context, prefix int64) error {
	name := fmt.Sprintf("java-%s-%d", pr.p.Profile, prefix)
	proc, err := pr.p.Launch(ctx, name, pr.Command(prefix), map[string]string{configPath: PropertiesFile(pr.props)})
	if err != nil {
		return err
	}
	pr.mu.Lock()
	pr.live = liveProcess{proc, prefix}
	pr.mu.Unlock()
	return waitProducing(ctx, proc)
}

// keep reads what an ended process printed into the profile's runs, and
// removes its container.
func (pr *Producer) keep(ctx context.Context, l liveProcess) error {
	out, err := readOutput(ctx, l.proc)
	stderr, serr := l.proc.Stderr(ctx)
	pr.mu.Lock()
	if pr.ranWith == nil {
		pr.ranWith = RanWith(stderr)
	}
	pr.runs = append(pr.runs, ProcessOutput{Prefix: l.prefix, Rate: pr.p.Rate, Output: out})
	pr.mu.Unlock()
	return errors.Join(err, serr, l.proc.Remove(ctx))
}

// Crash SIGKILLs the live process, as a crash or an OOM kill would end it:
// no shutdown hook runs, so its output ends at its last send result, and
// that output (kept by the container) is its ledger. It returns the
// process's exit code once it is gone.
func (pr *Producer) Crash(ctx context.Context) (name string, code int, err error) {
	pr.mu.Lock()
	l := pr.live
	pr.live = liveProcess{}
	pr.mu.Unlock()
	if l.proc == nil {
		return "", 0, fmt.Errorf("java producer %s: no live process to kill", pr.p.Profile)
	}
	name = fmt.Sprintf("java-%s-%d", pr.p.Profile, l.prefix)
	if err := l.proc.Signal(ctx, syscall.SIGKILL); err != nil {
		return name, 0, err
	}
	for {
		exited, code, err := l.proc.Exited(ctx)
		if err != nil || exited {
			return name, code, errors.Join(err, pr.keep(ctx, l))
		}
		select {
		case <-ctx.Done():
			return name, 0, ctx.Err()
		case <-time.After(readyPoll):
		}
	}
}

// Replace starts the next process after a Crash, with the next prefix so
// its messages have new ids, and returns once it produces.
func (pr *Producer) Replace(ctx context.Context) error {
	pr.mu.Lock()
	next := int64(len(pr.runs) + 1)
	busy := pr.live.proc != nil
	pr.mu.Unlock()
	if busy {
		return fmt.Errorf("java producer %s: a process is still live", pr.p.Profile)
	}
	if err := pr.start(ctx, next); err != nil {
		return fmt.Errorf("java producer %s: replacement: %w", pr.p.Profile, err)
	}
	return nil
}

// readyPoll is how often a starting process's output is read for its
// first send result.
const readyPoll = 250 * time.Millisecond

// waitProducing returns once the process printed its first send result: a
// JVM starting on a busy machine takes seconds, and a client that is not
// producing yet when the fault strikes is not exposed to it.
func waitProducing(ctx context.Context, proc Process) error {
	for {
		out, err := readOutput(ctx, proc)
		if err != nil {
			return err
		}
		for _, e := range out.Events {
			if e.Name == SendSuccess || e.Name == SendError {
				return nil
			}
		}
		exited, code, err := proc.Exited(ctx)
		if err != nil {
			return err
		}
		if exited {
			stderr, _ := proc.Stderr(ctx)
			return fmt.Errorf("the client exited with code %d before its first send result: %s", code, lastLines(stderr, out.Other))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no send result before the run ended (%d lines: %.300s)", len(out.Other), strings.Join(out.Other, " | "))
		case <-time.After(readyPoll):
		}
	}
}

// lastLines is what a client that failed printed last, stderr first.
func lastLines(stderr string, stdout []string) string {
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); lines[0] != "" {
		return strings.Join(lines[max(0, len(lines)-10):], " | ")
	}
	if len(stdout) == 0 {
		return "it printed nothing"
	}
	return strings.Join(stdout[max(0, len(stdout)-10):], " | ")
}

// readiness is done once a process has its first send result, or failed
// to get there (err).
type readiness struct {
	done chan struct{}
	err  error
}

func newReadiness() readiness { return readiness{done: make(chan struct{})} }

// set marks the start over, err saying whether it failed.
func (r *readiness) set(err error) {
	r.err = err
	close(r.done)
}

// wait returns once the start is over, or ctx ends first; what names the
// client in the error.
func (r *readiness) wait(ctx context.Context, what string) error {
	select {
	case <-r.done:
		if r.err != nil {
			return fmt.Errorf("%s: %w", what, r.err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: not producing: %w", what, ctx.Err())
	}
}

// Ready waits until the process has its first send result.
func (pr *Producer) Ready(ctx context.Context) error {
	return pr.ready.wait(ctx, fmt.Sprintf("java producer %s", pr.p.Profile))
}

func readOutput(ctx context.Context, proc Process) (Output, error) {
	r, err := proc.Output(ctx)
	if err != nil {
		return Output{}, err
	}
	defer r.Close()
	return ParseOutput(r)
}

// Progress counts the live process's results so far, for the run's log.
func (pr *Producer) Progress() string {
	pr.mu.Lock()
	proc := pr.live.proc
	pr.mu.Unlock()
	if proc == nil {
		return "java: not running"
	}
	return progress(proc)
}

// progress counts a process's send results so far.
func progress(proc Process) string {
	ctx, cancel := context.WithTimeout(context.Background(), progressRead)
	defer cancel()
	r, err := proc.Output(ctx)
	if err == nil {
		defer r.Close()
		var b []byte
		if b, err = io.ReadAll(r); err == nil {
			// Counted, not parsed: this runs every few seconds on a log
			// that grows by a line per message.
			return fmt.Sprintf("java acked=%d errors=%d", bytes.Count(b, []byte(`"name":"`+SendSuccess+`"`)), bytes.Count(b, []byte(`"name":"`+SendError+`"`)))
		}
	}
	return "java: " + err.Error()
}

// progressRead bounds one read of a live process's output for Progress.
const progressRead = 2 * time.Second

// Entries returns the ledger of every process, judged against what the
// auditor found (records), which tells how far a killed process got.
func (pr *Producer) Entries(records []ledger.Record) ([]ledger.Entry, error) {
	audited := map[int64]int64{}
	for _, r := range records {
		prefix, n := split(r.Seq)
		if hi, ok := audited[prefix]; !ok || n > hi {
			audited[prefix] = n
		}
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var all []ledger.Entry
	for _, run := range pr.runs {
		es, err := Entries(run, LedgerParams{
			ID: pr.p.ID, Base: pr.p.Base, Retries: pr.p.Settings.RetriesOrDefault(), Audited: audited,
		})
		if err != nil {
			return nil, fmt.Errorf("java producer %s: %w", pr.p.Profile, err)
		}
		all = append(all, es...)
	}
	return all, nil
}

// ClientConfig is every setting the client ran with, as it logged them at
// start (defaults included), for the result; without that log, the
// settings it was given.
func (pr *Producer) ClientConfig() map[string]string {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	c := maps.Clone(pr.ranWith)
	if c == nil {
		c = maps.Clone(pr.props)
		c["idempotent"] = strconv.FormatBool(pr.p.Settings.Idempotent())
	}
	c["client"] = "java (org.apache.kafka.tools.VerifiableProducer)"
	return c
}

// RecordValue recovers a message's id and sequence number from a value the
// verifiable producer wrote.
func RecordValue(id func(seq int64) string) func(v []byte) (string, int64, error) {
	return func(v []byte) (string, int64, error) {
		prefix, n, err := ParseValue(string(v))
		if err != nil {
			return "", 0, err
		}
		seq := Seq(prefix, n)
		return id(seq), seq, nil
	}
}
