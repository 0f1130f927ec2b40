package javaclient

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// verifiableConsumer is what kafka-verifiable-consumer.sh runs.
var verifiableConsumer = []string{"/opt/kafka/bin/kafka-run-class.sh", "org.apache.kafka.tools.VerifiableConsumer"}

// Events the verifiable consumer prints besides startup_complete and
// shutdown_complete.
const (
	RecordData         = "record_data"
	RecordsConsumed    = "records_consumed"
	OffsetsCommitted   = "offsets_committed"
	PartitionsAssigned = "partitions_assigned"
	PartitionsRevoked  = "partitions_revoked"
)

const consumerConfigPath = "/tmp/kafka-chaos-consumer.properties"

// classicAssignors are the classic protocol's assignors by their short
// names, as partition.assignment.strategy takes them.
var classicAssignors = map[string]string{
	"range":              "org.apache.kafka.clients.consumer.RangeAssignor",
	"roundrobin":         "org.apache.kafka.clients.consumer.RoundRobinAssignor",
	"sticky":             "org.apache.kafka.clients.consumer.StickyAssignor",
	"cooperative-sticky": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
}

// ConsumerParams configure a Java consumer group.
type ConsumerParams struct {
	Profile schema.ConsumerProfile
	Topic   string
	Group   string
	// Launch, Bootstrap and KafkaVersion as in Params.
	Launch       Launch
	Bootstrap    string
	KafkaVersion string
}

// ConsumerGroup runs a Java consumer profile as verifiable consumer
// processes, one container per member, all in one group. Each member
// prints every record it returns from poll (--verbose) before committing
// it: that line is the record's side effect, and survives a SIGKILL in
// the container's output.
type ConsumerGroup struct {
	p       ConsumerParams
	props   map[string]string
	mu      sync.Mutex
	members []*Member
}

// NewConsumerGroup validates the profile.
func NewConsumerGroup(p ConsumerParams) (*ConsumerGroup, error) {
	if err := p.Profile.Validate(); err != nil {
		return nil, err
	}
	if p.Profile.Client != schema.JavaClient {
		return nil, fmt.Errorf("consumer profile %s runs on sarama, not on the Java client", p.Profile.Name)
	}
	return &ConsumerGroup{p: p, props: ConsumerProperties(p.Profile)}, nil
}

// ConsumerProperties renders a Java consumer profile's settings as the
// configuration file the verifiable consumer reads, which overrides its
// command-line choices. The consumer protocol takes its session and
// heartbeat from the group's configuration on the brokers, not from the
// client.
func ConsumerProperties(p schema.ConsumerProfile) map[string]string {
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	props := map[string]string{
		"auto.offset.reset":       "earliest",
		"enable.auto.commit":      strconv.FormatBool(p.Commit == schema.AutoCommit),
		"auto.commit.interval.ms": ms(p.AutoCommitInterval),
		"max.poll.interval.ms":    ms(p.RebalanceTimeout),
		"group.protocol":          p.Java.GroupProtocol,
	}
	if p.Java.GroupProtocol == "consumer" {
		props["group.remote.assignor"] = p.Java.Assignor
	} else {
		props["partition.assignment.strategy"] = classicAssignors[p.Java.Assignor]
		props["session.timeout.ms"] = ms(p.SessionTimeout)
		props["heartbeat.interval.ms"] = ms(p.HeartbeatInterval)
	}
	return props
}

