package schema

import "fmt"

// The cluster's shape as faults and backends name it: links between the
// clients and the nodes and between nodes, the toxics that degrade them,
// the signals sent to processes, and a consumer group as its coordinator
// describes it. Fault parameters record them in results.json.

// Signal names a backend sends to a node or a client process.
const (
	SIGKILL = "SIGKILL"
	SIGTERM = "SIGTERM"
)

// ClientNode is the From of a link that starts at the harness's clients.
const ClientNode = 0

// LinkKind names which listener a link reaches.
type LinkKind string

const (
	// Internal carries replication (followers fetching from leaders).
	Internal LinkKind = "internal"
	// Controller carries the KRaft quorum and broker heartbeats.
	Controller LinkKind = "controller"
	// ClientLink carries produce and fetch requests from the harness.
	ClientLink LinkKind = "client"
)

// Link is one directed connection path: From dials To. Bytes flow both ways
// on it; a toxic's Stream picks the direction.
type Link struct {
	From int      `json:"from"`
	To   int      `json:"to"`
	Kind LinkKind `json:"kind"`
}

func (l Link) String() string {
	if l.From == ClientNode {
		return fmt.Sprintf("client->%d", l.To)
	}
	return fmt.Sprintf("%d->%d/%s", l.From, l.To, l.Kind)
}

// Stream is the direction a toxic applies to, as toxiproxy names it:
// upstream is From→To (requests), downstream is To→From (responses).
type Stream string

const (
	Upstream   Stream = "upstream"
	Downstream Stream = "downstream"
)

// Toxic degrades a link.
type Toxic struct {
	Name       string                 `json:"name"`
	Type       string                 `json:"type"` // latency, bandwidth, reset_peer, timeout, slow_close, limit_data
	Stream     Stream                 `json:"stream"`
	Attributes map[string]interface{} `json:"attributes"`
}

// NodeLinks returns every node-to-node link of the given kinds between a
// node in one group and a node in another, in both directions.
func NodeLinks(a, b []int, kinds ...LinkKind) []Link {
	var ls []Link
	for _, i := range a {
		for _, j := range b {
			if i == j {
				continue
			}
			for _, k := range kinds {
				ls = append(ls, Link{From: i, To: j, Kind: k}, Link{From: j, To: i, Kind: k})
			}
		}
	}
	return ls
}

// GroupState is one consumer group as its coordinator describes it.
type GroupState struct {
	Group string
	// State is the group's state as Kafka names it: Stable,
	// PreparingRebalance, Empty…
	State string
	// Clients are the members' client ids, sorted.
	Clients []string
}
