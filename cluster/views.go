package cluster

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// PartitionsFrom is Partitions asked only of the given nodes, in order, until
// one answers. A node cut off from the controller keeps serving its last
// metadata, so a fault that isolates a node must read the cluster's state
// from the other side; asking every node would let the stale one answer.
func (c *Cluster) PartitionsFrom(nodes []int, topics ...string) ([]schema.PartitionState, error) {
	resp, err := c.metadataFromAny(nodes, topics)
	if err != nil {
		return nil, err
	}
	return partitionStates(resp)
}

// metadataFromAny asks the nodes in order and returns the first answer.
func (c *Cluster) metadataFromAny(nodes []int, topics []string) (resp *sarama.MetadataResponse, err error) {
	req := sarama.NewMetadataRequest(c.saramaVer, topics)
	err = askInTurn(nodes, "a metadata request", func(n int) (err error) {
		resp, err = c.metadataFrom(n, req)
		return err
	})
	return resp, err
}

// askInTurn runs ask for each node in order until one answers; what
// names the request in the error when none does.
func askInTurn(nodes []int, what string, ask func(n int) error) error {
	var errs []error
	for _, n := range nodes {
		err := ask(n)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(append(errs, fmt.Errorf("none of nodes %v answered %s", nodes, what))...)
}

// Reassignments returns the reassignments in progress among the
// partitions, asking the given nodes in turn on the observer's own
// connections: one request, which a broker forwards to the active
// controller, so the timeline can afford it.
func (c *Cluster) Reassignments(from []int, partitions map[string][]int32) ([]schema.Reassignment, error) {
	req := &sarama.ListPartitionReassignmentsRequest{TimeoutMs: 10000}
	for t, ps := range partitions {
		req.AddBlock(t, ps)
	}
	var resp *sarama.ListPartitionReassignmentsResponse
	err := askInTurn(from, "a ListPartitionReassignments request", func(n int) error {
		err := c.onProbe(n, func(b *sarama.Broker) (err error) {
			resp, err = b.ListPartitionReassignments(req)
			return err
		})
		if err == nil && !errors.Is(resp.ErrorCode, sarama.ErrNoError) {
			err = resp.ErrorCode
		}
		if err != nil {
			return fmt.Errorf("reassignments from node %d: %w", n, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return reassignments(resp), nil
}

// reassignments lists a ListPartitionReassignments response sorted by
// topic and partition.
func reassignments(resp *sarama.ListPartitionReassignmentsResponse) []schema.Reassignment {
	var out []schema.Reassignment
	for t, parts := range resp.TopicStatus {
		for p, st := range parts {
			out = append(out, schema.Reassignment{Topic: t, Partition: p, Replicas: st.Replicas, Adding: st.AddingReplicas, Removing: st.RemovingReplicas})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

// HighWatermarksFrom is HighWatermarks of every topic, read on a new client
// bootstrapped from the given nodes rather than on the shared one, whose
// cached metadata may still name a leader that has just lost its
// partitions.
func (c *Cluster) HighWatermarksFrom(nodes []int, topics ...string) (map[string][]int64, error) {
	cl, err := sarama.NewClient(c.bootstrapOf(nodes), c.SaramaConfig("kafka-chaos-fault-offsets"))
	if err != nil {
		return nil, fmt.Errorf("offsets client: %w", err)
	}
	defer func() { _ = cl.Close() }()
	out := make(map[string][]int64, len(topics))
	for _, t := range topics {
		if out[t], err = highWatermarks(cl, t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AllNodes lists every node id, 1..Nodes.
func AllNodes() []int {
	ns := make([]int, 0, Nodes)
	for n := 1; n <= Nodes; n++ {
		ns = append(ns, n)
	}
	return ns
}

// IDs lists every node id, 1..Nodes.
func (c *Cluster) IDs() []int { return AllNodes() }

func partitionStates(resp *sarama.MetadataResponse) ([]schema.PartitionState, error) {
	var out []schema.PartitionState
	for _, t := range resp.Topics {
		if !errors.Is(t.Err, sarama.ErrNoError) {
			return nil, fmt.Errorf("metadata of topic %s: %w", t.Name, t.Err)
		}
		for _, p := range t.Partitions {
			out = append(out, schema.PartitionState{
				Topic: t.Name, Partition: p.ID, Leader: p.Leader, LeaderEpoch: p.LeaderEpoch,
				Replicas: p.Replicas, ISR: p.Isr,
			})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out, nil
}

// BrokersFrom returns the brokers a metadata response from one of the given
// nodes lists, that is the registered brokers that are not fenced. It does
// not go through the shared admin client, which may be stuck on the very
// node that just stopped.
func (c *Cluster) BrokersFrom(nodes []int, topics ...string) ([]int32, error) {
	resp, err := c.metadataFromAny(nodes, topics)
	if err != nil {
		return nil, err
	}
	ids := make([]int32, 0, len(resp.Brokers))
	for _, b := range resp.Brokers {
		ids = append(ids, b.ID())
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, nil
}

// ReplicaBytes returns the size of node n's replica of each partition of
// the topics, as node n itself describes its log directories
// (DescribeLogDirs), by topic and partition; a partition node n holds no
// replica of is absent. A log being moved between directories
// (AlterReplicaLogDirs) is not counted, only the replica's current one.
func (c *Cluster) ReplicaBytes(n int, topics ...string) (map[string]map[int32]int64, error) {
	var resp *sarama.DescribeLogDirsResponse
	err := c.onProbe(n, func(b *sarama.Broker) (err error) {
		// Version 4 is answered by every KRaft release from 3.3 on,
		// 4.x included (which dropped version 0).
		resp, err = b.DescribeLogDirs(&sarama.DescribeLogDirsRequest{Version: 4})
		return err
	})
	if err == nil && !errors.Is(resp.ErrorCode, sarama.ErrNoError) {
		err = resp.ErrorCode
	}
	if err != nil {
		return nil, fmt.Errorf("log directories of node %d: %w", n, err)
	}
	return replicaBytes(resp, topics), nil
}

// replicaBytes picks the topics' replicas out of a DescribeLogDirs
// response.
func replicaBytes(resp *sarama.DescribeLogDirsResponse, topics []string) map[string]map[int32]int64 {
	out := map[string]map[int32]int64{}
	for _, d := range resp.LogDirs {
		for _, t := range d.Topics {
			if !slices.Contains(topics, t.Topic) {
				continue
			}
			for _, p := range t.Partitions {
				if p.IsTemporary {
					continue
				}
				if out[t.Topic] == nil {
					out[t.Topic] = map[int32]int64{}
				}
				out[t.Topic][p.PartitionID] = p.Size
			}
		}
	}
	return out
}
