package faults

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// The fake's Maintenance: a node's release and static settings change
// only while it is stopped and show once it runs again.

// UpgradeNode implements Maintenance.
func (c *fakeCluster) UpgradeNode(_ context.Context, n int, version string) error {
	if c.running[n] {
		return fmt.Errorf("node %d runs: stop it first", n)
	}
	if !c.mislabelled {
		c.release[n] = version
	}
	return nil
}

// KafkaVersion implements Maintenance.
func (c *fakeCluster) KafkaVersion(_ context.Context, n int) (string, error) {
	return c.reported[n], nil
}

// MetadataVersion implements Maintenance.
func (c *fakeCluster) MetadataVersion(context.Context, int) (string, error) {
	return c.metadataVersion, nil
}

// UpgradeFeatures implements Maintenance: the controller refuses levels
// that a node's release does not support.
func (c *fakeCluster) UpgradeFeatures(_ context.Context, _ int, release string) (before, after string, err error) {
	before = c.metadataVersion
	for _, n := range c.IDs() {
		if !strings.HasPrefix(c.reported[n], release+".") {
			return before, before, fmt.Errorf("node %d runs Kafka %s, which does not support release %s", n, c.reported[n], release)
		}
	}
	c.metadataVersion = release + "-IV0"
	return before, c.metadataVersion, nil
}

// SetNodeSettings implements Maintenance.
func (c *fakeCluster) SetNodeSettings(_ context.Context, n int, settings map[string]string) error {
	if c.running[n] {
		return fmt.Errorf("node %d runs: stop it first", n)
	}
	for k, v := range settings {
		setConf(c.static, n, k, v)
	}
	return nil
}

// BrokerConfig implements Admin: the static settings, the dynamic ones
// over them.
func (c *fakeCluster) BrokerConfig(_ []int, broker int, names ...string) (map[string]string, error) {
	all := maps.Clone(c.static[broker])
	if all == nil {
		all = map[string]string{}
	}
	maps.Copy(all, c.brokerConf[broker])
	out := map[string]string{}
	for _, k := range names {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// The fake's quorum: every node a voter with directory "dir-n" unless
// removed, then an observer with it; a replaced node observes with a new
// directory too until added.

// Quorum implements Maintenance.
func (c *fakeCluster) Quorum(_ context.Context, n int) ([]schema.QuorumMember, error) {
	if !c.running[n] {
		return nil, fmt.Errorf("node %d: connection refused", n)
	}
	var out []schema.QuorumMember
	for _, id := range c.IDs() {
		if c.removed[id] {
			// Listed a while yet, as Kafka lists what fetched lately.
			out = append(out, schema.QuorumMember{Node: id, DirectoryID: c.voterDir(id), Status: "Observer"})
		}
		if dir, ok := c.observing[id]; ok {
			out = append(out, schema.QuorumMember{Node: id, DirectoryID: dir, Status: "Observer"})
			continue
		}
		if c.removed[id] {
			continue
		}
		status := "Follower"
		if id == c.controller {
			status = "Leader"
		}
		out = append(out, schema.QuorumMember{Node: id, DirectoryID: c.voterDir(id), Status: status})
	}
	return out, nil
}

// voterDir is node n's controller directory as a voter.
func (c *fakeCluster) voterDir(n int) string {
	if d, ok := c.dirs[n]; ok {
		return d
	}
	return fmt.Sprintf("dir-%d", n)
}

// RemoveController implements Maintenance.
func (c *fakeCluster) RemoveController(_ context.Context, _, n int, dir string) error {
	if c.removed[n] || dir != c.voterDir(n) {
		return fmt.Errorf("no voter %d with directory %s", n, dir)
	}
	c.removed[n] = true
	return nil
}

// UnregisterBroker implements Maintenance.
func (c *fakeCluster) UnregisterBroker(_ context.Context, _, n int) error {
	if c.running[n] {
		return fmt.Errorf("broker %d is active", n)
	}
	return nil
}

// ReplaceNode implements Maintenance.
func (c *fakeCluster) ReplaceNode(_ context.Context, n int) error {
	if c.running[n] {
		return fmt.Errorf("node %d runs: stop it first", n)
	}
	delete(c.bytes, n)
	c.observing[n] = fmt.Sprintf("fresh-%d", n)
	return nil
}

// AddController implements Maintenance.
func (c *fakeCluster) AddController(_ context.Context, n int) error {
	dir, ok := c.observing[n]
	if !ok || !c.running[n] {
		return fmt.Errorf("node %d is no running observer", n)
	}
	delete(c.observing, n)
	c.removed[n], c.dirs[n] = false, dir
	return nil
}

// quorumOf is the quorum as node 1 reports it.
func (c *fakeCluster) quorumOf(t *testing.T) []schema.QuorumMember {
	t.Helper()
	m, err := c.Quorum(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
