package scenarios

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// appYAML is a producer app file whose app section's fields start at
// line 5.
func appYAML(app string) string {
	return "producer_apps:\n  - name: my-app\n    producer: {acks: all}\n    app:\n" + indentYAML(app, 6)
}

// groupYAML is a consumer group file whose fields start at line 3.
func groupYAML(fields string) string {
	return "consumer_groups:\n  - name: my-group\n" + indentYAML(fields, 4)
}

// clientsYAML is a scenario file with the fault on line 3 and the clients
// section's fields from line 5, then further lines.
func clientsYAML(fault, clients string, more ...string) string {
	return "scenarios:\n  - name: mine\n    fault: " + fault + "\n    clients:\n" + indentYAML(clients, 6) + indentYAML(strings.Join(more, "\n"), 4)
}

const (
	closeApp    = "results: checked\nexit: close"
	groupsYAML  = "consumer_groups: [commit-after, retry-dlt-idempotent]\ninput: safe-idempotent"
	crashYAML   = "{type: member-crash}"
	afterCommit = "commit: after-processing"
)

var clientValidationCases = []validationCase{
	{"app results value", appYAML("results: maybe\nexit: close"), false, 5, "app.results", `"maybe" is not one of checked, ignored`},
	{"app exit value", appYAML("results: checked\nexit: crash"), false, 6, "app.exit", `"crash" is not one of close, no-close`},
	{"app results missing", appYAML("exit: close"), false, 5, "app.results", "missing: say what the application does with a send's result: checked"},
	{"app exit missing", appYAML("results: ignored"), false, 5, "app.exit", "missing: say how the process ends: close"},
	{"app resend not a bool", appYAML(closeApp + "\nresend: often"), false, 7, "app.resend", `"often" is not true or false`},
	{"app linger not a duration", appYAML(closeApp + "\nlinger: 100"), false, 7, "app.linger", `"100" is not a duration`},
	{"app messages per process negative", appYAML(closeApp + "\nmessages_per_process: -1"), false, 7, "app.messages_per_process", "-1 is negative: use 0 or more"},
	{"app resend unread", appYAML("results: ignored\nexit: close\nresend: true"), false, 7, "app.resend", "set results: checked and exit: close, or remove resend"},
	{"app field typo", appYAML(closeApp + "\nresult: checked"), false, 7, "app.result", `unknown field (did you mean "results"?); the fields here are results, resend, exit, linger, messages_per_process`},
	{"app producer linger", "producer_apps:\n  - name: my-app\n    producer: {acks: all, linger: 5ms}\n    app: {results: checked, exit: close}\n", false, 3, "producer.linger", "an application's linger is app.linger, which replaces this one: move it there"},
	{"app sync", "producer_apps:\n  - name: my-app\n    producer: {acks: all, mode: sync}\n    app: {results: checked, exit: close}\n", false, 3, "producer.mode", "an application sends through the async producer, not sync"},
	{"app producer setting", "producer_apps:\n  - name: my-app\n    producer: {acks: 2}\n    app: {results: checked, exit: close}\n", false, 3, "producer.acks", `"2" is not one of 0, 1, all`},
	{"app named like a profile", "producer_apps:\n  - name: safe-idempotent\n    app: {results: checked, exit: close}\n", false, 2, "name", `"safe-idempotent" is already the name of a profile, defined at profiles/default.yaml:`},
	{"app name missing", "producer_apps:\n  - app: {results: checked, exit: close}\n", false, 2, "name", "missing: every producer app needs a name"},

	{"group commit value", groupYAML("commit: sometimes"), false, 3, "commit", `"sometimes" is not one of on-receive, after-processing`},
	{"group commit missing", groupYAML("dedupe: true"), false, 2, "commit", "missing: say when the application marks an offset for commit"},
	{"group on-receive without lag", groupYAML("commit: on-receive"), false, 2, "process_lag", "missing: on-receive hands each message to a stage that runs behind the consumer loop"},
	{"group lag after processing", groupYAML(afterCommit + "\nprocess_lag: 3s"), false, 4, "process_lag", "only applies to commit: on-receive"},
	{"group on-receive retries", groupYAML("commit: on-receive\nprocess_lag: 3s\nretry: {max_attempts: 3, backoff: 10ms, max_delay: 40ms}"), false, 5, "retry.max_attempts", "3: on-receive processing is fire-and-forget"},
	{"group on-receive dead letter", groupYAML("commit: on-receive\nprocess_lag: 3s\ndead_letter: true"), false, 5, "dead_letter", "nothing reaches a dead-letter topic"},
	{"group retries without backoff", groupYAML(afterCommit + "\nretry: {max_attempts: 0}"), false, 4, "retry.backoff", "missing: retries need a first delay"},
	{"group backoff without retries", groupYAML(afterCommit + "\nretry: {backoff: 10ms}"), false, 4, "retry.backoff", "max_attempts 1 never retries"},
	{"group max delay below backoff", groupYAML(afterCommit + "\nretry:\n  max_attempts: 3\n  backoff: 40ms\n  max_delay: 10ms"), false, 7, "retry.max_delay", "10ms is below backoff 40ms"},
	{"group dead letter unbounded", groupYAML(afterCommit + "\nretry: {max_attempts: 0, backoff: 10ms, max_delay: 40ms}\ndead_letter: true"), false, 5, "dead_letter", "max_attempts 0 retries for ever: set retry.max_attempts"},
	{"group session too short", groupYAML(afterCommit + "\nsession_timeout: 3s"), false, 4, "session_timeout", "3s is not between 6s and 30m0s"},
	{"group heartbeat not below session", groupYAML(afterCommit + "\nheartbeat_interval: 6s"), false, 4, "heartbeat_interval", "6s is not below session_timeout 6s"},
	{"group attempts not a number", groupYAML(afterCommit + "\nretry: {max_attempts: 2.5}"), false, 4, "retry.max_attempts", `"2.5" is not a whole number`},
	{"group dedupe not a bool", groupYAML(afterCommit + "\ndedupe: maybe"), false, 4, "dedupe", `"maybe" is not true or false`},
	{"group rebalance zero", groupYAML(afterCommit + "\nrebalance_timeout: 0s"), false, 4, "rebalance_timeout", "use e.g. 10s"},
	{"group field typo", groupYAML(afterCommit + "\ndeadletter: true"), false, 4, "deadletter", `unknown field (did you mean "dead_letter"?)`},
	{"group named like an app", "consumer_groups:\n  - name: safe-client\n    commit: after-processing\n", false, 2, "name", `"safe-client" is already the name of a producer app, defined at profiles/producer-apps.yaml:`},

	{"unknown producer app", clientsYAML(killFaultYAML, "producer_apps: [safe-clinet]"), true, 5, "clients.producer_apps", `(did you mean "safe-client"?): define it in a file under profiles/, in a producer_apps: list`},
	{"profile as producer app", clientsYAML(killFaultYAML, "producer_apps: [safe-idempotent]"), true, 5, "clients.producer_apps", `"safe-idempotent" is a profile (under profiles:), not a producer app`},
	{"producer app listed twice", clientsYAML(killFaultYAML, "producer_apps: [safe-client, safe-client]"), true, 5, "clients.producer_apps", `"safe-client" is listed twice`},
	{"must deliver other app", clientsYAML(killFaultYAML, "producer_apps: [no-retries]\nmust_deliver: [safe-client]"), true, 6, "clients.must_deliver", `"safe-client" is not among this scenario's producer_apps (no-retries)`},
	{"unknown consumer group", clientsYAML(crashYAML, "consumer_groups: [commit-afterr]\ninput: safe-idempotent"), true, 5, "clients.consumer_groups", `(did you mean "commit-after"?): define it in a file under profiles/, in a consumer_groups: list`},
	{"unknown input", clientsYAML(crashYAML, "consumer_groups: [commit-after]\ninput: safe-idempotnet"), true, 6, "clients.input", `(did you mean "safe-idempotent"?): define it in a file under profiles/`},
	{"app as input", clientsYAML(crashYAML, "consumer_groups: [commit-after]\ninput: safe-client"), true, 6, "clients.input", `"safe-client" is a producer app (under producer_apps:), not a profile`},
	{"input missing", clientsYAML(crashYAML, "consumer_groups: [commit-after]"), true, 5, "clients.input", "missing: name the producer profile that feeds every consumer group's topic"},
	{"input expect guarantee", clientsYAML(crashYAML, groupsYAML+"\ninput_expect: [no-processing-loss]"), true, 7, "clients.input_expect", `"no-processing-loss" is not one of no-acked-loss`},
	{"members zero", clientsYAML("{type: commit-path-cut}", groupsYAML+"\nmembers: 0"), true, 7, "clients.members", "0 members would consume nothing"},
	{"members not a number", clientsYAML(crashYAML, groupsYAML+"\nmembers: two"), true, 7, "clients.members", `"two" is not a whole number`},
	{"member fault with one member", clientsYAML(crashYAML, groupsYAML+"\nmembers: 1"), true, 7, "clients.members", "1: member-crash takes the oldest member while the rest of its group takes over its partitions: use 2 or more"},
	{"failure rate above 1", clientsYAML(crashYAML, groupsYAML+"\nfailures: {rate: 1.5, max_failures: 5}"), true, 7, "clients.failures.rate", "1.5 is above 1"},
	{"failure rate not a number", clientsYAML(crashYAML, groupsYAML+"\nfailures: {rate: lots, max_failures: 5}"), true, 7, "clients.failures.rate", `"lots" is not a number`},
	{"failure rate not a number either", clientsYAML(crashYAML, groupsYAML+"\nfailures: {rate: .nan, max_failures: 5}"), true, 7, "clients.failures.rate", `".nan" is not a number`},
	{"failure rate without max", clientsYAML(crashYAML, groupsYAML+"\nfailures: {rate: 0.01}"), true, 7, "clients.failures.max_failures", "missing: a failing message fails its first 1 to max_failures attempts"},
	{"poison id of no group", clientsYAML(crashYAML, groupsYAML+"\nfailures: {poison_ids: [ignore-failures-000000007]}"), true, 7, "clients.failures.poison_ids", `"ignore-failures-000000007" is no message of this scenario's consumer groups: an id is <group>-<9-digit sequence>, e.g. commit-after-000000100`},
	{"drain timeout zero", clientsYAML(crashYAML, groupsYAML+"\ndrain_timeout: 0s"), true, 7, "clients.drain_timeout", "use e.g. 90s"},
	{"group field without groups", clientsYAML(killFaultYAML, "producer_apps: [safe-client]\nmembers: 2"), true, 6, "clients.members", "applies to consumer groups only: add clients.consumer_groups, or remove it"},
	{"clients without apps", clientsYAML(killFaultYAML, "must_deliver: []"), true, 5, "clients", "names no application: list producer_apps, consumer_groups or both"},
	{"clients field typo", clientsYAML(killFaultYAML, "producer_app: [safe-client]"), true, 5, "clients.producer_app", `unknown field (did you mean "producer_apps"?)`},
	{"member fault without groups", clientsYAML(crashYAML, "producer_apps: [safe-client]"), true, 3, "fault.type", "member-crash acts on consumer group members"},
	{"expect consumer guarantee", clientsYAML(crashYAML, groupsYAML, "expect: {commit-after: [no-acked-loss]}"), true, 7, "expect.commit-after", `"no-acked-loss" is not one of no-duplicate-effects, no-processing-loss, single-outcome`},
	{"expect producer app guarantee", clientsYAML(killFaultYAML, "producer_apps: [safe-client]", "expect: {safe-client: [single-outcome]}"), true, 6, "expect.safe-client", `"single-outcome" is not one of no-acked-loss`},
	{"expect other group", clientsYAML(crashYAML, groupsYAML, "expect: {ignore-failures: [no-processing-loss]}"), true, 7, "expect.ignore-failures", `"ignore-failures" is not among this scenario's profiles, producer apps and consumer groups (commit-after, retry-dlt-idempotent): add it to profiles or clients, or remove the entry`},
}

