package faults

import (
	"context"
	"errors"
	"fmt"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Producers are a scenario's producer clients that run as processes of
// their own (Kafka's Java client, one container per profile), which a
// fault can kill as a crash or an OOM kill would.
type Producers interface {
	// CrashProducers SIGKILLs every such process at once and returns how
	// each ended, once all are gone.
	CrashProducers(ctx context.Context) ([]ProcessExit, error)
	// ReplaceProducers starts a replacement for each, as an orchestrator
	// restarts a crashed application, and returns once all produce.
	ReplaceProducers(ctx context.Context) error
}

// ProcessExit is how a client process ended.
type ProcessExit struct {
	Name string
	Code int
}

// sigkillExit is the exit status of a process SIGKILL ended: 128 + 9.
const sigkillExit = 137

// ProducerClientFault is a fault that acts on producer processes; the
// runner binds the scenario's before Prepare.
type ProducerClientFault interface {
	Fault
	BindProducers(Producers)
}

// ErrNoProducers: a producer fault ran in a scenario without producer
// processes.
var ErrNoProducers = errors.New("no producer processes bound: the scenario runs no client: java producer profile")

// ProducerCrash SIGKILLs every producer process at once, while the brokers
// stay healthy: what it had sent and not yet heard back about is
// indeterminate, and only what the log holds tells. The fault took effect
// when every process is gone with the SIGKILL's exit status; on heal, a
// replacement process per profile produces new messages.
type ProducerCrash struct {
	producers Producers
}

// NewProducerCrash returns the producer crash.
func NewProducerCrash() *ProducerCrash { return &ProducerCrash{} }

// Name implements Fault.
func (f *ProducerCrash) Name() string { return "producer-crash" }

// BindProducers implements ProducerClientFault.
func (f *ProducerCrash) BindProducers(p Producers) { f.producers = p }

// Prepare checks that there is something to kill.
func (f *ProducerCrash) Prepare(ctx context.Context, env Env) error {
	if f.producers == nil {
		return fmt.Errorf("%s: %w", f.Name(), ErrNoProducers)
	}
	return nil
}

// Inject implements Fault.
func (f *ProducerCrash) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Description: "every producer process SIGKILLed at once; the brokers untouched"}
	exits, err := f.producers.CrashProducers(ctx)
	for _, e := range exits {
		eff.Observed = append(eff.Observed, fmt.Sprintf("%s exited with status %d", e.Name, e.Code))
	}
	if err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	if len(exits) == 0 {
		return eff, fmt.Errorf("%s: %w", f.Name(), ErrNoProducers)
	}
	for _, e := range exits {
		if e.Code != sigkillExit {
			return eff, fmt.Errorf("%s: %w: %s exited with status %d, not %d: it did not die of the SIGKILL", f.Name(), ErrNoEffect, e.Name, e.Code, sigkillExit)
		}
	}
	return eff, nil
}

// Heal starts the replacements.
func (f *ProducerCrash) Heal(ctx context.Context, env Env) error {
	return f.producers.ReplaceProducers(ctx)
}
