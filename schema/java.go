package schema

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// JavaClient names Kafka's own Java client in Profile.Client; "" is sarama.
const JavaClient = "java"

// JavaProducer are the Java producer settings a profile's java: block sets.
// What it leaves unset keeps the Java client's own default; the exception
// is retries, which the verifiable producer turns off unless told (its
// main sets retries=0): unset, the harness restores the client's default.
type JavaProducer struct {
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
	javaDefaultRequestTimeout = 30 * time.Second
	javaDefaultLinger         = 5 * time.Millisecond
	javaDefaultMaxInFlight    = 5
	// javaMaxRetries is Integer.MAX_VALUE, the client's default retries.
	javaMaxRetries = 2147483647
)

// Idempotent reports whether the producer runs idempotent: explicitly, or
// by the client's default, which holds only while acks=all, retries are on
// and no more than 5 requests are in flight.
func (s JavaProducer) Idempotent() bool {
	if s.EnableIdempotence != nil {
		return *s.EnableIdempotence
	}
	return s.Acks == "all" && (s.Retries == nil || *s.Retries > 0) && (s.MaxInFlight == 0 || s.MaxInFlight <= javaDefaultMaxInFlight)
}

// RetriesOrDefault is the retries the client runs with.
func (s JavaProducer) RetriesOrDefault() int {
	if s.Retries == nil {
		return javaMaxRetries
	}
	return *s.Retries
}

// JavaSettingError names the java: field a Validate error is about, so the
// loader can point at its line.
type JavaSettingError struct {
	Field string
	Msg   string
}

func (e *JavaSettingError) Error() string { return e.Field + ": " + e.Msg }

func javaSettingErr(field, format string, args ...any) error {
	return &JavaSettingError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

var javaCompressions = []string{"none", "gzip", "snappy", "lz4", "zstd"}

// Validate refuses what the Java client would refuse at start (a
// ConfigException) or silently change, with the fix.
func (s JavaProducer) Validate() error {
	switch s.Acks {
	case "0", "1", "all":
	default:
		return javaSettingErr("acks", "%q: use 0, 1 or all", s.Acks)
	}
	if s.MaxInFlight < 0 || s.MaxInFlight > 100 {
		return javaSettingErr("max_in_flight", "%d: use 1 to 100 (0 keeps the default, 5)", s.MaxInFlight)
	}
	if s.Retries != nil && *s.Retries < 0 {
		return javaSettingErr("retries", "%d: use 0 or more (leave it out for the client's default, without end within delivery_timeout)", *s.Retries)
	}
	if s.EnableIdempotence != nil && *s.EnableIdempotence {
		switch {
		case s.Acks != "all":
			return javaSettingErr("enable_idempotence", "needs acks: all (acks is %s)", s.Acks)
		case s.MaxInFlight > javaDefaultMaxInFlight:
			return javaSettingErr("enable_idempotence", "allows at most 5 requests in flight (max_in_flight is %d)", s.MaxInFlight)
		case s.Retries != nil && *s.Retries == 0:
			return javaSettingErr("enable_idempotence", "needs retries above 0")
		}
	}
	if s.BatchSize < 0 {
		return javaSettingErr("batch_size", "%d: use 0 or more bytes", s.BatchSize)
	}
	if s.Compression != "" && !slices.Contains(javaCompressions, s.Compression) {
		return javaSettingErr("compression", "%q: use one of %s", s.Compression, strings.Join(javaCompressions, ", "))
	}
	for field, d := range map[string]time.Duration{"delivery_timeout": s.DeliveryTimeout, "request_timeout": s.RequestTimeout, "retry_backoff": s.RetryBackoff} {
		if d < 0 || d%time.Millisecond != 0 {
			return javaSettingErr(field, "%s: use a whole number of milliseconds", d)
		}
	}
	if s.Linger != nil && (*s.Linger < 0 || *s.Linger%time.Millisecond != 0) {
		return javaSettingErr("linger", "%s: use a whole number of milliseconds, 0 or more", *s.Linger)
	}
	if s.DeliveryTimeout > 0 {
		request, linger := s.RequestTimeout, javaDefaultLinger
		if request == 0 {
			request = javaDefaultRequestTimeout
		}
		if s.Linger != nil {
			linger = *s.Linger
		}
		if s.DeliveryTimeout < request+linger {
			return javaSettingErr("delivery_timeout", "%s is below request_timeout + linger (%s): the client refuses to start; raise it", s.DeliveryTimeout, request+linger)
		}
	}
	return nil
}
