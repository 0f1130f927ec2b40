package schema

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Mode is how the application sends.
type Mode string

const (
	// Async hands messages to sarama's AsyncProducer and reads every
	// result from Successes() and Errors().
	Async Mode = "async"
	// Sync sends one message at a time and checks each result.
	Sync Mode = "sync"
)

// Acks is the producer's acks setting, named as in the Java client.
type Acks string

const (
	Acks0   Acks = "0"
	Acks1   Acks = "1"
	AcksAll Acks = "all"
)

// Profile bundles the topic settings and the producer settings under
// review. Every field lands in the result so a verdict can be explained.
type Profile struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Client is the client library the profile runs on: "" for sarama, or
	// JavaClient, whose settings are then Java (the sarama producer
	// settings below stay zero).
	Client string        `json:"client,omitempty"`
	Java   *JavaProducer `json:"java,omitempty"`
	// Topic side.
	ReplicationFactor int  `json:"replication_factor"`
	MinInsyncReplicas int  `json:"min_insync_replicas"`
	UncleanElection   bool `json:"unclean_leader_election"`
	// FlushMessages and FlushMs are the topic's fsync policy (flush.messages,
	// flush.ms); 0 keeps Kafka's default of never forcing an fsync.
	FlushMessages int `json:"flush_messages,omitempty"`
	FlushMs       int `json:"flush_ms,omitempty"`
	// Producer side.
	Mode Mode `json:"mode"`
	// Concurrency is how many goroutines send synchronously at once (mode
	// sync), as an application's worker pool does; 0 means one.
	Concurrency     int           `json:"concurrency,omitempty"`
	Acks            Acks          `json:"acks"`
	Idempotent      bool          `json:"idempotent"`
	RetryMax        int           `json:"retry_max"`
	RetryBackoff    time.Duration `json:"retry_backoff_ns"`
	MaxOpenRequests int           `json:"max_open_requests"`
	// AckTimeout is how long the leader waits for the ISR (request.timeout
	// on the broker side of a produce request).
	AckTimeout time.Duration `json:"ack_timeout_ns"`
	// Compression and Batching shape each request: what a profile pays
	// per message depends on them as much as on its acks.
	Compression Compression `json:"compression,omitempty"`
	Batching    Batching    `json:"batching"`
	// Transactions, when set, makes the producer transactional (sarama
	// profiles only); nil is not transactional.
	Transactions *Transactions `json:"transactions,omitempty"`
}

// Compression is the producer's codec (sarama's Producer.Compression),
// named as in the Java client's compression.type; empty means none.
type Compression string

// Compressions are the codecs sarama and Kafka share.
var Compressions = []Compression{"none", "gzip", "snappy", "lz4", "zstd"}

// Batching is how the producer gathers messages into requests, in
// sarama's terms. Zero values keep sarama's defaults: a request leaves as
// soon as its broker has a free request slot (MaxOpenRequests), carrying
// whatever accumulated meanwhile, at most 1 MiB per partition.
type Batching struct {
	// Linger is Producer.Flush.Frequency: how long a batch waits for more
	// messages.
	Linger time.Duration `json:"linger_ns,omitempty"`
	// FlushBytes and FlushMessages are Producer.Flush.Bytes and
	// Producer.Flush.Messages: a request leaves once this much waits for
	// one broker (all its partitions together), whatever Linger says.
	FlushBytes    int `json:"flush_bytes,omitempty"`
	FlushMessages int `json:"flush_messages,omitempty"`
	// MaxMessageBytes is Producer.MaxMessageBytes: the cap on one
	// partition's batch; 0 keeps sarama's 1 MiB.
	MaxMessageBytes int `json:"max_message_bytes,omitempty"`
}

// Validate rejects combinations sarama or Kafka would refuse.
func (p Profile) Validate() error {
	if p.ReplicationFactor < 1 || p.MinInsyncReplicas < 1 || p.MinInsyncReplicas > p.ReplicationFactor {
		return fmt.Errorf("profile %s: need 1 <= min_insync_replicas (%d) <= replication_factor (%d)", p.Name, p.MinInsyncReplicas, p.ReplicationFactor)
	}
	if err := p.validateTransactions(); err != nil {
		return fmt.Errorf("profile %s: %w", p.Name, err)
	}
	switch {
	case p.Client == JavaClient && p.Java == nil:
		return fmt.Errorf("profile %s: client java without java settings", p.Name)
	case p.Client == JavaClient:
		if err := p.Java.Validate(); err != nil {
			return fmt.Errorf("profile %s: java.%w", p.Name, err)
		}
		return nil
	case p.Client != "":
		return fmt.Errorf("profile %s: client %q: use sarama or java", p.Name, p.Client)
	case p.Java != nil:
		return fmt.Errorf("profile %s: java settings on a sarama profile", p.Name)
	}
	switch p.Acks {
	case Acks0, Acks1, AcksAll:
	default:
		return fmt.Errorf("profile %s: acks %q: use 0, 1 or all", p.Name, p.Acks)
	}
	switch p.Mode {
	case Async, Sync:
	default:
		return fmt.Errorf("profile %s: mode %q: use async or sync", p.Name, p.Mode)
	}
	if p.Idempotent && (p.Acks != AcksAll || p.MaxOpenRequests != 1 || p.RetryMax < 1) {
		return fmt.Errorf("profile %s: idempotence needs acks=all, max_open_requests=1 and retry_max>=1", p.Name)
	}
	if err := p.Compression.validate(); err != nil {
		return fmt.Errorf("profile %s: %w", p.Name, err)
	}
	return nil
}

// validate rejects a codec sarama does not know. Compressions are the
// names of sarama's CompressionCodec text form; a test in workload keeps
// them equal.
func (c Compression) validate() error {
	if c != "" && !slices.Contains(Compressions, c) {
		return fmt.Errorf("compression %q: use one of %v", c, Compressions)
	}
	return nil
}

// TopicConfigs returns the topic-level settings of the profile.
func (p Profile) TopicConfigs() map[string]string {
	c := map[string]string{
		"min.insync.replicas":            strconv.Itoa(p.MinInsyncReplicas),
		"unclean.leader.election.enable": strconv.FormatBool(p.UncleanElection),
	}
	if p.FlushMessages > 0 {
		c["flush.messages"] = strconv.Itoa(p.FlushMessages)
	}
	if p.FlushMs > 0 {
		c["flush.ms"] = strconv.Itoa(p.FlushMs)
	}
	return c
}
