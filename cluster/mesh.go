package cluster

import (
	"context"
	"errors"
	"fmt"

	toxiproxy "github.com/Shopify/toxiproxy/v2/client"
	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// proxyName is the proxy that carries a link.
func proxyName(l schema.Link) string {
	if l.Kind == schema.ClientLink {
		return fmt.Sprintf("client-%d", l.To)
	}
	return fmt.Sprintf("%s-%d-%d", l.Kind, l.From, l.To)
}

// containerProxyName is the proxy of a client link for client containers.
func containerProxyName(n int) string { return fmt.Sprintf("containers-%d", n) }

// proxyNames are the proxies that carry the link: a client link has two,
// one for the harness's clients on the host and one for client
// containers, cut and degraded together so a client fault hits both.
func proxyNames(l schema.Link) []string {
	if l.Kind == schema.ClientLink {
		return []string{proxyName(l), containerProxyName(l.To)}
	}
	return []string{proxyName(l)}
}

type mesh struct {
	api     *toxiproxy.Client
	apiAddr string
	// clientHostPort[n] is the host port that reaches node n's CLIENT
	// listener through its proxy.
	clientHostPort map[int]int
}

// startMesh starts toxiproxy on every per-node network and creates one proxy
// per client link and per ordered node pair and listener. It runs before the
// nodes so their advertised client ports are known.
func (c *Cluster) startMesh(ctx context.Context) error {
	ctr, apiPort, err := c.startToxiproxy(ctx)
	if err != nil {
		return err
	}
	m := &mesh{
		api:            toxiproxy.NewClient(fmt.Sprintf("%s:%d", c.host, apiPort)),
		apiAddr:        fmt.Sprintf("http://%s:%d", c.host, apiPort),
		clientHostPort: map[int]int{},
	}
	inspect, err := ctr.Inspect(ctx)
	if err != nil {
		return fmt.Errorf("inspect toxiproxy: %w", err)
	}
	clients, err := m.clientProxies(ctx, ctr)
	if err != nil {
		return err
	}
	containers, err := c.containerProxies(inspect)
	if err != nil {
		return err
	}
	peers, err := c.peerProxies(inspect)
	if err != nil {
		return err
	}
	if _, err := m.api.Populate(append(append(clients, containers...), peers...)); err != nil {
		return fmt.Errorf("create proxies: %w", err)
	}
	c.mesh = m
	return nil
}

// startToxiproxy starts the toxiproxy container on every node's network,
// carrying there the aliases of the other nodes, and returns it with the
// host port of its API.
func (c *Cluster) startToxiproxy(ctx context.Context) (testcontainers.Container, uint16, error) {
	aliases := map[string][]string{}
	var names []string
	for i := 1; i <= Nodes; i++ {
		nw := c.networks[i-1].Name
		names = append(names, nw)
		for j := 1; j <= Nodes; j++ {
			if j != i {
				aliases[nw] = append(aliases[nw], nodeAlias(j))
			}
		}
	}
	names = append(names, c.clients.Name)
	for n := 1; n <= Nodes; n++ {
		aliases[c.clients.Name] = append(aliases[c.clients.Name], nodeAlias(n))
	}
	ports := []int{toxiproxyAPIPort}
	for n := 1; n <= Nodes; n++ {
		ports = append(ports, clientPort(n))
	}
	exposed, bindings := published(c.bindIP, ports...)
	req := testcontainers.ContainerRequest{
		Image:              c.cfg.Images.Toxiproxy,
		Name:               fmt.Sprintf("kafka-chaos-%s-toxiproxy", c.cfg.RunID),
		Cmd:                []string{"-host=0.0.0.0"},
		ExposedPorts:       exposed,
		HostConfigModifier: func(hc *container.HostConfig) { hc.PortBindings = bindings },
		Labels:             labels(c.cfg.RunID),
		Networks:           names,
		NetworkAliases:     aliases,
		// The image has no shell, so readiness is checked from the host,
		// on IPv4 where the port is published.
		WaitingFor: wait.ForHTTP("/version").WithPort(exposed[0]).WithForcedIPv4LocalHost(),
	}
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{ContainerRequest: req, Started: true})
	c.toxiC = ctr
	if err != nil {
		return nil, 0, c.startError("toxiproxy", c.cfg.Images.Toxiproxy, err)
	}
	apiPort, err := ctr.MappedPort(ctx, exposed[0])
	if err != nil {
		return nil, 0, fmt.Errorf("toxiproxy api port: %w", err)
	}
	return ctr, apiPort.Num(), nil
}

// clientProxies returns the proxy of every client link, each listening on
// a port published to the host, and records those host ports.
func (m *mesh) clientProxies(ctx context.Context, ctr testcontainers.Container) ([]toxiproxy.Proxy, error) {
	var proxies []toxiproxy.Proxy
	for n := 1; n <= Nodes; n++ {
		p, err := ctr.MappedPort(ctx, fmt.Sprintf("%d/tcp", clientPort(n)))
		if err != nil {
			return nil, fmt.Errorf("toxiproxy client port for node %d: %w", n, err)
		}
		m.clientHostPort[n] = int(p.Num())
		proxies = append(proxies, toxiproxy.Proxy{
			Name:     proxyName(schema.Link{From: schema.ClientNode, To: n, Kind: schema.ClientLink}),
			Listen:   fmt.Sprintf("0.0.0.0:%d", clientPort(n)),
			Upstream: fmt.Sprintf("%s:%d", nodeRealAlias(n), clientPort(n)),
			Enabled:  true,
		})
	}
	return proxies, nil
}

