package scenarios

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// txnYAML is a profile file whose producer is ready for transactions
// (lines 7 to 10) and whose transactions: block's fields start at line 12.
func txnYAML(fields string) string {
	return profileYAML(stdTopic, "acks: all\nidempotent: true\nmax_open_requests: 1\nretry_max: 3\ntransactions:\n"+strings.TrimSuffix(indentYAML(fields, 2), "\n"))
}

// txnOnly is a transactions: block the cases below break one field of.
const txnOnly = "transactions: {size: 10, timeout: 10s}"

var txnValidationCases = []validationCase{
	{"txn size missing", txnYAML("abort_ratio: 0.1"), false, 12, "producer.transactions.size", "missing: say how many messages each transaction holds, e.g. size: 10"},
	{"txn size zero", txnYAML("size: 0"), false, 12, "producer.transactions.size", "0 is below 1: a transaction holds 1 message or more"},
	{"txn abort ratio 1", txnYAML("size: 10\nabort_ratio: 1"), false, 13, "producer.transactions.abort_ratio", "1 is not below 1: every transaction would be aborted, none committed; use e.g. 0.1"},
	{"txn abort ratio negative", txnYAML("size: 10\nabort_ratio: -0.1"), false, 13, "producer.transactions.abort_ratio", "-0.1 is negative: use 0 or more"},
	{"txn timeout too short", txnYAML("size: 10\ntimeout: 500ms"), false, 13, "producer.transactions.timeout", "500ms is below 1s: the coordinator aborts a transaction still open after its timeout"},
	{"txn timeout too long", txnYAML("size: 10\ntimeout: 20m"), false, 13, "producer.transactions.timeout", "20m0s is above 15m0s, the brokers' transaction.max.timeout.ms, above which they refuse the producer: lower it"},
	{"txn field typo", txnYAML("sise: 10"), false, 12, "producer.transactions.sise", `unknown field (did you mean "size"?); the fields here are size, abort_ratio, timeout`},
	{"txn not idempotent", profileYAML(stdTopic, "acks: all\nmax_open_requests: 1\n"+txnOnly), false, 9, "producer.transactions", "transactions need idempotent: true, which sarama's transactional producer is: set idempotent: true, or remove transactions"},
	{"txn acks 1", profileYAML(stdTopic, "acks: 1\n"+txnOnly), false, 8, "producer.transactions", "transactions need acks: all (this profile has acks: 1): set acks: all, or remove transactions"},
	{"txn 5 in flight", profileYAML(stdTopic, "acks: all\n"+txnOnly), false, 8, "producer.transactions", "transactions need max_open_requests: 1 (this profile has 5)"},
	{"txn without retries", profileYAML(stdTopic, "acks: all\nmax_open_requests: 1\nretry_max: 0\n"+txnOnly), false, 10, "producer.transactions", "transactions need retry_max of 1 or more (this profile has 0): set retry_max: 3"},
	{"txn sync", txnYAML("size: 10") + "      mode: sync\n", false, 12, "producer.transactions", "transactions run on the async producer, not mode: sync: remove mode, or set mode: async"},
	{"txn on java with acks 1", "profiles:\n  - name: mine\n    client: java\n    java: {acks: 1}\n    producer:\n      " + txnOnly + "\n", false, 6, "producer.transactions", "transactions need the Java client's idempotence, which acks: all, max_in_flight up to 5 and retries above 0 keep on"},
	{"txn on java too short", "profiles:\n  - name: mine\n    client: java\n    producer:\n      transactions: {size: 10, timeout: 100ms}\n", false, 5, "producer.transactions.timeout", "is below"},
	{"txn fault without txn profile", scenarioYAML("{type: txn-coordinator-kill}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "txn-coordinator-kill acts on the transaction coordinator of the scenario's transactional producers: add a transactional profile, e.g. txn-commit"},
	{"txn isolate without txn profile", scenarioYAML("{type: txn-coordinator-isolate-clients}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "txn-coordinator-isolate-clients acts on the transaction coordinator of the scenario's transactional producers: add a transactional profile"},
	{"txn power loss without txn profile", scenarioYAML("{type: power-loss, target: txn-coordinator}", twoProfiles, safeExpectYAML, "cluster: {lossy_fs: true}"), true, 4, "fault.type", "power-loss-txn-coordinator acts on the transaction coordinator of the scenario's transactional producers: add a transactional profile"},
	{"txn on a producer app", "producer_apps:\n  - name: my-app\n    producer: {acks: all, idempotent: true, max_open_requests: 1, transactions: {size: 10}}\n    app: {results: checked, exit: close}\n", false, 3, "producer.transactions", "transactions: not yet on producer apps: make it a profile (under profiles:)"},
}

// TestTxnJava: a java profile's producer: section holding only
// transactions is its transactions, not sarama's settings.
func TestTxnJava(t *testing.T) {
	if err := loadOne(t, false, "profiles:\n  - name: mine\n    client: java\n    producer:\n      "+txnOnly+"\n"); err != nil {
		t.Errorf("a java profile with transactions: %v", err)
	}
	ps, err := Profiles("../scenarios", "java-txn-commit")
	if err != nil {
		t.Fatal(err)
	}
	if p := ps[0]; p.Client != schema.JavaClient || p.Transactions == nil || p.Transactions.Size != 10 {
		t.Errorf("java-txn-commit loads as %+v", p)
	}
}

// TestTxnFields: a transactions: block lands in Profile.Transactions as
// written, a field left out takes its default, a profile without the
// block is not transactional, and the shipped txn-commit and txn-mixed
// load as documented.
func TestTxnFields(t *testing.T) {
	data := "profiles:\n" +
		"  - name: every-txn-field\n    producer: {acks: all, idempotent: true, max_open_requests: 1, transactions: {size: 10, abort_ratio: 0.1, timeout: 10s}}\n" +
		"  - name: txn-defaults\n    producer: {acks: all, idempotent: true, max_open_requests: 1, transactions: {size: 5}}\n" +
		"  - name: no-txn\n    producer: {acks: all, idempotent: true, max_open_requests: 1}\n"
	got, err := loadProfiles([]source{{"profiles/mine.yaml", []byte(data)}})
	if err != nil {
		t.Fatal(err)
	}
	shipped := loadLibrary(t).profiles
	for name, want := range map[string]*schema.Transactions{
		"every-txn-field": {Size: 10, AbortRatio: 0.1, Timeout: 10 * time.Second},
		"txn-defaults":    {Size: 5, Timeout: time.Minute},
		"no-txn":          nil,
	} {
		if tx := got.profiles[name].Transactions; (tx == nil) != (want == nil) || (tx != nil && *tx != *want) {
			t.Errorf("%s: transactions %+v, want %+v", name, tx, want)
		}
	}
	for name, ratio := range map[string]float64{"txn-commit": 0, "txn-mixed": 0.2} {
		p := shipped[name]
		if tx := p.Transactions; tx == nil || *tx != (schema.Transactions{Size: 10, AbortRatio: ratio, Timeout: 10 * time.Second}) {
			t.Errorf("shipped %s: transactions %+v, want size 10, abort_ratio %v, timeout 10s", name, tx, ratio)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("shipped %s: %v", name, err)
		}
	}
}

// A transactional profile's expect list splits into producer guarantees
// (judged on read_uncommitted) and transaction guarantees (on
// read_committed); no-duplicates asks for both.
func TestTxnExpectations(t *testing.T) {
	ss, err := Load(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Name != "txn-coordinator-kill" {
			continue
		}
		if got := s.Expect["txn-commit"]; !slices.Equal(got, schema.Expectation{schema.NoAckedLoss, schema.NoDuplicates}) {
			t.Errorf("producer guarantees %v", got)
		}
		if got := s.TxnExpect["txn-commit"]; !slices.Equal(got, schema.ExactlyOnce()) {
			t.Errorf("transaction guarantees %v, want %v", got, schema.ExactlyOnce())
		}
		return
	}
	t.Fatal("no scenario txn-coordinator-kill")
}

// TestTxnFaultLoads: a transaction fault with a transactional profile
// among the scenario's loads.
func TestTxnFaultLoads(t *testing.T) {
	for _, typ := range []string{"txn-coordinator-kill", "txn-coordinator-isolate-clients"} {
		if err := loadOne(t, true, scenarioYAML("{type: "+typ+"}", "[txn-commit, safe-idempotent]", safeExpectYAML)); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}
