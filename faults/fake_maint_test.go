package faults

import (
	"context"
	"fmt"
	"maps"
	"strings"
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