// containerProxies returns the proxy of every client link for client
// containers: bound to toxiproxy's address on the clients network, on node
// n's CONTAINERS port, so that a client container dialing kafka-n reaches
// it.
func (c *Cluster) containerProxies(toxiproxyC *container.InspectResponse) ([]toxiproxy.Proxy, error) {
	ep := toxiproxyC.NetworkSettings.Networks[c.clients.Name]
	if ep == nil || !ep.IPAddress.IsValid() {
		return nil, fmt.Errorf("toxiproxy has no address on the clients network")
	}
	var proxies []toxiproxy.Proxy
	for n := 1; n <= Nodes; n++ {
		proxies = append(proxies, toxiproxy.Proxy{
			Name:     containerProxyName(n),
			Listen:   fmt.Sprintf("%s:%d", ep.IPAddress, containerPort(n)),
			Upstream: fmt.Sprintf("%s:%d", nodeRealAlias(n), containerPort(n)),
			Enabled:  true,
		})
	}
	return proxies, nil
}

// peerProxies returns the proxy of every node-to-node link i→j and
// listener: bound to toxiproxy's address on node i's network, on node j's
// port, so that node i dialing kafka-j reaches it.
func (c *Cluster) peerProxies(toxiproxyC *container.InspectResponse) ([]toxiproxy.Proxy, error) {
	var proxies []toxiproxy.Proxy
	for i := 1; i <= Nodes; i++ {
		ep := toxiproxyC.NetworkSettings.Networks[c.networks[i-1].Name]
		if ep == nil || !ep.IPAddress.IsValid() {
			return nil, fmt.Errorf("toxiproxy has no address on the network of node %d", i)
		}
		for j := 1; j <= Nodes; j++ {
			if j == i {
				continue
			}
			for kind, port := range map[schema.LinkKind]int{schema.Internal: internalPort(j), schema.Controller: controllerPort(j)} {
				proxies = append(proxies, toxiproxy.Proxy{
					Name:     proxyName(schema.Link{From: i, To: j, Kind: kind}),
					Listen:   fmt.Sprintf("%s:%d", ep.IPAddress, port),
					Upstream: fmt.Sprintf("%s:%d", nodeRealAlias(j), port),
					Enabled:  true,
				})
			}
		}
	}
	return proxies, nil
}

func (c *Cluster) setEnabled(links []schema.Link, enabled bool) error {
	var errs []error
	for _, l := range links {
		for _, name := range proxyNames(l) {
			errs = append(errs, c.setProxyEnabled(l, name, enabled))
		}
	}
	return errors.Join(errs...)
}

func (c *Cluster) setProxyEnabled(l schema.Link, name string, enabled bool) error {
	p, err := c.mesh.api.Proxy(name)
	if err != nil {
		return fmt.Errorf("find proxy %s of %s: %w", name, l, err)
	}
	if enabled {
		err = p.Enable()
	} else {
		err = p.Disable()
	}
	if err != nil {
		return fmt.Errorf("set proxy %s of %s enabled=%v: %w", name, l, enabled, err)
	}
	return nil
}

// Cut stops traffic on the links: open connections close and new ones are
// refused, as when a cable is pulled.
func (c *Cluster) Cut(links ...schema.Link) error { return c.setEnabled(links, false) }

// Restore re-enables the links.
func (c *Cluster) Restore(links ...schema.Link) error { return c.setEnabled(links, true) }

// Degrade adds a toxic to each link.
func (c *Cluster) Degrade(t schema.Toxic, links ...schema.Link) error {
	var errs []error
	for _, l := range links {
		for _, name := range proxyNames(l) {
			p, err := c.mesh.api.Proxy(name)
			if err != nil {
				errs = append(errs, fmt.Errorf("find proxy %s of %s: %w", name, l, err))
				continue
			}
			if _, err := p.AddToxic(t.Name, t.Type, string(t.Stream), 1, toxiproxy.Attributes(t.Attributes)); err != nil {
				errs = append(errs, fmt.Errorf("add toxic %s to %s: %w", t.Name, l, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Partition cuts every node-to-node link between different groups.
func (c *Cluster) Partition(groups ...[]int) error {
	var links []schema.Link
	for gi := range groups {
		for gj := gi + 1; gj < len(groups); gj++ {
			links = append(links, schema.NodeLinks(groups[gi], groups[gj], schema.Internal, schema.Controller)...)
		}
	}
	return c.Cut(links...)
}

// Heal re-enables every proxy and removes every toxic.
func (c *Cluster) Heal() error {
	if err := c.mesh.api.ResetState(); err != nil {
		return fmt.Errorf("reset toxiproxy: %w", err)
	}
	return nil
}

// ToxiproxyAPI returns the host-side address of toxiproxy's HTTP API.
func (c *Cluster) ToxiproxyAPI() string { return c.mesh.apiAddr }
