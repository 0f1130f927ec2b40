package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Isolate cuts the scenario leader off the network through the toxiproxy
// mesh: from its peers (replication and controller links, both ways), from
// the clients, or from both. Cut proxies refuse new connections and close
// open ones, as a pulled cable seen by a stateful firewall.
//
//   - Peers only: the majority fences the leader and elects another, while
//     the old one, still reachable by clients and unaware, keeps acting as
//     leader. What it acknowledges with acks=1 (or believes with acks=0)
//     is truncated when it rejoins.
//   - Clients only: nothing changes inside the cluster; the partitions stay
//     led by a broker no producer can reach, which is pure unavailability.
//   - Both: a majority/minority split with the clients on the majority
//     side.
type Isolate struct {
	Peers       bool          `json:"peers"`
	Clients     bool          `json:"clients"`
	MoveTimeout time.Duration `json:"move_timeout_ns"`

	node int
}

// NewIsolatePeers isolates the leader from the other nodes only.
func NewIsolatePeers() *Isolate { return &Isolate{Peers: true, MoveTimeout: 30 * time.Second} }

// NewIsolateClients isolates the leader from the clients only.
func NewIsolateClients() *Isolate { return &Isolate{Clients: true, MoveTimeout: 30 * time.Second} }

// NewSplit puts the leader alone on the minority side of a partition, the
// clients with the majority.
func NewSplit() *Isolate { return &Isolate{Peers: true, Clients: true, MoveTimeout: 30 * time.Second} }

// Name implements Fault.
func (f *Isolate) Name() string {
	switch {
	case f.Peers && f.Clients:
		return "split-leader-minority"
	case f.Clients:
		return "isolate-leader-clients"
	default:
		return "isolate-leader-peers"
	}
}

// Prepare finds the leader.
func (f *Isolate) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	f.node = leader
	return nil
}

// Inject cuts the links and checks the cluster's reaction.
func (f *Isolate) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	n := f.node
	var links []schema.Link
	if f.Peers {
		links = append(links, schema.NodeLinks([]int{n}, followers(env, n), schema.Internal, schema.Controller)...)
	}
	if f.Clients {
		links = append(links, clientLink(n))
	}
	eff := schema.FaultEffect{Target: []int{n}, Description: fmt.Sprintf("node %d, leader of every scenario partition, cut off: links %v", n, links)}
	if ctrl, epoch, err := env.State.ActiveController(ctx); err == nil {
		eff.Description += fmt.Sprintf("; active controller node %d (epoch %d)", ctrl, epoch)
	}
	if err := env.Links.Cut(links...); err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	env.logf("fault %s: %d links of node %d cut", f.Name(), len(links), n)
	if f.Clients {
		obs, err := refusesClients(env, n)
		if err != nil {
			return eff, fmt.Errorf("%s: %w", f.Name(), err)
		}
		eff.Observed = append(eff.Observed, obs)
	}
	if !f.Peers {
		// The cluster itself should not notice: the leader keeps its
		// partitions with full ISRs, unreachable.
		ps, err := env.State.PartitionsFrom(followers(env, n), env.Topics...)
		if err != nil {
			return eff, fmt.Errorf("%s: %w", f.Name(), err)
		}
		eff.Observed = append(eff.Observed, describe(ps)...)
		return eff, nil
	}
	obs, err := waitLeaderMoved(ctx, env, n, f.MoveTimeout)
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	eff.Observed = append(eff.Observed, obs...)
	if !f.Clients {
		// The isolated node answers clients from its stale metadata: the
		// zombie leader the acks=1 producers keep writing to.
		if stale, err := env.State.PartitionsFrom([]int{n}, env.Topics...); err == nil {
			zombie := 0
			for _, p := range stale {
				if p.Leader == int32(n) {
					zombie++
				}
			}
			eff.Observed = append(eff.Observed, fmt.Sprintf("node %d still reports itself leader of %d of %d partitions", n, zombie, len(stale)))
		}
	}
	return eff, nil
}

// Heal restores every link.
func (f *Isolate) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}

// clientLink is the link from the clients to node n.
func clientLink(n int) schema.Link {
	return schema.Link{From: schema.ClientNode, To: n, Kind: schema.ClientLink}
}

// refusesClients checks that a client's round trip to node n on a new
// connection fails, as it does once n's client link is cut, and says how.
// The error wraps ErrNoEffect when node n still answers.
func refusesClients(env Env, n int) (string, error) {
	if _, err := env.Probe.ProbeRoundTrip(n, env.Topics[0], 2*time.Second); err != nil {
		return fmt.Sprintf("client link to node %d refused: %v", n, err), nil
	}
	return "", fmt.Errorf("%w: node %d still answers clients", ErrNoEffect, n)
}

// Bridge cuts the leader and one follower off from each other while both
// still see the third node, the bridge (Jepsen's bridge nemesis): no node
// is isolated, yet there is no full mesh. What the cluster does depends on
// where the active controller sits, so the Effect records it: the far
// follower drops out of the ISR, or (controller at the far end) the leader
// is fenced and the bridge takes over.
type Bridge struct {
	ChangeTimeout time.Duration `json:"change_timeout_ns"`

	leader, bridge, far int
}

// NewBridge returns the bridge fault.
func NewBridge() *Bridge { return &Bridge{ChangeTimeout: 45 * time.Second} }

// Name implements Fault.
func (f *Bridge) Name() string { return "bridge" }

// Prepare picks the nodes: the leader, the lower follower as the bridge.
func (f *Bridge) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("bridge: %w", err)
	}
	fs := followers(env, leader)
	f.leader, f.bridge, f.far = leader, fs[0], fs[1]
	return nil
}

// Inject cuts leader<->far and waits for the cluster to react.
func (f *Bridge) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	links := schema.NodeLinks([]int{f.leader}, []int{f.far}, schema.Internal, schema.Controller)
	eff := schema.FaultEffect{Target: []int{f.leader, f.far}, Description: fmt.Sprintf("nodes %d (leader) and %d cannot reach each other; node %d reaches both", f.leader, f.far, f.bridge)}
	if ctrl, epoch, err := env.State.ActiveController(ctx); err == nil {
		eff.Description += fmt.Sprintf("; active controller node %d (epoch %d)", ctrl, epoch)
	}
	if err := env.Links.Cut(links...); err != nil {
		return eff, fmt.Errorf("bridge: %w", err)
	}
	env.logf("fault %s: %d<->%d cut, %d bridges", f.Name(), f.leader, f.far, f.bridge)
	ps, err := waitState(ctx, env, []int{f.bridge}, f.ChangeTimeout, fmt.Sprintf("leader %d fenced or node %d out of the ISR", f.leader, f.far),
		every(func(p schema.PartitionState) bool { return !ledBy(f.leader)(p) || !containsNode(p.ISR, f.far) }))
	if err != nil {
		return eff, fmt.Errorf("bridge: %w", err)
	}
	eff.Observed = describe(ps)
	return eff, nil
}

// Heal restores the links.
func (f *Bridge) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("bridge: %w", err)
	}
	return nil
}
