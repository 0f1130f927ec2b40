package scenarios

import (
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// javaYAML is a client: java profile whose java: lines start at line 6.
func javaYAML(java string) string {
	return "profiles:\n  - name: mine\n    client: java\n    topic: {replication_factor: 3, min_insync_replicas: 2}\n    java:\n" + indentYAML(java, 6)
}

var javaValidationCases = []validationCase{
	{"client value", "profiles:\n  - name: mine\n    client: jvm\n", false, 3, "client", `"jvm" is not one of sarama, java`},
	{"java block on sarama", "profiles:\n  - name: mine\n    java: {acks: all}\n", false, 3, "java", "applies to client: java only (this profile runs on sarama): add client: java"},
	{"sarama section on java", "profiles:\n  - name: mine\n    client: java\n    producer: {acks: all}\n", false, 4, "producer", "is sarama's; a client: java profile sets its producer under java:"},
	{"java acks", javaYAML("acks: 2"), false, 6, "java.acks", `"2": use 0, 1 or all`},
	{"java idempotence with acks=1", javaYAML("acks: 1\nenable_idempotence: true"), false, 7, "java.enable_idempotence", "needs acks: all (acks is 1)"},
	{"java idempotence with 6 in flight", javaYAML("enable_idempotence: true\nmax_in_flight: 6"), false, 6, "java.enable_idempotence", "allows at most 5 requests in flight (max_in_flight is 6)"},
	{"java idempotence without retries", javaYAML("enable_idempotence: true\nretries: 0"), false, 6, "java.enable_idempotence", "needs retries above 0"},
	{"java delivery timeout too short", javaYAML("delivery_timeout: 10s"), false, 6, "java.delivery_timeout", "is below request_timeout + linger (30.005s): the client refuses to start; raise it"},
	{"java compression", javaYAML("compression: brotli"), false, 6, "java.compression", `"brotli": use one of none, gzip, snappy, lz4, zstd`},
	{"java sub-millisecond", javaYAML("linger: 500us"), false, 6, "java.linger", "use a whole number of milliseconds"},
	{"java field typo", javaYAML("max_inflight: 5"), false, 6, "java.max_inflight", `unknown field (did you mean "max_in_flight"?)`},
	{"java group commit", groupYAML("client: java\ncommit: on-receive\nprocess_lag: 3s"), false, 4, "commit", `"on-receive" is not one of after-processing, auto-commit, in-transaction (the Java consumer processes in its poll loop)`},
	{"java group process lag", groupYAML("client: java\ncommit: on-receive\nprocess_lag: 3s"), false, 5, "process_lag", "processes each record in its poll loop, with no slower stage: remove process_lag"},
	{"java group retries on the verifiable consumer", groupYAML("client: java\ncommit: after-processing\nretry: {max_attempts: 3, backoff: 10ms, max_delay: 40ms}\njava: {application: verifiable-consumer}"), false, 5, "retry", "Kafka's verifiable consumer never fails, retries, dead-letters or dedupes a record: remove retry, or leave java.application out"},
	{"java group application", groupYAML("client: java\ncommit: after-processing\njava: {application: spring}"), false, 5, "java.application", `"spring" is not one of verifiable-consumer, kafka-chaos`},
	{"java app retries without delay", groupYAML("client: java\ncommit: after-processing\nretry: {max_attempts: 3}"), false, 5, "retry.backoff", "missing: retries need a first delay"},
	{"java group protocol", groupYAML("client: java\ncommit: after-processing\njava: {group_protocol: kip848}"), false, 5, "java.group_protocol", `"kip848" is not one of classic, consumer`},
	{"java group assignor", groupYAML("client: java\ncommit: after-processing\njava: {group_protocol: consumer, assignor: cooperative-sticky}"), false, 5, "java.assignor", `"cooperative-sticky" is not one of uniform, range (for group_protocol consumer)`},
	{"java block on sarama group", groupYAML("commit: after-processing\njava: {group_protocol: classic}"), false, 4, "java", "applies to client: java only (this group runs on sarama)"},
	{"auto-commit on sarama group", groupYAML("commit: auto-commit"), false, 3, "commit", `"auto-commit" is not one of on-receive, after-processing`},
	{"group client value", groupYAML("client: jvm\ncommit: after-processing"), false, 3, "client", `"jvm" is not one of sarama, java`},
}

// A java profile keeps the Java client's defaults for what it leaves out,
// and carries their effective acks and idempotence for the report.
func TestJavaProfileDefaults(t *testing.T) {
	ps, err := Profiles("../scenarios", "java-client-defaults", "java-acks1")
	if err != nil {
		t.Fatal(err)
	}
	def, acks1 := ps[0], ps[1]
	if def.Client != schema.JavaClient || def.Java.Acks != "all" || def.Java.EnableIdempotence != nil || def.Java.Retries != nil || def.Java.Linger != nil {
		t.Errorf("java-client-defaults: %+v, %+v; want acks=all and every other setting left to the client", def, *def.Java)
	}
	if !def.Idempotent || def.Acks != schema.AcksAll || def.Mode != schema.Async {
		t.Errorf("java-client-defaults: idempotent %v acks %s mode %s; want the client's effective true, all, async", def.Idempotent, def.Acks, def.Mode)
	}
	if acks1.Idempotent || acks1.Acks != schema.Acks1 || acks1.Java.EnableIdempotence == nil || *acks1.Java.EnableIdempotence {
		t.Errorf("java-acks1: %+v", acks1)
	}
	lib, err := loadProfiles([]source{{"scenarios/profiles/mine.yaml", []byte(javaYAML("acks: all\nlinger: 0s\nretries: 3\ndelivery_timeout: 40s"))}})
	if err != nil {
		t.Fatal(err)
	}
	if j := lib.profiles["mine"].Java; j.Linger == nil || *j.Linger != 0 || j.Retries == nil || *j.Retries != 3 || j.DeliveryTimeout != 40*time.Second {
		t.Errorf("explicit settings: %+v", *j)
	}
}

// A java consumer group left without a java: block runs the classic
// protocol with the range assignor; the consumer protocol's assignor
// defaults to uniform.
func TestJavaGroupDefaults(t *testing.T) {
	for _, c := range []struct{ fields, protocol, assignor string }{
		{"client: java\ncommit: after-processing", "classic", "range"},
		{"client: java\ncommit: auto-commit\njava: {group_protocol: consumer}", "consumer", "uniform"},
		{"client: java\ncommit: after-processing\njava: {assignor: cooperative-sticky}", "classic", "cooperative-sticky"},
	} {
		lib, err := loadProfiles([]source{{"scenarios/profiles/mine.yaml", []byte(groupYAML(c.fields))}})
		if err != nil {
			t.Fatalf("%q: %v", c.fields, err)
		}
		g := lib.groups["my-group"]
		if g.Client != schema.JavaClient || g.Java == nil || g.Java.GroupProtocol != c.protocol || g.Java.Assignor != c.assignor {
			t.Errorf("%q: client %q java %+v; want %s, %s", c.fields, g.Client, g.Java, c.protocol, c.assignor)
		}
	}
}
