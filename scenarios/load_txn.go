package scenarios

import (
	"slices"
	"time"

	"github.com/IBM/sarama"
	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// txnField is the path of a profile's transactions: block.
const txnField = "producer.transactions"

// txnSpec is a transactions: block under producer: (schema.Transactions):
// the profile's producer sends in transactions of size messages.
type txnSpec struct {
	Size       int           `yaml:"size"`
	AbortRatio float64       `yaml:"abort_ratio"`
	Timeout    time.Duration `yaml:"timeout"`
}

// defaultTransactions holds what a transactions: block leaves out means:
// no transaction aborted on purpose, and sarama's transaction timeout
// (Producer.Transaction.Timeout, 1 min). size has no default.
func defaultTransactions() txnSpec {
	return txnSpec{Timeout: sarama.NewConfig().Producer.Transaction.Timeout}
}

// transactions returns the block as the schema has it, nil when the
// profile has none.
func (s txnSpec) transactions(at map[string]*yaml.Node) *schema.Transactions {
	if at[txnField] == nil {
		return nil
	}
	return &schema.Transactions{Size: s.Size, AbortRatio: s.AbortRatio, Timeout: s.Timeout}
}

// checkTransactions reports a transactions: block Kafka would refuse or
// that could never commit, and the producer settings it needs.
func (d *decoder) checkTransactions(p schema.Profile, at map[string]*yaml.Node, entry *yaml.Node) {
	if p.Transactions == nil {
		return
	}
	d.checkTxnLimits(p, at, entry)
	d.checkTxnProducer(p, at, entry)
}

// checkTxnLimits reports a profile's transaction size, timeout or abort
// ratio that Kafka would refuse or that could never commit, on either
// client.
func (d *decoder) checkTxnLimits(p schema.Profile, at map[string]*yaml.Node, entry *yaml.Node) {
	t := p.Transactions
	fail := func(field, format string, args ...any) {
		d.fail(lineOf(at, txnField+field, entry), txnField+field, format, args...)
	}
	checkTxnLimits(at[txnField+".size"] != nil, t.Size, t.Timeout, fail)
	if t.AbortRatio >= 1 {
		fail(".abort_ratio", "%v is not below 1: every transaction would be aborted, none committed; use e.g. 0.1, or 0 to commit them all", t.AbortRatio)
	}
}

// checkTxnLimits reports a transaction size (sized says whether the block
// gives one) or timeout Kafka would refuse or that could never commit a
// transaction, a producer profile's or a consumer group's; fail reports on
// the block's field (".size", ".timeout").
func checkTxnLimits(sized bool, size int, timeout time.Duration, fail func(field, format string, args ...any)) {
	switch {
	case !sized:
		fail(".size", "missing: say how many messages each transaction holds, e.g. size: 10")
	case size < 1:
		fail(".size", "0 is below 1: a transaction holds 1 message or more")
	}
	switch {
	case timeout < schema.TxnTimeoutMin:
		fail(".timeout", "%v is below %v: the coordinator aborts a transaction still open after its timeout, and so short a one would abort transactions on a healthy cluster; use e.g. 10s", timeout, schema.TxnTimeoutMin)
	case timeout > schema.TxnTimeoutMax:
		fail(".timeout", "%v is above %v, the brokers' transaction.max.timeout.ms, above which they refuse the producer: lower it, e.g. to 10s", timeout, schema.TxnTimeoutMax)
	}
}

// checkTxnProducer reports the producer settings a transactional profile
// cannot run with. sarama's transactional producer is idempotent
// (config.Validate), so it needs acks: all, max_open_requests: 1 and
// retries, which checkProfile reports as idempotence's once idempotent is
// true; and it runs on the async producer.
func (d *decoder) checkTxnProducer(p schema.Profile, at map[string]*yaml.Node, entry *yaml.Node) {
	need := func(ok bool, format string, args ...any) {
		if !ok {
			d.fail(lineOf(at, txnField, entry), txnField, format, args...)
		}
	}
	need(p.Idempotent, "transactions need idempotent: true, which sarama's transactional producer is: set idempotent: true, or remove transactions")
	if !p.Idempotent {
		need(p.Acks == schema.AcksAll || !slices.Contains(ackings, string(p.Acks)), "transactions need acks: all (this profile has acks: %s): set acks: all, or remove transactions", p.Acks)
		need(p.MaxOpenRequests == 1, "transactions need max_open_requests: 1 (this profile has %d): set max_open_requests: 1, or remove transactions", p.MaxOpenRequests)
		need(p.RetryMax >= 1, "transactions need retry_max of 1 or more (this profile has 0): set retry_max: 3, or remove transactions")
	}
	need(p.Mode == schema.Async || !slices.Contains(modes, string(p.Mode)), "transactions run on the async producer, not mode: %s: remove mode, or set mode: async", p.Mode)
}

// onlyTransactions reports whether a producer: section holds nothing but
// a transactions: block, which a java profile is told about on its own.
func onlyTransactions(producer *yaml.Node) bool {
	return producer.Kind == yaml.MappingNode && len(producer.Content) == 2 && producer.Content[0].Value == "transactions"
}

// refuseTransactions reports a transactions: block where transactions do
// not run yet, on who (the java client, producer apps), with the fix.
func (d *decoder) refuseTransactions(at map[string]*yaml.Node, who, fix string) {
	if n := at[txnField]; n != nil {
		d.fail(n.Line, txnField, "transactions: not yet on %s: %s, or remove transactions", who, fix)
	}
}

// checkTxnFault reports a transaction fault in a scenario without a
// transactional profile, whose ids name the coordinator it acts on.
func (d *decoder) checkTxnFault(s runner.Scenario, at map[string]*yaml.Node, entry *yaml.Node) {
	tf, ok := s.Fault.(faults.TxnFault)
	if ok && tf.ActsOnTransactions() && !slices.ContainsFunc(s.Profiles, func(p schema.Profile) bool { return p.Transactions != nil }) {
		d.fail(lineOf(at, "fault", entry), "fault.type", "%s acts on the transaction coordinator of the scenario's transactional producers: add a transactional profile, e.g. txn-commit", s.Fault.Name())
	}
}
