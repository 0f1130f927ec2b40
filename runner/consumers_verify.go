package runner

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/reports"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// inFault counts the entries attempted between injection and heal.
func (r *run) inFault(entries []ledger.Entry) int {
	n := 0
	for _, e := range entries {
		at := e.SentAt.Seconds()
		if at >= r.res.Fault.InjectedAt && at <= r.res.Fault.HealedAt {
			n++
		}
	}
	return n
}

func (cs *clientSet) audit(ctx context.Context, topic string) ([]ledger.Record, error) {
	return verify.Audit(ctx, verify.AuditParams{
		Brokers: cs.r.p.Cluster.Bootstrap(), Config: cs.r.p.Cluster.SaramaConfig("kafka-chaos-auditor"), Topic: topic,
		Parse: workload.ParseValue, Timeout: 60 * time.Second,
	})
}

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

func (cs *clientSet) verifyApp(ctx context.Context, a *workload.App) error {
	r, prof := cs.r, a.Profile()
	entries, resends, err := workload.ReadProducerLedgers(a.Ledgers()...)
	if err != nil {
		return err
	}
	topic := r.s.Name + "." + prof.Name
	recs, err := cs.audit(ctx, topic)
	if err != nil {
		return err
	}
	cfg, err := a.ClientConfig()
	if err != nil {
		return err
	}
	v := verify.Producer(verify.Params{Profile: prof.Name, Entries: entries, Records: recs, Expect: r.s.Expect[prof.Name]})
	c := v.Counts
	app := &reports.AppResult{
		Behaviour: prof.Behaviour(), Processes: len(a.Workers()), Resends: resends, Undelivered: c.Attempted - c.Present,
		MustDeliver: slices.Contains(cs.c.MustDeliver, prof.Name), LedgerDir: cs.dir,
	}
	r.res.Profiles = append(r.res.Profiles, reports.ProfileResult{
		Profile: prof.Profile, Topic: topic, ClientConfig: cfg, Verdict: v, Perf: perf(entries),
		InFault: r.inFault(entries), Series: reports.PerSecond(entries), App: app,
	})
	r.logf("verdict %s: %s processes=%d attempted=%d believed=%d acked=%d failed=%d unknown=%d lost=%d believed-lost=%d undelivered=%d duplicates=%d resends=%d",
		prof.Name, v.Status, app.Processes, c.Attempted, c.Believed, c.Acked, c.Failed, c.Unknown, c.Lost, c.BelievedLost, app.Undelivered, c.Duplicates, resends)
	return nil
}

func (cs *clientSet) verifyGroup(ctx context.Context, g *consumerGroup) error {
	r, spec := cs.r, g.Spec()
	prof := *spec.Consumer
	entries := g.input.Ledger().Entries()
	log, err := cs.audit(ctx, spec.Topic)
	if err != nil {
		return err
	}
	var dead []ledger.Record
	if spec.DeadLetter != "" {
		if dead, err = cs.audit(ctx, spec.DeadLetter); err != nil {
			return err
		}
	}
	effects, err := g.Effects()
	if err != nil {
		return err
	}
	var applied []ledger.Record
	for _, e := range effects {
		if e.Kind == workload.Applied {
			applied = append(applied, ledger.Record{ID: e.ID, Seq: e.Seq, Partition: e.Partition, Offset: e.Offset})
		}
	}
	events, err := g.Events()
	if err != nil {
		return err
	}
	metrics, skipped := memberMetrics(events)
	metrics.Members = len(g.Members())
	cv := verify.Consumer(verify.ConsumerParams{
		Profile: prof.Name, Entries: entries, Log: log, Effects: applied, DeadLetters: dead, Skipped: skipped,
		Metrics: metrics, Expect: cs.c.ConsumerExpect[prof.Name],
	})
	cfg, err := workload.ConsumerConfig(spec.Client, prof, prof.Name)
	if err != nil {
		return err
	}
	res := &reports.ConsumerResult{
		Consumer: prof, Group: g.ID(), DeadLetterTopic: spec.DeadLetter, ClientConfig: prof.ClientConfig(cfg),
		Failures: spec.Failures, Verdict: cv, LedgerDir: cs.dir,
	}
	for _, w := range g.Members() {
		m := reports.MemberRecord{Name: w.Name(), StartedAt: w.StartedAt.Sub(r.base).Seconds(), Signals: w.Signals()}
		if t := w.ExitedAt(); !t.IsZero() {
			m.ExitedAt = t.Sub(r.base).Seconds()
		}
		res.Members = append(res.Members, m)
	}
	r.res.Profiles = append(r.res.Profiles, reports.ProfileResult{
		Profile: g.profile, Topic: spec.Topic, ClientConfig: g.input.ClientConfig(),
		Verdict: verify.Producer(verify.Params{Profile: prof.Name, Entries: entries, Records: log, Expect: cs.c.InputExpect}),
		Perf:    perf(entries), InFault: r.inFault(entries), Series: reports.PerSecond(entries), Consumer: res,
	})
	c, m := cv.Counts, cv.Metrics
	r.logf("verdict %s: %s required=%d processed=%d dead-lettered=%d never-processed=%d (skipped-after-failure=%d) duplicate-effects=%d retries=%d dlt-sends=%d skips=%d deduped=%d sessions=%d group-errors=%d abandoned=%d",
		prof.Name, cv.Status, c.Required, c.Processed, c.DeadLettered, c.NeverProcessed, c.SkippedAfterFailure, c.DuplicateEffects,
		m.Retries, m.DeadLetterSends, m.Skips, m.Deduplicated, m.Sessions, m.GroupErrors, m.AbandonedAtExit)
	return nil
}

// memberMetrics sums the members' events, and returns the messages they
// gave up on without dead-lettering.
func memberMetrics(events []workload.MemberEvent) (verify.ConsumerMetrics, []ledger.Record) {
	var m verify.ConsumerMetrics
	var skipped []ledger.Record
	for _, e := range events {
		switch e.Event {
		case workload.EvRetry:
			m.Retries++
		case workload.EvSkip:
			m.Skips++
			if e.ID != "" {
				skipped = append(skipped, ledger.Record{ID: e.ID, Seq: e.Seq, Partition: e.Partition, Offset: e.Offset})
			}
		case workload.EvDeadLetter:
			m.DeadLetterSends++
		case workload.EvDeduped:
			m.Deduplicated++
		case workload.EvGroupError:
			m.GroupErrors++
		case workload.EvSession:
			m.Sessions++
		case workload.EvStop:
			m.AbandonedAtExit += e.Count
		}
	}
	return m, skipped
}

// clientFailures lists the client guarantees the profiles broke.
func clientFailures(profiles []reports.ProfileResult) []string {
	var out []string
	for _, p := range profiles {
		if err := p.ClientErr(); err != nil {
			out = append(out, fmt.Sprintf("%s: %v", p.Profile.Name, err))
		}
	}
	return out
}
