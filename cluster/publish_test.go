package cluster

import (
	"fmt"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/sarama"
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

// fakeBroker answers one connection as a broker of the given node id would:
// Kafka describes only its own broker resource and refuses the others.
func fakeBroker(t *testing.T, clusterID string, self int) *sarama.MockBroker {
	t.Helper()
	return answerAs(t, sarama.NewMockBroker(t, int32(self)), clusterID, self)
}

// answerAs makes mb answer one connection as node self of clusterID.
func answerAs(t *testing.T, mb *sarama.MockBroker, clusterID string, self int) *sarama.MockBroker {
	t.Cleanup(mb.Close)
	res := &sarama.DescribeConfigsResponse{}
	for n := 1; n <= Nodes; n++ {
		r := &sarama.ResourceResponse{Type: sarama.BrokerResource, Name: strconv.Itoa(n)}
		if n == self {
			r.Configs = []*sarama.ConfigEntry{{Name: "node.id", Value: r.Name}}
		} else {
			r.ErrorCode = int16(sarama.ErrInvalidRequest)
			r.ErrorMsg = fmt.Sprintf("Unexpected broker id, expected %d or empty string, but received %d", self, n)
		}
		res.Resources = append(res.Resources, r)
	}
	mb.Returns(&sarama.ApiVersionsResponse{})
	mb.Returns(&sarama.MetadataResponse{ClusterID: &clusterID})
	mb.Returns(res)
	return mb
}

func TestAnsweringNamesTheNodeThatDescribesItself(t *testing.T) {
	c := &Cluster{saramaVer: sarama.V4_0_0_0}
	cluster, node, err := c.answering(fakeBroker(t, "other", 2).Addr())
	if err != nil || cluster != "other" || node != 2 {
		t.Errorf("answering = %q, %d, %v; want \"other\", 2", cluster, node, err)
	}
	if _, _, err := c.answering(fakeBroker(t, "other", Nodes+1).Addr()); err == nil {
		t.Error("a broker that is none of the nodes was taken for one")
	}
}

// A broker is listed before its client listener accepts connections: the
// address check asks again until it answers, and gives up after the wait.
func TestAnsweringWithinWaitsForABrokerStillStarting(t *testing.T) {
	c := &Cluster{saramaVer: sarama.V4_0_0_0}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if _, _, err := c.answeringWithin(addr, 300*time.Millisecond); err == nil {
		t.Fatalf("an address nothing listens on answered")
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("listen on %s again: %v", addr, err)
			return
		}
		answerAs(t, sarama.NewMockBrokerListener(t, 1, l), "this", 1)
	}()
	cluster, node, err := c.answeringWithin(addr, 10*time.Second)
	if err != nil || cluster != "this" || node != 1 {
		t.Errorf("answeringWithin = %q, %d, %v; want \"this\", 1", cluster, node, err)
	}
}
