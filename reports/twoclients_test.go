package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func producerResult(p schema.Profile, lost, exposed int, expect ...schema.Guarantee) schema.ProfileResult {
	v := schema.Verdict{Status: schema.Pass, Counts: schema.Counts{Lost: lost, BelievedLost: lost}, Exposure: &schema.Exposure{Exposed: exposed}, Expected: expect}
	if lost > 0 && len(expect) > 0 {
		v.Status = schema.Fail
	}
	return schema.ProfileResult{Profile: p, Verdict: v}
}

// The same settings on the two clients are paired scenario by scenario;
// other settings (an fsync policy, another min.insync.replicas) are not,
// and a disagreement is named with both counts.
func TestClientPairs(t *testing.T) {
	acks1 := schema.Profile{Name: "acks1", Acks: schema.Acks1, ReplicationFactor: 3, MinInsyncReplicas: 1}
	fsync := schema.Profile{Name: "fsync", Acks: schema.AcksAll, Idempotent: true, ReplicationFactor: 3, MinInsyncReplicas: 2, FlushMessages: 1}
	safe := schema.Profile{Name: "safe", Acks: schema.AcksAll, Idempotent: true, ReplicationFactor: 3, MinInsyncReplicas: 2}
	// A transactional profile pairs only with the same transactions.
	txn := safe
	txn.Name, txn.Transactions = "txn", &schema.Transactions{Size: 10, AbortRatio: 0.2, Timeout: 10 * time.Second}
	java := func(p schema.Profile) schema.Profile {
		p.Name, p.Client = "java-"+p.Name, schema.JavaClient
		return p
	}
	r := &schema.Run{Scenarios: []schema.Scenario{{
		Name: "leader-kill", Status: schema.ScenarioPass,
		Profiles: []schema.ProfileResult{
			producerResult(acks1, 455, 900), producerResult(fsync, 0, 800), producerResult(safe, 0, 700),
			producerResult(java(acks1), 0, 950), producerResult(java(safe), 0, 720), producerResult(txn, 0, 500),
		},
	}}}
	pairs := ClientPairs(r)
	if len(pairs) != 2 {
		t.Fatalf("%d pairs, want acks1 and safe only: %+v", len(pairs), pairs)
	}
	if !pairs[0].Disagree || pairs[1].Disagree {
		t.Errorf("disagree: %v %v, want acks=1 only", pairs[0].Disagree, pairs[1].Disagree)
	}
	want := "acks=1, not idempotent, RF 3, min.insync.replicas=1 lost 455 on sarama (acks1) and 0 on Java (java-acks1) under leader-kill"
	if got := pairs[0].Sentence(); got != want {
		t.Errorf("sentence\n %s\nwant\n %s", got, want)
	}
	advice := strings.Join(Recommend(r).Sentences(), "\n")
	if !strings.Contains(advice, "The two clients disagree: "+want) {
		t.Errorf("recommendation lacks the disagreement:\n%s", advice)
	}
	r.Scenarios[0].Status = schema.ScenarioInvalid
	if ClientPairs(r)[0].Disagree {
		t.Error("an invalid scenario proves no disagreement")
	}
}

// Rows are grouped by client, sarama's first, each keeping the run's order.
func TestMatrixGroupsRowsByClient(t *testing.T) {
	j := schema.Profile{Name: "java-a", Client: schema.JavaClient}
	r := &schema.Run{Scenarios: []schema.Scenario{{Name: "s", Profiles: []schema.ProfileResult{
		{Profile: j}, {Profile: schema.Profile{Name: "b"}}, {Profile: schema.Profile{Name: "a"}},
	}}}}
	m := BuildMatrix(r)
	if strings.Join(m.Profiles, ",") != "b,a,java-a" || strings.Join(m.Clients, ",") != "sarama,sarama,java" {
		t.Errorf("rows %v clients %v", m.Profiles, m.Clients)
	}
	if m.Rows[2][0].Profile != "java-a" || m.Rows[0][0].Profile != "b" {
		t.Errorf("cells not in their rows: %+v", m.Rows)
	}
}

