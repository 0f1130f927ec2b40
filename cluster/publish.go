package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/IBM/sarama"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
)

var loopback = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// daemonHost returns the host testcontainers reaches published ports on:
// TESTCONTAINERS_HOST_OVERRIDE, the engine's address, or the bridge gateway
// for a harness in a container. Start needs it before the first container,
// whose ports are published according to it.
func daemonHost(ctx context.Context) (string, error) {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrDockerUnavailable, err)
	}
	defer p.Close()
	host, err := p.DaemonHost(ctx)
	if err != nil {
		return "", fmt.Errorf("docker host: %w", err)
	}
	return host, nil
}

// publishedOn returns the address the cluster's ports are published on, on
// the engine's machine, and the host every host-side address names
// (toxiproxy's API, the bootstrap, the brokers' advertised client
// listeners), given the host testcontainers reaches the engine's ports on.
//
// Docker publishes a port without a host address on 0.0.0.0 and on [::],
// with host ports it chooses separately and which can differ
// (moby/moby#42442): where localhost resolves to ::1 first,
// localhost:<the IPv4 port> can reach another container. A local engine's
// ports are therefore published on 127.0.0.1 alone and named by that
// address. A remote engine's (or, for a harness in a container, the bridge
// gateway's) keep the host testcontainers names, and are published on IPv4
// alone so that each has a single host port.
func publishedOn(daemonHost string) (bindIP netip.Addr, host string) {
	if ip, err := netip.ParseAddr(daemonHost); daemonHost == "localhost" || err == nil && ip.IsLoopback() {
		return loopback, loopback.String()
	}
	return netip.IPv4Unspecified(), daemonHost
}

// published returns a container request's exposed ports and the port
// bindings that publish each of them on bindIP alone, on a host port the
// engine chooses. testcontainers keeps the bindings of the ports a request
// exposes and publishes the others on every address.
func published(bindIP netip.Addr, ports ...int) (exposed []string, bindings network.PortMap) {
	bindings = network.PortMap{}
	for _, n := range ports {
		p, _ := network.PortFrom(uint16(n), network.TCP)
		exposed = append(exposed, p.String())
		bindings[p] = []network.PortBinding{{HostIP: bindIP}}
	}
	return exposed, bindings
}

// checkAdvertised asks the broker behind every advertised client address
// which cluster and node it is. An address that reaches another node, or
// another cluster's, would make every result about the wrong broker while
// the cluster looks healthy.
func (c *Cluster) checkAdvertised() error {
	brokers, _, err := c.admin.DescribeCluster()
	if err != nil {
		return fmt.Errorf("describe cluster: %w", err)
	}
	var errs []error
	for _, b := range brokers {
		cluster, node, err := c.answeringWithin(b.Addr(), advertisedWait)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("advertised address %s of node %d: %w", b.Addr(), b.ID(), err))
		case cluster != c.info.ClusterID || node != b.ID():
			errs = append(errs, fmt.Errorf("advertised address %s of node %d reached node %d of cluster %s (this cluster is %s)", b.Addr(), b.ID(), node, cluster, c.info.ClusterID))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w\nevery advertised address must reach its own node: bind published ports to 127.0.0.1 and advertise 127.0.0.1, not a name such as localhost that may resolve to ::1, where Docker can give the same port number to another container (moby/moby#42442)", errors.Join(errs...))
	}
	return nil
}

// advertisedWait bounds how long the address check asks again a broker
// that does not answer. The controller lists a broker once it unfences it,
// and the broker opens its client listener only then: milliseconds later
// (11 ms in a look-alike run), more on a busy machine, so the first
// connection may find nothing listening and its proxy closes it.
const advertisedWait = 10 * time.Second

// answeringWithin is answering, asked again until the broker answers or
// the wait is over. A broker that answers as the wrong node is not asked
// again: that is the check's finding, not a broker still starting.
func (c *Cluster) answeringWithin(addr string, wait time.Duration) (cluster string, node int32, err error) {
	deadline := time.Now().Add(wait)
	for {
		cluster, node, err = c.answering(addr)
		if err == nil || !time.Now().Before(deadline) {
			return cluster, node, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// answering returns the cluster and node of the broker at addr. A broker
// describes its own configuration only and refuses every other broker id,
// so of a request for every node id one resource, the answering node's,
// comes back without an error.
func (c *Cluster) answering(addr string) (cluster string, node int32, err error) {
	b := sarama.NewBroker(addr)
	if err := b.Open(c.SaramaConfig("kafka-chaos-address-check")); err != nil {
		return "", -1, err
	}
	defer b.Close()
	md, err := b.GetMetadata(sarama.NewMetadataRequest(c.saramaVer, nil))
	if err != nil {
		return "", -1, fmt.Errorf("metadata: %w", err)
	}
	if md.ClusterID != nil {
		cluster = *md.ClusterID
	}
	// Version 4 is Kafka 2.8's; sarama lowers it to the newest the broker
	// knows, and Kafka 4 refuses the version 0 a request has by default.
	req := &sarama.DescribeConfigsRequest{Version: 4}
	for n := 1; n <= Nodes; n++ {
		req.Resources = append(req.Resources, &sarama.ConfigResource{Type: sarama.BrokerResource, Name: strconv.Itoa(n), ConfigNames: []string{"node.id"}})
	}
	res, err := b.DescribeConfigs(req)
	if err != nil {
		return cluster, -1, fmt.Errorf("describe broker configs: %w", err)
	}
	for _, r := range res.Resources {
		if r.ErrorCode == 0 {
			id, err := strconv.ParseInt(r.Name, 10, 32)
			return cluster, int32(id), err
		}
	}
	return cluster, -1, fmt.Errorf("the broker there, of cluster %s, is none of nodes 1..%d", cluster, Nodes)
}
