package faults

import (
	"context"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Env is what a fault acts on: the cluster in each of its roles, and the
// scenario's topics. A fault uses the roles it needs; one backend
// usually fills all of them.
type Env struct {
	Nodes  Nodes
	Disks  Disks
	Links  Links
	State  State
	Admin  Admin
	Groups Groups
	Txns   Transactions
	Probe  Probe
	Maint  Maintenance
	Topics []string
	Logf   func(format string, args ...any)
}

func (e Env) logf(format string, args ...any) {
	if e.Logf != nil {
		e.Logf(format, args...)
	}
}

// Nodes are the cluster's broker processes (each a combined broker and
// controller) and what can happen to them.
type Nodes interface {
	// IDs lists every node, ascending.
	IDs() []int
	// Kill sends signal (schema.SIGKILL or schema.SIGTERM) to node n's
	// Kafka process and waits up to timeout for it to exit.
	Kill(ctx context.Context, n int, signal string, timeout time.Duration) error
	// Restart starts a stopped node again with its data.
	Restart(ctx context.Context, n int) error
	// Pause freezes every process of node n: its connections stay open and
	// nothing answers on them.
	Pause(ctx context.Context, n int) error
	// Unpause thaws node n.
	Unpause(ctx context.Context, n int) error
	// Running reports whether node n's process runs; a paused one does.
	Running(ctx context.Context, n int) (bool, error)
}

// Disks are the nodes' log directories. PowerOff and SetDiskFull need them
// on a filesystem that can drop what was written and not fsynced and can
// be filled up on demand, ReplaceDisk needs the metadata log in a
// directory of its own; a cluster without answers those calls with an
// error.
type Disks interface {
	// PowerOff cuts the power of the nodes at the same instant and returns
	// each node's unsynced bytes, read just before the cut. Nodes.Restart
	// powers a node on again.
	PowerOff(ctx context.Context, nodes ...int) (map[int]int64, error)
	// SetDiskFull fills node n's log directory, so that every write fails
	// with ENOSPC, or frees it again.
	SetDiskFull(ctx context.Context, n int, full bool) error
	// ReplaceDisk gives stopped node n an empty data log directory,
	// formatted as an operator formats a new disk (the cluster's id, a
	// new directory id), its metadata log kept. Nodes.Restart starts it
	// again.
	ReplaceDisk(ctx context.Context, n int) error
}

// Links are the network paths between the clients and the nodes and
// between the nodes, each directed link on its own.
type Links interface {
	// Cut stops traffic on the links: open connections close and new ones
	// are refused.
	Cut(links ...schema.Link) error
	// Degrade adds the toxic to each link.
	Degrade(t schema.Toxic, links ...schema.Link) error
	// Heal restores every link and removes every toxic.
	Heal() error
}

// State is Kafka's view of itself. A node cut off from the controller keeps
// serving its last metadata, so reads name the nodes whose view they trust:
// the first of them that answers does.
type State interface {
	// PartitionsFrom returns the state of every partition of the topics,
	// sorted by topic and partition.
	PartitionsFrom(nodes []int, topics ...string) ([]schema.PartitionState, error)
	// BrokersFrom returns the registered brokers that are not fenced,
	// ascending.
	BrokersFrom(nodes []int, topics ...string) ([]int32, error)
	// HighWatermarksFrom returns each topic's high watermarks in partition
	// order, as the partitions' leaders report them.
	HighWatermarksFrom(nodes []int, topics ...string) (map[string][]int64, error)
	// ReplicaBytes returns the size of node n's replica of each partition
	// of the topics, by topic and partition, as node n reports its log
	// directories; a partition n holds no replica of is absent.
	ReplicaBytes(n int, topics ...string) (map[string]map[int32]int64, error)
	// DescribeTopics returns a line per partition of the topics as
	// Kafka's own kafka-topics --describe, run in node n, prints it: on
	// 4.x with the Eligible Leader Replicas, which PartitionsFrom lacks.
	DescribeTopics(ctx context.Context, n int, topics ...string) ([]string, error)
	// ActiveController returns the KRaft quorum leader and its epoch, as
	// the running nodes know them.
	ActiveController(ctx context.Context) (node, epoch int, err error)
	// WaitHealthy waits until every partition of the topics has a leader
	// and a full ISR.
	WaitHealthy(ctx context.Context, topics []string, timeout time.Duration) error
}

// Admin is what an operator asks of Kafka's admin API, sent to the given
// nodes only, so that a dead node cannot hold the request up.
type Admin interface {
	// ElectLeaders asks for a preferred or (unclean) an unclean election of
	// the partitions and returns each partition's outcome: nil where it got
	// a leader, Kafka's refusal otherwise.
	ElectLeaders(from []int, unclean bool, partitions map[string][]int32) (map[string]map[int32]error, error)
	// TopicConfig returns the named settings of a topic.
	TopicConfig(from []int, topic string, names ...string) (map[string]string, error)
	// SetTopicConfig sets one setting of a topic.
	SetTopicConfig(from []int, topic, name, value string) error
	// DeleteTopicConfig removes one setting of a topic, so that the
	// broker's default applies again; removing one never set is no error.
	DeleteTopicConfig(from []int, topic, name string) error
	// BrokerConfig returns the named settings of broker n as it reports
	// them, its static ones included.
	BrokerConfig(from []int, broker int, names ...string) (map[string]string, error)
	// SetBrokerConfig sets one dynamic setting of broker n.
	SetBrokerConfig(from []int, broker int, name, value string) error
	// DeleteBrokerConfig removes one dynamic setting of broker n;
	// removing one never set is no error.
	DeleteBrokerConfig(from []int, broker int, name string) error
	// Reassign sets the replica list of every partition of topic
	// (assignment[p] for partition p), the first replica being the
	// preferred leader.
	Reassign(from []int, topic string, assignment [][]int32) error
	// Reassignments returns the reassignments still in progress among
	// the partitions, sorted by topic and partition; none once every one
	// has completed.
	Reassignments(from []int, partitions map[string][]int32) ([]schema.Reassignment, error)
}

// Groups are the consumer groups as their coordinators see them.
type Groups interface {
	// DescribeGroups returns each group's state and members.
	DescribeGroups(groups []string) ([]schema.GroupState, error)
	// Coordinator returns the node coordinating a group.
	Coordinator(group string) (int, error)
}

// Transactions are the transaction coordinators as the cluster reports
// them.
type Transactions interface {
	// TxnCoordinator returns the node coordinating a transactional id:
	// the leader of its __transaction_state partition. Asking the first
	// time creates that topic, so the first answers may be errors.
	TxnCoordinator(transactionalID string) (int, error)
}

// Probe times the path every producer takes: a client's connection to a
// node through its client link, answering metadata requests for topic.
type Probe interface {
	// ProbeRoundTrip opens a new connection to node n and times one
	// request on it, the connection's set-up included; timeout bounds
	// each step.
	ProbeRoundTrip(n int, topic string, timeout time.Duration) (time.Duration, error)
	// ProbeHeld opens a connection to node n, completes a request on it,
	// runs inject, then keeps sending requests on the same connection for
	// a few seconds. It returns how long after inject the connection
	// failed and why (connErr nil: it survived); err reports a probe that
	// could not run.
	ProbeHeld(n int, topic string, inject func() error) (lasted time.Duration, connErr, err error)
}

// Maintenance is what an operator changes on a stopped node before
// starting it again: its Kafka release, its settings, the machine
// itself; the cluster's feature levels once every node runs a new
// release; and the controllers' voter set.
type Maintenance interface {
	// UpgradeNode gives stopped node n Kafka release version with its
	// data, metadata log and settings kept; Nodes.Restart starts it.
	UpgradeNode(ctx context.Context, n int, version string) error
	// KafkaVersion returns the Kafka release node n's broker reports
	// since it last got a new release ("" before it reported one).
	KafkaVersion(ctx context.Context, n int) (string, error)
	// MetadataVersion returns the cluster's finalized metadata.version
	// ("3.9-IV0"), asking node n.
	MetadataVersion(ctx context.Context, n int) (string, error)
	// UpgradeFeatures sets every feature to the levels of a Kafka
	// release ("4.4"), asking node n, and returns the finalized
	// metadata.version before and after.
	UpgradeFeatures(ctx context.Context, n int, release string) (before, after string, err error)
	// SetNodeSettings sets stopped node n's static settings
	// (server.properties) over the cluster's; Nodes.Restart starts it
	// with them.
	SetNodeSettings(ctx context.Context, n int, settings map[string]string) error
	// Quorum returns the KRaft voters and observers, asking node n.
	Quorum(ctx context.Context, n int) ([]schema.QuorumMember, error)
	// RemoveController takes node n's controller, known by its
	// directory id, out of the voter set, asking from node from.
	RemoveController(ctx context.Context, from, n int, directoryID string) error
	// UnregisterBroker removes stopped broker n's registration, asking
	// from node from.
	UnregisterBroker(ctx context.Context, from, n int) error
	// ReplaceNode puts a fresh node with empty disks in stopped node n's
	// place, same id, address and settings, its controller an observer
	// with a new directory id; Nodes.Restart starts it.
	ReplaceNode(ctx context.Context, n int) error
	// AddController makes node n's controller, an observer, a voter.
	AddController(ctx context.Context, n int) error
}
