package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// fullRun is a real run of the whole matrix (reports/runs/20261126-012856),
// cut down to what the recommendation reads: per scenario its name, status,
// fault name and rate; per profile its acks, min.insync.replicas, unclean
// election, loss counts, acked/s, and an application's or consumer group's
// counts.
func fullRun(t *testing.T) *schema.Run { return readTestdata(t, "full-run.json") }

// testdataRun is a real leader-kill run: four profiles, acks=0 and acks=1
// lose data, the two acks=all profiles do not.
func testdataRun(t *testing.T) *schema.Run { return readTestdata(t, "leader-kill.json") }

func readTestdata(t *testing.T, file string) *schema.Run {
	t.Helper()
	r, err := Read("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// result builds a profile result whose verdict is judged the way the
// verifier judges it: a broken expected guarantee fails it.
func result(name string, expect schema.Expectation, lost, believedLost, dup int, ackedPerSec float64) schema.ProfileResult {
	v := schema.Verdict{Profile: name, Expected: expect, Status: schema.Pass, Counts: schema.Counts{
		Attempted: 1000, Acked: 1000 - lost, Lost: lost, BelievedLost: believedLost, Duplicates: dup,
	}}
	if err := v.Err(); err != nil {
		v.Status, v.Violations = schema.Fail, strings.Split(err.Error(), "\n")
	}
	return schema.ProfileResult{
		Profile: schema.Profile{Name: name}, Topic: "t." + name, Verdict: v,
		Perf: schema.Perf{AckedPerSecond: ackedPerSec, MaxAckGapSeconds: 2},
	}
}

func scenario(name string, status schema.ScenarioStatus, profiles ...schema.ProfileResult) schema.Scenario {
	return schema.Scenario{
		Name: name, Status: status, Profiles: profiles,
		Fault:    schema.FaultRecord{Name: name, PreparedAt: 5, InjectedAt: 8, EffectAt: 9, HealedAt: 14, RecoveredAt: 20},
		Workload: schema.WorkloadRecord{Rate: 400, Size: 256, Partitions: 3},
	}
}

// baseline is a scenario of the baseline fault: what prices profiles.
func baseline(name string, profiles ...schema.ProfileResult) schema.Scenario {
	s := scenario(name, schema.ScenarioPass, profiles...)
	s.Fault.Name, s.Workload.Rate = schema.BaselineFault, 20000
	return s
}

// durable gives a profile the settings commonly called safe.
func durable(p schema.ProfileResult) schema.ProfileResult {
	p.Profile.Acks, p.Profile.MinInsyncReplicas = schema.AcksAll, 2
	return p
}

// consumer is a consumer group fed without loss, at a throughput that would
// win any producer ranking it wrongly entered.
func consumer(name string, neverProcessed, duplicateEffects, deadLettered int) schema.ProfileResult {
	p := durable(result(name, noLoss, 0, 0, 0, 1e6))
	p.Consumer = &schema.ConsumerResult{Verdict: schema.ConsumerVerdict{Profile: name, Status: schema.Pass, Counts: schema.ConsumerCounts{
		NeverProcessed: neverProcessed, DuplicateEffects: duplicateEffects, DeadLettered: deadLettered,
	}}}
	return p
}

// app is a producer application; like consumer, it must stay out of the
// producer ranking however fast.
func app(name string, undelivered, believedLost, dup int) schema.ProfileResult {
	p := durable(result(name, nil, 0, believedLost, dup, 1e6))
	p.App = &schema.AppResult{Undelivered: undelivered}
	return p
}

func run(id string, seed int64, scenarios ...schema.Scenario) *schema.Run {
	return &schema.Run{SchemaVersion: schema.SchemaVersion, RunID: id, Seed: seed,
		StartedAt: time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC), Scenarios: scenarios}
}

var noLoss = schema.Expectation{schema.NoAckedLoss, schema.NoBelievedLoss}

// wantIn reports each of wants that the rendered file lacks.
func wantIn(t *testing.T, file, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", file, w)
		}
	}
}
