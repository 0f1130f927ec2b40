package cluster

import (
	"errors"
	"fmt"
	"slices"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// DescribeGroups returns each group's state and members. A group on the
// consumer protocol (KIP-848) is not a classic group: DescribeGroups shows
// it dead or unknown, so it is asked again with ConsumerGroupDescribe.
func (c *Cluster) DescribeGroups(groups []string) ([]schema.GroupState, error) {
	ds, err := c.admin.DescribeConsumerGroups(groups)
	out := make([]schema.GroupState, 0, len(ds))
	for _, d := range ds {
		if d.Err != sarama.ErrNoError || d.State == "Dead" {
			if g, ok, kerr := c.describeConsumerProtocol(d.GroupId); ok || kerr != nil {
				out = append(out, g)
				err = errors.Join(err, kerr)
				continue
			}
		}
		clients := make([]string, 0, len(d.Members))
		for _, m := range d.Members {
			clients = append(clients, m.ClientId)
		}
		slices.Sort(clients)
		out = append(out, schema.GroupState{Group: d.GroupId, State: d.State, Clients: clients})
	}
	return out, err
}

// describeConsumerProtocol describes a consumer-protocol group; ok is
// false when the coordinator knows no such group.
func (c *Cluster) describeConsumerProtocol(group string) (g schema.GroupState, ok bool, err error) {
	g.Group = group
	b, err := c.admin.Coordinator(group)
	if err != nil {
		return g, false, err
	}
	req := sarama.NewConsumerGroupDescribeRequest(c.saramaVer)
	req.GroupIDs = []string{group}
	res, err := b.ConsumerGroupDescribe(req)
	if err != nil {
		return g, false, fmt.Errorf("describe consumer group %s: %w", group, err)
	}
	if len(res.Groups) != 1 || res.Groups[0].ErrorCode != sarama.ErrNoError {
		return g, false, nil
	}
	d := res.Groups[0]
	g.State = d.GroupState
	for _, m := range d.Members {
		g.Clients = append(g.Clients, m.ClientID)
	}
	slices.Sort(g.Clients)
	return g, true, nil
}

// groupResource is the GROUP config resource type (KIP-848), which sarama
// does not name.
const groupResource sarama.ConfigResourceType = 32

// SetGroupConfig sets a consumer group's dynamic configuration.
func (c *Cluster) SetGroupConfig(group string, settings map[string]string) error {
	entries := map[string]sarama.IncrementalAlterConfigsEntry{}
	for k, v := range settings {
		entries[k] = sarama.IncrementalAlterConfigsEntry{Operation: sarama.IncrementalAlterConfigsOperationSet, Value: &v}
	}
	if err := c.admin.IncrementalAlterConfig(groupResource, group, entries, false); err != nil {
		return fmt.Errorf("group %s config %v: %w", group, settings, err)
	}
	return nil
}

// Coordinator returns the node coordinating a consumer group. Asking for
// a group the first time creates __consumer_offsets, so the first answers
// may be errors.
func (c *Cluster) Coordinator(group string) (int, error) {
	b, err := c.admin.Coordinator(group)
	if err != nil {
		return 0, err
	}
	return int(b.ID()), nil
}

// TxnCoordinator returns the node coordinating a transactional id. Asking
// the first time creates __transaction_state, so the first answers may be
// errors.
func (c *Cluster) TxnCoordinator(transactionalID string) (int, error) {
	if err := c.kclient.RefreshTransactionCoordinator(transactionalID); err != nil {
		return 0, err
	}
	b, err := c.kclient.TransactionCoordinator(transactionalID)
	if err != nil {
		return 0, err
	}
	return int(b.ID()), nil
}
