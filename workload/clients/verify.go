package clients

import (
	"context"
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

// Verify audits every client topic and returns one profile result per
// application and per consumer group, as far as it got before an error.
func (cs *Set) Verify(ctx context.Context) ([]schema.ProfileResult, error) {
	if cs == nil {
		return nil, nil
	}
	var out []schema.ProfileResult
	for _, a := range cs.apps {
		res, err := cs.verifyApp(ctx, a)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	for _, g := range cs.groups {
		res, err := cs.verifyGroup(ctx, g)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, nil
}

func (cs *Set) verifyApp(ctx context.Context, a *worker.App) (schema.ProfileResult, error) {
	p, prof := cs.p, a.Profile()
	entries, resends, err := worker.ReadProducerLedgers(a.Ledgers()...)
	if err != nil {
		return schema.ProfileResult{}, err
	}
	topic := p.Scenario + "." + prof.Name
	audited, err := p.Audit(ctx, topic, message.Parse)
	if err != nil {
		return schema.ProfileResult{}, err
	}
	cfg, err := a.ClientConfig()
	if err != nil {
		return schema.ProfileResult{}, err
	}
	res, err := p.Judge(prof.Profile, topic, entries, audited, p.Expect[prof.Name], history.Profile{})
	if err != nil {
		return schema.ProfileResult{}, err
	}
	c := res.Verdict.Counts
	res.ClientConfig = cfg
	res.App = &schema.AppResult{
		Behaviour: prof.Behaviour(), Processes: len(a.Processes()), Resends: resends, Undelivered: c.Attempted - c.Present,
		MustDeliver: slices.Contains(p.Spec.MustDeliver, prof.Name), LedgerDir: cs.dir,
	}
	p.Logf("verdict %s: %s processes=%d attempted=%d believed=%d acked=%d failed=%d unknown=%d lost=%d believed-lost=%d undelivered=%d duplicates=%d resends=%d exposure: %s",
		prof.Name, res.Verdict.Status, res.App.Processes, c.Attempted, c.Believed, c.Acked, c.Failed, c.Unknown, c.Lost, c.BelievedLost, res.App.Undelivered, c.Duplicates, resends, res.Verdict.Exposure.Short())
	return res, nil
}

func (cs *Set) verifyGroup(ctx context.Context, g *consumerGroup) (schema.ProfileResult, error) {
	p, spec := cs.p, g.spec
	prof := *spec.Consumer
	entries := g.input.Ledger().Entries()
	input, err := p.Audit(ctx, spec.Topic, message.Parse)
	if err != nil {
		return schema.ProfileResult{}, err
	}
	var dead audit.Log
	if spec.DeadLetter != "" {
		if dead, err = p.Audit(ctx, spec.DeadLetter, message.Parse); err != nil {
			return schema.ProfileResult{}, err
		}
	}
	applied, err := cs.applied(ctx, g)
	if err != nil {
		return schema.ProfileResult{}, err
	}
	events, err := g.app.Events(ctx)
	if err != nil {
		return schema.ProfileResult{}, err
	}
	metrics, skipped := memberMetrics(events)
	members := g.app.Members(p.Base)
	metrics.Members = len(members)
	if err := g.app.CountTransactions(&metrics); err != nil {
		return schema.ProfileResult{}, err
	}
	cv := verify.Consumer(verify.ConsumerParams{
		Profile: prof.Name, Entries: entries, Log: input.Records, Effects: applied, DeadLetters: dead.Records, Skipped: skipped,
		Metrics: metrics, Expect: p.Spec.ConsumerExpect[prof.Name], Window: p.Window(), MinExposure: p.MinExposure,
	})
	cfg, err := g.app.ClientConfig()
	if err != nil {
		return schema.ProfileResult{}, err
	}
	res, err := p.Judge(g.profile, spec.Topic, entries, input, p.Spec.InputExpect,
		history.Profile{Effects: applied, DeadLetters: dead.Records, Skipped: skipped})
	if err != nil {
		return schema.ProfileResult{}, err
	}
	res.ClientConfig = g.input.ClientConfig()
	res.Consumer = &schema.ConsumerResult{
		Consumer: prof, Group: g.ID(), DeadLetterTopic: spec.DeadLetter, ClientConfig: cfg,
		Failures: spec.Failures, Verdict: cv, LedgerDir: cs.dir,
	}
	res.Consumer.Members = members
	c, m := cv.Counts, cv.Metrics
	p.Logf("verdict %s: %s required=%d processed=%d dead-lettered=%d never-processed=%d (skipped-after-failure=%d) duplicate-effects=%d retries=%d dlt-sends=%d skips=%d deduped=%d sessions=%d group-errors=%d abandoned=%d exposure: %s",
		prof.Name, cv.Status, c.Required, c.Processed, c.DeadLettered, c.NeverProcessed, c.SkippedAfterFailure, c.DuplicateEffects,
		m.Retries, m.DeadLetterSends, m.Skips, m.Deduplicated, m.Sessions, m.GroupErrors, m.AbandonedAtExit, cv.Exposure.Short())
	if spec.Output != "" {
		p.Logf("verdict %s: transactions committed=%d aborted=%d unknown=%d open=%d, output %s read read_committed",
			prof.Name, m.TxnCommitted, m.TxnAborted, m.TxnUnknown, m.TxnOpen, spec.Output)
	}
	return res, nil
}

// applied is what the group's processing did: the effects its members
// recorded, or, for an in-transaction application, the records of its
// output topic a read_committed reader sees (a transaction's output is its
// effect, visible once it committed).
func (cs *Set) applied(ctx context.Context, g *consumerGroup) ([]ledger.Record, error) {
	if g.spec.Output != "" {
		out, err := cs.p.AuditCommitted(ctx, g.spec.Output, message.Parse)
		return out.Records, err
	}
	effects, err := g.app.Effects(ctx)
	if err != nil {
		return nil, err
	}
	var applied []ledger.Record
	for _, e := range effects {
		if e.Kind == consumer.Applied {
			applied = append(applied, ledger.Record{ID: e.ID, Seq: e.Seq, Partition: e.Partition, Offset: e.Offset, At: e.At})
		}
	}
	return applied, nil
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
