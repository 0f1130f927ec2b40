package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/audit"
	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/history"
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/reports"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload/clients"
)

// Params configures a run of one scenario.
type Params struct {
	Cluster  *cluster.Cluster
	Scenario Scenario
	// Seed drives every random choice (which node leads the topics).
	Seed int64
	Logf func(format string, args ...any)
	// WorkDir is where client worker processes keep their ledgers (under
	// <WorkDir>/<scenario>); empty means a new temporary directory.
	WorkDir string
	// RunDir is the run's directory: every profile's history is stored
	// under histories/<scenario>/<profile> there, and the result names it.
	// Empty stores none.
	RunDir string
}

type run struct {
	p         Params
	s         Scenario
	base      time.Time
	res       schema.Scenario
	producers []profileProducer
	topics    []string
	clients   *clients.Set
	// txns are the transactional profiles by topic, lso their topics'
	// last stable offsets sampled while producing.
	txns map[string]txnProfile
	lso  map[string][]ledger.LSOSample
	// txnVersion is the cluster's finalized transaction.version, read
	// once (transactionVersion).
	txnVersionOnce sync.Once
	txnVersion     string
}

func (r *run) since() float64 { return time.Since(r.base).Seconds() }

// phase marks the start of a step of the run: logged, and kept in the
// result, where the report reads how long each step took.
func (r *run) phase(name, detail string) {
	r.res.Phases = append(r.res.Phases, schema.Phase{Name: name, StartedAt: r.since()})
	if detail != "" {
		name += " (" + detail + ")"
	}
	r.logf("phase: %s", name)
}

func (r *run) logf(format string, args ...any) {
	if r.p.Logf != nil {
		r.p.Logf("[%6.1fs %s] "+format, append([]any{r.since(), r.s.Name}, args...)...)
	}
}

// Run executes the scenario. The returned result is always filled as far as
// the run got; the error reports an infrastructure failure or a run that
// proved nothing (status invalid).
func Run(ctx context.Context, p Params) (schema.Scenario, error) {
	r := &run{p: p, s: p.Scenario, base: time.Now()}
	r.res = schema.Scenario{
		Name:    r.s.Name,
		Cluster: p.Cluster.Info(),
		Fault:   schema.FaultRecord{Name: r.s.Fault.Name(), Params: r.s.Fault},
		Workload: schema.WorkloadRecord{
			Rate: r.s.Rate, Size: r.s.Size, Partitions: r.s.Partitions,
			WarmupSeconds: r.s.Warmup.Seconds(), LeadSeconds: r.s.Lead.Seconds(), HoldSeconds: r.s.Hold.Seconds(), AfterSeconds: r.s.After.Seconds(),
			MinExposure: r.s.MinExposure, RecoverTimeoutSeconds: r.s.RecoverTimeout.Seconds(),
		},
	}
	err := r.execute(ctx)
	// What the cluster runs now: an operation may have upgraded it or
	// changed a node's settings.
	r.res.Cluster = p.Cluster.Info()
	r.res.WallSeconds = r.since()
	r.judge(err)
	return r.res, err
}

func (r *run) execute(ctx context.Context) error {
	r.phase(schema.PhaseSetup, "topics and clients")
	leader := pinnedLeader(r.p.Seed)
	if err := r.createTopics(ctx, leader); err != nil {
		return err
	}
	// A closure: r.clients is set by setupClients.
	defer func() { r.clients.Kill() }()
	if err := r.setupClients(ctx, leader); err != nil {
		return err
	}
	env := faultEnv(r.p.Cluster, r.topics, r.logf)

	sampleCtx, stopSampling := context.WithCancel(ctx)
	samples := make(chan []schema.Sample, 1)
	go func() { samples <- r.sample(sampleCtx, 500*time.Millisecond) }()
	defer func() {
		stopSampling()
		r.res.Timeline = <-samples
	}()

	lsoCtx, stopLSO := context.WithCancel(ctx)
	lso := make(chan map[string][]ledger.LSOSample, 1)
	go func() { lso <- r.sampleLSO(lsoCtx, len(r.txns) > 0) }()
	defer stopLSO()

	prodCtx, stopProducing := context.WithCancel(ctx)
	defer stopProducing()
	var wg sync.WaitGroup
	prodErrs := make([]error, len(r.producers))
	for i, pr := range r.producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prodErrs[i] = pr.Run(prodCtx)
		}()
	}
	progressCtx, stopProgress := context.WithCancel(ctx)
	go r.progress(progressCtx, 2*time.Second)
	defer stopProgress()

	faultErr := r.waitProducing(prodCtx)
	if faultErr == nil {
		faultErr = r.clients.Start(prodCtx)
	}
	if faultErr == nil {
		faultErr = r.fault(ctx, env)
	}

	r.phase(schema.PhaseAfter, r.s.After.String())
	sleep(ctx, r.s.After)
	stopProducing()
	wg.Wait()
	stopProgress()
	stopLSO()
	r.lso = <-lso
	var errs []error
	if err := r.clients.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("clients: %w", err))
	}
	if err := errors.Join(prodErrs...); err != nil {
		errs = append(errs, fmt.Errorf("producers: %w", err))
	}
	// The audit runs whatever failed before it: a cluster that never
	// recovered is the one most likely to have lost data, and the counts
	// stand beside the reason the run is invalid.
	return errors.Join(append([]error{faultErr}, append(errs, r.verify(ctx))...)...)
}

