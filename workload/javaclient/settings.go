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
)

// Settings are the Java producer settings a profile's java: block sets.
// What it leaves unset keeps the Java client's own default; the exception
// is retries, which the verifiable producer turns off unless told (its
// main sets retries=0): unset, the harness restores the client's default.
type Settings struct {
	// Acks is acks: 0, 1 or all.
	Acks string `json:"acks"`
	// EnableIdempotence is enable.idempotence; nil keeps the client's
	// default (true since 3.0, when acks=all and nothing conflicts).
	EnableIdempotence *bool `json:"enable_idempotence,omitempty"`
	// MaxInFlight is max.in.flight.requests.per.connection (default 5;
	// idempotence allows up to 5, unlike sarama's one).
	MaxInFlight int `json:"max_in_flight,omitempty"`
	// Retries is retries; nil is the client's default, 2147483647, bounded
	// by DeliveryTimeout.
	Retries *int `json:"retries,omitempty"`
	// DeliveryTimeout is delivery.timeout.ms (default 2 min): how long a
	// send may take, retries included, before it fails.
	DeliveryTimeout time.Duration `json:"delivery_timeout_ns,omitempty"`
	// RequestTimeout is request.timeout.ms (default 30 s).
	RequestTimeout time.Duration `json:"request_timeout_ns,omitempty"`
	// RetryBackoff is retry.backoff.ms (default 100 ms).
	RetryBackoff time.Duration `json:"retry_backoff_ns,omitempty"`
	// Linger is linger.ms; nil keeps the default (5 ms on 4.x, 0 before).
	Linger *time.Duration `json:"linger_ns,omitempty"`
	// BatchSize is batch.size in bytes (default 16384).
	BatchSize int `json:"batch_size,omitempty"`
	// Compression is compression.type: none, gzip, snappy, lz4 or zstd.
	Compression string `json:"compression,omitempty"`
}

// Java's defaults, for the checks the client itself makes at start.
const (
	defaultRequestTimeout = 30 * time.Second
	defaultLinger         = 5 * time.Millisecond
	defaultMaxInFlight    = 5
	// maxRetries is Integer.MAX_VALUE, the client's default retries.
	maxRetries = 2147483647
)

// Idempotent reports whether the producer runs idempotent: explicitly, or
// by the client's default, which holds only while acks=all, retries are on
// and no more than 5 requests are in flight.
func (s Settings) Idempotent() bool {
	if s.EnableIdempotence != nil {
		return *s.EnableIdempotence
	}
	return s.Acks == "all" && (s.Retries == nil || *s.Retries > 0) && (s.MaxInFlight == 0 || s.MaxInFlight <= defaultMaxInFlight)
}

// RetriesOrDefault is the retries the client runs with.
func (s Settings) RetriesOrDefault() int {
	if s.Retries == nil {
		return maxRetries
	}
	return *s.Retries
}

// SettingError names the java: field a Validate error is about, so the
// loader can point at its line.
type SettingError struct {
	Field string
	Msg   string
}

func (e *SettingError) Error() string { return e.Field + ": " + e.Msg }

func settingErr(field, format string, args ...any) error {
	return &SettingError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

var compressions = []string{"none", "gzip", "snappy", "lz4", "zstd"}

// Validate refuses what the Java client would refuse at start (a
// ConfigException) or silently change, with the fix.
func (s Settings) Validate() error {
	switch s.Acks {
	case "0", "1", "all":
	default:
		return settingErr("acks", "%q: use 0, 1 or all", s.Acks)
	}
	if s.MaxInFlight < 0 || s.MaxInFlight > 100 {
		return settingErr("max_in_flight", "%d: use 1 to 100 (0 keeps the default, 5)", s.MaxInFlight)
	}
	if s.Retries != nil && *s.Retries < 0 {
		return settingErr("retries", "%d: use 0 or more (leave it out for the client's default, without end within delivery_timeout)", *s.Retries)
	}
	if s.EnableIdempotence != nil && *s.EnableIdempotence {
		switch {
		case s.Acks != "all":
			return settingErr("enable_idempotence", "needs acks: all (acks is %s)", s.Acks)
		case s.MaxInFlight > defaultMaxInFlight:
			return settingErr("enable_idempotence", "allows at most 5 requests in flight (max_in_flight is %d)", s.MaxInFlight)
		case s.Retries != nil && *s.Retries == 0:
			return settingErr("enable_idempotence", "needs retries above 0")
		}
	}
	if s.BatchSize < 0 {
		return settingErr("batch_size", "%d: use 0 or more bytes", s.BatchSize)
	}
	if s.Compression != "" && !slices.Contains(compressions, s.Compression) {
		return settingErr("compression", "%q: use one of %s", s.Compression, strings.Join(compressions, ", "))
	}
	for field, d := range map[string]time.Duration{"delivery_timeout": s.DeliveryTimeout, "request_timeout": s.RequestTimeout, "retry_backoff": s.RetryBackoff} {
		if d < 0 || d%time.Millisecond != 0 {
			return settingErr(field, "%s: use a whole number of milliseconds", d)
		}
	}
	if s.Linger != nil && (*s.Linger < 0 || *s.Linger%time.Millisecond != 0) {
		return settingErr("linger", "%s: use a whole number of milliseconds, 0 or more", *s.Linger)
	}
	if s.DeliveryTimeout > 0 {
		request, linger := s.RequestTimeout, defaultLinger
		if request == 0 {
			request = defaultRequestTimeout
		}
		if s.Linger != nil {
			linger = *s.Linger
		}
		if s.DeliveryTimeout < request+linger {
			return settingErr("delivery_timeout", "%s is below request_timeout + linger (%s): the client refuses to start; raise it", s.DeliveryTimeout, request+linger)
		}
	}
	return nil
}

// Properties renders the settings as the producer configuration file the
// verifiable producer reads (--command-config), which overrides its own
// command-line choices. clientID names the client in the brokers' logs.
func (s Settings) Properties(clientID string) map[string]string {
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