func groupResult(c schema.ConsumerProfile, never, dups int, expect ...schema.ConsumerGuarantee) schema.ProfileResult {
	v := schema.ConsumerVerdict{Status: schema.Pass, Expected: expect, Exposure: &schema.Exposure{Exposed: 500},
		Counts: schema.ConsumerCounts{NeverProcessed: never, DuplicateEffects: dups}}
	if never > 0 && len(expect) > 0 {
		v.Status = schema.Fail
		v.Violations = []string{"never processed"}
	}
	return schema.ProfileResult{Profile: schema.Profile{Name: c.Name}, Verdict: schema.Verdict{Status: schema.Pass},
		Consumer: &schema.ConsumerResult{Consumer: c, Verdict: v}}
}

// Every Java group pairs with the at-least-once sarama groups only (not
// with one that skips failures or dedupes), and a disagreement is named
// with both counts.
func TestConsumerPairs(t *testing.T) {
	commitAfter := schema.ConsumerProfile{Name: "commit-after", Commit: schema.AfterProcessing}
	ignore := schema.ConsumerProfile{Name: "ignore-failures", Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{MaxAttempts: 1}}
	java := schema.ConsumerProfile{Name: "java-commit-after", Client: schema.JavaClient, Commit: schema.AfterProcessing,
		Java: &schema.JavaConsumer{GroupProtocol: "consumer", Assignor: "uniform"}}
	r := &schema.Run{Scenarios: []schema.Scenario{{
		Name: "consumer-member-crash", Status: schema.ScenarioPass,
		Profiles: []schema.ProfileResult{
			groupResult(commitAfter, 0, 41, schema.NoProcessingLoss), groupResult(ignore, 50, 75),
			groupResult(java, 12, 0, schema.NoProcessingLoss),
		},
	}}}
	pairs := ConsumerPairs(r)
	if len(pairs) != 1 || pairs[0].Sarama.Profile != "commit-after" || !pairs[0].Disagree {
		t.Fatalf("pairs %+v; want commit-after with java-commit-after, disagreeing", pairs)
	}
	want := "at-least-once consumers under consumer-member-crash: 0 never processed on sarama (commit-after) and 12 on Java (java-commit-after)"
	if got := pairs[0].Sentence(); got != want {
		t.Errorf("sentence\n %s\nwant\n %s", got, want)
	}
	if !strings.Contains(pairs[0].Java.Settings, "group.protocol=consumer") {
		t.Errorf("java settings %q do not name the group protocol", pairs[0].Java.Settings)
	}
	if advice := strings.Join(Recommend(r).Sentences(), "\n"); !strings.Contains(advice, "The two clients disagree: "+want) {
		t.Errorf("recommendation lacks the disagreement:\n%s", advice)
	}
}

// The Java application pairs with the sarama group whose retries, dead
// letter and dedupe it shares, not with the at-least-once ones.
func TestConsumerPairsSameApplication(t *testing.T) {
	retry := schema.RetryPolicy{MaxAttempts: 3, Backoff: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond}
	commitAfter := schema.ConsumerProfile{Name: "commit-after", Commit: schema.AfterProcessing}
	dlt := schema.ConsumerProfile{Name: "retry-dlt-idempotent", Commit: schema.AfterProcessing, Retry: retry, DeadLetter: true, Dedupe: true}
	java := schema.ConsumerProfile{Name: "java-retry-dlt-idempotent", Client: schema.JavaClient, Commit: schema.AfterProcessing, Retry: retry, DeadLetter: true, Dedupe: true,
		Java: &schema.JavaConsumer{GroupProtocol: "classic", Assignor: "cooperative-sticky", Application: schema.JavaApp}}
	r := &schema.Run{Scenarios: []schema.Scenario{{
		Name: "consumer-member-crash", Status: schema.ScenarioPass,
		Profiles: []schema.ProfileResult{
			groupResult(commitAfter, 0, 41, schema.NoProcessingLoss), groupResult(dlt, 0, 0, schema.NoProcessingLoss),
			groupResult(java, 0, 3, schema.NoProcessingLoss),
		},
	}}}
	pairs := ConsumerPairs(r)
	if len(pairs) != 1 || pairs[0].Sarama.Profile != "retry-dlt-idempotent" || pairs[0].Disagree {
		t.Fatalf("pairs %+v; want retry-dlt-idempotent with java-retry-dlt-idempotent, agreeing", pairs)
	}
	want := "consumers with the same retries, dead letter and dedupe under consumer-member-crash: 0 never processed and 0 duplicate effects on sarama (retry-dlt-idempotent), 0 and 3 on Java (java-retry-dlt-idempotent)"
	if got := pairs[0].Sentence(); got != want {
		t.Errorf("sentence\n %s\nwant\n %s", got, want)
	}
}
