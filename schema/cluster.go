package schema

// ClusterInfo is the cluster's configuration as recorded in a result.
type ClusterInfo struct {
	KafkaVersion string `json:"kafka_version"`
	ClusterID    string `json:"cluster_id"`
	Images       Images `json:"images"`
	Nodes        int    `json:"nodes"`
	HeapOpts     string `json:"heap_opts"`
	// JVMOpts are the brokers' KAFKA_OPTS as they ran, class archive
	// included.
	JVMOpts      string            `json:"jvm_opts"`
	Settings     map[string]string `json:"broker_settings"`
	Bootstrap    []string          `json:"bootstrap"`
	StartSeconds float64           `json:"start_seconds"`
	// LossyFS: log directories on the lossy filesystem (power-loss faults
	// drop unsynced writes).
	LossyFS bool `json:"lossy_fs"`
	// SeparateMetadataDir: each node's KRaft metadata log in a directory
	// of its own, apart from its data log directory.
	SeparateMetadataDir bool `json:"separate_metadata_dir,omitempty"`
	// Quorum is "dynamic" when the controllers were formatted as a
	// dynamic quorum (KIP-853); empty for the static voters.
	Quorum string `json:"quorum,omitempty"`
	// Replaced are the nodes replaced by fresh ones (empty disks, a new
	// controller directory id), in order.
	Replaced []int `json:"replaced,omitempty"`
	// Reused: the scenario ran on a cluster an earlier scenario had
	// started (and left healthy).
	Reused bool `json:"reused"`
	// Upgrade is the rolling upgrade the cluster went through, if any:
	// KafkaVersion and Images are what it started on.
	Upgrade *Upgrade `json:"upgrade,omitempty"`
	// NodeSettings are the settings a rolling restart changed in single
	// nodes' server.properties, over Settings, by node.
	NodeSettings map[int]map[string]string `json:"node_settings,omitempty"`
}

// QuorumMember is a KRaft voter or observer as `kafka-metadata-quorum
// describe --replication` lists it.
type QuorumMember struct {
	Node        int    `json:"node"`
	DirectoryID string `json:"directory_id"`
	// Status is Leader, Follower (voters) or Observer.
	Status string `json:"status"`
}

// Voter reports whether the member is one of the quorum's voters.
func (m QuorumMember) Voter() bool { return m.Status == "Leader" || m.Status == "Follower" }

// Upgrade is a rolling upgrade of the cluster's Kafka release.
type Upgrade struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Image is the Kafka image the upgraded nodes run.
	Image string `json:"image"`
	// Nodes run To, in the order they were upgraded.
	Nodes []int `json:"nodes"`
	// MetadataVersionBefore and MetadataVersion are the finalized
	// metadata.version before and after the features upgrade that
	// follows the roll; empty until it ran.
	MetadataVersionBefore string `json:"metadata_version_before,omitempty"`
	MetadataVersion       string `json:"metadata_version,omitempty"`
}

// Images names the container images of one cluster.
type Images struct {
	Kafka     string `json:"kafka"`
	Toxiproxy string `json:"toxiproxy"`
	// JDK compiles the kafka-chaos Java application into the Kafka image
	// when a scenario runs it.
	JDK     string `json:"jdk,omitempty"`
	Offline bool   `json:"offline"`
}

// PartitionState is one partition as the cluster metadata shows it.
type PartitionState struct {
	Topic       string  `json:"topic"`
	Partition   int32   `json:"partition"`
	Leader      int32   `json:"leader"`
	LeaderEpoch int32   `json:"leader_epoch"`
	Replicas    []int32 `json:"replicas"`
	ISR         []int32 `json:"isr"`
}

// Healthy reports whether the partition has a leader and a full ISR.
func (p PartitionState) Healthy() bool {
	return p.Leader >= 0 && len(p.ISR) == len(p.Replicas)
}

// Reassignment is a partition's replica reassignment in progress, as
// ListPartitionReassignments reports it: Replicas is the whole set while
// it runs (the target, then the replicas being removed), Adding the
// target's replicas that are new, Removing the old ones leaving.
type Reassignment struct {
	Topic     string  `json:"topic"`
	Partition int32   `json:"partition"`
	Replicas  []int32 `json:"replicas"`
	Adding    []int32 `json:"adding,omitempty"`
	Removing  []int32 `json:"removing,omitempty"`
}

// PartitionIDs returns the partitions by topic, in their order: what
// Kafka's admin requests about partitions (elections, reassignments)
// name.
func PartitionIDs(ps []PartitionState) map[string][]int32 {
	out := map[string][]int32{}
	for _, p := range ps {
		out[p.Topic] = append(out[p.Topic], p.Partition)
	}
	return out
}
