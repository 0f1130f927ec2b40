package cluster

import (
	"strings"
	"testing"
)

// Every broker logger goes to stdout, on both logging libraries: no file
// appender, and the loggers an image's config sends to files are named.
func TestBrokerLoggingSendsEveryLoggerToStdout(t *testing.T) {
	for version, want := range map[string]string{
		"4.4.0": "-Dlog4j2.configurationFile=/etc/kafka-chaos/log4j2.yaml",
		"3.9.1": "-Dlog4j.configuration=file:/etc/kafka-chaos/log4j.properties",
	} {
		config, path, opts := brokerLogging(version)
		if opts != want || !strings.HasSuffix(opts, path) {
			t.Errorf("Kafka %s: KAFKA_LOG4J_OPTS %q for %s, want %q", version, opts, path, want)
		}
		for _, file := range []string{"RollingFile", "FileAppender", "kafka.logs.dir"} {
			if strings.Contains(config, file) {
				t.Errorf("Kafka %s: the logging config mentions %s: every logger must go to stdout", version, file)
			}
		}
		for _, logger := range []string{"org.apache.kafka.controller", "kafka.controller", "state.change.logger", "kafka.request.logger"} {
			if !strings.Contains(config, logger) {
				t.Errorf("Kafka %s: the logging config does not name %s", version, logger)
			}
		}
		if strings.Contains(config, "additivity") {
			t.Errorf("Kafka %s: a logger that is not additive would skip the root's stdout", version)
		}
	}
}
