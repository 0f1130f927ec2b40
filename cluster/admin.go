package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// saramaVersion maps a Kafka release to the newest protocol version sarama
// knows that does not exceed it: Kafka 4 refuses the oldest protocol
// versions, so the client must not default to them.
func saramaVersion(kafka string) (sarama.KafkaVersion, error) {
	v, err := sarama.ParseKafkaVersion(kafka)
	if err != nil {
		return v, fmt.Errorf("parse kafka version %q: %w", kafka, err)
	}
	if sarama.MaxVersion.IsAtLeast(v) {
		return v, nil
	}
	return sarama.MaxVersion, nil
}

// SaramaConfig returns the base client configuration every harness client
// starts from: the protocol version of the cluster and short network
// timeouts, so a dead broker is noticed in seconds.
func (c *Cluster) SaramaConfig(clientID string) *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = c.saramaVer
	cfg.ClientID = clientID
	cfg.Net.DialTimeout = 3 * time.Second
	cfg.Net.ReadTimeout = 10 * time.Second
	cfg.Net.WriteTimeout = 10 * time.Second
	cfg.Metadata.Retry.Max = 10
	cfg.Metadata.Retry.Backoff = 250 * time.Millisecond
	cfg.Metadata.AllowAutoTopicCreation = false
	cfg.Admin.Timeout = 15 * time.Second
	return cfg
}

// ProtocolVersion returns the client protocol version used with the cluster.
func (c *Cluster) ProtocolVersion() sarama.KafkaVersion { return c.saramaVer }

func (c *Cluster) connect() error {
	cl, err := sarama.NewClient(c.Bootstrap(), c.SaramaConfig("kafka-chaos-observer"))
	if err != nil {
		return fmt.Errorf("connect observer client: %w", err)
	}
	adm, err := sarama.NewClusterAdminFromClient(cl)
	if err != nil {
		_ = cl.Close()
		return fmt.Errorf("create admin client: %w", err)
	}
	c.kclient, c.admin = cl, adm
	return nil
}

// Admin returns the cluster's admin client. It is owned by the cluster.
func (c *Cluster) Admin() sarama.ClusterAdmin { return c.admin }

