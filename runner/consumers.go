package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// Clients are the applications of a scenario that run as worker processes
// (cmd/chaos-worker): producer applications, each on its own topic, and
// consumer-group applications, each on its own input topic fed by an
// in-process producer. All run through the same fault as the profiles.
type Clients struct {
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

// clientSet runs a scenario's Clients. Its methods are no-ops on nil, so
// the runner calls them unconditionally.
type clientSet struct {
	r      *run
	c      Clients
	dir    string
	apps   []*worker.App
	groups []*consumerGroup
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
}

type consumerGroup struct {
	*consumer.Group
	input *producer.Producer
	// profile is the input producer's, named after the consumer profile.
	profile schema.Profile
}

// createPinned creates a pinned topic (pinTopic) and adds it to the
// scenario's topics.
func (r *run) createPinned(ctx context.Context, topic string, leader int, prof schema.Profile) error {
	if err := pinTopic(ctx, r.p.Cluster, topic, leader, r.s.Partitions, prof); err != nil {
		return err
	}
	r.topics = append(r.topics, topic)
	return nil
}

// pinTopic creates a topic with the profile's topic settings whose every
// partition has the same replicas, leader first.
func pinTopic(ctx context.Context, c *cluster.Cluster, topic string, leader, partitions int, prof schema.Profile) error {
	replicas := []int32{int32(leader)}
	for n := 1; n <= cluster.Nodes; n++ {
		if n != leader {
			replicas = append(replicas, int32(n))
		}
	}
	assign := make([][]int32, partitions)
	for i := range assign {
		assign[i] = replicas[:prof.ReplicationFactor]
	}
	return c.CreateTopic(ctx, cluster.TopicSpec{Name: topic, Replicas: assign, Configs: prof.TopicConfigs()})
}

// setupClients creates the client topics, builds the worker binary and
// binds a client fault to the consumer groups.
func (r *run) setupClients(ctx context.Context, leader int) error {
	c := r.s.Clients
	if len(c.Producers) == 0 && len(c.Consumers) == 0 {
		return nil
	}
	cs := &clientSet{r: r, c: c}
	r.clients = cs
	var err error
	if r.p.WorkDir == "" {
		cs.dir, err = os.MkdirTemp("", "kafka-chaos-"+r.s.Name+"-")
	} else {
		cs.dir = filepath.Join(r.p.WorkDir, r.s.Name)
		err = os.MkdirAll(cs.dir, 0o755)
	}
	if err != nil {
		return fmt.Errorf("client ledger dir: %w", err)
	}
	bin, err := worker.Build(ctx, cs.dir)
	if err != nil {
		return err
	}
	tmpl := worker.Spec{
		Brokers: r.p.Cluster.Bootstrap(), Client: worker.BaseFromSarama(r.p.Cluster.SaramaConfig("")),
		Base: r.base, Rate: r.s.Rate, Size: r.s.Size,
	}
	for _, prof := range c.Producers {
		s := tmpl
		s.Topic, s.Producer = r.s.Name+"."+prof.Name, &prof
		if err := r.createPinned(ctx, s.Topic, leader, prof.Profile); err != nil {
			return err
		}
		cs.apps = append(cs.apps, worker.NewApp(bin, cs.dir, s))
	}
	if c.Failures.Seed == 0 {
		c.Failures.Seed = r.p.Seed
	}
	coordinator := -1
	for _, prof := range c.Consumers {
		in := c.Input
		in.Name, in.Description = prof.Name, "input of "+prof.Name+": "+c.Input.Description
		s := tmpl
		s.Topic, s.Consumer, s.Failures = r.s.Name+"."+prof.Name, &prof, c.Failures
		if err := r.createPinned(ctx, s.Topic, leader, in); err != nil {
			return err
		}
		if prof.DeadLetter {
			s.DeadLetter = s.Topic + ".dlt"
			if err := r.createPinned(ctx, s.DeadLetter, leader, in); err != nil {
				return err
			}
		}
		if s.Group, err = cs.pickGroup(s.Topic, leader, &coordinator); err != nil {
			return err
		}
		pr, err := producer.New(producer.Params{
			Profile: in, Topic: s.Topic, Brokers: tmpl.Brokers, Config: r.p.Cluster.SaramaConfig("kafka-chaos-input"),
			Rate: r.s.Rate, Size: r.s.Size, Base: r.base,
		})
		if err != nil {
			return err
		}
		cs.groups = append(cs.groups, &consumerGroup{Group: consumer.NewGroup(bin, cs.dir, s), input: pr, profile: in})
	}
	if cf, ok := r.s.Fault.(faults.ClientFault); ok {
		cf.BindMembers(cs)
	}
	r.logf("clients: %d producer applications, %d consumer groups of %d members (coordinator node %d, leader %d), ledgers in %s",
		len(cs.apps), len(cs.groups), c.Members, coordinator, leader, cs.dir)
	return nil
}

// pickGroup names a group whose coordinator is not the partition leader
// and is the same node for every group, so a fault on one of the two never
// hits the other, and a commit-path fault hits every group alike. It asks
// the cluster (FindCoordinator) rather than predicting the hash.
func (cs *clientSet) pickGroup(base string, leader int, want *int) (string, error) {
	var last error
	for i := range 64 {
		g := base
		if i > 0 {
			g = fmt.Sprintf("%s.g%d", base, i)
		}
		n, err := cs.r.p.Cluster.Coordinator(g)
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

func (cs *clientSet) goErr(f func() error) {
	cs.wg.Go(func() {
		if err := f(); err != nil {
			cs.mu.Lock()
			cs.errs = append(cs.errs, err)
			cs.mu.Unlock()
		}
	})
}

// start runs the input producers and the applications until ctx ends
// (consumers outlive it: stop drains them), and waits for every group to
// be stable with all its members.
func (cs *clientSet) start(ctx context.Context) error {
	if cs == nil {
		return nil
	}
	for _, g := range cs.groups {
		cs.goErr(func() error { return g.input.Run(ctx) })
		for range cs.c.Members {
			if _, err := g.Start(); err != nil {
				return err
			}
		}
	}
	for _, a := range cs.apps {
		cs.goErr(func() error { return a.Run(ctx, time.Minute) })
	}
	return cs.waitStable(ctx, 60*time.Second)
}

// stop waits for the input producers and the applications (stopped with
// the production context), lets the consumers drain, then stops every
// member with SIGTERM.
func (cs *clientSet) stop(ctx context.Context) error {
	if cs == nil {
		return nil
	}
	cs.wg.Wait()
	cs.drain(ctx)
	var wg sync.WaitGroup
	for _, g := range cs.groups {
		wg.Go(func() { g.Stop(20 * time.Second) })
	}
	wg.Wait()
	errs := slices.Clone(cs.errs)
	for _, g := range cs.groups {
		errs = append(errs, g.Err())
	}
	return errors.Join(errs...)
}

// kill SIGKILLs whatever still runs: the run ended early.
func (cs *clientSet) kill() {
	if cs == nil {
		return
	}
	for _, a := range cs.apps {
		a.Kill()
	}
	for _, g := range cs.groups {
		g.Kill()
	}
	_ = os.Remove(filepath.Join(cs.dir, "chaos-worker"))
}
