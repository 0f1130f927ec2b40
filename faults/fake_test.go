package faults

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// fakeCluster is an in-memory three-node cluster behind the faults'
// interfaces: nodes that run, stop, freeze, lose power or have their disk
// replaced, links that are cut or degraded, and partitions whose leaders
// and ISRs follow what happens to the nodes the way a KRaft controller
// moves them, with the controller itself re-elected when it is lost, and
// each transactional id's coordinator moved off a node that is. It takes
// no writes, so every follower connected to its leader is in sync, and
// holds as many bytes as its leader. A reassignment that adds replicas
// progresses one stage each time it is listed: the new replicas join the
// ISR, then the old ones leave and a removed leader is replaced by the
// first target replica in the ISR.
//
// With frozen set the cluster never reacts: every action lands (a killed
// node is down, a cut link is cut) and no leader, ISR, controller or
// coordinator changes, which is what a fault that took no effect looks
// like. With bypass set the clients reach the nodes around the proxies,
// so a cut client link stops nothing.
type fakeCluster struct {
	frozen  bool
	bypass  bool
	running map[int]bool
	paused  map[int]bool
	// full marks a node whose log directory was filled; the broker halts
	// on it, and the filesystem's state goes with the stopped node.
	full     map[int]bool
	unsynced map[int]int64
	cut      map[schema.Link]bool
	toxics   map[schema.Link][]schema.Toxic
	// bytes are each node's replica sizes by partition, as its log
	// directories hold them; replaced lists the nodes whose disk was
	// replaced, which keepDisks makes keep their data.
	bytes     map[int]map[string]int64
	replaced  []int
	keepDisks bool
	// keepOffline leaves a partition without a leader when its ISR's
	// last member returns with a replaced disk; otherwise that member
	// leads again, empty.
	keepOffline bool
	// parts is the controller's view; stale holds the last view of a
	// running node cut off from it.
	parts []schema.PartitionState
	stale map[int][]schema.PartitionState
	// brokers are the ones the controller has not fenced.
	brokers           []int32
	controller, epoch int
	kills             []string
	// txnCoord is each transactional id's coordinator; the first
	// txnMisses lookups fail, as they do while __transaction_state is
	// created.
	txnCoord  map[string]int
	txnMisses int
	// pending are the reassignments in progress, by partition; the
	// configs are the topics' and the brokers' dynamic settings.
	pending    map[string]schema.Reassignment
	topicConf  map[string]map[string]string
	brokerConf map[int]map[string]string
	// release is the Kafka release each node's image holds, reported the
	// release its running broker last reported, static the settings set
	// in its server.properties, metadataVersion the finalized one.
	// mislabelled upgrades leave a node's release as it was, as an image
	// of the old release under the new one's tag would.
	release, reported map[int]string
	static            map[int]map[string]string
	metadataVersion   string
	mislabelled       bool
	// removed are the controllers out of the voter set, observing the
	// replaced nodes' new directories.
	removed   map[int]bool
	observing map[int]string
	dirs      map[int]string
}

// newFake returns a healthy cluster whose topics have two partitions each
// on every node, all led by leader (their preferred replica), with
// controller leading the quorum at epoch 5.
func newFake(leader, controller int, topics ...string) *fakeCluster {
	return newFakeRF(leader, controller, 3, topics...)
}

// newFakeRF is newFake with rf replicas per partition: the leader, then
// the lowest other nodes, as the runner pins topics.
func newFakeRF(leader, controller, rf int, topics ...string) *fakeCluster {
	c := &fakeCluster{
		running: map[int]bool{}, paused: map[int]bool{}, full: map[int]bool{}, unsynced: map[int]int64{}, bytes: map[int]map[string]int64{},
		cut: map[schema.Link]bool{}, toxics: map[schema.Link][]schema.Toxic{}, stale: map[int][]schema.PartitionState{},
		controller: controller, epoch: 5, txnCoord: map[string]int{},
		pending: map[string]schema.Reassignment{}, topicConf: map[string]map[string]string{}, brokerConf: map[int]map[string]string{},
		release: map[int]string{}, reported: map[int]string{}, static: map[int]map[string]string{}, metadataVersion: "3.9-IV0",
		removed: map[int]bool{}, observing: map[int]string{}, dirs: map[int]string{},
	}
	replicas := []int32{int32(leader)}
	for _, n := range c.IDs() {
		c.running[n] = true
		c.release[n], c.reported[n] = "3.9.1", "3.9.1"
		c.brokers = append(c.brokers, int32(n))
		if n != leader {
			replicas = append(replicas, int32(n))
		}
	}
	replicas = replicas[:rf]
	for _, t := range topics {
		for p := range int32(2) {
			c.parts = append(c.parts, schema.PartitionState{Topic: t, Partition: p, Leader: int32(leader), Replicas: replicas, ISR: slices.Clone(replicas)})
		}
	}
	return c
}

