package runner

import (
	"context"
	"fmt"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/clients"
)

// setupClients prepares the scenario's client applications on topics led
// by leader, and binds a client fault to their consumer groups.
func (r *run) setupClients(ctx context.Context, leader int) error {
	cs, err := clients.New(ctx, clients.Params{
		Spec: r.s.Clients, Scenario: r.s.Name, Cluster: r.p.Cluster, Leader: leader,
		CreateTopic: func(ctx context.Context, topic string, prof schema.Profile) error {
			return r.createPinned(ctx, topic, leader, prof)
		},
		Rate: r.s.Rate, Size: r.s.Size, Base: r.base, Seed: r.p.Seed, WorkDir: r.p.WorkDir,
		Launch: r.launch, LaunchApp: r.launchApp, PrepareApp: r.prepareApp, ContainerBootstrap: r.p.Cluster.ContainerBootstrap(), KafkaVersion: r.p.Cluster.Info().KafkaVersion,
		Expect: r.s.Expect, MinExposure: r.s.MinExposure, Window: r.window,
		Audit: r.audit, AuditCommitted: r.auditCommitted, Judge: r.producerResult, Logf: r.logf, Phase: r.phase,
	})
	// Set before the error is checked: Kill cleans up what was prepared.
	r.clients = cs
	if err != nil {
		return err
	}
	if cf, ok := r.s.Fault.(faults.ClientFault); ok && cs != nil {
		cf.BindMembers(cs)
	}
	return nil
}

// verifyClients adds a result per client application to the scenario's.
func (r *run) verifyClients(ctx context.Context) error {
	res, err := r.clients.Verify(ctx)
	r.res.Profiles = append(r.res.Profiles, res...)
	return err
}

// clientFailures lists the client guarantees the profiles broke.
func clientFailures(profiles []schema.ProfileResult) []string {
	var out []string
	for _, p := range profiles {
		if err := p.ClientErr(); err != nil {
			out = append(out, fmt.Sprintf("%s: %v", p.Profile.Name, err))
		}
	}
	return out
}
