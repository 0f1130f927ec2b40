package javaclient

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kafka-chaos/kafka-chaos/images/javaapp"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
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

// Events the kafka-chaos Java application prints besides the verifiable
// consumer's (but record_data and records_consumed), one per record
// handled other than by applying its effect: an attempt failed and
// another follows, the record was given up (skip) or dead-lettered after
// its last attempt, its outcome was recorded already (deduped), or a
// dead-letter send failed (group_error).
const (
	AppRetry      = "retry"
	AppSkip       = "skip"
	AppDeadLetter = "dead_letter"
	AppDeduped    = "deduped"
	AppGroupError = "group_error"
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
	// LaunchApp starts the kafka-chaos Java application's members, for a
	// profile that runs it; DeadLetter is then its dead-letter topic (""
	// for none) and Failures the processing failures it injects.
	LaunchApp  LaunchApp
	DeadLetter string
	Failures   schema.Failures
	// Output is an in-transaction group's output topic.
	Output string
}

// LaunchApp starts cmd as Launch does, in the image that carries the
// kafka-chaos Java application, with the volume named store mounted at
// StoreDir: every container launched with the same store shares it.
type LaunchApp func(ctx context.Context, name string, cmd []string, files map[string]string, store string) (Process, error)

// StoreDir is where an application container mounts its store volume
// (cluster.StoreDir).
const StoreDir = "/var/lib/kafka-chaos/store"

// effectsPath is the group's effect store, on the volume every member
// mounts.
const effectsPath = StoreDir + "/effects.jsonl"

// ConsumerGroup runs a Java consumer profile as processes, one container
// per member, all in one group: Kafka's verifiable consumer, or the
// kafka-chaos Java application when the profile needs processing that
// fails. A verifiable consumer prints every record it returns from poll
// (--verbose) before committing it: that line is the record's side
// effect, and survives a SIGKILL in the container's output. The
// application records its effects in the group's effect store instead, a
// file on a volume every member mounts, which survives the members.
type ConsumerGroup struct {
	p       ConsumerParams
	props   map[string]string
	mu      sync.Mutex
	members []*Member
	// store is the effect store as the members left it, once stopped.
	store []byte
}

// NewConsumerGroup validates the profile.
func NewConsumerGroup(p ConsumerParams) (*ConsumerGroup, error) {
	if err := p.Profile.Validate(); err != nil {
		return nil, err
	}
	if p.Profile.Client != schema.JavaClient {
		return nil, fmt.Errorf("consumer profile %s runs on sarama, not on the Java client", p.Profile.Name)
	}
	props := ConsumerProperties(p.Profile)
	if p.Profile.Java.RunsApp() {
		if p.LaunchApp == nil {
			return nil, fmt.Errorf("consumer profile %s runs the kafka-chaos Java application, which needs LaunchApp", p.Profile.Name)
		}
		maps.Copy(props, appProperties(p))
	}
	return &ConsumerGroup{p: p, props: props}, nil
}

// appProperties are the kafka-chaos Java application's own settings and
// what the verifiable consumer takes as flags.
func appProperties(p ConsumerParams) map[string]string {
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	r := p.Profile.Retry
	return map[string]string{
		"bootstrap.servers":              p.Bootstrap,
		"group.id":                       p.Group,
		"kafka-chaos.topic":              p.Topic,
		"kafka-chaos.store":              effectsPath,
		"kafka-chaos.dedupe":             strconv.FormatBool(p.Profile.Dedupe),
		"kafka-chaos.dead.letter.topic":  p.DeadLetter,
		"kafka-chaos.retry.max.attempts": strconv.Itoa(r.MaxAttempts),
		"kafka-chaos.retry.backoff.ms":   ms(r.Backoff),
		"kafka-chaos.retry.max.delay.ms": ms(r.MaxDelay),
		"kafka-chaos.failures.seed":      strconv.FormatInt(p.Failures.Seed, 10),
		"kafka-chaos.failures.rate":      strconv.FormatFloat(p.Failures.Rate, 'g', -1, 64),
		"kafka-chaos.failures.max":       strconv.Itoa(p.Failures.MaxFailures),
		"kafka-chaos.failures.ids":       strings.Join(p.Failures.IDs, ","),
		"kafka-chaos.commit.timeout.ms":  ms(p.Profile.SessionTimeout),
		"kafka-chaos.output.topic":       p.Output,
		"kafka-chaos.txn.size":           strconv.Itoa(p.Profile.TxnSize),
		"kafka-chaos.txn.timeout.ms":     ms(p.Profile.TxnTimeout),
		"kafka-chaos.transactional.id":   consumer.TransactionalID(p.Group, "<member>"),
	}
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
	if p.Commit == schema.InTransaction {
		// It reads only what other transactions committed, and one
		// transaction's records a poll: a poll's worth of transactions
		// one after another could outlast max.poll.interval.ms, and the
		// member would be put out of the group.
		props["isolation.level"] = "read_committed"
		props["max.poll.records"] = strconv.Itoa(p.TxnSize)
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
	if g.p.Profile.Java.RunsApp() {
		return []string{"/opt/kafka/bin/kafka-run-class.sh", javaapp.MainClass, "consume", consumerConfigPath}
	}
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

// Profile is the group's consumer profile.
func (g *ConsumerGroup) Profile() schema.ConsumerProfile { return g.p.Profile }

// Start starts one more member, named <profile>-m<n> (its client.id).
func (g *ConsumerGroup) Start(ctx context.Context) (*Member, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	name := fmt.Sprintf("%s-m%d", g.p.Profile.Name, len(g.members)+1)
	props := maps.Clone(g.props)
	props["client.id"] = name
	if g.p.Profile.Commit == schema.InTransaction {
		props["kafka-chaos.transactional.id"] = consumer.TransactionalID(g.p.Group, name)
	}
	files := map[string]string{consumerConfigPath: PropertiesFile(props)}
	var proc Process
	var err error
	if g.p.Profile.Java.RunsApp() {
		proc, err = g.p.LaunchApp(ctx, "java-"+name, g.Command(), files, g.p.Group)
	} else {
		proc, err = g.p.Launch(ctx, "java-"+name, g.Command(), files)
	}
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
// keeps what each printed and the effect store, and removes the
// containers.
func (g *ConsumerGroup) Stop(ctx context.Context, grace time.Duration) error {
	ms := g.Members()
	var wg sync.WaitGroup
	errs := make([]error, len(ms)+1)
	for i, m := range ms {
		wg.Go(func() { errs[i] = m.finish(ctx, grace) })
	}
	wg.Wait()
	if g.p.Profile.Java.RunsApp() && len(ms) > 0 {
		// Every member mounts the store; the newest one has it too.
		store, err := ms[len(ms)-1].proc.ReadFile(ctx, effectsPath)
		g.mu.Lock()
		g.store = store
		g.mu.Unlock()
		errs[len(ms)] = err
	}
	for _, m := range ms {
		errs = append(errs, m.proc.Remove(ctx))
	}
	return errors.Join(errs...)
}

// Store returns the effect store's lines as the stopped members left it
// (nil for a verifiable consumer group).
func (g *ConsumerGroup) Store() []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.store
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
	if g.p.Profile.Java.RunsApp() {
		c["client"] = "java (" + javaapp.MainClass + " consume, images/javaapp)"
		for k, v := range g.props {
			if strings.HasPrefix(k, "kafka-chaos.") {
				c[k] = v
			}
		}
		maps.Copy(c, map[string]string{
			"dead_letter.acks": "all", "dead_letter.enable.idempotence": "true", "dead_letter.retry.backoff": "100ms",
		})
	}
	return c
}
