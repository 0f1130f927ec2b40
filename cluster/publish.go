package cluster

import (
	"context"
	"fmt"
	"net/netip"

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