// fault runs warm-up, prepare, inject, hold, heal and the wait for recovery.
// Heal runs whenever Prepare ran, even after an error, so the audit reads a
// healed cluster.
func (r *run) fault(ctx context.Context, env faults.Env) (err error) {
	f := r.s.Fault
	r.phase(schema.PhaseWarmup, r.s.Warmup.String())
	sleep(ctx, r.s.Warmup)
	r.phase(schema.PhasePrepare, fmt.Sprintf("health check, prepare, then %s", r.s.Lead))
	if err := env.State.WaitHealthy(ctx, r.topics, 30*time.Second); err != nil {
		return fmt.Errorf("before fault: %w", err)
	}
	r.res.Fault.PreparedAt = r.since()
	defer func() {
		r.res.Fault.HealedAt = r.since()
		r.phase(schema.PhaseRecovery, "heal, then wait for every ISR")
		if herr := f.Heal(context.WithoutCancel(ctx), env); herr != nil {
			err = errors.Join(err, fmt.Errorf("heal: %w", herr))
			return
		}
		rerr := env.State.WaitHealthy(ctx, r.topics, r.s.RecoverTimeout)
		r.res.Fault.RecoveredAt = r.since()
		r.res.Fault.RecoverySeconds = r.res.Fault.RecoveredAt - r.res.Fault.HealedAt
		if rerr != nil {
			err = errors.Join(err, fmt.Errorf("recover: %w", rerr))
			return
		}
		r.logf("recovered in %.1fs", r.res.Fault.RecoverySeconds)
	}()
	if err := f.Prepare(ctx, env); err != nil {
		return fmt.Errorf("prepare fault: %w", err)
	}
	sleep(ctx, r.s.Lead)
	r.phase(schema.PhaseFault, f.Name())
	r.res.Fault.InjectedAt = r.since()
	eff, err := f.Inject(ctx, env)
	r.res.Fault.Effect = eff
	if err != nil {
		return fmt.Errorf("inject: %w", err)
	}
	r.res.Fault.EffectAt = r.since()
	r.logf("fault took effect after %.1fs: %s", r.res.Fault.EffectAt-r.res.Fault.InjectedAt, strings.Join(eff.Observed, "; "))
	sleep(ctx, r.s.Hold)
	return nil
}

func (r *run) createTopics(ctx context.Context, leader int) error {
	for _, prof := range r.s.Profiles {
		topic := fmt.Sprintf("%s.%s", r.s.Name, prof.Name)
		if err := r.createPinned(ctx, topic, leader, prof); err != nil {
			return err
		}
		pr, err := r.newProducer(ctx, prof, topic, leader)
		if err != nil {
			return err
		}
		r.producers = append(r.producers, pr)
	}
	r.bindTransactions()
	if pf, ok := r.s.Fault.(faults.ProducerClientFault); ok && len(r.javaProcesses()) > 0 {
		pf.BindProducers(r.javaProcesses())
	}
	r.logf("%d topics created, %d partitions each, leaders pinned to node %d", len(r.topics), r.s.Partitions, leader)
	return nil
}

func (r *run) progress(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var parts []string
		for i, pr := range r.producers {
			parts = append(parts, r.s.Profiles[i].Name+" "+pr.Progress())
		}
		if parts = append(parts, r.clients.Progress()...); len(parts) > 0 {
			r.logf("%s", strings.Join(parts, " | "))
		}
	}
}

func (r *run) sample(ctx context.Context, every time.Duration) []schema.Sample {
	var out []schema.Sample
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s := schema.Sample{At: r.since(), Controller: -1}
		ps, err := r.p.Cluster.Partitions(r.topics...)
		if err != nil {
			s.Error = err.Error()
		}
		s.Partitions = ps
		if s.Reassignments, err = r.reassignments(ps); err != nil {
			s.Error = err.Error()
		}
		if ctrl, _, err := r.p.Cluster.ActiveController(ctx); err == nil {
			s.Controller = ctrl
		}
		out = append(out, s)
		select {
		case <-ctx.Done():
			return out
		case <-t.C:
		}
	}
}