// env hands the fake to a fault in every role it models; Groups it does
// not, and the faults tested against it do not use them.
func (c *fakeCluster) env(topics ...string) Env {
	return Env{Nodes: c, Disks: c, Links: c, State: c, Admin: c, Txns: c, Probe: c, Maint: c, Topics: topics}
}

// connected reports whether node n reaches another running node on the
// controller links both ways: a node that reaches none is a minority of
// one and fenced.
func (c *fakeCluster) connected(n int) bool {
	for _, m := range c.IDs() {
		if m != n && c.running[m] && !c.paused[m] &&
			!c.cut[schema.Link{From: n, To: m, Kind: schema.Controller}] && !c.cut[schema.Link{From: m, To: n, Kind: schema.Controller}] {
			return true
		}
	}
	return false
}

// live reports whether node n takes part in the cluster.
func (c *fakeCluster) live(n int) bool { return c.running[n] && !c.paused[n] && c.connected(n) }

// react is the cluster's response to a change: a broker on a full disk
// halts, a node that is not live is fenced (and keeps its last view if it
// runs), a lost controller is replaced, and so is every partition's.
func (c *fakeCluster) react() {
	if c.frozen {
		return
	}
	for _, n := range c.IDs() {
		if c.full[n] {
			c.running[n], c.full[n] = false, false
		}
	}
	c.brokers = nil
	for _, n := range c.IDs() {
		_, hasStale := c.stale[n]
		switch {
		case c.live(n):
			c.brokers = append(c.brokers, int32(n))
			delete(c.stale, n)
		case c.running[n] && !hasStale:
			c.stale[n] = clonePartitions(c.parts)
		}
	}
	if !c.live(c.controller) {
		if i := slices.IndexFunc(c.IDs(), c.live); i >= 0 {
			c.controller, c.epoch = c.IDs()[i], c.epoch+1
		}
	}
	for i := range c.parts {
		c.reassign(&c.parts[i])
	}
	c.replicate()
	for id, n := range c.txnCoord {
		if i := slices.IndexFunc(c.IDs(), c.live); i >= 0 && !c.live(n) {
			c.txnCoord[id] = c.IDs()[i]
		}
	}
}

// reassign gives a partition whose leader is not live the next live ISR
// member as leader (none: offline, with the last member kept in the ISR
// as KRaft does, until it returns), and sets the ISR to the live replicas
// that can fetch from the leader.
func (c *fakeCluster) reassign(p *schema.PartitionState) {
	if p.Leader >= 0 && !c.live(int(p.Leader)) {
		old := p.Leader
		p.Leader = -1
		if j := slices.IndexFunc(p.ISR, func(m int32) bool { return m != old && c.live(int(m)) }); j >= 0 {
			p.Leader = p.ISR[j]
		}
		p.LeaderEpoch++
	}
	if p.Leader < 0 && len(p.ISR) == 1 && c.live(int(p.ISR[0])) && !(c.keepOffline && slices.Contains(c.replaced, int(p.ISR[0]))) {
		p.Leader = p.ISR[0]
		p.LeaderEpoch++
	}
	if p.Leader < 0 {
		return
	}
	var isr []int32
	for _, m := range p.Replicas {
		if m == p.Leader || c.live(int(m)) && !c.cut[schema.Link{From: int(m), To: int(p.Leader), Kind: schema.Internal}] {
			isr = append(isr, m)
		}
	}
	p.ISR = isr
}

// replicate gives every live follower that can fetch from its
// partition's leader the leader's bytes, the fake's followers catching up
// at once, and every other live replica without a replica yet (one that
// cannot fetch, a leader, a replica of a leaderless partition) an empty
// one.
func (c *fakeCluster) replicate() {
	for _, p := range c.parts {
		for _, m := range p.Replicas {
			n, key := int(m), partitionKey(p)
			if !c.live(n) {
				continue
			}
			if c.bytes[n] == nil {
				c.bytes[n] = map[string]int64{}
			}
			_, has := c.bytes[n][key]
			switch {
			case p.Leader < 0 || m == p.Leader:
				if !has {
					c.bytes[n][key] = 0
				}
			case !c.cut[schema.Link{From: n, To: int(p.Leader), Kind: schema.Internal}]:
				c.bytes[n][key] = c.bytes[int(p.Leader)][key]
			case !has:
				c.bytes[n][key] = 0
			}
		}
	}
}

