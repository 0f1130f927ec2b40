package faults

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Latency slows every client and replication link of the leader, both
// directions, with a latency toxic: the leader is reachable but far away.
// Controller links are spared so that the leader is not fenced; the fault
// is about cost (throughput, latency), not about elections. It took effect
// when a fresh round trip to the leader through its client proxy takes at
// least 1.5 times the added one-way latency.
type Latency struct {
	Latency time.Duration `json:"latency_ns"`
	Jitter  time.Duration `json:"jitter_ns"`

	leader   int
	baseline time.Duration
}

// NewLatency returns the latency fault.
func NewLatency(latency, jitter time.Duration) *Latency {
	return &Latency{Latency: latency, Jitter: jitter}
}

// Name implements Fault.
func (f *Latency) Name() string { return "latency-leader" }

// Prepare finds the leader and measures the undisturbed round trip.
func (f *Latency) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	f.leader = leader
	rtt, err := env.Probe.ProbeRoundTrip(leader, env.Topics[0], 5*time.Second)
	if err != nil {
		return fmt.Errorf("latency: baseline: %w", err)
	}
	f.baseline = rtt
	return nil
}

// Inject adds the latency and measures it.
func (f *Latency) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	links := []schema.Link{{From: schema.ClientNode, To: f.leader, Kind: schema.ClientLink}}
	for _, n := range followers(env, f.leader) {
		links = append(links, schema.Link{From: n, To: f.leader, Kind: schema.Internal}, schema.Link{From: f.leader, To: n, Kind: schema.Internal})
	}
	eff := schema.FaultEffect{Target: []int{f.leader}, Description: fmt.Sprintf("latency %s ±%s each way on links %v", f.Latency, f.Jitter, links), Metrics: map[string]int64{}}
	for _, s := range []schema.Stream{schema.Upstream, schema.Downstream} {
		t := schema.Toxic{Name: "latency-" + string(s), Type: "latency", Stream: s,
			Attributes: map[string]any{"latency": f.Latency.Milliseconds(), "jitter": f.Jitter.Milliseconds()}}
		if err := env.Links.Degrade(t, links...); err != nil {
			return eff, fmt.Errorf("latency: %w", err)
		}
	}
	rtt, err := env.Probe.ProbeRoundTrip(f.leader, env.Topics[0], 10*time.Second)
	if err != nil {
		return eff, fmt.Errorf("latency: %w", err)
	}
	eff.Metrics["baseline_rtt_ms"] = f.baseline.Milliseconds()
	eff.Metrics["rtt_ms"] = rtt.Milliseconds()
	eff.Observed = append(eff.Observed, fmt.Sprintf("metadata round trip to node %d on a fresh connection: %s (before: %s)", f.leader, rtt.Round(time.Millisecond), f.baseline.Round(time.Millisecond)))
	if rtt < f.Latency*3/2 {
		return eff, fmt.Errorf("latency: %w: round trip %s, expected at least %s", ErrNoEffect, rtt, f.Latency*3/2)
	}
	return eff, nil
}

// Heal removes the toxics.
func (f *Latency) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	return nil
}

// Resets breaks the producers' connections to the leader again and again:
// every Period a reset_peer toxic sits on the responses of the leader's
// client link for Burst. toxiproxy swallows the next response chunk of each
// connection and then resets it (RST), so the write a producer had in
// flight was appended but never acknowledged: its outcome is unknown, and
// a producer that retries writes it again. Between bursts new connections
// work, so retries succeed. Without idempotence that is how duplicates are
// made; with it the broker drops the repeated batch.
type Resets struct {
	Period time.Duration `json:"period_ns"`
	Burst  time.Duration `json:"burst_ns"`

	leader int
	stop   context.CancelFunc
	done   chan error
}

// NewResets returns the connection-reset fault.
func NewResets(period, burst time.Duration) *Resets { return &Resets{Period: period, Burst: burst} }

// Name implements Fault.
func (f *Resets) Name() string { return "resets-clients" }

// Prepare finds the leader.
func (f *Resets) Prepare(ctx context.Context, env Env) error {
	leader, err := pinLeader(ctx, env)
	if err != nil {
		return fmt.Errorf("resets: %w", err)
	}
	f.leader = leader
	return nil
}

func (f *Resets) link() schema.Link {
	return schema.Link{From: schema.ClientNode, To: f.leader, Kind: schema.ClientLink}
}

func (f *Resets) toxic() schema.Toxic {
	return schema.Toxic{Name: "reset", Type: "reset_peer", Stream: schema.Downstream, Attributes: map[string]any{"timeout": 0}}
}

// Inject checks on a held connection that a burst resets it, then keeps
// bursting until Heal.
func (f *Resets) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.leader}, Description: fmt.Sprintf("reset_peer on the responses of %s for %s every %s", f.link(), f.Burst, f.Period), Metrics: map[string]int64{}}
	lasted, connErr, err := env.Probe.ProbeHeld(f.leader, env.Topics[0], func() error { return env.Links.Degrade(f.toxic(), f.link()) })
	if herr := env.Links.Heal(); herr != nil {
		err = errors.Join(err, herr)
	}
	if err != nil {
		return eff, fmt.Errorf("resets: %w", err)
	}
	if connErr == nil {
		return eff, fmt.Errorf("resets: %w: a connection to node %d survived the toxic", ErrNoEffect, f.leader)
	}
	eff.Metrics["probe_lasted_ms"] = lasted.Milliseconds()
	eff.Observed = append(eff.Observed, fmt.Sprintf("a connection to node %d open before the burst failed %s into it: %v", f.leader, lasted.Round(time.Millisecond), connErr))
	loopCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	f.stop, f.done = stop, make(chan error, 1)
	go func() { f.done <- f.loop(loopCtx, env) }()
	return eff, nil
}

func (f *Resets) loop(ctx context.Context, env Env) error {
	t := time.NewTicker(f.Period)
	defer t.Stop()
	bursts := 0
	for {
		select {
		case <-ctx.Done():
			env.logf("fault %s: %d bursts", f.Name(), bursts)
			return nil
		case <-t.C:
		}
		if err := env.Links.Degrade(f.toxic(), f.link()); err != nil {
			return err
		}
		bursts++
		_ = sleepCtx(ctx, f.Burst)
		if err := env.Links.Heal(); err != nil {
			return err
		}
	}
}

// Heal stops the bursts and removes the toxic.
func (f *Resets) Heal(ctx context.Context, env Env) error {
	var err error
	if f.stop != nil {
		f.stop()
		err = <-f.done
	}
	if herr := env.Links.Heal(); herr != nil {
		err = errors.Join(err, herr)
	}
	if err != nil {
		return fmt.Errorf("resets: %w", err)
	}
	return nil
}
