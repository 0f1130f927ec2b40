package scenarios

import (
	"reflect"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// inTxn is an in-transaction group's commit and transaction: block, on
// lines 3 and 4 of a groupYAML file.
const inTxn = "commit: in-transaction\ntransaction: {size: 10, timeout: 10s}"

var groupTxnValidationCases = []validationCase{
	{"in-txn block missing", groupYAML("commit: in-transaction"), false, 2, "transaction", "missing: in-transaction commits each batch of records with its output in a transaction: say how many records one holds at most, and its timeout, e.g. transaction: {size: 10, timeout: 10s}"},
	{"in-txn size missing", groupYAML("commit: in-transaction\ntransaction: {timeout: 10s}"), false, 4, "transaction.size", "missing: say how many messages each transaction holds, e.g. size: 10"},
	{"in-txn size zero", groupYAML("commit: in-transaction\ntransaction:\n  size: 0"), false, 5, "transaction.size", "0 is below 1: a transaction holds 1 message or more"},
	{"in-txn timeout too short", groupYAML("commit: in-transaction\ntransaction:\n  size: 10\n  timeout: 500ms"), false, 6, "transaction.timeout", "500ms is below 1s: the coordinator aborts a transaction still open after its timeout"},
	{"in-txn timeout too long", groupYAML("commit: in-transaction\ntransaction: {size: 10, timeout: 20m}"), false, 4, "transaction.timeout", "20m0s is above 15m0s, the brokers' transaction.max.timeout.ms"},
	{"in-txn field typo", groupYAML("commit: in-transaction\ntransaction: {size: 10, abort_ratio: 0.1}"), false, 4, "transaction.abort_ratio", "unknown field; the fields here are size, timeout"},
	{"in-txn retries", groupYAML(inTxn + "\nretry: {max_attempts: 3, backoff: 10ms, max_delay: 40ms}"), false, 5, "retry", "in-transaction never retries in place: a batch that fails is aborted and consumed again from the committed offset: remove retry"},
	{"in-txn dead letter", groupYAML(inTxn + "\ndead_letter: true"), false, 5, "dead_letter", "in-transaction gives no record up: every one reaches the output topic in a committed transaction: remove dead_letter"},
	{"in-txn dedupe", groupYAML(inTxn + "\ndedupe: true"), false, 5, "dedupe", "in-transaction needs no dedupe: the output of a batch consumed again was aborted with its offsets: remove dedupe"},
	{"in-txn auto-commit", groupYAML(inTxn + "\nauto_commit_interval: 5s"), false, 5, "auto_commit_interval", "in-transaction commits offsets in its transactions only, with auto-commit off: remove auto_commit_interval"},
	{"in-txn process lag", groupYAML(inTxn + "\nprocess_lag: 3s"), false, 5, "process_lag", "only applies to commit: on-receive (in-transaction processes in the consumer loop): remove it"},
	{"transaction without in-txn", groupYAML(afterCommit + "\ntransaction: {size: 10}"), false, 4, "transaction", "only applies to commit: in-transaction, which commits offsets in transactions: remove it, or set commit: in-transaction"},
	{"in-txn on the verifiable consumer", groupYAML("client: java\njava: {application: verifiable-consumer}\n" + inTxn), false, 5, "commit", "in-transaction is the kafka-chaos Java application's consume-transform-produce, not Kafka's verifiable consumer"},
	{"in-txn on java with retries", groupYAML("client: java\n" + inTxn + "\nretry: {max_attempts: 3, backoff: 10ms, max_delay: 40ms}"), false, 6, "retry", "in-transaction never retries in place"},
	{"transaction on java", groupYAML("client: java\n" + afterCommit + "\ntransaction: {size: 10}"), false, 5, "transaction", "only applies to commit: in-transaction, which commits offsets in transactions: remove it, or set commit: in-transaction"},
}

// TestGroupTxnFields: an in-transaction group's transaction: block lands
// in TxnSize and TxnTimeout, the timeout left out is sarama's, and the
// shipped exactly-once group is what its file says.
func TestGroupTxnFields(t *testing.T) {
	lib, err := loadProfiles([]source{{"scenarios/profiles/mine.yaml", []byte(groupYAML("commit: in-transaction\ntransaction: {size: 5}"))}})
	if err != nil {
		t.Fatal(err)
	}
	if g := lib.groups["my-group"]; g.TxnSize != 5 || g.TxnTimeout != time.Minute {
		t.Errorf("size %d, timeout %v; want 5 and sarama's 1m", g.TxnSize, g.TxnTimeout)
	}
	files, err := readDir("profiles")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := loadProfiles(files)
	if err != nil {
		t.Fatal(err)
	}
	want := schema.ConsumerProfile{
		Name: "exactly-once", Commit: schema.InTransaction, Retry: schema.RetryPolicy{MaxAttempts: 1}, TxnSize: 10, TxnTimeout: 10 * time.Second,
		AutoCommitInterval: time.Second, SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
	}
	got := shipped.groups["exactly-once"]
	got.Description = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exactly-once: %+v, want %+v", got, want)
	}
}
