package consumer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// Config returns the client configuration a member of the profile
// runs with, from the base configuration.
func Config(base worker.BaseConfig, p schema.ConsumerProfile, clientID string) (*sarama.Config, error) {
	cfg, err := base.Sarama(clientID)
	if err != nil {
		return nil, err
	}
	applyConsumer(p, cfg)
	if p.Commit == schema.InTransaction && !cfg.Version.IsAtLeast(sarama.V2_5_0_0) {
		// sarama sends the member id and generation in TxnOffsetCommit
		// from version 3 on, which it speaks from 2.5.0.
		return nil, fmt.Errorf("consumer %s: in-transaction needs protocol 2.5.0 or later, whose offset commits carry the member's generation (KIP-447), not %s", clientID, cfg.Version)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("consumer %s: %w", clientID, err)
	}
	return cfg, nil
}

// Settings of a member's own producers, to the dead-letter topic or the
// output topic: acks=all and idempotent, retried until the message is in
// the topic or the partition is taken away.
const (
	producerRetries = 10
	producerBackoff = 200 * time.Millisecond
)

// producerConfig is the configuration of a member's own producer, under
// clientID.
func producerConfig(s worker.Spec, clientID string) (*sarama.Config, error) {
	cfg, err := s.Client.Sarama(clientID)
	if err != nil {
		return nil, err
	}
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Idempotent = true
	cfg.Net.MaxOpenRequests = 1
	cfg.Producer.Retry.Max = producerRetries
	cfg.Producer.Retry.Backoff = producerBackoff
	cfg.Producer.Return.Successes = true
	return cfg, nil
}

func deadLetterProducer(s worker.Spec) (sarama.SyncProducer, error) {
	cfg, err := producerConfig(s, s.Name+"-dlt")
	if err != nil {
		return nil, err
	}
	p, err := sarama.NewSyncProducer(s.Brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("start dead-letter producer: %w", err)
	}
	return p, nil
}

// openOutputs opens what the member's processing writes to: the effect
// store and the dead-letter producer, or, in-transaction, the transaction
// stage.
func (a *consumerApp) openOutputs() (err error) {
	if a.prof.Commit == schema.InTransaction {
		a.txn, err = openTxnStage(a)
		return err
	}
	if a.effects, err = OpenEffects(a.s.Effects, a.prof.Dedupe); err != nil {
		return err
	}
	if a.prof.DeadLetter {
		a.dlt, err = deadLetterProducer(a.s)
	}
	return err
}

// closeOutputs closes whatever openOutputs opened, even when it failed
// half-way.
func (a *consumerApp) closeOutputs() error {
	var errs []error
	if a.txn != nil {
		errs = append(errs, a.txn.shutdown())
	}
	if a.effects != nil {
		errs = append(errs, a.effects.Close())
	}
	if a.dlt != nil {
		errs = append(errs, a.dlt.Close())
	}
	return errors.Join(errs...)
}

// reportErrors records every error the group reports until its Errors
// channel closes, which closes the channel it returns.
func (a *consumerApp) reportErrors(group sarama.ConsumerGroup) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for gerr := range group.Errors() {
			ev := MemberEvent{Event: EvGroupError, Partition: -1, Offset: -1, Err: gerr.Error()}
			var ce *sarama.ConsumerError
			if errors.As(gerr, &ce) {
				ev.Partition = ce.Partition
			}
			a.event(ev)
		}
	}()
	return done
}

// RunMember runs one group member until ctx ends (SIGTERM), then
// leaves the group cleanly. A SIGKILL ends it anywhere in between; its
// ledgers keep everything recorded up to that instant.
func RunMember(ctx context.Context, s worker.Spec, logf func(string, ...any)) (err error) {
	prof := *s.Consumer
	cfg, err := Config(s.Client, prof, s.Name)
	if err != nil {
		return err
	}
	a := &consumerApp{s: s, prof: prof, logf: logf, queue: make(chan received, 1<<16)}
	if a.log, err = worker.OpenJournal(s.Ledger, 100*time.Millisecond); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.log.Close()) }()
	err = a.openOutputs()
	defer func() { err = errors.Join(err, a.closeOutputs()) }()
	if err != nil {
		return err
	}
	group, err := sarama.NewConsumerGroup(s.Brokers, s.Group, cfg)
	if err != nil {
		return fmt.Errorf("join group %s: %w", s.Group, err)
	}
	errsDone := a.reportErrors(group)
	stopStage := make(chan struct{})
	abandoned := make(chan int, 1)
	go func() {
		if prof.Commit == schema.OnReceive {
			abandoned <- a.lagged(stopStage)
			return
		}
		abandoned <- 0
	}()
	a.event(MemberEvent{Event: EvStart, Partition: -1, Offset: -1})

	a.consume(ctx, group)
	// Consume has released the session, committing every marked offset.
	// An OnReceive application exits without draining what it received:
	// those messages are committed and never processed.
	close(stopStage)
	left := <-abandoned
	// Close returns the last error the group reported, which the event
	// log already holds; it is not a reason to fail the exit.
	if cerr := group.Close(); cerr != nil {
		logf("leave group %s: %v", s.Group, cerr)
	}
	<-errsDone
	a.event(MemberEvent{Event: EvStop, Partition: -1, Offset: -1, Count: left})
	logf("left group %s, %d received messages abandoned unprocessed", s.Group, left)
	return nil
}

// consume runs the member's sessions until ctx ends.
func (a *consumerApp) consume(ctx context.Context, group sarama.ConsumerGroup) {
	for ctx.Err() == nil {
		// Consume returns at every rebalance; the application joins the
		// next generation, as every sarama consumer loop does.
		if cerr := group.Consume(ctx, []string{a.s.Topic}, a); cerr != nil && ctx.Err() == nil {
			a.event(MemberEvent{Event: EvGroupError, Partition: -1, Offset: -1, Err: "consume: " + cerr.Error()})
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
}
