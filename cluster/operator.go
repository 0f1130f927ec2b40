package cluster

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/IBM/sarama"
)

// withAdminFrom runs call on a new admin client bootstrapped from the
// given nodes only. The shared admin client caches which broker takes
// controller requests (in KRaft a random one) and keeps sending to it
// after it died, timing out until its next metadata refresh minutes later;
// a new client asks a live node.
func (c *Cluster) withAdminFrom(nodes []int, call func(sarama.ClusterAdmin) error) error {
	adm, err := sarama.NewClusterAdmin(c.bootstrapOf(nodes), c.SaramaConfig("kafka-chaos-fault-admin"))
	if err != nil {
		return fmt.Errorf("admin client: %w", err)
	}
	defer func() { _ = adm.Close() }()
	return call(adm)
}

// ElectLeaders asks the given nodes for a preferred or (unclean) an
// unclean election of the partitions, and returns each partition's
// outcome: nil where it got a leader, Kafka's error otherwise.
func (c *Cluster) ElectLeaders(from []int, unclean bool, partitions map[string][]int32) (map[string]map[int32]error, error) {
	kind := sarama.PreferredElection
	if unclean {
		kind = sarama.UncleanElection
	}
	var res map[string]map[int32]*sarama.PartitionResult
	err := c.withAdminFrom(from, func(adm sarama.ClusterAdmin) (err error) {
		res, err = adm.ElectLeaders(kind, partitions)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[int32]error, len(res))
	for t, parts := range res {
		out[t] = make(map[int32]error, len(parts))
		for p, r := range parts {
			var perr error
			if !errors.Is(r.ErrorCode, sarama.ErrNoError) {
				perr = r.ErrorCode
			}
			out[t][p] = perr
		}
	}
	return out, nil
}

// Reassign sets the replica list of every partition of topic, asking the
// given nodes: assignment[p] is partition p's, the first replica its
// preferred leader.
func (c *Cluster) Reassign(from []int, topic string, assignment [][]int32) error {
	return c.withAdminFrom(from, func(adm sarama.ClusterAdmin) error {
		return adm.AlterPartitionReassignments(topic, assignment)
	})
}

// TopicConfig returns the named settings of a topic, asking the given
// nodes.
func (c *Cluster) TopicConfig(from []int, topic string, names ...string) (map[string]string, error) {
	return c.describeConfig(from, sarama.ConfigResource{Type: sarama.TopicResource, Name: topic, ConfigNames: names})
}

// BrokerConfig returns the named settings of broker n as it reports
// them, its server.properties included; the request goes to that broker,
// found through the given nodes.
func (c *Cluster) BrokerConfig(from []int, broker int, names ...string) (map[string]string, error) {
	return c.describeConfig(from, sarama.ConfigResource{Type: sarama.BrokerResource, Name: strconv.Itoa(broker), ConfigNames: names})
}

// describeConfig returns the settings of a resource, by name.
func (c *Cluster) describeConfig(from []int, res sarama.ConfigResource) (map[string]string, error) {
	var entries []sarama.ConfigEntry
	err := c.withAdminFrom(from, func(adm sarama.ClusterAdmin) (err error) {
		entries, err = adm.DescribeConfig(res)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		out[e.Name] = e.Value
	}
	return out, nil
}

// SetTopicConfig sets one setting of a topic, asking the given nodes.
func (c *Cluster) SetTopicConfig(from []int, topic, name, value string) error {
	return c.alterConfig(from, sarama.TopicResource, topic, name, &value)
}

// DeleteTopicConfig removes one setting of a topic, asking the given
// nodes: the broker's default applies again.
func (c *Cluster) DeleteTopicConfig(from []int, topic, name string) error {
	return c.alterConfig(from, sarama.TopicResource, topic, name, nil)
}

// SetBrokerConfig sets one dynamic setting of broker n; the request goes
// to that broker, found through the given nodes.
func (c *Cluster) SetBrokerConfig(from []int, broker int, name, value string) error {
	return c.alterConfig(from, sarama.BrokerResource, strconv.Itoa(broker), name, &value)
}

// DeleteBrokerConfig removes one dynamic setting of broker n: its
// configured or default value applies again.
func (c *Cluster) DeleteBrokerConfig(from []int, broker int, name string) error {
	return c.alterConfig(from, sarama.BrokerResource, strconv.Itoa(broker), name, nil)
}

// alterConfig sets one setting of a resource with IncrementalAlterConfigs,
// or deletes it when value is nil.
func (c *Cluster) alterConfig(from []int, typ sarama.ConfigResourceType, resource, name string, value *string) error {
	op := sarama.IncrementalAlterConfigsOperationSet
	if value == nil {
		op = sarama.IncrementalAlterConfigsOperationDelete
	}
	entry := map[string]sarama.IncrementalAlterConfigsEntry{name: {Operation: op, Value: value}}
	return c.withAdminFrom(from, func(adm sarama.ClusterAdmin) error {
		return adm.IncrementalAlterConfig(typ, resource, entry, false)
	})
}
