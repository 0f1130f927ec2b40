package worker

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/workload/producer"
)

// App runs a producer application as worker processes: one for the whole
// run, or, with PerProcess set, one after another, each sending its share
// of a dense sequence and exiting.
type App struct {
	bin      string
	dir      string
	template Spec
	mu       sync.Mutex
	procs    []*Process
}

// NewApp prepares an application. template is every process's spec but for
// Name, Ledger, FirstSeq and Count.
func NewApp(bin, dir string, template Spec) *App {
	template.Role = RoleProduce
	return &App{bin: bin, dir: dir, template: template}
}

// Profile returns the application's profile.
func (a *App) Profile() ClientProfile { return *a.template.Producer }

// Run starts processes until ctx ends, then stops the current one with
// SIGTERM (giving it stopTimeout to end its own way) and returns. A process
// that fails on its own ends the run with its error.
func (a *App) Run(ctx context.Context, stopTimeout time.Duration) error {
	per := a.template.Producer.PerProcess
	for k := 0; ctx.Err() == nil; k++ {
		s := a.template
		s.Name = fmt.Sprintf("%s-p%03d", s.Producer.Name, k)
		s.Ledger = filepath.Join(a.dir, s.Name+".jsonl")
		s.FirstSeq, s.Count = int64(k*per), per
		w, err := Start(a.bin, s)
		if err != nil {
			return err
		}
		a.mu.Lock()
		a.procs = append(a.procs, w)
		a.mu.Unlock()
		select {
		case <-w.Done():
			if err := w.Err(); err != nil {
				return err
			}
			if per == 0 {
				return fmt.Errorf("worker %s exited before it was stopped (log: %s)", w.Name(), w.LogPath)
			}
		case <-ctx.Done():
			w.Stop(stopTimeout)
			return w.Err()
		}
	}
	return nil
}

// Processes returns every process started, in order.
func (a *App) Processes() []*Process {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*Process(nil), a.procs...)
}

// Kill SIGKILLs a process still running.
func (a *App) Kill() { StopAll(a.Processes(), 0) }

// Ledgers returns the ledger files of every process.
func (a *App) Ledgers() []string { return Ledgers(a.Processes()) }

// newAppProducer builds the producer an application process runs: the
// profile's producer settings on the base config, then the application's.
func newAppProducer(s Spec) (*producer.Producer, error) {
	base, err := s.Client.Sarama(s.Name)
	if err != nil {
		return nil, err
	}
	pr, err := producer.New(producer.Params{Profile: s.Producer.Profile, Topic: s.Topic, Brokers: s.Brokers, Config: base, Rate: s.Rate, Size: s.Size, Base: s.Base})
	if err != nil {
		return nil, err
	}
	cfg := pr.Config()
	s.Producer.apply(cfg)
	cfg.ClientID = s.Name
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("producer %s: %w", s.Name, err)
	}
	return pr, nil
}

// ClientConfig returns every producer and application setting the
// application's processes run with.
func (a *App) ClientConfig() (map[string]string, error) {
	s := a.template
	s.Name = s.Producer.Name
	pr, err := newAppProducer(s)
	if err != nil {
		return nil, err
	}
	cfg := pr.ClientConfig()
	for k, v := range s.Producer.Behaviour() {
		cfg[k] = v
	}
	return cfg, nil
}
