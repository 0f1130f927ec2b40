// Package runner executes one scenario on a running cluster: topics with
// pinned leaders, all profiles producing at once, the fault bracketed by
// health checks, the drain, the audit and the verdicts.
package runner

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/clients"
)

// Scenario is one fault applied to every profile at the same instant.
type Scenario struct {
	Name     string
	Labels   []string
	Fault    faults.Fault
	Profiles []schema.Profile
	// Expect holds, per profile name, the guarantees the scenario asserts.
	// A profile without an entry is measured, not judged.
	Expect map[string]schema.Expectation
	// TxnExpect holds, per transactional profile, the transaction
	// guarantees the scenario asserts.
	TxnExpect map[string]schema.TxnExpectation
	// Rate (messages per second per profile), message size and partitions
	// per topic.
	Rate       int
	Size       int
	Partitions int
	// Warmup runs before Prepare; Lead between Prepare and Inject; Hold
	// between Inject and Heal; After between recovery and the end of
	// production.
	Warmup time.Duration
	Lead   time.Duration
	Hold   time.Duration
	After  time.Duration
	// MinExposure is how many messages each judged profile must have in
	// flight at the injection or attempted while the fault held for its
	// verdict to count (schema.Exposure); a profile below it is unknown
	// and the scenario invalid.
	MinExposure int
	// RecoverTimeout bounds the wait for a healthy cluster after Heal.
	RecoverTimeout time.Duration
	// Cluster adjusts the cluster the scenario runs on.
	Cluster ClusterSpec
	// Clients are applications run as worker processes next to the
	// profiles (workload/clients).
	Clients clients.Spec
}

// ClusterSpec is what a scenario needs of its cluster; zero values take the
// defaults.
type ClusterSpec struct {
	// KafkaVersion overrides the pinned version (e.g. to compare 3.9 and 4.x).
	KafkaVersion string
	// Settings are merged over the default broker settings.
	Settings map[string]string
	// LossyFS puts every log directory on the lossy filesystem, for
	// power-loss faults.
	LossyFS bool
	// SeparateMetadataDir keeps every node's metadata log in a directory
	// of its own, apart from its data log directory, for disk
	// replacement.
	SeparateMetadataDir bool
	// DynamicQuorum formats the controllers as a dynamic quorum, for
	// node replacement.
	DynamicQuorum bool
}
