package clients

import (
	"context"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/audit"
	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/history"
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/javaclient"
)

// Cluster is what the clients need of the cluster: its addresses and base
// client configuration, the consumer groups' state and coordinators, and
// their committed offsets.
type Cluster interface {
	faults.Groups
	Bootstrap() []string
	SaramaConfig(clientID string) *sarama.Config
	Admin() sarama.ClusterAdmin
	// SetGroupConfig sets a consumer group's dynamic configuration
	// (KIP-848 groups take their session and heartbeat from it).
	SetGroupConfig(group string, settings map[string]string) error
}

// Params is what the clients of one scenario run with.
type Params struct {
	Spec Spec
	// Scenario names the client topics (<scenario>.<application>) and the
	// ledger directory.
	Scenario string
	Cluster  Cluster
	// Leader is the node that leads every partition of the scenario;
	// CreateTopic creates a topic so led, with a profile's topic settings,
	// as one of the scenario's topics.
	Leader      int
	CreateTopic func(ctx context.Context, topic string, prof schema.Profile) error
	// Rate (messages per second) and Size (bytes per message) of every
	// producer.
	Rate int
	Size int
	// Base is the run's time origin.
	Base time.Time
	// Launch, ContainerBootstrap and KafkaVersion run the Java consumer
	// groups: a client container from the cluster's Kafka image, the
	// brokers as it reaches them, and the release its tools are from.
	Launch             javaclient.Launch
	ContainerBootstrap string
	KafkaVersion       string
	// LaunchApp runs the kafka-chaos Java application's members;
	// PrepareApp builds its image, so a group that needs it fails at
	// setup, not when its first member starts.
	LaunchApp  javaclient.LaunchApp
	PrepareApp func(ctx context.Context) error
	// Seed takes the place of a zero Spec.Failures.Seed.
	Seed int64
	// WorkDir is where the worker processes keep their ledgers (under
	// <WorkDir>/<scenario>); empty means a new temporary directory.
	WorkDir string
	// Expect holds, per producer application, the guarantees the scenario
	// asserts; MinExposure and Window (read once the fault is over) are the
	// scenario's exposure rule.
	Expect      map[string]schema.Expectation
	MinExposure int
	Window      func() *schema.Window
	// Audit reads a topic back; parse recovers ids from its values.
	// AuditCommitted reads a transactional topic as a read_committed
	// consumer does.
	Audit          func(ctx context.Context, topic string, parse func([]byte) (string, int64, error)) (audit.Log, error)
	AuditCommitted func(ctx context.Context, topic string, parse func([]byte) (string, int64, error)) (audit.Log, error)
	// Judge judges a producer ledger against its topic's audit and stores
	// the history it was judged from, with extra.
	Judge func(prof schema.Profile, topic string, entries []ledger.Entry, a audit.Log, expect schema.Expectation, extra history.Profile) (schema.ProfileResult, error)
	Logf  func(format string, args ...any)
	// Phase marks the start of a step of the run.
	Phase func(name, detail string)
}
