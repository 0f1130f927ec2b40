package faults

import (
	"context"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Baseline injects nothing. A baseline scenario runs every profile
// unthrottled on a healthy cluster to measure what each costs in
// throughput and latency: the price side of the comparison.
type Baseline struct{}

// Name implements Fault.
func (Baseline) Name() string { return schema.BaselineFault }

// Prepare implements Fault.
func (Baseline) Prepare(context.Context, Env) error { return nil }

// Inject implements Fault: there is nothing to check, the window only marks
// the stretch of steady load that the throughput figures come from.
func (Baseline) Inject(context.Context, Env) (schema.FaultEffect, error) {
	return schema.FaultEffect{Description: "no fault: steady load on a healthy cluster"}, nil
}

// Heal implements Fault.
func (Baseline) Heal(context.Context, Env) error { return nil }
