package schema

import (
	"strings"
	"testing"
	"time"
)

// exactlyOnce is exactly-once of scenarios/profiles/consumer-groups.yaml.
var exactlyOnce = ConsumerProfile{
	Name: "exactly-once", Commit: InTransaction, Retry: RetryPolicy{MaxAttempts: 1}, TxnSize: 10, TxnTimeout: 10 * time.Second,
	AutoCommitInterval: time.Second, SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
}

// TestInTransactionValidate: an in-transaction profile needs a size and a
// timeout the brokers take, and nothing of the processing it does not do;
// another commit point takes no transaction settings, and the Java
// consumer no in-transaction.
func TestInTransactionValidate(t *testing.T) {
	if err := exactlyOnce.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		change func(*ConsumerProfile)
		want   string
	}{
		{"process lag", func(p *ConsumerProfile) { p.ProcessLag = time.Second }, "no process lag, retries"},
		{"retries", func(p *ConsumerProfile) { p.Retry = RetryPolicy{MaxAttempts: 3, Backoff: 1, MaxDelay: 2} }, "no process lag, retries"},
		{"dead letter", func(p *ConsumerProfile) { p.DeadLetter = true }, "dead letter"},
		{"dedupe", func(p *ConsumerProfile) { p.Dedupe = true }, "dedupe"},
		{"size 0", func(p *ConsumerProfile) { p.TxnSize = 0 }, "transaction size 0"},
		{"timeout short", func(p *ConsumerProfile) { p.TxnTimeout = 999 * time.Millisecond }, "use 1s to 15m0s"},
		{"timeout long", func(p *ConsumerProfile) { p.TxnTimeout = 16 * time.Minute }, "use 1s to 15m0s"},
		{"after-processing", func(p *ConsumerProfile) { p.Commit = AfterProcessing }, "apply to in-transaction only"},
		{"java", func(p *ConsumerProfile) {
			p.Client, p.Java = JavaClient, &JavaConsumer{GroupProtocol: "classic", Assignor: "range"}
		}, "in-transaction runs on java application kafka-chaos"},
	} {
		p := exactlyOnce
		c.change(&p)
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
}