// TestClientFields: every clients field lands in clients.Spec, and a
// producer app or consumer group written with its required fields only
// gets the documented defaults.
func TestClientFields(t *testing.T) {
	profiles := `producer_apps:
  - name: app-defaults
    app: {results: ignored, exit: no-close}
consumer_groups:
  - name: group-defaults
    commit: after-processing
`
	scenario := `scenarios:
  - name: every-client-field
    labels: [consumer]
    fault: {type: member-stall}
    clients:
      producer_apps: [app-defaults, safe-client]
      must_deliver: [safe-client]
      consumer_groups: [group-defaults, commit-after]
      members: 3
      input: acks1-async
      input_expect: [no-acked-loss]
      failures: {rate: 0.5, max_failures: 2, poison_ids: [commit-after-000000042]}
      drain_timeout: 2m
    expect:
      safe-client: [no-believed-loss]
      group-defaults: [single-outcome]
`
	shipped, err := readDir("profiles")
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := load(append(shipped, source{"profiles/mine.yaml", []byte(profiles)}), []source{{"mine.yaml", []byte(scenario)}})
	if err != nil {
		t.Fatal(err)
	}
	app := worker.ClientProfile{
		Profile: schema.Profile{
			Name: "app-defaults", ReplicationFactor: 3, MinInsyncReplicas: 1, Mode: schema.Async, Acks: schema.Acks1,
			RetryMax: 3, RetryBackoff: 100 * time.Millisecond, MaxOpenRequests: 5, AckTimeout: 10 * time.Second,
		},
		Results: worker.Ignored, Exit: worker.NoClose,
	}
	group := schema.ConsumerProfile{
		Name: "group-defaults", Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{MaxAttempts: 1},
		AutoCommitInterval: time.Second, SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
	}
	c := got[0].Clients
	for _, diff := range fieldDiffs(c.Producers[0], app) {
		t.Errorf("producer app defaults: %s", diff)
	}
	for _, diff := range fieldDiffs(c.Consumers[0], group) {
		t.Errorf("consumer group defaults: %s", diff)
	}
	if c.Producers[1].Name != "safe-client" || c.Consumers[1].Name != "commit-after" || c.Input.Name != "acks1-async" {
		t.Errorf("apps %s, %s, input %s: want the named ones, in order", c.Producers[1].Name, c.Consumers[1].Name, c.Input.Name)
	}
	for field, v := range map[string][2]any{
		"must_deliver":  {c.MustDeliver, []string{"safe-client"}},
		"members":       {c.Members, 3},
		"input_expect":  {c.InputExpect, schema.Expectation{schema.NoAckedLoss}},
		"failures":      {c.Failures, schema.Failures{Rate: 0.5, MaxFailures: 2, IDs: []string{"commit-after-000000042"}}},
		"drain_timeout": {c.DrainTimeout, 2 * time.Minute},
		"expect":        {got[0].Expect, map[string]schema.Expectation{"safe-client": {schema.NoBelievedLoss}}},
		"expect groups": {c.ConsumerExpect, map[string]schema.ConsumerExpectation{"group-defaults": {schema.SingleOutcome}}},
		"fault":         {got[0].Fault, faults.NewMemberStall()},
		"profiles":      {len(got[0].Profiles), 0},
	} {
		if !reflect.DeepEqual(v[0], v[1]) {
			t.Errorf("%s: file %#v, want %#v", field, v[0], v[1])
		}
	}
}
