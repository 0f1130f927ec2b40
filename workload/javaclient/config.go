package javaclient

import (
	"strings"
)

// The lines a Java producer and consumer log, at INFO, before every
// setting they run with, one "\tkey = value" line each; the layout ends
// the block with the logger's name on a line of its own.
const (
	producerConfigLog = "ProducerConfig values:"
	consumerConfigLog = "ConsumerConfig values:"
)

// RanWith parses the configuration a Java producer logged at start (the
// client logging config has AbstractConfig's logger at INFO): every
// setting as the client resolved it, defaults included. It returns nil
// when the log holds none.
func RanWith(stderr string) map[string]string { return ranWith(stderr, producerConfigLog) }

func ranWith(stderr, header string) map[string]string {
	lines := strings.Split(stderr, "\n")
	start := -1
	for i, l := range lines {
		if strings.Contains(l, header) {
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
		if k, v, ok := strings.Cut(strings.TrimSpace(l), " = "); ok {
			out[k] = strings.TrimSpace(v)
		} else if k, ok := strings.CutSuffix(strings.TrimSpace(l), " ="); ok {
			out[k] = ""
		}
	}
	return out
}
