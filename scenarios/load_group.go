package scenarios

import (
	"reflect"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// groupSpec is a consumer-group application as written under
// consumer_groups: when it commits, how it retries, where a message it
// gives up on goes, and its group settings.
type groupSpec struct {
	Name               string             `yaml:"name"`
	Description        string             `yaml:"description"`
	Client             string             `yaml:"client"`
	Java               javaGroupSpec      `yaml:"java"`
	Commit             schema.CommitPoint `yaml:"commit"`
	ProcessLag         time.Duration      `yaml:"process_lag"`
	Retry              retrySpec          `yaml:"retry"`
	DeadLetter         bool               `yaml:"dead_letter"`
	Dedupe             bool               `yaml:"dedupe"`
	AutoCommitInterval time.Duration      `yaml:"auto_commit_interval"`
	SessionTimeout     time.Duration      `yaml:"session_timeout"`
	HeartbeatInterval  time.Duration      `yaml:"heartbeat_interval"`
	RebalanceTimeout   time.Duration      `yaml:"rebalance_timeout"`
	Transaction        groupTxnSpec       `yaml:"transaction"`
}

type retrySpec struct {
	MaxAttempts int           `yaml:"max_attempts"`
	Backoff     time.Duration `yaml:"backoff"`
	MaxDelay    time.Duration `yaml:"max_delay"`
}

// defaultGroup holds what a field left out means. One processing attempt
// is what an application without retry code makes; the auto-commit
// interval is sarama's. The group timeouts are the harness's rather than
// sarama's (10s, 3s, 60s): a 6s session, the brokers' minimum, so that a
// crashed or stalled member is evicted within a fault window, and a 10s
// rebalance timeout. A transaction's timeout is sarama's, as for producer
// profiles.
func defaultGroup() groupSpec {
	return groupSpec{
		Retry:              retrySpec{MaxAttempts: 1},
		AutoCommitInterval: time.Second, SessionTimeout: 6 * time.Second,
		HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
		Transaction: groupTxnSpec{Timeout: defaultTransactions().Timeout},
	}
}

func (s groupSpec) group() schema.ConsumerProfile {
	g := schema.ConsumerProfile{
		Name: s.Name, Description: s.Description, Commit: s.Commit, ProcessLag: s.ProcessLag,
		Retry:      schema.RetryPolicy{MaxAttempts: s.Retry.MaxAttempts, Backoff: s.Retry.Backoff, MaxDelay: s.Retry.MaxDelay},
		DeadLetter: s.DeadLetter, Dedupe: s.Dedupe,
		AutoCommitInterval: s.AutoCommitInterval, SessionTimeout: s.SessionTimeout,
		HeartbeatInterval: s.HeartbeatInterval, RebalanceTimeout: s.RebalanceTimeout,
	}
	if s.Commit == schema.InTransaction {
		g.TxnSize, g.TxnTimeout = s.Transaction.Size, s.Transaction.Timeout
	}
	return g
}

var commitPoints = []string{string(schema.OnReceive), string(schema.AfterProcessing), string(schema.InTransaction)}

// The brokers' bounds on a member's session (group.min.session.timeout.ms
// and group.max.session.timeout.ms, Kafka's defaults): the coordinator
// refuses a member whose session lies outside them.
const (
	minSession = 6 * time.Second
	maxSession = 30 * time.Minute
)

// group decodes one entry of a consumer_groups: list, with its problems
// reported.
func (d *decoder) group(n *yaml.Node) schema.ConsumerProfile {
	spec := defaultGroup()
	at := map[string]*yaml.Node{}
	d.fields(n, "", reflect.ValueOf(&spec).Elem(), at)
	g := spec.group()
	d.checkName(g.Name, at, n, "consumer group")
	before := len(d.errs)
	switch spec.Client {
	case "", saramaClient:
		if at["java"] != nil {
			d.fail(at["java"].Line, "java", "applies to client: java only (this group runs on sarama): add client: java, or remove it")
		}
		d.checkProcessing(g, at, n)
		d.checkGroupTxn(g, at, n)
	case schema.JavaClient:
		g = spec.javaGroup(g, at)
		d.checkJavaGroup(g, at, n)
	default:
		d.fail(lineOf(at, "client", n), "client", "%s", oneOf(spec.Client, []string{saramaClient, schema.JavaClient}))
	}
	d.checkGroupTimeouts(g, at, n)
	// workload's own rule book, as for producer profiles.
	if len(d.errs) == before {
		if err := g.Validate(); err != nil {
			d.fail(n.Line, "", "%v", err)
		}
	}
	return g
}

// checkProcessing reports a commit point, retry policy or dead-letter
// setting the application model cannot run, or would ignore; an
// in-transaction group's retries and dead-letter topic are checkGroupTxn's.
func (d *decoder) checkProcessing(g schema.ConsumerProfile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	r := g.Retry
	switch {
	case at["commit"] == nil:
		fail("commit", "missing: say when the application marks an offset for commit: on-receive (as soon as received), after-processing (once the message's effect is recorded) or in-transaction (with its output, in a transaction)")
	case !slices.Contains(commitPoints, string(g.Commit)):
		fail("commit", "%s", oneOf(string(g.Commit), commitPoints))
	case g.Commit == schema.OnReceive && g.ProcessLag == 0:
		fail("process_lag", "missing: on-receive hands each message to a stage that runs behind the consumer loop: say how far, e.g. process_lag: 3s")
	case g.Commit != schema.OnReceive && g.ProcessLag > 0:
		fail("process_lag", "only applies to commit: on-receive (%s processes in the consumer loop): remove it", g.Commit)
	case g.Commit == schema.OnReceive && r.MaxAttempts != 1:
		fail("retry.max_attempts", "%d: on-receive processing is fire-and-forget, one attempt: remove max_attempts, or commit: after-processing", r.MaxAttempts)
	case g.Commit == schema.OnReceive && g.DeadLetter:
		fail("dead_letter", "on-receive processing never gives a message up, so nothing reaches a dead-letter topic: remove dead_letter, or commit: after-processing")
	}
	if g.Commit == schema.InTransaction {
		// It has no retries or dead-letter topic: checkGroupTxn.
		return
	}
	d.checkRetry(g, at, entry)
}

// checkRetry reports a retry policy that cannot run: delays without
// retries, retries without a delay, or a dead-letter topic behind retries
// without end.
func (d *decoder) checkRetry(g schema.ConsumerProfile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	r := g.Retry
	switch {
	case r.MaxAttempts == 1 && (r.Backoff > 0 || r.MaxDelay > 0):
		field := "retry.backoff"
		if r.Backoff == 0 {
			field = "retry.max_delay"
		}
		fail(field, "max_attempts 1 never retries: remove it, or raise retry.max_attempts (0 retries until the message succeeds)")
	case r.MaxAttempts != 1 && r.Backoff == 0:
		fail("retry.backoff", "missing: retries need a first delay, which doubles up to max_delay: e.g. backoff: 10ms")
	case r.MaxAttempts != 1 && r.MaxDelay < r.Backoff:
		fail("retry.max_delay", "%s is below backoff %s: the delay doubles from backoff up to max_delay; use at least %s", r.MaxDelay, r.Backoff, r.Backoff)
	}
	if g.DeadLetter && r.MaxAttempts == 0 {
		fail("dead_letter", "a message goes to the dead-letter topic after its last attempt, and max_attempts 0 retries for ever: set retry.max_attempts, e.g. 3")
	}
}

// checkGroupTimeouts reports group settings sarama or the coordinator
// would refuse.
func (d *decoder) checkGroupTimeouts(g schema.ConsumerProfile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	if g.SessionTimeout < minSession || g.SessionTimeout > maxSession {
		fail("session_timeout", "%s is not between %s and %s, the brokers' group.min.session.timeout.ms and group.max.session.timeout.ms: the coordinator would refuse the member", g.SessionTimeout, minSession, maxSession)
	}
	switch {
	case g.HeartbeatInterval == 0:
		fail("heartbeat_interval", "0s: a member that never heartbeats is evicted: use e.g. 1s")
	case g.HeartbeatInterval >= g.SessionTimeout:
		fail("heartbeat_interval", "%s is not below session_timeout %s, which sarama refuses: use a third of it or less", g.HeartbeatInterval, g.SessionTimeout)
	}
	if g.RebalanceTimeout == 0 {
		fail("rebalance_timeout", "0s leaves no member time to give up its partitions in a rebalance: use e.g. 10s")
	}
	if g.AutoCommitInterval == 0 {
		fail("auto_commit_interval", "0s: sarama needs an interval to auto-commit marked offsets: use e.g. 1s")
	}
}
