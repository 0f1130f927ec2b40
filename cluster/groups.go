package cluster

import (
	"slices"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// DescribeGroups returns each group's state and members.
func (c *Cluster) DescribeGroups(groups []string) ([]schema.GroupState, error) {
	ds, err := c.admin.DescribeConsumerGroups(groups)
	out := make([]schema.GroupState, 0, len(ds))
	for _, d := range ds {
		clients := make([]string, 0, len(d.Members))
		for _, m := range d.Members {
			clients = append(clients, m.ClientId)
		}
		slices.Sort(clients)
		out = append(out, schema.GroupState{Group: d.GroupId, State: d.State, Clients: clients})
	}
	return out, err
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