// Command is a member's command line. The tool's own flags for what the
// configuration file also sets are left out, so the file decides.
func (g *ConsumerGroup) Command() []string {
	cmd := append(append([]string(nil), verifiableConsumer...),
		"--topic", g.p.Topic, "--group-id", g.p.Group, "--bootstrap-server", g.p.Bootstrap, "--verbose",
		"--group-protocol", g.p.Profile.Java.GroupProtocol)
	if g.p.Profile.Commit == schema.AutoCommit {
		cmd = append(cmd, "--enable-autocommit")
	}
	if g.p.Profile.Java.GroupProtocol == "consumer" {
		cmd = append(cmd, "--group-remote-assignor", g.p.Profile.Java.Assignor)
	} else {
		cmd = append(cmd, "--assignment-strategy", classicAssignors[g.p.Profile.Java.Assignor],
			"--session-timeout", strconv.FormatInt(g.p.Profile.SessionTimeout.Milliseconds(), 10))
	}
	return append(cmd, configFlag(g.p.KafkaVersion, "--consumer.config"), consumerConfigPath)
}

// ID is the consumer group id.
func (g *ConsumerGroup) ID() string { return g.p.Group }

// Start starts one more member, named <profile>-m<n> (its client.id).
func (g *ConsumerGroup) Start(ctx context.Context) (*Member, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	name := fmt.Sprintf("%s-m%d", g.p.Profile.Name, len(g.members)+1)
	props := maps.Clone(g.props)
	props["client.id"] = name
	proc, err := g.p.Launch(ctx, "java-"+name, g.Command(), map[string]string{consumerConfigPath: PropertiesFile(props)})
	if err != nil {
		return nil, fmt.Errorf("java consumer %s: %w", name, err)
	}
	m := &Member{Name: name, StartedAt: time.Now(), proc: proc}
	g.members = append(g.members, m)
	return m, nil
}

// Members returns every member ever started, oldest first.
func (g *ConsumerGroup) Members() []*Member {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Member(nil), g.members...)
}

// Live returns the members whose process has not exited, oldest first.
func (g *ConsumerGroup) Live(ctx context.Context) []*Member {
	var out []*Member
	for _, m := range g.Members() {
		if !m.Exited(ctx) {
			out = append(out, m)
		}
	}
	return out
}

// Member returns the member with that name, or nil.
func (g *ConsumerGroup) Member(name string) *Member {
	for _, m := range g.Members() {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Stop ends every member with SIGTERM (SIGKILL after grace), all at once,
// keeps what each printed, and removes the containers.
func (g *ConsumerGroup) Stop(ctx context.Context, grace time.Duration) error {
	var wg sync.WaitGroup
	errs := make([]error, len(g.Members()))
	for i, m := range g.Members() {
		wg.Go(func() { errs[i] = m.finish(ctx, grace) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Kill SIGKILLs every member and removes the containers.
func (g *ConsumerGroup) Kill(ctx context.Context) {
	for _, m := range g.Members() {
		_ = m.proc.Signal(ctx, syscall.SIGKILL)
		_ = m.proc.Remove(ctx)
	}
}

// Err reports members that failed on their own: a non-zero exit no
// harness signal explains.
func (g *ConsumerGroup) Err() error {
	var errs []error
	for _, m := range g.Members() {
		errs = append(errs, m.Err())
	}
	return errors.Join(errs...)
}

// MemberOutput is what one member printed.
type MemberOutput struct {
	Member string
	ConsumerOutput
}

// Outputs returns what every member printed, oldest member first.
func (g *ConsumerGroup) Outputs(ctx context.Context) ([]MemberOutput, error) {
	var out []MemberOutput
	for _, m := range g.Members() {
		o, err := m.Output(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, MemberOutput{Member: m.Name, ConsumerOutput: o})
	}
	return out, nil
}

// ClientConfig is every setting the group's first member logged it ran
// with; without that log, the settings it was given.
func (g *ConsumerGroup) ClientConfig() map[string]string {
	var c map[string]string
	if ms := g.Members(); len(ms) > 0 {
		c = maps.Clone(ms[0].ranWith)
	}
	if c == nil {
		c = maps.Clone(g.props)
	}
	c["client"] = "java (org.apache.kafka.tools.VerifiableConsumer)"
	c["app.commit"] = string(g.p.Profile.Commit)
	return c
}
