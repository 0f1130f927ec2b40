// Package clients runs a scenario's client applications beside its
// profiles: producer applications and consumer groups as worker processes,
// with the in-process producers that feed the groups' topics; the members a
// client fault acts on, the drain once production stops, and the results
// of each application.
package clients

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// Spec is the applications of a scenario that run as worker processes
// (cmd/chaos-worker): producer applications, each on its own topic, and
// consumer-group applications, each on its own input topic fed by an
// in-process producer. All run through the same fault as the profiles.
type Spec struct {
	Producers []worker.ClientProfile
	// MustDeliver names producer applications held to delivering every
	// message they attempt, on top of their Expect entry.
	MustDeliver []string
	Consumers   []schema.ConsumerProfile
	// Input is the producer profile feeding every consumer's topic, held
	// to InputExpect.
	Input       schema.Profile
	InputExpect schema.Expectation
	// ConsumerExpect holds, per consumer profile, the guarantees the
	// scenario asserts; a profile without an entry is measured only.
	ConsumerExpect map[string]schema.ConsumerExpectation
	// Members is each group's size at start.
	Members int
	// Failures is injected into every consumer's processing; a zero Seed
	// takes the run's seed.
	Failures schema.Failures
	// DrainTimeout bounds the wait for the consumers to catch up once
	// production has stopped.
	DrainTimeout time.Duration
}

// Set runs a scenario's clients. Its methods are no-ops on nil, so the
// runner calls them unconditionally.
type Set struct {
	p      Params
	dir    string
	apps   []*worker.App
	groups []*consumerGroup
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
}

// New creates the client topics, builds the worker binary and prepares
// every application; it returns nil when the scenario runs none. With an
// error, the Set holds what was prepared, for Kill.
func New(ctx context.Context, p Params) (*Set, error) {
	c := p.Spec
	if len(c.Producers) == 0 && len(c.Consumers) == 0 {
		return nil, nil
	}
	cs := &Set{p: p}
	var err error
	if p.WorkDir == "" {
		cs.dir, err = os.MkdirTemp("", "kafka-chaos-"+p.Scenario+"-")
	} else {
		cs.dir = filepath.Join(p.WorkDir, p.Scenario)
		err = os.MkdirAll(cs.dir, 0o755)
	}
	if err != nil {
		return cs, fmt.Errorf("client ledger dir: %w", err)
	}
	bin, err := worker.Build(ctx, cs.dir)
	if err != nil {
		return cs, err
	}
	tmpl := worker.Spec{
		Brokers: p.Cluster.Bootstrap(), Client: worker.BaseFromSarama(p.Cluster.SaramaConfig("")),
		Base: p.Base, Rate: p.Rate, Size: p.Size,
	}
	for _, prof := range c.Producers {
		s := tmpl
		s.Topic, s.Producer = p.Scenario+"."+prof.Name, &prof
		if err := p.CreateTopic(ctx, s.Topic, prof.Profile); err != nil {
			return cs, err
		}
		cs.apps = append(cs.apps, worker.NewApp(bin, cs.dir, s))
	}
	if c.Failures.Seed == 0 {
		c.Failures.Seed = p.Seed
	}
	coordinator := -1
	for _, prof := range c.Consumers {
		in := c.Input
		in.Name, in.Description = prof.Name, "input of "+prof.Name+": "+c.Input.Description
		s := tmpl
		s.Topic, s.Consumer, s.Failures = p.Scenario+"."+prof.Name, &prof, c.Failures
		if err := p.CreateTopic(ctx, s.Topic, in); err != nil {
			return cs, err
		}
		if prof.DeadLetter {
			s.DeadLetter = s.Topic + ".dlt"
			if err := p.CreateTopic(ctx, s.DeadLetter, in); err != nil {
				return cs, err
			}
		}
		if prof.Commit == schema.InTransaction {
			s.Output = s.Topic + ".out"
			if err := p.CreateTopic(ctx, s.Output, in); err != nil {
				return cs, err
			}
		}
		if s.Group, err = cs.pickGroup(s.Topic, &coordinator); err != nil {
			return cs, err
		}
		if prof.Client == schema.JavaClient && !prof.Java.RunsApp() {
			// Kafka's verifiable consumer has no processing step to fail.
			s.Failures = schema.Failures{}
		}
		pr, err := producer.New(producer.Params{
			Profile: in, Topic: s.Topic, Brokers: tmpl.Brokers, Config: p.Cluster.SaramaConfig("kafka-chaos-input"),
			Rate: p.Rate, Size: p.Size, Base: p.Base, Seed: p.Seed,
		})
		if err != nil {
			return cs, err
		}
		app, err := cs.groupApp(ctx, bin, s)
		if err != nil {
			return cs, err
		}
		cs.groups = append(cs.groups, &consumerGroup{app: app, spec: s, input: pr, profile: in})
	}
	p.Logf("clients: %d producer applications, %d consumer groups of %d members (coordinator node %d, leader %d), ledgers in %s",
		len(cs.apps), len(cs.groups), c.Members, coordinator, p.Leader, cs.dir)
	return cs, nil
}

