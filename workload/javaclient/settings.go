// Package javaclient drives Kafka's own Java client beside sarama: the
// verifiable producer that ships in every Kafka release's tools jar
// (org.apache.kafka.tools.VerifiableProducer, behind
// kafka-verifiable-producer.sh) runs in a container from the cluster's
// Kafka image, and the JSON event it prints for every send result becomes
// the harness's ledger.
package javaclient

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Properties renders a profile's Java settings as the producer configuration file the
// verifiable producer reads (--command-config), which overrides its own
// command-line choices. clientID names the client in the brokers' logs.
func Properties(s schema.JavaProducer, clientID string) map[string]string {
	p := map[string]string{
		"client.id": clientID,
		"acks":      s.Acks,
		"retries":   fmt.Sprint(s.RetriesOrDefault()),
	}
	if s.EnableIdempotence != nil {
		p["enable.idempotence"] = fmt.Sprint(*s.EnableIdempotence)
	}
	if s.MaxInFlight > 0 {
		p["max.in.flight.requests.per.connection"] = fmt.Sprint(s.MaxInFlight)
	}
	ms := func(key string, d time.Duration) {
		if d > 0 {
			p[key] = fmt.Sprint(d.Milliseconds())
		}
	}
	ms("delivery.timeout.ms", s.DeliveryTimeout)
	ms("request.timeout.ms", s.RequestTimeout)
	ms("retry.backoff.ms", s.RetryBackoff)
	if s.Linger != nil {
		p["linger.ms"] = fmt.Sprint(s.Linger.Milliseconds())
	}
	if s.BatchSize > 0 {
		p["batch.size"] = fmt.Sprint(s.BatchSize)
	}
	if s.Compression != "" {
		p["compression.type"] = s.Compression
	}
	return p
}

// PropertiesFile is the text of a Java properties file with the settings,
// one key=value per line in key order.
func PropertiesFile(props map[string]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(props)) {
		fmt.Fprintf(&b, "%s=%s\n", k, props[k])
	}
	return b.String()
}
