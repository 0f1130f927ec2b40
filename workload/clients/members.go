package clients

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
)

// Groups implements faults.Members.
func (cs *Set) Groups() []string {
	out := make([]string, len(cs.groups))
	for i, g := range cs.groups {
		out[i] = g.ID()
	}
	return out
}

// Live implements faults.Members.
func (cs *Set) Live() []faults.Member {
	var out []faults.Member
	for _, g := range cs.groups {
		for _, name := range g.app.Live(context.Background()) {
			out = append(out, faults.Member{Group: g.ID(), Name: name})
		}
	}
	return out
}

// Join implements faults.Members.
func (cs *Set) Join(ctx context.Context) ([]faults.Member, error) {
	var out []faults.Member
	for _, g := range cs.groups {
		name, err := g.app.Start(ctx)
		if err != nil {
			return out, err
		}
		out = append(out, faults.Member{Group: g.ID(), Name: name})
	}
	return out, nil
}

// Signal implements faults.Members.
func (cs *Set) Signal(m faults.Member, sig syscall.Signal) error {
	g, err := cs.group(m.Group)
	if err != nil {
		return err
	}
	return g.app.Signal(context.Background(), m.Name, sig)
}

// GroupErrors implements faults.Members.
func (cs *Set) GroupErrors(id string) (int, error) {
	g, err := cs.group(id)
	if err != nil {
		return 0, err
	}
	evs, err := g.app.Events(context.Background())
	n := 0
	for _, e := range evs {
		if e.Event == consumer.EvGroupError {
			n++
		}
	}
	return n, err
}

// waitStable waits until every group is stable with all its members.
func (cs *Set) waitStable(ctx context.Context, timeout time.Duration) error {
	if len(cs.groups) == 0 {
		return nil
	}
	_, err := faults.WaitGroups(ctx, cs.p.Cluster, cs.Groups(), timeout, func(g schema.GroupState) bool {
		return g.State == "Stable" && len(g.Clients) == cs.p.Spec.Members
	})
	if err != nil {
		return fmt.Errorf("consumer groups not stable with %d members: %w", cs.p.Spec.Members, err)
	}
	cs.p.Logf("clients: every consumer group stable with %d members", cs.p.Spec.Members)
	return nil
}

// drain waits until every group has committed up to the end of its input
// and nothing in its ledgers has moved for a quiet period (an on-receive
// application processes what it committed only ProcessLag later), or
// DrainTimeout passes: what is left unprocessed then shows as loss.
func (cs *Set) drain(ctx context.Context) {
	if len(cs.groups) == 0 {
		return
	}
	quiet := 3 * time.Second
	for _, g := range cs.groups {
		quiet = max(quiet, g.spec.Consumer.ProcessLag+2*time.Second)
	}
	cs.p.Phase(schema.PhaseDrain, "consumers, up to "+cs.p.Spec.DrainTimeout.String())
	deadline := time.Now().Add(cs.p.Spec.DrainTimeout)
	last, since := int64(-1), time.Now()
	for {
		var act int64
		for _, g := range cs.groups {
			act += g.app.Activity(ctx)
		}
		if act != last {
			last, since = act, time.Now()
		}
		lags, err := cs.lag()
		var lag int64
		for _, l := range lags {
			lag += l
		}
		if err == nil && lag == 0 && time.Since(since) >= quiet {
			cs.p.Logf("clients: consumers drained")
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			cs.p.Logf("clients: consumers not drained after %s: lag %d (%s) (%v)", cs.p.Spec.DrainTimeout, lag, lagging(lags), err)
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// lag returns, per group, the messages between the committed offsets and
// the high watermarks, summed over its partitions.
func (cs *Set) lag() (map[string]int64, error) {
	cl, err := sarama.NewClient(cs.p.Cluster.Bootstrap(), cs.p.Cluster.SaramaConfig("kafka-chaos-drain"))
	if err != nil {
		return nil, fmt.Errorf("lag: %w", err)
	}
	defer cl.Close()
	lags := map[string]int64{}
	for _, g := range cs.groups {
		topic := g.spec.Topic
		parts, err := cl.Partitions(topic)
		if err != nil {
			return nil, fmt.Errorf("lag of %s: %w", g.ID(), err)
		}
		committed, err := cs.p.Cluster.Admin().ListConsumerGroupOffsets(g.ID(), map[string][]int32{topic: parts})
		if err != nil {
			return nil, fmt.Errorf("lag of %s: %w", g.ID(), err)
		}
		for _, p := range parts {
			hw, err := cl.GetOffset(topic, p, sarama.OffsetNewest)
			if err != nil {
				return nil, fmt.Errorf("lag of %s: %w", g.ID(), err)
			}
			off := int64(0)
			if b := committed.GetBlock(topic, p); b != nil && b.Offset > 0 {
				off = b.Offset
			}
			lags[g.ID()] += max(hw-off, 0)
		}
	}
	return lags, nil
}

// lagging names the groups with a lag, sorted: "g1 8, g2 3".
func lagging(lags map[string]int64) string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(lags)) {
		if lags[id] > 0 {
			out = append(out, fmt.Sprintf("%s %d", id, lags[id]))
		}
	}
	return strings.Join(out, ", ")
}

// Progress is the clients' part of the live progress line.
func (cs *Set) Progress() []string {
	if cs == nil {
		return nil
	}
	var out []string
	for _, a := range cs.apps {
		out = append(out, fmt.Sprintf("%s processes=%d", a.Profile().Name, len(a.Processes())))
	}
	for _, g := range cs.groups {
		in := g.input.Progress()
		out = append(out, fmt.Sprintf("%s members=%d input-acked=%d", g.spec.Consumer.Name, len(g.app.Live(context.Background())), in.Acked))
	}
	return out
}
