package cluster

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/network"
)

func TestPublishedOnLoopbackForALocalEngine(t *testing.T) {
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		ip, name := publishedOn(host)
		if ip != netip.MustParseAddr("127.0.0.1") || name != "127.0.0.1" {
			t.Errorf("publishedOn(%q) = %s, %q; want 127.0.0.1, \"127.0.0.1\"", host, ip, name)
		}
	}
	for _, host := range []string{"172.17.0.1", "docker.example.com"} {
		ip, name := publishedOn(host)
		if ip != netip.MustParseAddr("0.0.0.0") || name != host {
			t.Errorf("publishedOn(%q) = %s, %q; want 0.0.0.0 and the host itself", host, ip, name)
		}
	}
}

func TestPublishedBindsEveryPortToOneAddress(t *testing.T) {
	ip := netip.MustParseAddr("127.0.0.1")
	exposed, bindings := published(ip, toxiproxyAPIPort, clientPort(1))
	if want := []string{"8474/tcp", "9194/tcp"}; !reflect.DeepEqual(exposed, want) {
		t.Errorf("exposed %v, want %v", exposed, want)
	}
	want := network.PortMap{
		network.MustParsePort("8474/tcp"): {{HostIP: ip}},
		network.MustParsePort("9194/tcp"): {{HostIP: ip}},
	}
	if !reflect.DeepEqual(bindings, want) {
		t.Errorf("bindings %v, want %v (one binding each, host port left to the engine)", bindings, want)
	}
}
