package runner

import (
	"context"
	"fmt"
	"slices"

	"github.com/kafka-chaos/kafka-chaos/audit"
	"github.com/kafka-chaos/kafka-chaos/history"
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// verify audits every client topic and adds one profile result per
// application and per consumer group.
func (cs *clientSet) verify(ctx context.Context) error {
	if cs == nil {
		return nil
	}
	for _, a := range cs.apps {
		if err := cs.verifyApp(ctx, a); err != nil {
			return err
		}
	}
	for _, g := range cs.groups {
		if err := cs.verifyGroup(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

func (cs *clientSet) verifyApp(ctx context.Context, a *worker.App) error {
	r, prof := cs.r, a.Profile()
	entries, resends, err := worker.ReadProducerLedgers(a.Ledgers()...)
	if err != nil {
		return err
	}
	topic := r.s.Name + "." + prof.Name
	audited, err := r.audit(ctx, topic, message.Parse)
	if err != nil {
		return err
	}
	cfg, err := a.ClientConfig()
	if err != nil {
		return err
	}
	res, err := r.producerResult(prof.Profile, topic, entries, audited, r.s.Expect[prof.Name], history.Profile{})
	if err != nil {
		return err
	}
	c := res.Verdict.Counts
	res.ClientConfig = cfg
	res.App = &schema.AppResult{
		Behaviour: prof.Behaviour(), Processes: len(a.Processes()), Resends: resends, Undelivered: c.Attempted - c.Present,
		MustDeliver: slices.Contains(cs.c.MustDeliver, prof.Name), LedgerDir: cs.dir,
	}
	r.res.Profiles = append(r.res.Profiles, res)
	r.logf("verdict %s: %s processes=%d attempted=%d believed=%d acked=%d failed=%d unknown=%d lost=%d believed-lost=%d undelivered=%d duplicates=%d resends=%d exposure: %s",
		prof.Name, res.Verdict.Status, res.App.Processes, c.Attempted, c.Believed, c.Acked, c.Failed, c.Unknown, c.Lost, c.BelievedLost, res.App.Undelivered, c.Duplicates, resends, res.Verdict.Exposure.Short())
	return nil
}

func (cs *clientSet) verifyGroup(ctx context.Context, g *consumerGroup) error {
	r, spec := cs.r, g.Spec()
	prof := *spec.Consumer
	entries := g.input.Ledger().Entries()
	input, err := r.audit(ctx, spec.Topic, message.Parse)
	if err != nil {
		return err
	}
	var dead audit.Log
	if spec.DeadLetter != "" {
		if dead, err = r.audit(ctx, spec.DeadLetter, message.Parse); err != nil {
			return err
		}
	}
	effects, err := g.Effects()
	if err != nil {
		return err
	}
	var applied []ledger.Record
	for _, e := range effects {
		if e.Kind == consumer.Applied {
			applied = append(applied, ledger.Record{ID: e.ID, Seq: e.Seq, Partition: e.Partition, Offset: e.Offset, At: e.At})
		}
	}
	events, err := g.Events()
	if err != nil {
		return err
	}
	metrics, skipped := memberMetrics(events)
	metrics.Members = len(g.Members())
	cv := verify.Consumer(verify.ConsumerParams{
		Profile: prof.Name, Entries: entries, Log: input.Records, Effects: applied, DeadLetters: dead.Records, Skipped: skipped,
		Metrics: metrics, Expect: cs.c.ConsumerExpect[prof.Name], Window: r.window(), MinExposure: r.s.MinExposure,
	})
	cfg, err := consumer.Config(spec.Client, prof, prof.Name)
	if err != nil {
		return err
	}
	res, err := r.producerResult(g.profile, spec.Topic, entries, input, cs.c.InputExpect,
		history.Profile{Effects: applied, DeadLetters: dead.Records, Skipped: skipped})
	if err != nil {
		return err
	}
	res.ClientConfig = g.input.ClientConfig()
	res.Consumer = &schema.ConsumerResult{
		Consumer: prof, Group: g.ID(), DeadLetterTopic: spec.DeadLetter, ClientConfig: consumer.ClientConfig(prof, cfg),
		Failures: spec.Failures, Verdict: cv, LedgerDir: cs.dir,
	}
	for _, w := range g.Members() {
		m := schema.MemberRecord{Name: w.Name(), StartedAt: w.StartedAt.Sub(r.base).Seconds(), Signals: w.Signals()}
		if t := w.ExitedAt(); !t.IsZero() {
			m.ExitedAt = t.Sub(r.base).Seconds()
		}
		res.Consumer.Members = append(res.Consumer.Members, m)
	}
	r.res.Profiles = append(r.res.Profiles, res)
	c, m := cv.Counts, cv.Metrics
	r.logf("verdict %s: %s required=%d processed=%d dead-lettered=%d never-processed=%d (skipped-after-failure=%d) duplicate-effects=%d retries=%d dlt-sends=%d skips=%d deduped=%d sessions=%d group-errors=%d abandoned=%d exposure: %s",
		prof.Name, cv.Status, c.Required, c.Processed, c.DeadLettered, c.NeverProcessed, c.SkippedAfterFailure, c.DuplicateEffects,
		m.Retries, m.DeadLetterSends, m.Skips, m.Deduplicated, m.Sessions, m.GroupErrors, m.AbandonedAtExit, cv.Exposure.Short())
	return nil
}

// memberMetrics sums the members' events, and returns the messages they
// gave up on without dead-lettering.
func memberMetrics(events []consumer.MemberEvent) (schema.ConsumerMetrics, []ledger.Record) {
	var m schema.ConsumerMetrics
	var skipped []ledger.Record
	for _, e := range events {
		switch e.Event {
		case consumer.EvRetry:
			m.Retries++
		case consumer.EvSkip:
			m.Skips++
			if e.ID != "" {
				skipped = append(skipped, ledger.Record{ID: e.ID, Seq: e.Seq, Partition: e.Partition, Offset: e.Offset})
			}
		case consumer.EvDeadLetter:
			m.DeadLetterSends++
		case consumer.EvDeduped:
			m.Deduplicated++
		case consumer.EvGroupError:
			m.GroupErrors++
		case consumer.EvSession:
			m.Sessions++
		case consumer.EvStop:
			m.AbandonedAtExit += e.Count
		}
	}
	return m, skipped
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
