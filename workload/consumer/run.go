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
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("consumer %s: %w", clientID, err)
	}
	return cfg, nil
}

func deadLetterProducer(s worker.Spec) (sarama.SyncProducer, error) {
	cfg, err := s.Client.Sarama(s.Name + "-dlt")
	if err != nil {
		return nil, err
	}
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Idempotent = true
	cfg.Net.MaxOpenRequests = 1
	cfg.Producer.Retry.Max = deadLetterRetries
	cfg.Producer.Retry.Backoff = deadLetterBackoff
	cfg.Producer.Return.Successes = true
	p, err := sarama.NewSyncProducer(s.Brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("start dead-letter producer: %w", err)
	}
	return p, nil
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
	if a.effects, err = OpenEffects(s.Effects, prof.Dedupe); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.effects.Close()) }()
	if prof.DeadLetter {
		if a.dlt, err = deadLetterProducer(s); err != nil {
			return err
		}
		defer func() { err = errors.Join(err, a.dlt.Close()) }()
	}
	group, err := sarama.NewConsumerGroup(s.Brokers, s.Group, cfg)
	if err != nil {
		return fmt.Errorf("join group %s: %w", s.Group, err)
	}
	errsDone := make(chan struct{})
	go func() {
		defer close(errsDone)
		for gerr := range group.Errors() {
			ev := MemberEvent{Event: EvGroupError, Partition: -1, Offset: -1, Err: gerr.Error()}
			var ce *sarama.ConsumerError
			if errors.As(gerr, &ce) {
				ev.Partition = ce.Partition
			}
			a.event(ev)
		}
	}()
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

	for ctx.Err() == nil {
		// Consume returns at every rebalance; the application joins the
		// next generation, as every sarama consumer loop does.
		if cerr := group.Consume(ctx, []string{s.Topic}, a); cerr != nil && ctx.Err() == nil {
			a.event(MemberEvent{Event: EvGroupError, Partition: -1, Offset: -1, Err: "consume: " + cerr.Error()})
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
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
