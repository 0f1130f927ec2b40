package scenarios

import (
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// javaGroupSpec is a consumer group's java: block: how Kafka's verifiable
// consumer joins its group. Left out, the group runs the classic protocol
// with the tool's range assignor; the consumer protocol's assignor left out
// is the brokers' default, uniform.
type javaGroupSpec struct {
	GroupProtocol string `yaml:"group_protocol"`
	Assignor      string `yaml:"assignor"`
}

var javaGroupProtocols = []string{"classic", "consumer"}

// javaGroup completes g, decoded as for sarama, with its Java settings.
func (s groupSpec) javaGroup(g schema.ConsumerProfile, at map[string]*yaml.Node) schema.ConsumerProfile {
	j := schema.JavaConsumer{GroupProtocol: s.Java.GroupProtocol, Assignor: s.Java.Assignor}
	if at["java.group_protocol"] == nil {
		j.GroupProtocol = "classic"
	}
	if at["java.assignor"] == nil {
		j.Assignor = "range"
		if j.GroupProtocol == "consumer" {
			j.Assignor = "uniform"
		}
	}
	g.Client, g.Java = schema.JavaClient, &j
	return g
}

// checkJavaGroup reports what the verifiable consumer cannot do: it
// processes a record by printing it in the poll loop, then commits
// (after-processing) or lets auto-commit do it; it has no slower stage, no
// processing that fails, no dead-letter topic and no dedupe.
func (d *decoder) checkJavaGroup(g schema.ConsumerProfile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	javaCommits := []string{string(schema.AfterProcessing), string(schema.AutoCommit)}
	switch {
	case at["commit"] == nil:
		fail("commit", "missing: say when the Java consumer commits: after-processing (commitSync once the records of a poll are processed) or auto-commit (enable.auto.commit)")
	case g.Commit == schema.InTransaction:
		fail("commit", "in-transaction runs on sarama only: remove client: java, or commit after-processing")
	case !slices.Contains(javaCommits, string(g.Commit)):
		fail("commit", "%s (the Java consumer processes in its poll loop)", oneOf(string(g.Commit), javaCommits))
	}
	if at["transaction"] != nil {
		fail("transaction", "applies to commit: in-transaction, which runs on sarama only: remove it, or run the group on sarama")
	}
	for _, field := range []string{"process_lag", "retry", "dead_letter", "dedupe"} {
		if at[field] != nil {
			fail(field, "the Java consumer (Kafka's verifiable consumer) processes each record in its poll loop and never fails, retries, dead-letters or dedupes: remove %s, or run the group on sarama", field)
		}
	}
	if !slices.Contains(javaGroupProtocols, g.Java.GroupProtocol) {
		fail("java.group_protocol", "%s", oneOf(g.Java.GroupProtocol, javaGroupProtocols))
	} else if !slices.Contains(g.Java.Assignors(), g.Java.Assignor) {
		fail("java.assignor", "%s (for group_protocol %s)", oneOf(g.Java.Assignor, g.Java.Assignors()), g.Java.GroupProtocol)
	}
}
