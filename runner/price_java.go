package runner

import (
	"strconv"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// javaProps are the Java producer's settings equivalent to a profile's.
// Java defaults that differ from sarama's are written out (idempotence
// and a 5 ms linger are on by default in Java 4.x, off in sarama), and
// batch.size, Java's per-partition cap, takes the batch size the profile
// aims for (flush_bytes) or else sarama's per-partition cap.
func javaProps(p schema.Profile) map[string]string {
	batch := p.Batching.FlushBytes
	if batch == 0 {
		batch = p.Batching.MaxMessageBytes
	}
	if batch == 0 {
		batch = 1 << 20 // sarama's Producer.MaxMessageBytes
	}
	compression := string(p.Compression)
	if compression == "" {
		compression = "none"
	}
	return map[string]string{
		"acks":                                  string(p.Acks),
		"enable.idempotence":                    strconv.FormatBool(p.Idempotent),
		"max.in.flight.requests.per.connection": strconv.Itoa(p.MaxOpenRequests),
		"retries":                               strconv.Itoa(p.RetryMax),
		// sarama backs off by a fixed interval, Java exponentially up
		// to the max: the same bound makes it fixed.
		"retry.backoff.ms":     strconv.FormatInt(p.RetryBackoff.Milliseconds(), 10),
		"retry.backoff.max.ms": strconv.FormatInt(p.RetryBackoff.Milliseconds(), 10),
		"request.timeout.ms":   strconv.FormatInt(p.AckTimeout.Milliseconds(), 10),
		"linger.ms":            strconv.FormatInt(p.Batching.Linger.Milliseconds(), 10),
		"batch.size":           strconv.Itoa(batch),
		// sarama puts every partition's batch for a broker in one
		// request of up to its MaxRequestSize; Java's 1 MiB default
		// would split them over several round trips.
		"max.request.size": strconv.Itoa(int(sarama.MaxRequestSize)),
		"compression.type": compression,
		"client.id":        "kafka-chaos-perf-test-" + p.Name,
	}
}
