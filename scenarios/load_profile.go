package scenarios

import (
	"reflect"
	"slices"
	"time"

	"github.com/IBM/sarama"
	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// profileSpec is a profile as written in profiles/*.yaml: the topic and
// producer settings in separate sections, as they land in different places
// (topic configs, the client's config).
type profileSpec struct {
	Name        string       `yaml:"name"`
	Description string       `yaml:"description"`
	Client      string       `yaml:"client"`
	Topic       topicSpec    `yaml:"topic"`
	Producer    producerSpec `yaml:"producer"`
	Java        javaSpec     `yaml:"java"`
}

type topicSpec struct {
	ReplicationFactor int  `yaml:"replication_factor"`
	MinInsyncReplicas int  `yaml:"min_insync_replicas"`
	UncleanElection   bool `yaml:"unclean_leader_election"`
	FlushMessages     int  `yaml:"flush_messages"`
	FlushMs           int  `yaml:"flush_ms"`
}

type producerSpec struct {
	Mode            schema.Mode   `yaml:"mode"`
	Acks            schema.Acks   `yaml:"acks"`
	Idempotent      bool          `yaml:"idempotent"`
	RetryMax        int           `yaml:"retry_max"`
	RetryBackoff    time.Duration `yaml:"retry_backoff"`
	MaxOpenRequests int           `yaml:"max_open_requests"`
	AckTimeout      time.Duration `yaml:"ack_timeout"`
	Concurrency     int           `yaml:"concurrency"`
	Compression     string        `yaml:"compression"`
	Linger          time.Duration `yaml:"linger"`
	FlushBytes      int           `yaml:"flush_bytes"`
	FlushMessages   int           `yaml:"flush_messages"`
	MaxMessageBytes int           `yaml:"max_message_bytes"`
	Transactions    txnSpec       `yaml:"transactions"`
}

// defaultProfile holds what a field left out means: what the cluster and
// the client do when the setting is not given. Replication factor 3 is the
// harness cluster's default.replication.factor; min.insync.replicas 1 and
// unclean election off are Kafka's; the producer values are sarama's
// NewConfig. A profile that leaves a setting out is thus measured as
// shipped without it.
func defaultProfile() profileSpec {
	return profileSpec{
		Topic: topicSpec{ReplicationFactor: 3, MinInsyncReplicas: 1},
		Producer: producerSpec{
			Mode: schema.Async, Acks: schema.Acks1, RetryMax: 3, RetryBackoff: 100 * time.Millisecond,
			MaxOpenRequests: 5, AckTimeout: 10 * time.Second, Transactions: defaultTransactions(),
		},
	}
}

func (s profileSpec) profile() schema.Profile {
	return schema.Profile{
		Name: s.Name, Description: s.Description,
		ReplicationFactor: s.Topic.ReplicationFactor, MinInsyncReplicas: s.Topic.MinInsyncReplicas,
		UncleanElection: s.Topic.UncleanElection, FlushMessages: s.Topic.FlushMessages, FlushMs: s.Topic.FlushMs,
		Mode: s.Producer.Mode, Concurrency: s.Producer.Concurrency, Acks: s.Producer.Acks, Idempotent: s.Producer.Idempotent,
		RetryMax: s.Producer.RetryMax, RetryBackoff: s.Producer.RetryBackoff,
		MaxOpenRequests: s.Producer.MaxOpenRequests, AckTimeout: s.Producer.AckTimeout,
		Compression: schema.Compression(s.Producer.Compression),
		Batching: schema.Batching{
			Linger: s.Producer.Linger, FlushBytes: s.Producer.FlushBytes, FlushMessages: s.Producer.FlushMessages,
			MaxMessageBytes: s.Producer.MaxMessageBytes,
		},
	}
}

var (
	modes        = []string{string(schema.Async), string(schema.Sync)}
	ackings      = []string{string(schema.Acks0), string(schema.Acks1), string(schema.AcksAll)}
	compressions = func() []string {
		out := make([]string, len(schema.Compressions))
		for i, c := range schema.Compressions {
			out[i] = string(c)
		}
		return out
	}()
)

// maxConcurrency bounds synchronous senders: more goroutines than that
// measure the Go scheduler on two cores, not an application.
const maxConcurrency = 256

// Top-level fields of the files under profiles/: the lists a file may hold.
const (
	kindProfile = "profiles"
	kindApp     = "producer_apps"
	kindGroup   = "consumer_groups"
)

// nouns name one definition of each kind in messages.
var nouns = map[string]string{kindProfile: "profile", kindApp: "producer app", kindGroup: "consumer group"}

// profile decodes one entry of a profiles: list, with its problems
// reported.
func (d *decoder) profile(n *yaml.Node) schema.Profile {
	spec := defaultProfile()
	at := map[string]*yaml.Node{}
	d.fields(n, "", reflect.ValueOf(&spec).Elem(), at)
	p := spec.profile()
	p.Transactions = spec.Producer.Transactions.transactions(at)
	d.checkName(p.Name, at, n, "profile")
	switch spec.Client {
	case "", saramaClient:
		d.checkProfile(p, at, n)
		if at["java"] != nil {
			d.fail(at["java"].Line, "java", "applies to client: java only (this profile runs on sarama): add client: java and move the settings there, or set them under producer:")
		}
	case schema.JavaClient:
		p = spec.javaProfile(at)
		p.Transactions = spec.Producer.Transactions.transactions(at)
		d.checkJavaProfile(p, at, n)
	default:
		d.fail(lineOf(at, "client", n), "client", "%s", oneOf(spec.Client, []string{saramaClient, schema.JavaClient}))
	}
	return p
}

// checkBatching reports batching settings sarama would ignore, or that
// would hold messages back for ever.
func (d *decoder) checkBatching(b schema.Batching, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	// sarama flushes a partial batch only on the timer: without one, the
	// last messages of a quiet producer wait until more arrive.
	for _, f := range []struct {
		field string
		n     int
	}{{"producer.flush_bytes", b.FlushBytes}, {"producer.flush_messages", b.FlushMessages}} {
		if f.n > 0 && b.Linger == 0 {
			fail(f.field, "%d without linger: sarama then holds a partial batch until that much waits, however long it takes; set linger too, e.g. linger: 5ms", f.n)
		}
	}
	if b.FlushBytes >= int(sarama.MaxRequestSize) {
		fail("producer.flush_bytes", "%d is not below %d, sarama's largest request, which ignores it then: lower it", b.FlushBytes, sarama.MaxRequestSize)
	}
	switch {
	case at["producer.max_message_bytes"] != nil && b.MaxMessageBytes == 0:
		fail("producer.max_message_bytes", "0 would refuse every message: leave it out for sarama's %d", sarama.NewConfig().Producer.MaxMessageBytes)
	case b.MaxMessageBytes >= int(sarama.MaxRequestSize):
		fail("producer.max_message_bytes", "%d is not below %d, sarama's largest request, which ignores it then: lower it", b.MaxMessageBytes, sarama.MaxRequestSize)
	}
}

// checkTopic reports topic settings Kafka would refuse, or that could
// never acknowledge a write.
func (d *decoder) checkTopic(p schema.Profile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	rf, isr := p.ReplicationFactor, p.MinInsyncReplicas
	switch {
	case rf < 1 || rf > cluster.Nodes:
		fail("topic.replication_factor", "%d is not between 1 and %d: the cluster has %d nodes, each holding at most one copy", rf, cluster.Nodes, cluster.Nodes)
	case isr > rf:
		fail("topic.min_insync_replicas", "%d is more than replication_factor %d: no write could gather that many copies, so acks=all would never succeed; lower it to at most %d or raise replication_factor", isr, rf, rf)
	}
	if isr < 1 {
		fail("topic.min_insync_replicas", "0 is below 1: Kafka requires at least 1")
	}
}

// checkProfile reports settings that sarama or Kafka would refuse, or that
// could never acknowledge a write.
func (d *decoder) checkProfile(p schema.Profile, at map[string]*yaml.Node, entry *yaml.Node) {
	before := len(d.errs)
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	d.checkTopic(p, at, entry)
	if !slices.Contains(modes, string(p.Mode)) {
		fail("producer.mode", "%s", oneOf(string(p.Mode), modes))
	}
	switch {
	case p.Concurrency != 0 && p.Mode != schema.Sync:
		fail("producer.concurrency", "%d senders only apply to mode: sync (this profile is %s, whose sends never wait): remove concurrency, or set mode: sync", p.Concurrency, p.Mode)
	case p.Concurrency < 0 || p.Concurrency > maxConcurrency:
		fail("producer.concurrency", "%d is not between 1 and %d: use the size of the application's sending pool, e.g. 16", p.Concurrency, maxConcurrency)
	}
	if !slices.Contains(ackings, string(p.Acks)) {
		fail("producer.acks", "%s", oneOf(string(p.Acks), ackings))
	}
	// sarama's idempotent producer refuses any other combination
	// (config.Validate): the broker dedupes by sequence number, which only
	// works for acks=all with one request in flight and retries on.
	if p.Idempotent {
		if slices.Contains(ackings, string(p.Acks)) && p.Acks != schema.AcksAll {
			fail("producer.idempotent", "idempotence needs acks: all (this profile has acks: %s): set acks: all, or idempotent: false", p.Acks)
		}
		if p.MaxOpenRequests != 1 {
			fail("producer.idempotent", "idempotence needs max_open_requests: 1 (this profile has %d): set max_open_requests: 1, or idempotent: false", p.MaxOpenRequests)
		}
		if p.RetryMax < 1 {
			fail("producer.idempotent", "idempotence needs retry_max of 1 or more (this profile has 0): set retry_max: 3, or idempotent: false")
		}
	}
	if p.MaxOpenRequests < 1 {
		fail("producer.max_open_requests", "0 is below 1: the producer needs at least one request in flight")
	}
	if p.AckTimeout == 0 {
		fail("producer.ack_timeout", "0s would make the broker give up on every write at once: use e.g. 10s")
	}
	if c := string(p.Compression); c != "" && !slices.Contains(compressions, c) {
		fail("producer.compression", "%s", oneOf(c, compressions))
	}
	d.checkBatching(p.Batching, at, entry)
	d.checkTransactions(p, at, entry)
	// schema.Profile.Validate is the package's own rule book: whatever it adds
	// later is enforced here too, even before this file learns to say it
	// better.
	if len(d.errs) == before {
		if err := p.Validate(); err != nil {
			d.fail(entry.Line, "", "%v", err)
		}
	}
}
