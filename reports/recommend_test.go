package reports

import (
	"math"
	"testing"
)

func TestRecommendPicksTheCheapestSafeProfile(t *testing.T) {
	r := run("rec", 1,
		scenario("kill",
			Pass,
			result("fast-lossy", nil, 7, 7, 0, 1000),
			result("mid-safe", noLoss, 0, 0, 3, 700),
			result("slow-safe", noLoss, 0, 0, 0, 100),
			// Nothing acknowledged was lost, but the application believed
			// sends that never landed: not safe.
			result("believes-too-much", nil, 0, 4, 0, 950),
		),
		scenario("partition",
			Pass,
			result("fast-lossy", nil, 0, 0, 0, 1000),
			result("mid-safe", noLoss, 0, 0, 0, 900),
			result("slow-safe", noLoss, 0, 0, 0, 100),
			result("believes-too-much", nil, 0, 0, 0, 950),
		),
		// Zero loss, but only where the run proved nothing.
		scenario("noop", Invalid, result("unproven", noLoss, 0, 0, 0, 990)),
	)
	rec := Recommend(r)
	if rec.Safe == nil || rec.Safe.Name != "mid-safe" {
		t.Fatalf("safe = %+v, want mid-safe", rec.Safe)
	}
	if rec.Fastest.Name != "fast-lossy" {
		t.Errorf("fastest = %s, want fast-lossy", rec.Fastest.Name)
	}
	// mid-safe averages (700+900)/2 = 800 against 1000: 20 % cheaper.
	if math.Abs(rec.CostPercent-20) > 1e-9 {
		t.Errorf("cost = %v%%, want 20%%", rec.CostPercent)
	}
	if rec.Safe.Scenarios != 2 || rec.Safe.Proven != 2 || rec.Safe.Duplicates != 3 {
		t.Errorf("mid-safe summary = %+v", rec.Safe)
	}
}

func TestRecommendOnTheLeaderKillRun(t *testing.T) {
	rec := Recommend(testdataRun(t))
	if rec.Safe == nil || rec.Safe.Name != "safe-idempotent" || rec.Fastest.Name != "acks0-async" {
		t.Fatalf("safe %+v, fastest %+v: want safe-idempotent, acks0-async", rec.Safe, rec.Fastest)
	}
	want := 100 * (375.67441225663333 - 268.08884660887986) / 375.67441225663333
	if math.Abs(rec.CostPercent-want) > 1e-9 {
		t.Errorf("cost = %v%%, want %v%%", rec.CostPercent, want)
	}
}

func TestRecommendWithoutSafeProfile(t *testing.T) {
	rec := Recommend(run("none", 1, scenario("kill", Pass, result("lossy", nil, 1, 1, 0, 10))))
	if rec.Safe != nil || rec.CostPercent != 0 {
		t.Errorf("safe = %+v, cost %v: want none", rec.Safe, rec.CostPercent)
	}
	if s := rec.Sentences(400); len(s) != 2 {
		t.Errorf("sentences = %q, want the fastest and 'none safe'", s)
	}
}