// fill gives every node's replica of every partition size bytes.
func (c *fakeCluster) fill(size int64) {
	for _, n := range c.IDs() {
		c.bytes[n] = map[string]int64{}
		for _, p := range c.parts {
			c.bytes[n][partitionKey(p)] = size
		}
	}
}

func clonePartitions(ps []schema.PartitionState) []schema.PartitionState {
	out := slices.Clone(ps)
	for i := range out {
		out[i].ISR = slices.Clone(out[i].ISR)
	}
	return out
}

// IDs implements Nodes.
func (c *fakeCluster) IDs() []int { return []int{1, 2, 3} }

// Kill implements Nodes; the fake's nodes stop at once.
func (c *fakeCluster) Kill(_ context.Context, n int, signal string, _ time.Duration) error {
	c.kills = append(c.kills, fmt.Sprintf("%s %d", signal, n))
	c.running[n], c.full[n] = false, false
	c.react()
	return nil
}

// Restart implements Nodes.
func (c *fakeCluster) Restart(_ context.Context, n int) error {
	c.running[n] = true
	c.reported[n] = c.release[n]
	c.react()
	return nil
}

// Pause implements Nodes.
func (c *fakeCluster) Pause(_ context.Context, n int) error {
	c.paused[n] = true
	c.react()
	return nil
}

// Unpause implements Nodes.
func (c *fakeCluster) Unpause(_ context.Context, n int) error {
	c.paused[n] = false
	c.react()
	return nil
}

// Running implements Nodes.
func (c *fakeCluster) Running(_ context.Context, n int) (bool, error) { return c.running[n], nil }

// PowerOff implements Disks.
func (c *fakeCluster) PowerOff(_ context.Context, nodes ...int) (map[int]int64, error) {
	out := map[int]int64{}
	for _, n := range nodes {
		out[n] = c.unsynced[n]
		c.running[n], c.full[n] = false, false
	}
	c.react()
	return out, nil
}

// SetDiskFull implements Disks.
func (c *fakeCluster) SetDiskFull(_ context.Context, n int, full bool) error {
	c.full[n] = full
	c.react()
	return nil
}

// ReplaceDisk implements Disks: the stopped node's replicas are gone,
// unless keepDisks.
func (c *fakeCluster) ReplaceDisk(_ context.Context, n int) error {
	if c.running[n] {
		return fmt.Errorf("node %d runs: stop it first", n)
	}
	c.replaced = append(c.replaced, n)
	if !c.keepDisks {
		delete(c.bytes, n)
	}
	return nil
}

// Cut implements Links.
func (c *fakeCluster) Cut(links ...schema.Link) error {
	for _, l := range links {
		c.cut[l] = true
	}
	c.react()
	return nil
}

// Degrade implements Links; toxics are recorded, and slow nothing down.
func (c *fakeCluster) Degrade(t schema.Toxic, links ...schema.Link) error {
	for _, l := range links {
		c.toxics[l] = append(c.toxics[l], t)
	}
	return nil
}

// Heal implements Links.
func (c *fakeCluster) Heal() error {
	clear(c.cut)
	clear(c.toxics)
	c.react()
	return nil
}

// answers reports whether node n answers a client: it runs, is not
// frozen, and its client link is up or bypassed.
func (c *fakeCluster) answers(n int) bool {
	return c.running[n] && !c.paused[n] && (c.bypass || !c.cut[clientLink(n)])
}

// view returns the partitions as the first of the nodes that answers sees
// them.
func (c *fakeCluster) view(nodes []int) ([]schema.PartitionState, error) {
	for _, n := range nodes {
		if !c.answers(n) {
			continue
		}
		if ps, ok := c.stale[n]; ok {
			return ps, nil
		}
		return c.parts, nil
	}
	return nil, fmt.Errorf("none of nodes %v answered a metadata request", nodes)
}

// PartitionsFrom implements State.
func (c *fakeCluster) PartitionsFrom(nodes []int, topics ...string) ([]schema.PartitionState, error) {
	ps, err := c.view(nodes)
	var out []schema.PartitionState
	for _, p := range ps {
		if slices.Contains(topics, p.Topic) {
			out = append(out, p)
		}
	}
	return clonePartitions(out), err
}

// BrokersFrom implements State.
func (c *fakeCluster) BrokersFrom(nodes []int, _ ...string) ([]int32, error) {
	if _, err := c.view(nodes); err != nil {
		return nil, err
	}
	return slices.Clone(c.brokers), nil
}

