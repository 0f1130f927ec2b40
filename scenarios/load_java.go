package scenarios

import (
	"errors"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// saramaClient is the client a profile runs on when it names none.
const saramaClient = "sarama"

// javaSpec is a java: block: the Java producer's own settings, named after
// its configuration keys. A setting left out keeps the Java client's
// default (acks=all and idempotence on since Kafka 3.0, 5 requests in
// flight, retries without end within delivery_timeout of 2 min).
type javaSpec struct {
	Acks              string        `yaml:"acks"`
	EnableIdempotence bool          `yaml:"enable_idempotence"`
	MaxInFlight       int           `yaml:"max_in_flight"`
	Retries           int           `yaml:"retries"`
	DeliveryTimeout   time.Duration `yaml:"delivery_timeout"`
	RequestTimeout    time.Duration `yaml:"request_timeout"`
	RetryBackoff      time.Duration `yaml:"retry_backoff"`
	Linger            time.Duration `yaml:"linger"`
	BatchSize         int           `yaml:"batch_size"`
	Compression       string        `yaml:"compression"`
}

// javaProfile is the profile a client: java entry describes. Acks, Mode
// and Idempotent hold the Java client's effective values, so reports
// compare it with sarama profiles alike; sarama's other settings stay zero.
func (s profileSpec) javaProfile(at map[string]*yaml.Node) schema.Profile {
	j := s.Java
	set := func(field string) bool { return at["java."+field] != nil }
	jp := schema.JavaProducer{
		Acks: j.Acks, MaxInFlight: j.MaxInFlight, DeliveryTimeout: j.DeliveryTimeout, RequestTimeout: j.RequestTimeout,
		RetryBackoff: j.RetryBackoff, BatchSize: j.BatchSize, Compression: j.Compression,
	}
	if !set("acks") {
		jp.Acks = string(schema.AcksAll)
	}
	if set("enable_idempotence") {
		jp.EnableIdempotence = &j.EnableIdempotence
	}
	if set("retries") {
		jp.Retries = &j.Retries
	}
	if set("linger") {
		jp.Linger = &j.Linger
	}
	return schema.Profile{
		Name: s.Name, Description: s.Description, Client: schema.JavaClient, Java: &jp,
		ReplicationFactor: s.Topic.ReplicationFactor, MinInsyncReplicas: s.Topic.MinInsyncReplicas,
		UncleanElection: s.Topic.UncleanElection, FlushMessages: s.Topic.FlushMessages, FlushMs: s.Topic.FlushMs,
		Mode: schema.Async, Acks: schema.Acks(jp.Acks), Idempotent: jp.Idempotent(),
	}
}

// checkJavaProfile reports a java profile's problems: sarama's producer
// section on it, and what the Java client would refuse.
func (d *decoder) checkJavaProfile(p schema.Profile, at map[string]*yaml.Node, entry *yaml.Node) {
	d.checkTopic(p, at, entry)
	if n := at["producer"]; n != nil && !onlyTransactions(n) {
		d.fail(n.Line, "producer", "is sarama's; a client: java profile sets its producer under java: (acks, enable_idempotence, max_in_flight, retries, delivery_timeout, request_timeout, retry_backoff, linger, batch_size, compression)")
	}
	if p.Transactions != nil {
		d.checkTxnLimits(p, at, entry)
		if !p.Java.Idempotent() {
			d.fail(lineOf(at, txnField, entry), txnField, "transactions need the Java client's idempotence, which acks: all, max_in_flight up to 5 and retries above 0 keep on: fix the java: settings, or remove transactions")
		}
	}
	var se *schema.JavaSettingError
	if err := p.Java.Validate(); errors.As(err, &se) {
		d.fail(lineOf(at, "java."+se.Field, entry), "java."+se.Field, "%s", se.Msg)
	}
}
