package cluster

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Pool keeps one cluster alive between scenarios that need the same
// cluster, so a matrix pays the start-up once per configuration rather than
// once per scenario. Only one cluster runs at a time (the machine running
// the harness is usually small); the previous one is being removed while
// the next starts.
type Pool struct {
	cur     *Cluster
	key     string
	trusted bool
}

func poolKey(cfg Config) string {
	keys := slices.Sorted(maps.Keys(cfg.Settings))
	k := fmt.Sprintf("kafka=%s lossy=%t separate-metadata=%t dynamic-quorum=%t", cfg.KafkaVersion, cfg.LossyFS != "", cfg.SeparateMetadataDir, cfg.DynamicQuorum)
	for _, s := range keys {
		k += fmt.Sprintf(" %s=%s", s, cfg.Settings[s])
	}
	return k
}

// Get returns a healthy cluster for cfg: the current one when its
// configuration matches, the last scenario left it trusted, and it passes a
// health check (toxics removed, three brokers registered) and sheds the
// earlier scenarios' topics, and no scenario upgraded it or changed a
// node's settings; otherwise a new one, removing the current.
func (p *Pool) Get(ctx context.Context, cfg Config) (c *Cluster, reused bool, err error) {
	key := poolKey(cfg)
	if p.cur != nil && p.key == key && p.trusted && !p.cur.Altered() {
		if err := p.cur.healthCheck(); err == nil && p.cur.deleteTopics() == nil {
			p.trusted = false
			return p.cur, true, nil
		}
	}
	// The current cluster is removed while the new one starts: its
	// containers are killed at once, and removing them and their networks
	// is the Docker engine's work, which need not hold up the start.
	old := p.cur
	p.cur, p.key, p.trusted = nil, "", false
	closed := make(chan error, 1)
	if old == nil {
		closed <- nil
	} else {
		go func() { closed <- old.Close(context.WithoutCancel(ctx)) }()
	}
	c, err = Start(ctx, cfg)
	if cerr := <-closed; cerr != nil {
		if c != nil {
			cerr = errors.Join(cerr, c.Close(context.WithoutCancel(ctx)))
		}
		return nil, false, fmt.Errorf("remove the previous cluster: %w", cerr)
	}
	if err != nil {
		return nil, false, err
	}
	p.cur, p.key, p.trusted = c, key, false
	return c, false, nil
}

// Release hands the cluster back; trusted says the scenario ended healed
// (it proved something and recovered), so the next one may reuse it.
func (p *Pool) Release(trusted bool) { p.trusted = trusted }

// Current returns the running cluster, if any.
func (p *Pool) Current() *Cluster { return p.cur }

// Close removes the current cluster.
func (p *Pool) Close(ctx context.Context) error {
	if p.cur == nil {
		return nil
	}
	err := p.cur.Close(ctx)
	p.cur, p.key, p.trusted = nil, "", false
	return err
}

// deleteTopics deletes every topic but Kafka's own: a reused cluster
// starts the next scenario as a fresh one would, and a broker restarted by
// a fault loads and catches up that scenario's partitions only.
func (c *Cluster) deleteTopics() error {
	topics, err := c.admin.ListTopics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	for name := range topics {
		if strings.HasPrefix(name, "__") {
			continue
		}
		if err := c.DeleteTopic(name); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) healthCheck() error {
	if err := c.Heal(); err != nil {
		return err
	}
	brokers, err := c.LiveBrokers()
	if err != nil {
		return err
	}
	if len(brokers) != Nodes {
		return fmt.Errorf("%d of %d brokers registered", len(brokers), Nodes)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for n := 1; n <= Nodes; n++ {
		if running, err := c.Running(ctx, n); err != nil || !running {
			return errors.Join(err, fmt.Errorf("node %d is not running", n))
		}
	}
	return nil
}