// reassignments returns the reassignments in progress among the sampled
// partitions. Only a partition whose ISR is short of its replica set can
// have one, so the request is made only then.
func (r *run) reassignments(ps []schema.PartitionState) ([]schema.Reassignment, error) {
	if !slices.ContainsFunc(ps, func(p schema.PartitionState) bool { return len(p.ISR) < len(p.Replicas) }) {
		return nil, nil
	}
	return r.p.Cluster.Reassignments(cluster.AllNodes(), schema.PartitionIDs(ps))
}

// pinnedLeader is the node that leads every topic of a run, chosen from
// the seed.
func pinnedLeader(seed int64) int {
	return 1 + rand.New(rand.NewPCG(uint64(seed), 0)).IntN(cluster.Nodes)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// auditSettle bounds the wait for a topic's high watermarks to stop
// moving before it is read: long enough for followers that rejoined to
// fetch what the leader alone had, short against a follower that never
// returns.
const auditSettle = 10 * time.Second

// audit reads one topic back; parse recovers ids from the values its
// producer wrote.
func (r *run) audit(ctx context.Context, topic string, parse func([]byte) (string, int64, error)) (audit.Log, error) {
	return r.auditAs(ctx, topic, parse, false)
}

// auditIdle ends the read of a transactional topic's partition that
// received nothing for that long, its client fetching all along.
const auditIdle = 3 * time.Second

// auditAs reads one topic back, as a read_committed consumer with
// committed; a transactional topic's read ends by idleness (its markers
// take offsets no consumer sees).
func (r *run) auditAs(ctx context.Context, topic string, parse func([]byte) (string, int64, error), committed bool) (audit.Log, error) {
	_, txn := r.txns[topic]
	return r.auditTopic(ctx, topic, parse, committed, txn)
}

// auditCommitted reads a transactional topic a client application wrote
// as a read_committed consumer does.
func (r *run) auditCommitted(ctx context.Context, topic string, parse func([]byte) (string, int64, error)) (audit.Log, error) {
	return r.auditTopic(ctx, topic, parse, true, true)
}

func (r *run) auditTopic(ctx context.Context, topic string, parse func([]byte) (string, int64, error), committed, txn bool) (audit.Log, error) {
	return audit.Read(ctx, audit.Params{
		Brokers: r.p.Cluster.Bootstrap(), Config: r.p.Cluster.SaramaConfig("kafka-chaos-auditor"), Topic: topic,
		Parse: parse, Timeout: 60 * time.Second, Settle: auditSettle,
		ReadCommitted: committed, Transactional: txn, Idle: auditIdle,
	})
}

// window is the fault's span for exposure, nil when no fault was injected.
func (r *run) window() *schema.Window {
	f := r.res.Fault
	if f.InjectedAt == 0 {
		return nil
	}
	at := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	healed := max(f.HealedAt, f.InjectedAt)
	return &schema.Window{Injected: at(f.InjectedAt), Healed: at(healed), Recovered: at(max(f.RecoveredAt, healed))}
}

// producerResult judges one producer ledger against its topic's audit and
// stores the history it was judged from.
func (r *run) producerResult(prof schema.Profile, topic string, entries []ledger.Entry, a audit.Log, expect schema.Expectation, extra history.Profile) (schema.ProfileResult, error) {
	res := schema.ProfileResult{
		Profile: prof, Topic: topic, Audit: a.Partitions,
		Verdict: verify.Producer(verify.Params{
			Profile: prof.Name, Entries: entries, Records: a.Records, Expect: expect,
			Window: r.window(), MinExposure: r.s.MinExposure, Txns: extra.Txns,
		}),
		Perf: perf(entries), Series: reports.PerSecond(entries),
	}
	if r.p.RunDir == "" {
		return res, nil
	}
	res.History = filepath.Join("histories", r.s.Name, prof.Name)
	extra.Entries, extra.Records = entries, a.Records
	return res, history.Write(filepath.Join(r.p.RunDir, res.History), extra)
}

// verify audits every topic and judges every profile.
func (r *run) verify(ctx context.Context) error {
	r.phase(schema.PhaseAudit, "")
	// Every topic is read back at once; the verdicts keep profile order.
	results := make([]schema.ProfileResult, len(r.producers))
	errs := make([]error, len(r.producers))
	var wg sync.WaitGroup
	for i, pr := range r.producers {
		wg.Go(func() {
			a, err := r.audit(ctx, r.topics[i], pr.Parse)
			if err != nil {
				errs[i] = err
				return
			}
			prof := r.s.Profiles[i]
			entries, err := pr.Entries(a.Records)
			if err != nil {
				errs[i] = err
				return
			}
			var extra history.Profile
			var txn *schema.TxnResult
			if sp, ok := pr.(txnProducer); ok && prof.Transactions != nil {
				var tp verify.TxnParams
				if txn, tp, errs[i] = r.txnResult(ctx, i, sp, entries, a, r.lso[r.topics[i]]); errs[i] != nil {
					return
				}
				extra = history.Profile{Txns: tp.Txns, Committed: tp.Committed, LSO: tp.LSO}
			}
			results[i], errs[i] = r.producerResult(prof, r.topics[i], entries, a, r.s.Expect[prof.Name], extra)
			results[i].ClientConfig = pr.ClientConfig()
			results[i].Txn = txn
		})
	}
	wg.Wait()
	for _, res := range results {
		if res.Topic == "" {
			continue // not audited
		}
		c := res.Verdict.Counts
		r.logf("verdict %s: %s attempted=%d acked=%d failed=%d unknown=%d lost=%d duplicates=%d present-although-failed=%d present-although-unknown=%d exposure: %s",
			res.Profile.Name, res.Verdict.Status, c.Attempted, c.Acked, c.Failed, c.Unknown, c.Lost, c.Duplicates, c.PresentAlthoughFailed, c.PresentAlthoughUnknown, res.Verdict.Exposure.Short())
		if t := res.Txn; t != nil {
			tc := t.Verdict.Counts
			r.logf("verdict %s transactions: %s transactions=%d committed=%d aborted=%d unknown=%d open=%d committed-absent=%d aborted-read=%d partial=%d duplicates=%d hanging-partitions=%d",
				res.Profile.Name, t.Verdict.Status, tc.Transactions, tc.Committed, tc.Aborted, tc.Unknown, tc.Open, tc.CommittedAbsent, tc.AbortedRead, tc.PartialTransactions, tc.Duplicates, tc.HangingPartitions)
		}
		r.res.Profiles = append(r.res.Profiles, res)
	}
	return errors.Join(append(errs, r.verifyClients(ctx))...)
}

// judge sets the scenario status. A broken guarantee fails the scenario
// whatever else went wrong, since a run that proves nothing about the
// fault still proves the loss; otherwise a run error or a judged profile
// the fault did not exercise makes it invalid.
func (r *run) judge(runErr error) {
	var failed, invalid []string
	for _, pr := range r.res.Profiles {
		if err := pr.Verdict.Err(); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", pr.Profile.Name, err))
		}
		if pr.Txn == nil {
			continue
		}
		if err := pr.Txn.Verdict.Err(); err != nil {
			failed = append(failed, fmt.Sprintf("%s transactions: %v", pr.Profile.Name, err))
		}
	}
	failed = append(failed, clientFailures(r.res.Profiles)...)
	if runErr != nil {
		invalid = append(invalid, runErr.Error())
	}
	invalid = append(invalid, unexercised(r.res.Profiles)...)
	switch {
	case len(failed) > 0:
		r.res.Status = schema.ScenarioFail
		r.res.Reason = strings.Join(append(failed, invalid...), "; ")
	case len(invalid) > 0:
		r.res.Status = schema.ScenarioInvalid
		r.res.Reason = strings.Join(invalid, "; ")
	default:
		r.res.Status, r.res.Reason = schema.ScenarioPass, ""
	}
}

// unexercised names every judged verdict left unknown: the profile (or its
// consumer group) was not exercised by the fault, so the run proves
// nothing about it.
func unexercised(profiles []schema.ProfileResult) []string {
	var out []string
	for _, p := range profiles {
		v := p.Verdict
		if len(v.Expected) > 0 && v.Status == schema.Unknown {
			out = append(out, fmt.Sprintf("profile %s was not exercised by the fault (%s)", p.Profile.Name, v.Reason))
		}
		if p.Txn != nil {
			if tv := p.Txn.Verdict; len(tv.Expected) > 0 && tv.Status == schema.Unknown {
				out = append(out, fmt.Sprintf("transactions of %s were not exercised by the fault (%s)", p.Profile.Name, tv.Reason))
			}
		}
		if p.Consumer == nil {
			continue
		}
		if cv := p.Consumer.Verdict; len(cv.Expected) > 0 && cv.Status == schema.Unknown {
			out = append(out, fmt.Sprintf("consumer group %s was not exercised by the fault (%s)", p.Consumer.Consumer.Name, cv.Reason))
		}
	}
	return out
}
