package faults

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// ReplicationCut stops the followers from replicating from the leader while
// every controller link stays up: the followers stay registered and alive,
// they just fall behind, and after replica.lag.time.max.ms the leader
// shrinks the ISRs to itself (the classic route to an ISR of one). With
// min.insync.replicas=2, acks=all writes then fail with NotEnoughReplicas;
// with 1 they go on, acknowledged by the leader alone. A partition that
// takes no write keeps its ISR (a follower level with the leader counts as
// caught up even without fetching), so a slow profile's partitions (one
// synchronous send at a time, each stuck for the ack timeout) shrink one
// by one: the effect is one shrunk partition per topic.
//
// Without a Toxic the replication links are cut both ways. With one, it is
// applied to each follower's fetch link instead: a "timeout" toxic with
// timeout 0 on the downstream drops the fetch responses while the requests
// still arrive (a one-way cut, half-open connections that never error), and
// a "bandwidth" toxic starves the followers below the produce rate.
type ReplicationCut struct {
	Toxic         *schema.Toxic `json:"toxic,omitempty"`
	ShrinkTimeout time.Duration `json:"shrink_timeout_ns"`

	leader int
}

// NewReplicationCut cuts the replication links.
func NewReplicationCut() *ReplicationCut { return &ReplicationCut{ShrinkTimeout: 75 * time.Second} }

// NewOneWayReplication drops the leader's fetch responses to the followers.
func NewOneWayReplication() *ReplicationCut {
	return &ReplicationCut{
		Toxic:         &schema.Toxic{Name: "one-way", Type: "timeout", Stream: schema.Downstream, Attributes: map[string]any{"timeout": 0}},
		ShrinkTimeout: 75 * time.Second,
	}
}

// NewReplicationBandwidth throttles the followers' fetch responses to
// rateKBps kilobytes per second each.
func NewReplicationBandwidth(rateKBps int) *ReplicationCut {
	return &ReplicationCut{
		Toxic:         &schema.Toxic{Name: "bandwidth", Type: "bandwidth", Stream: schema.Downstream, Attributes: map[string]any{"rate": rateKBps}},
		ShrinkTimeout: 75 * time.Second,
	}
}

// Name implements Fault.
func (f *ReplicationCut) Name() string {
	if f.Toxic == nil {
		return "cut-replication"
	}
	if f.Toxic.Type == "timeout" {
		return "one-way-replication"
	}
	return f.Toxic.Type + "-replication"
}

// Prepare finds the leader.
func (f *ReplicationCut) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	f.leader = leader
	return nil
}

// Inject breaks replication and waits until every topic has been seen
// with a partition whose ISR is the leader alone (waitSeenOnEveryTopic): the
// fast profiles' partitions all shrink together, a one-request-at-a-time
// profile's one after another. Seen, not held: under a bandwidth limit a
// partition that stops taking writes (acks=all refused for lack of
// replicas) lets its followers catch up and rejoin, so ISRs flap, and that
// flapping is part of what the scenario shows.
func (f *ReplicationCut) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	began := time.Now()
	eff, err := breakReplication(env, f.leader, f.Toxic)
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	ps, shrunk, err := waitSeenOnEveryTopic(ctx, env, env.Nodes.IDs(), f.ShrinkTimeout, fmt.Sprintf("an ISR of [%d] on every topic", f.leader), isrIsOnly(f.leader))
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	took := time.Since(began)
	eff.Metrics["shrink_ms"] = took.Milliseconds()
	eff.Metrics["partitions_shrunk"] = int64(shrunk)
	eff.Observed = append([]string{fmt.Sprintf("ISR [%d] seen on every topic within %s, on %d of %d partitions; now:", f.leader, took.Round(time.Millisecond), shrunk, len(ps))}, describe(ps)...)
	env.logf("fault %s: ISR [%d] seen on every topic after %dms (%d of %d partitions)", f.Name(), f.leader, eff.Metrics["shrink_ms"], shrunk, len(ps))
	return eff, nil
}

// Heal restores replication; the followers catch up and rejoin the ISR.
func (f *ReplicationCut) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}

// breakReplication cuts (toxic nil) or degrades the replication links
// between leader and followers, leaving every controller link up.
func breakReplication(env Env, leader int, toxic *schema.Toxic) (schema.FaultEffect, error) {
	fs := followers(env, leader)
	eff := schema.FaultEffect{Target: fs, Metrics: map[string]int64{}}
	if toxic == nil {
		links := schema.NodeLinks([]int{leader}, fs, schema.Internal)
		eff.Description = fmt.Sprintf("replication links %v cut; controller links up", links)
		return eff, env.Links.Cut(links...)
	}
	var links []schema.Link
	for _, n := range fs {
		links = append(links, schema.Link{From: n, To: leader, Kind: schema.Internal})
	}
	eff.Description = fmt.Sprintf("toxic %s %v on the %s of followers' fetch links %v; controller links up", toxic.Type, toxic.Attributes, toxic.Stream, links)
	return eff, env.Links.Degrade(*toxic, links...)
}
