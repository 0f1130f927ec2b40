package worker

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Role is what a worker process does.
type Role string

const (
	// RoleProduce runs a producer application (ClientProfile).
	RoleProduce Role = "produce"
	// RoleConsume runs one member of a consumer group application
	// (ConsumerProfile).
	RoleConsume Role = "consume"
)

// BaseConfig carries the base client configuration (cluster.SaramaConfig)
// into a worker process, which cannot call the cluster itself: the values
// still come from that one place.
type BaseConfig struct {
	Version              string        `json:"version"`
	DialTimeout          time.Duration `json:"dial_timeout_ns"`
	ReadTimeout          time.Duration `json:"read_timeout_ns"`
	WriteTimeout         time.Duration `json:"write_timeout_ns"`
	MetadataRetryMax     int           `json:"metadata_retry_max"`
	MetadataRetryBackoff time.Duration `json:"metadata_retry_backoff_ns"`
}

// BaseFromSarama captures the settings of a base client configuration.
func BaseFromSarama(c *sarama.Config) BaseConfig {
	return BaseConfig{
		Version:              c.Version.String(),
		DialTimeout:          c.Net.DialTimeout,
		ReadTimeout:          c.Net.ReadTimeout,
		WriteTimeout:         c.Net.WriteTimeout,
		MetadataRetryMax:     c.Metadata.Retry.Max,
		MetadataRetryBackoff: c.Metadata.Retry.Backoff,
	}
}

// Sarama rebuilds the base client configuration.
func (b BaseConfig) Sarama(clientID string) (*sarama.Config, error) {
	v, err := sarama.ParseKafkaVersion(b.Version)
	if err != nil {
		return nil, fmt.Errorf("client config: %w", err)
	}
	cfg := sarama.NewConfig()
	cfg.Version = v
	cfg.ClientID = clientID
	cfg.Net.DialTimeout = b.DialTimeout
	cfg.Net.ReadTimeout = b.ReadTimeout
	cfg.Net.WriteTimeout = b.WriteTimeout
	cfg.Metadata.Retry.Max = b.MetadataRetryMax
	cfg.Metadata.Retry.Backoff = b.MetadataRetryBackoff
	cfg.Metadata.AllowAutoTopicCreation = false
	return cfg, nil
}

// Spec is everything one worker process needs. The harness writes it
// to a file and starts the worker binary with its path.
type Spec struct {
	Role Role `json:"role"`
	// Name is unique in the scenario; it is the worker's client id, so
	// the group coordinator's member list shows which process is which.
	Name    string     `json:"name"`
	Brokers []string   `json:"brokers"`
	Client  BaseConfig `json:"client"`
	// Base is the run's time origin: every time in a ledger is relative
	// to it, in every process.
	Base  time.Time `json:"base"`
	Topic string    `json:"topic"`
	// Ledger is the JSON-lines file this worker appends its history to.
	Ledger string `json:"ledger"`

	// Producer applications.
	Producer *ClientProfile `json:"producer,omitempty"`
	Rate     int            `json:"rate,omitempty"`
	Size     int            `json:"size,omitempty"`
	FirstSeq int64          `json:"first_seq,omitempty"`
	// Count stops the worker after that many messages; 0 runs until
	// SIGTERM.
	Count int `json:"count,omitempty"`

	// Consumer group members.
	Consumer   *schema.ConsumerProfile `json:"consumer,omitempty"`
	Group      string                  `json:"group,omitempty"`
	DeadLetter string                  `json:"dead_letter_topic,omitempty"`
	// Effects is the side-effect store shared by every member of the
	// group, as a database table would be.
	Effects  string          `json:"effects,omitempty"`
	Failures schema.Failures `json:"failures"`
	// Output is the topic an in-transaction member produces its output
	// records to, and Txns the journal it records its transactions in.
	Output string `json:"output,omitempty"`
	Txns   string `json:"txns,omitempty"`
}

// Validate checks that the spec names a runnable worker.
func (s Spec) Validate() error {
	if s.Name == "" || len(s.Brokers) == 0 || s.Topic == "" || s.Ledger == "" {
		return fmt.Errorf("worker spec: name, brokers, topic and ledger are required")
	}
	switch s.Role {
	case RoleProduce:
		if s.Producer == nil {
			return fmt.Errorf("worker %s: produce role without a producer profile", s.Name)
		}
		if s.Rate <= 0 || s.Size < 32 {
			return fmt.Errorf("worker %s: rate %d/s and size %d B: need rate > 0 and size >= 32", s.Name, s.Rate, s.Size)
		}
		return s.Producer.Validate()
	case RoleConsume:
		if s.Consumer == nil || s.Group == "" || s.Effects == "" {
			return fmt.Errorf("worker %s: consume role needs a consumer profile, a group and an effect store", s.Name)
		}
		if s.Consumer.DeadLetter && s.DeadLetter == "" {
			return fmt.Errorf("worker %s: profile %s dead-letters but no dead-letter topic is set", s.Name, s.Consumer.Name)
		}
		if err := s.validateOutput(); err != nil {
			return err
		}
		return s.Consumer.Validate()
	}
	return fmt.Errorf("worker %s: role %q: use produce or consume", s.Name, s.Role)
}

// validateOutput checks that an in-transaction member has an output topic
// other than its input and a transaction journal, and that a member of
// any other profile names neither.
func (s Spec) validateOutput() error {
	if s.Consumer.Commit != schema.InTransaction {
		if s.Output != "" || s.Txns != "" {
			return fmt.Errorf("worker %s: an output topic and a transaction journal apply to in-transaction members only, not to profile %s", s.Name, s.Consumer.Name)
		}
		return nil
	}
	if s.Output == "" || s.Output == s.Topic || s.Txns == "" {
		return fmt.Errorf("worker %s: in-transaction profile %s needs an output topic other than its input %s, and a transaction journal", s.Name, s.Consumer.Name, s.Topic)
	}
	return nil
}

// WriteSpec stores a spec for a worker to read.
func WriteSpec(path string, s Spec) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode worker spec: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write worker spec: %w", err)
	}
	return nil
}

// ReadSpec loads and validates a worker spec.
func ReadSpec(path string) (Spec, error) {
	var s Spec
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read worker spec: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("parse worker spec %s: %w", path, err)
	}
	return s, s.Validate()
}