// pickGroup names a group whose coordinator is not the partition leader
// and is the same node for every group, so a fault on one of the two never
// hits the other, and a commit-path fault hits every group alike. It asks
// the cluster (FindCoordinator) rather than predicting the hash.
func (cs *Set) pickGroup(base string, want *int) (string, error) {
	leader := cs.p.Leader
	var last error
	for i := range 64 {
		g := base
		if i > 0 {
			g = fmt.Sprintf("%s.g%d", base, i)
		}
		n, err := cs.p.Cluster.Coordinator(g)
		if err != nil {
			// The first lookup creates __consumer_offsets.
			last = err
			time.Sleep(500 * time.Millisecond)
			continue
		}
		if n != leader && (*want < 0 || n == *want) {
			*want = n
			return g, nil
		}
	}
	return "", fmt.Errorf("no group id for %s coordinated by node %d (not the leader %d): %v", base, *want, leader, last)
}

func (cs *Set) goErr(f func() error) {
	cs.wg.Go(func() {
		if err := f(); err != nil {
			cs.mu.Lock()
			cs.errs = append(cs.errs, err)
			cs.mu.Unlock()
		}
	})
}

// Start runs the input producers and the applications until ctx ends
// (consumers outlive it: Stop drains them), and waits for every group to
// be stable with all its members.
func (cs *Set) Start(ctx context.Context) error {
	if cs == nil {
		return nil
	}
	for _, g := range cs.groups {
		cs.goErr(func() error { return g.input.Run(ctx) })
		for range cs.p.Spec.Members {
			if _, err := g.app.Start(ctx); err != nil {
				return err
			}
		}
	}
	for _, a := range cs.apps {
		cs.goErr(func() error { return a.Run(ctx, time.Minute) })
	}
	return cs.waitStable(ctx, 60*time.Second)
}

// Stop waits for the input producers and the applications (stopped with
// the production context), lets the consumers drain, then stops every
// member with SIGTERM.
func (cs *Set) Stop(ctx context.Context) error {
	if cs == nil {
		return nil
	}
	cs.wg.Wait()
	cs.drain(ctx)
	var wg sync.WaitGroup
	errs := slices.Clone(cs.errs)
	stopErrs := make([]error, len(cs.groups))
	for i, g := range cs.groups {
		wg.Go(func() { stopErrs[i] = g.app.Stop(context.WithoutCancel(ctx), 20*time.Second) })
	}
	wg.Wait()
	errs = append(errs, stopErrs...)
	for _, g := range cs.groups {
		errs = append(errs, g.app.Err())
	}
	return errors.Join(errs...)
}

// Kill SIGKILLs whatever still runs: the run ended early.
func (cs *Set) Kill() {
	if cs == nil {
		return
	}
	for _, a := range cs.apps {
		a.Kill()
	}
	for _, g := range cs.groups {
		g.app.Kill(context.Background())
	}
	_ = os.Remove(filepath.Join(cs.dir, "chaos-worker"))
}
