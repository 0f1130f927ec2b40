package runner

import (
	"context"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// createPinned creates a pinned topic (pinTopic) and adds it to the
// scenario's topics.
func (r *run) createPinned(ctx context.Context, topic string, leader int, prof schema.Profile) error {
	if err := pinTopic(ctx, r.p.Cluster, topic, leader, r.s.Partitions, prof); err != nil {
		return err
	}
	r.topics = append(r.topics, topic)
	return nil
}

// pinTopic creates a topic with the profile's topic settings whose every
// partition has the same replicas, leader first.
func pinTopic(ctx context.Context, c *cluster.Cluster, topic string, leader, partitions int, prof schema.Profile) error {
	replicas := []int32{int32(leader)}
	for n := 1; n <= cluster.Nodes; n++ {
		if n != leader {
			replicas = append(replicas, int32(n))
		}
	}
	assign := make([][]int32, partitions)
	for i := range assign {
		assign[i] = replicas[:prof.ReplicationFactor]
	}
	return c.CreateTopic(ctx, cluster.TopicSpec{Name: topic, Replicas: assign, Configs: prof.TopicConfigs()})
}