// HighWatermarksFrom implements State: the fake takes no writes, so every
// high watermark is 0.
func (c *fakeCluster) HighWatermarksFrom(nodes []int, topics ...string) (map[string][]int64, error) {
	ps, err := c.PartitionsFrom(nodes, topics...)
	out := map[string][]int64{}
	for _, p := range ps {
		out[p.Topic] = append(out[p.Topic], 0)
	}
	return out, err
}

// DescribeTopics implements State, in kafka-topics' words.
func (c *fakeCluster) DescribeTopics(_ context.Context, n int, topics ...string) ([]string, error) {
	ps, err := c.PartitionsFrom([]int{n}, topics...)
	var lines []string
	for _, p := range ps {
		lines = append(lines, fmt.Sprintf("Topic: %s Partition: %d Leader: %d Replicas: %v Isr: %v", p.Topic, p.Partition, p.Leader, p.Replicas, p.ISR))
	}
	return lines, err
}

// ReplicaBytes implements State.
func (c *fakeCluster) ReplicaBytes(n int, topics ...string) (map[string]map[int32]int64, error) {
	if !c.answers(n) {
		return nil, fmt.Errorf("log directories of node %d: connection refused", n)
	}
	out := map[string]map[int32]int64{}
	for _, p := range c.parts {
		b, ok := c.bytes[n][partitionKey(p)]
		if !ok || !slices.Contains(topics, p.Topic) {
			continue
		}
		if out[p.Topic] == nil {
			out[p.Topic] = map[int32]int64{}
		}
		out[p.Topic][p.Partition] = b
	}
	return out, nil
}

// ActiveController implements State.
func (c *fakeCluster) ActiveController(context.Context) (node, epoch int, err error) {
	return c.controller, c.epoch, nil
}

// WaitHealthy implements State; the fake changes only when acted on, so
// one look is the whole wait.
func (c *fakeCluster) WaitHealthy(_ context.Context, topics []string, _ time.Duration) error {
	ps, err := c.PartitionsFrom(c.IDs(), topics...)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if !p.Healthy() {
			return fmt.Errorf("%s-%d: leader %d, isr %v of replicas %v", p.Topic, p.Partition, p.Leader, p.ISR, p.Replicas)
		}
	}
	return nil
}

// ElectLeaders implements Admin: a preferred election makes each
// partition's first replica its leader if it is live and in the ISR, an
// unclean one makes a leaderless partition's first live replica its
// leader and only ISR member.
func (c *fakeCluster) ElectLeaders(_ []int, unclean bool, partitions map[string][]int32) (map[string]map[int32]error, error) {
	out := map[string]map[int32]error{}
	for i := range c.parts {
		p := &c.parts[i]
		if !slices.Contains(partitions[p.Topic], p.Partition) {
			continue
		}
		if out[p.Topic] == nil {
			out[p.Topic] = map[int32]error{}
		}
		if unclean {
			out[p.Topic][p.Partition] = c.electUnclean(p)
			continue
		}
		first := p.Replicas[0]
		if c.frozen || !c.live(int(first)) || !slices.Contains(p.ISR, first) {
			out[p.Topic][p.Partition] = fmt.Errorf("PREFERRED_LEADER_NOT_AVAILABLE")
			continue
		}
		out[p.Topic][p.Partition] = nil
		if p.Leader != first {
			p.Leader = first
			p.LeaderEpoch++
		}
	}
	return out, nil
}

// electUnclean gives leaderless p its first live replica as leader.
func (c *fakeCluster) electUnclean(p *schema.PartitionState) error {
	j := slices.IndexFunc(p.Replicas, func(m int32) bool { return c.live(int(m)) })
	switch {
	case p.Leader >= 0:
		return fmt.Errorf("ELECTION_NOT_NEEDED")
	case c.frozen || j < 0:
		return fmt.Errorf("ELIGIBLE_LEADERS_NOT_AVAILABLE")
	}
	p.Leader, p.ISR = p.Replicas[j], []int32{p.Replicas[j]}
	p.LeaderEpoch++
	c.react()
	return nil
}

// Reassign implements Admin: replicas are reordered at once; a
// reassignment that adds or removes replicas is pending, its partition
// holding the target then the replicas it removes, until listed (a frozen
// cluster accepts the request and changes nothing).
func (c *fakeCluster) Reassign(_ []int, topic string, assignment [][]int32) error {
	if c.frozen {
		return nil
	}
	for i := range c.parts {
		p := &c.parts[i]
		if p.Topic != topic || int(p.Partition) >= len(assignment) {
			continue
		}
		target := slices.Clone(assignment[p.Partition])
		adding, removing := missing(target, p.Replicas), missing(p.Replicas, target)
		if len(adding)+len(removing) == 0 {
			p.Replicas = target
			continue
		}
		p.Replicas = append(target, removing...)
		c.pending[partitionKey(*p)] = schema.Reassignment{Topic: topic, Partition: p.Partition, Replicas: slices.Clone(p.Replicas), Adding: adding, Removing: removing}
	}
	return nil
}