func (c *Cluster) waitRegistered(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		// The JVMs take seconds to listen: the first connections fail.
		if c.admin == nil {
			last = c.connect()
		}
		var brokers []int32
		var err error
		if c.admin != nil {
			brokers, err = c.LiveBrokers()
		}
		switch {
		case c.admin == nil:
		case err != nil:
			last = err
		case len(brokers) < Nodes:
			last = fmt.Errorf("%d of %d brokers registered: %v", len(brokers), Nodes, brokers)
		default:
			ctrl, _, err := c.ActiveController(ctx)
			if err == nil {
				c.logf("active controller: node %d", ctrl)
				return nil
			}
			last = err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return fmt.Errorf("cluster not ready after %s: %w", timeout, last)
}

// LiveBrokers returns the ids of the brokers the cluster metadata lists.
func (c *Cluster) LiveBrokers() ([]int32, error) {
	brokers, _, err := c.admin.DescribeCluster()
	if err != nil {
		return nil, fmt.Errorf("describe cluster: %w", err)
	}
	ids := make([]int32, 0, len(brokers))
	for _, b := range brokers {
		ids = append(ids, b.ID())
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

type quorumState struct {
	LeaderID    int `json:"leaderId"`
	LeaderEpoch int `json:"leaderEpoch"`
}

// ActiveController returns the KRaft quorum leader and its epoch. Clients
// cannot ask for it (in KRaft the metadata "controller" is a random broker),
// so it is read from each running node's persisted quorum state; the highest
// epoch wins.
func (c *Cluster) ActiveController(ctx context.Context) (leader, epoch int, err error) {
	leader, epoch = -1, -1
	var errs []error
	for n := 1; n <= len(c.nodes); n++ {
		if running, err := c.Running(ctx, n); err != nil || !running {
			continue
		}
		b, err := c.nodeFile(ctx, n, c.metadataLogDir()+"/__cluster_metadata-0/quorum-state")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var qs quorumState
		if err := json.Unmarshal(b, &qs); err != nil {
			errs = append(errs, fmt.Errorf("parse quorum state of node %d: %w", n, err))
			continue
		}
		if qs.LeaderID >= 0 && qs.LeaderEpoch > epoch {
			leader, epoch = qs.LeaderID, qs.LeaderEpoch
		}
	}
	if leader < 0 {
		return -1, -1, errors.Join(append(errs, errors.New("no controller elected"))...)
	}
	return leader, epoch, nil
}

// TopicSpec describes a topic with an explicit replica assignment, so the
// preferred leader of every partition is chosen, not left to the controller.
type TopicSpec struct {
	Name string `json:"name"`
	// Replicas[p] lists partition p's replicas, preferred leader first.
	Replicas [][]int32         `json:"replicas"`
	Configs  map[string]string `json:"configs"`
}

// CreateTopic creates the topic and waits until every partition has its
// preferred leader.
func (c *Cluster) CreateTopic(ctx context.Context, spec TopicSpec) error {
	assign := make(map[int32][]int32, len(spec.Replicas))
	for p, r := range spec.Replicas {
		assign[int32(p)] = r
	}
	entries := make(map[string]*string, len(spec.Configs))
	for k, v := range spec.Configs {
		entries[k] = &v
	}
	detail := &sarama.TopicDetail{NumPartitions: -1, ReplicationFactor: -1, ReplicaAssignment: assign, ConfigEntries: entries}
	if err := c.admin.CreateTopic(spec.Name, detail, false); err != nil {
		return fmt.Errorf("create topic %s: %w", spec.Name, err)
	}
	if err := c.WaitHealthy(ctx, []string{spec.Name}, 30*time.Second); err != nil {
		return err
	}
	return c.ensurePreferredLeaders(ctx, spec, 30*time.Second)
}

// HighWatermarks returns the high watermark of each of the topic's
// partitions, in partition order.
func (c *Cluster) HighWatermarks(topic string) ([]int64, error) {
	return highWatermarks(c.kclient, topic)
}

func highWatermarks(cl sarama.Client, topic string) ([]int64, error) {
	parts, err := cl.Partitions(topic)
	if err != nil {
		return nil, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	out := make([]int64, len(parts))
	for i, p := range parts {
		if out[i], err = cl.GetOffset(topic, p, sarama.OffsetNewest); err != nil {
			return nil, fmt.Errorf("high watermark of %s-%d: %w", topic, p, err)
		}
	}
	return out, nil
}

// DeleteTopic deletes a topic; Kafka removes its logs in the background.
func (c *Cluster) DeleteTopic(name string) error {
	if err := c.admin.DeleteTopic(name); err != nil {
		return fmt.Errorf("delete topic %s: %w", name, err)
	}
	return nil
}

// ensurePreferredLeaders moves leadership to each partition's first replica
// where the controller chose another (it does when that node was not yet
// ready to lead, e.g. just after the cluster started): a scenario's "leader"
// must be one broker for every profile.
func (c *Cluster) ensurePreferredLeaders(ctx context.Context, spec TopicSpec, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ps, err := c.Partitions(spec.Name)
		if err != nil {
			return err
		}
		var off []int32
		for _, p := range ps {
			if int(p.Partition) < len(spec.Replicas) && p.Leader != spec.Replicas[p.Partition][0] {
				off = append(off, p.Partition)
			}
		}
		if len(off) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("topic %s: partitions %v not led by their preferred replica after %s", spec.Name, off, timeout)
		}
		if _, err := c.admin.ElectLeaders(sarama.PreferredElection, map[string][]int32{spec.Name: off}); err != nil {
			c.logf("topic %s: preferred election for %v: %v (retrying)", spec.Name, off, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Partitions returns the state of every partition of the topics, asking
// the nodes in turn until one answers. It keeps its own connection per node
// so that a dead node costs one failed request, not a client-wide refresh.
func (c *Cluster) Partitions(topics ...string) ([]schema.PartitionState, error) {
	return c.PartitionsFrom(AllNodes(), topics...)
}

func (c *Cluster) metadataFrom(n int, req *sarama.MetadataRequest) (resp *sarama.MetadataResponse, err error) {
	err = c.onProbe(n, func(b *sarama.Broker) (err error) {
		resp, err = b.GetMetadata(req)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("metadata from node %d: %w", n, err)
	}
	return resp, nil
}

// onProbe runs call on the observer's own connection to node n, opened
// on first use and dropped when a request on it fails.
func (c *Cluster) onProbe(n int, call func(*sarama.Broker) error) error {
	c.probeMu.Lock()
	defer c.probeMu.Unlock()
	b := c.probes[n]
	if b == nil {
		cfg := c.SaramaConfig("kafka-chaos-observer")
		cfg.Net.ReadTimeout = 2 * time.Second
		b = sarama.NewBroker(c.Bootstrap()[n-1])
		if err := b.Open(cfg); err != nil {
			return err
		}
		c.probes[n] = b
	}
	if err := call(b); err != nil {
		_ = b.Close()
		delete(c.probes, n)
		return err
	}
	return nil
}

// WaitHealthy waits until every partition of the topics has a leader and a
// full ISR.
func (c *Cluster) WaitHealthy(ctx context.Context, topics []string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ps, err := c.Partitions(topics...)
		if err == nil {
			last = nil
			for _, p := range ps {
				if !p.Healthy() {
					last = fmt.Errorf("%s-%d: leader %d, isr %v of replicas %v", p.Topic, p.Partition, p.Leader, p.ISR, p.Replicas)
					break
				}
			}
			if last == nil && len(ps) > 0 {
				return nil
			}
		} else {
			last = err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not healthy after %s: %w", timeout, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
