package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// fullRun is a real run of the whole matrix (reports/runs/20261126-012856),
// cut down to what the recommendation reads: per scenario its name, status,
// fault name and rate; per profile its acks, min.insync.replicas, unclean
// election, loss counts, acked/s, and an application's or consumer group's
// counts.
func fullRun(t *testing.T) *Run { return readTestdata(t, "full-run.json") }

// testdataRun is a real leader-kill run: four profiles, acks=0 and acks=1
// lose data, the two acks=all profiles do not.
func testdataRun(t *testing.T) *Run { return readTestdata(t, "leader-kill.json") }

func readTestdata(t *testing.T, file string) *Run {
	t.Helper()
	r, err := Read("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// result builds a profile result whose verdict is judged the way the
// verifier judges it: a broken expected guarantee fails it.
func result(name string, expect verify.Expectation, lost, believedLost, dup int, ackedPerSec float64) ProfileResult {
	v := verify.Result{Profile: name, Expected: expect, Status: verify.Pass, Counts: verify.Counts{
		Attempted: 1000, Acked: 1000 - lost, Lost: lost, BelievedLost: believedLost, Duplicates: dup,
	}}
	if err := v.Err(); err != nil {
		v.Status, v.Violations = verify.Fail, strings.Split(err.Error(), "\n")
	}
	return ProfileResult{
		Profile: workload.Profile{Name: name}, Topic: "t." + name, Verdict: v,
		Perf: Perf{AckedPerSecond: ackedPerSec, MaxAckGapSeconds: 2},
	}
}

func scenario(name string, status Status, profiles ...ProfileResult) Scenario {
	return Scenario{
		Name: name, Status: status, Profiles: profiles,
		Fault:    FaultRecord{Name: name, PreparedAt: 5, InjectedAt: 8, EffectAt: 9, HealedAt: 14, RecoveredAt: 20},
		Workload: WorkloadRecord{Rate: 400, Size: 256, Partitions: 3},
	}
}

// baseline is a scenario of the baseline fault: what prices profiles.
func baseline(name string, profiles ...ProfileResult) Scenario {
	s := scenario(name, Pass, profiles...)
	s.Fault.Name, s.Workload.Rate = baselineFault, 20000
	return s
}

// durable gives a profile the settings commonly called safe.
func durable(p ProfileResult) ProfileResult {
	p.Profile.Acks, p.Profile.MinInsyncReplicas = workload.AcksAll, 2
	return p
}

// consumer is a consumer group fed without loss, at a throughput that would
// win any producer ranking it wrongly entered.
func consumer(name string, neverProcessed, duplicateEffects, deadLettered int) ProfileResult {
	p := durable(result(name, noLoss, 0, 0, 0, 1e6))
	p.Consumer = &ConsumerResult{Verdict: verify.ConsumerResult{Profile: name, Status: verify.Pass, Counts: verify.ConsumerCounts{
		NeverProcessed: neverProcessed, DuplicateEffects: duplicateEffects, DeadLettered: deadLettered,
	}}}
	return p
}

// app is a producer application; like consumer, it must stay out of the
// producer ranking however fast.
func app(name string, undelivered, believedLost, dup int) ProfileResult {
	p := durable(result(name, nil, 0, believedLost, dup, 1e6))
	p.App = &AppResult{Undelivered: undelivered}
	return p
}

func run(id string, seed int64, scenarios ...Scenario) *Run {
	return &Run{SchemaVersion: SchemaVersion, RunID: id, Seed: seed,
		StartedAt: time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC), Scenarios: scenarios}
}

var noLoss = verify.Expectation{verify.NoAckedLoss, verify.NoBelievedLoss}

// wantIn reports each of wants that the rendered file lacks.
func wantIn(t *testing.T, file, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", file, w)
		}
	}
}
