package javaclient

import (
	"strings"
)

// producerConfigLog is the line the Java producer logs, at INFO, before
// every setting it runs with, one "\tkey = value" line each.
const producerConfigLog = "ProducerConfig values:"

// RanWith parses the configuration a Java producer logged at start (the
// client logging config has its ProducerConfig logger at INFO): every
// setting as the client resolved it, defaults included. It returns nil
// when the log holds none.
func RanWith(stderr string) map[string]string {
	lines := strings.Split(stderr, "\n")
	start := -1
	for i, l := range lines {
		if strings.Contains(l, producerConfigLog) {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil
	}
	out := map[string]string{}
	for _, l := range lines[start:] {
		if !strings.HasPrefix(l, "\t") {
			break
		}
		// The layout appends the logger's name to the message's last line.
		l = strings.TrimSuffix(strings.TrimSpace(l), "(org.apache.kafka.clients.producer.ProducerConfig)")
		if k, v, ok := strings.Cut(strings.TrimSpace(l), " = "); ok {
			out[k] = strings.TrimSpace(v)
		} else if k, ok := strings.CutSuffix(strings.TrimSpace(l), " ="); ok {
			out[k] = ""
		}
	}
	return out
}