// missing returns the nodes of a that b lacks.
func missing(a, b []int32) []int32 {
	var out []int32
	for _, n := range a {
		if !slices.Contains(b, n) {
			out = append(out, n)
		}
	}
	return out
}

// Reassignments implements Admin: it lists the pending reassignments of
// the partitions, then moves each one stage on.
func (c *fakeCluster) Reassignments(_ []int, partitions map[string][]int32) ([]schema.Reassignment, error) {
	var out []schema.Reassignment
	for i := range c.parts {
		p := &c.parts[i]
		r, ok := c.pending[partitionKey(*p)]
		if !ok || !slices.Contains(partitions[p.Topic], p.Partition) {
			continue
		}
		out = append(out, r)
		if !c.frozen {
			c.progress(p, r)
		}
	}
	return out, nil
}

// progress moves a pending reassignment one stage on: the added replicas
// join the ISR, or, once they have, the removed ones leave and the
// reassignment completes.
func (c *fakeCluster) progress(p *schema.PartitionState, r schema.Reassignment) {
	if joining := missing(r.Adding, p.ISR); len(joining) > 0 {
		p.ISR = append(p.ISR, joining...)
		c.replicate()
		return
	}
	p.Replicas = missing(p.Replicas, r.Removing)
	p.ISR = missing(p.ISR, r.Removing)
	if slices.Contains(r.Removing, p.Leader) {
		p.Leader = p.Replicas[slices.IndexFunc(p.Replicas, func(n int32) bool { return slices.Contains(p.ISR, n) })]
		p.LeaderEpoch++
	}
	delete(c.pending, partitionKey(*p))
}

// TopicConfig implements Admin.
func (c *fakeCluster) TopicConfig(_ []int, topic string, names ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, n := range names {
		if v, ok := c.topicConf[topic][n]; ok {
			out[n] = v
		}
	}
	return out, nil
}

// SetTopicConfig implements Admin.
func (c *fakeCluster) SetTopicConfig(_ []int, topic, name, value string) error {
	setConf(c.topicConf, topic, name, value)
	return nil
}

// DeleteTopicConfig implements Admin.
func (c *fakeCluster) DeleteTopicConfig(_ []int, topic, name string) error {
	delete(c.topicConf[topic], name)
	return nil
}

// SetBrokerConfig implements Admin.
func (c *fakeCluster) SetBrokerConfig(_ []int, broker int, name, value string) error {
	setConf(c.brokerConf, broker, name, value)
	return nil
}

// DeleteBrokerConfig implements Admin.
func (c *fakeCluster) DeleteBrokerConfig(_ []int, broker int, name string) error {
	delete(c.brokerConf[broker], name)
	return nil
}

// setConf sets one setting of a resource's configs.
func setConf[K comparable](confs map[K]map[string]string, resource K, name, value string) {
	if confs[resource] == nil {
		confs[resource] = map[string]string{}
	}
	confs[resource][name] = value
}

// coordinate makes node n the coordinator of the transactional ids.
func (c *fakeCluster) coordinate(n int, ids ...string) {
	for _, id := range ids {
		c.txnCoord[id] = n
	}
}

// TxnCoordinator implements Transactions.
func (c *fakeCluster) TxnCoordinator(id string) (int, error) {
	n, ok := c.txnCoord[id]
	switch {
	case c.txnMisses > 0:
		c.txnMisses--
		return 0, fmt.Errorf("COORDINATOR_NOT_AVAILABLE")
	case !ok:
		return 0, fmt.Errorf("no transactional id %s", id)
	}
	return n, nil
}

// ProbeRoundTrip implements Probe: a round trip takes a millisecond to a
// node that answers.
func (c *fakeCluster) ProbeRoundTrip(n int, _ string, _ time.Duration) (time.Duration, error) {
	if !c.answers(n) {
		return 0, fmt.Errorf("probe node %d: connection refused", n)
	}
	return time.Millisecond, nil
}

// ProbeHeld implements Probe; no fault tested here holds a connection.
func (c *fakeCluster) ProbeHeld(int, string, func() error) (time.Duration, error, error) {
	return 0, nil, fmt.Errorf("the fake holds no connections")
}
