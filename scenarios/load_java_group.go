package scenarios

import (
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// javaGroupSpec is a consumer group's java: block: what each member runs
// and how it joins its group. Left out, the group runs the classic protocol
// with the tool's range assignor; the consumer protocol's assignor left out
// is the brokers' default, uniform. The application left out is Kafka's
// verifiable consumer, unless the group retries, dead-letters or dedupes,
// which only the kafka-chaos Java application does.
type javaGroupSpec struct {
	GroupProtocol string `yaml:"group_protocol"`
	Assignor      string `yaml:"assignor"`
	Application   string `yaml:"application"`
}

var (
	javaGroupProtocols = []string{"classic", "consumer"}
	javaApplications   = []string{schema.JavaVerifiableConsumer, schema.JavaApp}
	// appFields are the settings only the kafka-chaos Java application
	// takes.
	appFields = []string{"retry", "dead_letter", "dedupe"}
)

// javaGroup completes g, decoded as for sarama, with its Java settings.
func (s groupSpec) javaGroup(g schema.ConsumerProfile, at map[string]*yaml.Node) schema.ConsumerProfile {
	j := schema.JavaConsumer{GroupProtocol: s.Java.GroupProtocol, Assignor: s.Java.Assignor, Application: s.Java.Application}
	if at["java.application"] == nil {
		j.Application = schema.JavaVerifiableConsumer
		for _, f := range appFields {
			if at[f] != nil {
				j.Application = schema.JavaApp
			}
		}
		if g.Commit == schema.InTransaction {
			j.Application = schema.JavaApp
		}
	}
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

// checkJavaGroup reports what the Java applications cannot do. Both
// process in the poll loop, then commit (after-processing) or let
// auto-commit do it, so neither has a slower stage or transactions; the
// verifiable consumer processes a record by printing it, so it has no
// processing that fails, no dead-letter topic and no dedupe either.
func (d *decoder) checkJavaGroup(g schema.ConsumerProfile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	javaCommits := []string{string(schema.AfterProcessing), string(schema.AutoCommit), string(schema.InTransaction)}
	switch {
	case at["commit"] == nil:
		fail("commit", "missing: say when the Java consumer commits: after-processing (commitSync once the records of a poll are processed), auto-commit (enable.auto.commit) or in-transaction (the kafka-chaos Java application's consume-transform-produce)")
	case !slices.Contains(javaCommits, string(g.Commit)):
		fail("commit", "%s (the Java consumer processes in its poll loop)", oneOf(string(g.Commit), javaCommits))
	case g.Commit == schema.InTransaction && !g.Java.RunsApp():
		fail("commit", "in-transaction is the kafka-chaos Java application's consume-transform-produce, not Kafka's verifiable consumer: leave java.application out, or commit after-processing")
	}
	d.checkGroupTxn(g, at, entry)
	if at["process_lag"] != nil {
		fail("process_lag", "the Java consumer processes each record in its poll loop, with no slower stage: remove process_lag, or run the group on sarama")
	}
	switch {
	case !slices.Contains(javaApplications, g.Java.Application):
		fail("java.application", "%s", oneOf(g.Java.Application, javaApplications))
	case g.Java.RunsApp() && g.Commit != schema.InTransaction:
		d.checkRetry(g, at, entry)
	case g.Java.RunsApp():
		// checkGroupTxn refuses retries, dead letter and dedupe.
	default:
		for _, field := range appFields {
			if at[field] != nil {
				fail(field, "Kafka's verifiable consumer never fails, retries, dead-letters or dedupes a record: remove %s, or leave java.application out (the kafka-chaos Java application does these)", field)
			}
		}
	}
	if !slices.Contains(javaGroupProtocols, g.Java.GroupProtocol) {
		fail("java.group_protocol", "%s", oneOf(g.Java.GroupProtocol, javaGroupProtocols))
	} else if !slices.Contains(g.Java.Assignors(), g.Java.Assignor) {
		fail("java.assignor", "%s (for group_protocol %s)", oneOf(g.Java.Assignor, g.Java.Assignors()), g.Java.GroupProtocol)
	}
}
