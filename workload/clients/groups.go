package clients

import (
	"context"
	"fmt"
	"strconv"
	"syscall"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/javaclient"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// groupApp is a consumer-group application as the harness runs it: the
// sarama application as worker processes (saramaGroup), or Kafka's
// verifiable consumer or the kafka-chaos Java application in containers
// (javaGroup). Both give the group's
// history in the sarama application's terms: one effect per record
// processed, and member events.
type groupApp interface {
	// Start starts one more member and returns its name (its client id).
	Start(ctx context.Context) (string, error)
	// Live returns the names of the members still running, oldest first.
	Live(ctx context.Context) []string
	// Signal sends sig to a member's process.
	Signal(ctx context.Context, member string, sig syscall.Signal) error
	// Stop ends every member cleanly (forcibly after grace).
	Stop(ctx context.Context, grace time.Duration) error
	// Kill ends every member at once: the run ended early.
	Kill(ctx context.Context)
	// Err reports members that failed on their own.
	Err() error
	Events(ctx context.Context) ([]consumer.MemberEvent, error)
	Effects(ctx context.Context) ([]consumer.Effect, error)
	// Activity grows while any member processes or reports anything.
	Activity(ctx context.Context) int64
	// Members records every member ever started, times from base.
	Members(base time.Time) []schema.MemberRecord
	// ClientConfig is every group setting a member runs with.
	ClientConfig() (map[string]string, error)
	// CountTransactions adds an in-transaction application's
	// transactions to m, by how each ended; other applications have none.
	CountTransactions(m *schema.ConsumerMetrics) error
}

// consumerGroup is a consumer-group application with the in-process
// producer that feeds its input topic.
type consumerGroup struct {
	app groupApp
	// spec is the members' common spec: group id, topics, profile.
	spec  worker.Spec
	input *producer.Producer
	// profile is the input producer's, named after the consumer profile.
	profile schema.Profile
}

// ID is the consumer group id.
func (g *consumerGroup) ID() string { return g.spec.Group }

func (cs *Set) group(id string) (*consumerGroup, error) {
	for _, g := range cs.groups {
		if g.ID() == id {
			return g, nil
		}
	}
	return nil, fmt.Errorf("no consumer group %s in this scenario", id)
}

// groupApp prepares the application of a consumer group with spec s.
func (cs *Set) groupApp(ctx context.Context, bin string, s worker.Spec) (groupApp, error) {
	prof := *s.Consumer
	if prof.Client != schema.JavaClient {
		return saramaGroup{consumer.NewGroup(bin, cs.dir, s)}, nil
	}
	p := cs.p
	if prof.Java.RunsApp() {
		if err := p.PrepareApp(ctx); err != nil {
			return nil, fmt.Errorf("consumer group %s: %w", s.Group, err)
		}
	}
	g, err := javaclient.NewConsumerGroup(javaclient.ConsumerParams{
		Profile: prof, Topic: s.Topic, Group: s.Group,
		Launch: p.Launch, Bootstrap: p.ContainerBootstrap, KafkaVersion: p.KafkaVersion,
		LaunchApp: p.LaunchApp, DeadLetter: s.DeadLetter, Failures: s.Failures, Output: s.Output,
	})
	if err != nil {
		return nil, err
	}
	if prof.Java.GroupProtocol == "consumer" {
		// The consumer protocol's session and heartbeat are the group's,
		// set on the brokers (KIP-848), not the client's.
		ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
		err := p.Cluster.SetGroupConfig(s.Group, map[string]string{
			"consumer.session.timeout.ms":    ms(prof.SessionTimeout),
			"consumer.heartbeat.interval.ms": ms(prof.HeartbeatInterval),
		})
		if err != nil {
			return nil, fmt.Errorf("consumer group %s: %w", s.Group, err)
		}
	}
	return javaGroup{ConsumerGroup: g, base: p.Base, dir: cs.dir, failures: s.Failures}, nil
}

// saramaGroup is the sarama application's group of worker processes.
type saramaGroup struct{ *consumer.Group }

func (g saramaGroup) Start(context.Context) (string, error) {
	w, err := g.Group.Start()
	if err != nil {
		return "", err
	}
	return w.Name(), nil
}

func (g saramaGroup) Live(context.Context) []string {
	var out []string
	for _, w := range g.Group.Live() {
		out = append(out, w.Name())
	}
	return out
}

func (g saramaGroup) Signal(_ context.Context, member string, sig syscall.Signal) error {
	w := g.Member(member)
	if w == nil {
		return fmt.Errorf("no member %s in group %s", member, g.ID())
	}
	return w.Signal(sig)
}

func (g saramaGroup) Stop(_ context.Context, grace time.Duration) error {
	g.Group.Stop(grace)
	return nil
}

func (g saramaGroup) Kill(context.Context) { g.Group.Kill() }

func (g saramaGroup) Events(context.Context) ([]consumer.MemberEvent, error) { return g.Group.Events() }

func (g saramaGroup) Effects(context.Context) ([]consumer.Effect, error) { return g.Group.Effects() }

func (g saramaGroup) Activity(context.Context) int64 { return g.Group.Activity() }

func (g saramaGroup) Members(base time.Time) []schema.MemberRecord {
	var out []schema.MemberRecord
	for _, w := range g.Group.Members() {
		out = append(out, memberRecord(w.Name(), w.StartedAt, w.ExitedAt(), w.Signals(), base))
	}
	return out
}

func (g saramaGroup) ClientConfig() (map[string]string, error) {
	s := g.Spec()
	cfg, err := consumer.Config(s.Client, *s.Consumer, s.Consumer.Name)
	if err != nil {
		return nil, err
	}
	return consumer.ClientConfig(*s.Consumer, cfg), nil
}

func (g saramaGroup) CountTransactions(m *schema.ConsumerMetrics) error {
	if g.Spec().Output == "" {
		return nil
	}
	txns, err := g.Txns()
	for _, t := range txns {
		m.CountTxn(t.Status)
	}
	return err
}

func memberRecord(name string, started, exited time.Time, signals []string, base time.Time) schema.MemberRecord {
	m := schema.MemberRecord{Name: name, StartedAt: started.Sub(base).Seconds(), Signals: signals}
	if !exited.IsZero() {
		m.ExitedAt = exited.Sub(base).Seconds()
	}
	return m
}
