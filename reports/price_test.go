package reports

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/pricing"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// priced is a profile priced alone: acked/s and fixed-load p99 per
// repetition.
func priced(name string, acked, p99 []float64) schema.ProfilePrice {
	var runs []schema.PriceRun
	for i := range acked {
		runs = append(runs, schema.PriceRun{
			Repetition:  i + 1,
			Unthrottled: schema.Throughput{AckedPerSecond: acked[i], MBPerSecond: acked[i] * 256 / (1 << 20)},
			Fixed:       schema.Latency{P50Ms: p99[i] / 2, P99Ms: p99[i], P999Ms: p99[i] * 2, MaxMs: p99[i] * 3, Messages: 3000, Acked: 3000},
		})
	}
	return NewProfilePrice(schema.Profile{Name: name}, nil, runs, pricing.DefaultMethod().FixedRate)
}

func prices(pp ...schema.ProfilePrice) *schema.Prices {
	m := pricing.DefaultMethod()
	return &schema.Prices{Method: m, Profiles: pp, Leader: 2, WallSeconds: 170}
}

func TestNewProfilePrice(t *testing.T) {
	pp := priced("p", []float64{1100, 3000, 2000}, []float64{5, 4, 6})
	if pp.AckedPerSecond != (schema.Range{Median: 2000, Min: 1100, Max: 3000}) || pp.P99Ms != (schema.Range{Median: 5, Min: 4, Max: 6}) || !pp.Sustained {
		t.Errorf("price %+v", pp)
	}
	pp.Runs = append(pp.Runs, schema.PriceRun{Repetition: 4, Error: "create topic: timeout"})
	again := NewProfilePrice(pp.Profile, nil, pp.Runs, 1000)
	if again.Measured() != 3 || again.AckedPerSecond != pp.AckedPerSecond || again.Sustained {
		t.Errorf("a failed repetition: measured %d, %+v, sustained %v; want it left out of the figures and not sustained",
			again.Measured(), again.AckedPerSecond, again.Sustained)
	}
	// Every message acknowledged, yet slower unthrottled than the load
	// offered: it fell behind, and caught up only once the load ended.
	if slow := NewProfilePrice(pp.Profile, nil, pp.Runs[:3], 1500); slow.Sustained {
		t.Error("a profile whose unthrottled rate is below the fixed load sustained it")
	}
	if (&schema.Prices{Profiles: []schema.ProfilePrice{NewProfilePrice(schema.Profile{Name: "x"}, nil, []schema.PriceRun{{Error: "e"}}, 1000)}}).Profile("x") != nil {
		t.Error("a profile with no repetition measured has a price")
	}
}

// pricedRun is a run whose producer profiles were also priced alone; the
// concurrent baseline ranks them the other way round and must not count.
func pricedRun(ps *schema.Prices) *schema.Run {
	r := run("priced", 1,
		baseline("baseline-throughput", result("acks1-async", nil, 0, 0, 0, 5000), durable(result("safe-idempotent", noLoss, 0, 0, 0, 9000))),
		scenario("leader-kill", schema.ScenarioPass, result("acks1-async", nil, 40, 40, 0, 400), durable(result("safe-idempotent", noLoss, 0, 0, 0, 400)),
			result("unpriced-safe", noLoss, 0, 0, 0, 400)),
	)
	r.Prices = ps
	return r
}

// TestRecommendPricesAlone: the isolated prices replace the baseline's, and
// the cost sentence carries the spread, taken per round.
func TestRecommendPricesAlone(t *testing.T) {
	r := pricedRun(prices(
		priced("acks1-async", []float64{30000, 24000, 29000}, []float64{3, 2, 4}),
		priced("safe-idempotent", []float64{20000, 15000, 21000}, []float64{7, 6, 9}),
	))
	r.Prices.Cluster.JVMOpts = "-XX:TieredStopAtLevel=1"
	rec := Recommend(r)
	s, f := summary(t, rec, "safe-idempotent"), summary(t, rec, "acks1-async")
	if rec.Safe != s || rec.Fastest != f || s.Throughput != 20000 || f.Throughput != 29000 {
		t.Fatalf("safe %+v, fastest %+v: want safe-idempotent at 20,000, acks1-async at 29,000", rec.Safe, rec.Fastest)
	}
	if want := "alone on a healthy cluster: median of 3 repetitions (15,000–21,000)"; s.Measured != want {
		t.Errorf("measured %q, want %q", s.Measured, want)
	}
	if u := summary(t, rec, "unpriced-safe"); u.Priced {
		t.Errorf("unpriced-safe has a price without being priced alone: %+v", u)
	}
	// Per round: 1-20/30 = 33 %, 1-15/24 = 38 %, 1-21/29 = 28 %; p99 +4, +4, +5.
	wantSentences(t, rec,
		"Cheapest zero-loss producer profile: safe-idempotent, 20,000 acked/s alone, 15,000–21,000 over 3 repetitions, brokers' JVM options -XX:TieredStopAtLevel=1, with zero",
		"Cost of safety: safe-idempotent costs 33 % (28–38 %) of acks1-async's throughput (20,000 (15,000–21,000) against 29,000 (24,000–30,000) acked/s alone) and adds 4.0 ms (4.0–5.0) at p99 at 1,000 msg/s (7.0 against 3.0 ms).",
		"unpriced-safe lost nothing in 1 of the 1 fault scenarios that ran producer profiles, but the run did not price it alone: its cost was not measured.",
	)
}

// TestRecommendWithinNoise: overlapping ranges rank nothing.
func TestRecommendWithinNoise(t *testing.T) {
	rec := Recommend(pricedRun(prices(
		priced("acks1-async", []float64{21000, 19000, 25000}, []float64{3, 2, 4}),
		priced("safe-idempotent", []float64{20000, 18000, 22000}, []float64{4, 3, 5}),
	)))
	wantSentences(t, rec,
		"Cost of safety within noise: safe-idempotent and acks1-async deliver the same throughput (20,000 (18,000–22,000) and 21,000 (19,000–25,000) acked/s alone: the ranges overlap); their p99 at 1,000 msg/s is the same within noise (4.0 (3.0–5.0) and 3.0 (2.0–4.0) ms).",
	)
	// Throughput apart, latency within noise, and the other way round.
	rec = Recommend(pricedRun(prices(
		priced("acks1-async", []float64{30000, 29000, 31000}, []float64{3, 2, 4}),
		priced("safe-idempotent", []float64{20000, 19000, 21000}, []float64{2, 1, 3}),
	)))
	wantSentences(t, rec, "of acks1-async's throughput (20,000 (19,000–21,000) against 30,000 (29,000–31,000) acked/s alone); their p99 at 1,000 msg/s is the same within noise")
	rec = Recommend(pricedRun(prices(
		priced("acks1-async", []float64{21000, 19000, 25000}, []float64{8, 9, 10}),
		priced("safe-idempotent", []float64{20000, 18000, 22000}, []float64{3, 2, 4}),
	)))
	wantSentences(t, rec, "acked/s alone: the ranges overlap); safe-idempotent takes 6.0 ms (5.0–7.0) less at p99 at 1,000 msg/s (3.0 against 9.0 ms).")
	// Slower unthrottled than the fixed load: its latency is a queue's.
	rec = Recommend(pricedRun(prices(
		priced("acks1-async", []float64{30000, 29000, 31000}, []float64{3, 2, 4}),
		priced("safe-idempotent", []float64{900, 800, 950}, []float64{300, 250, 400}),
	)))
	wantSentences(t, rec, "acked/s alone); safe-idempotent did not sustain 1,000 msg/s, so no p99 compares.")
}

// TestPricesWithoutScenarios: a run that only priced (make price) says so
// instead of recommending.
func TestPricesWithoutScenarios(t *testing.T) {
	r := run("price-only", 1)
	r.Prices = prices(priced("acks1-async", []float64{30000, 24000, 29000}, []float64{3, 2, 4}))
	if got := Recommend(r).Sentences(); !slices.Equal(got, []string{"No scenario ran: the prices below say what each configuration costs, not what it loses."}) {
		t.Errorf("sentences %q", got)
	}
}

func TestGrouped(t *testing.T) {
	for x, want := range map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 1234567.8: "1,234,568", -2500: "-2,500"} {
		if got := grouped(x); got != want {
			t.Errorf("grouped(%v) = %q, want %q", x, got, want)
		}
	}
}

// TestRenderPrices: both reports carry the section, its table and the
// calibration row.
func TestRenderPrices(t *testing.T) {
	ps := prices(
		priced("acks1-async", []float64{30000, 24000, 29000}, []float64{3, 2, 4}),
		priced("safe-idempotent", []float64{20000, 15000, 21000}, []float64{7, 6, 9}),
	)
	cal := schema.Calibration{Profile: "acks1-async", Node: 3, Path: "inside node 3's container", Differences: []string{"murmur2 against FNV-1a"}}
	for i, perf := range []float64{40000, 36000, 42000} {
		harness := ps.Profiles[0].Runs[i].Unthrottled.AckedPerSecond
		cal.Runs = append(cal.Runs, schema.CalibrationRun{
			Repetition: i + 1, HarnessAckedPerSecond: harness, Ratio: harness / perf,
			Summary:  schema.PerfTestSummary{RecordsPerSecond: perf, MBPerSecond: perf * 256 / (1 << 20), P50Ms: 2, P99Ms: 9, P999Ms: 20, MaxLatencyMs: 31},
			PerfTest: schema.PerfTest{Records: int(2 * harness), WarmupRecords: int(2*harness) / 5, RecordSize: 256, Keys: 16, Props: map[string]string{"acks": "1"}},
		})
	}
	cal.Runs = append(cal.Runs, schema.CalibrationRun{Repetition: 4, Error: "kafka-producer-perf-test: exit code 1"})
	SummarizeCalibration(&cal)
	// Per round: 30/40, 24/36, 29/42; the failed run counts in none.
	if cal.PerfTest != (schema.Range{Median: 40000, Min: 36000, Max: 42000}) || cal.Ratio.Median != 29000.0/42000 {
		t.Errorf("calibration summary %+v, %+v: want perf-test 40,000 (36,000–42,000), ratio 69 %%", cal.PerfTest, cal.Ratio)
	}
	ps.Calibration = []schema.Calibration{cal}
	dir := renderTo(t, pricedRun(ps))
	md, page := readFile(t, filepath.Join(dir, MarkdownFile)), readFile(t, filepath.Join(dir, HTMLFile))
	for file, text := range map[string]string{"report.md": md, "report.html": page} {
		wantIn(t, file, text, "What safety costs (isolated, repeated)", "3 repetitions in interleaved order", "cost against acks1-async",
			"40,000 (36,000–42,000) records/s", "29,000 (24,000–30,000) acked/s", "69 % (67–75 %)", "below the 85 % target",
			"records of 256 bytes, two fifths of them warm-up, 16 keys, --throughput -1, acks=1", "murmur2 against FNV-1a",
			"2.0 / 9.0 / 20 / 31", "kafka-producer-perf-test: exit code 1")
	}
	wantIn(t, "report.md", md,
		"| safe-idempotent | 20,000 (15,000–21,000) | 4.88 (3.66–5.13) | 3.5 (3.0–4.5) | 7.0 (6.0–9.0) | 14 (12–18) | 21 (18–27) | 3 | 33 % (28–38 %) |",
		"| acks1-async | 29,000 (24,000–30,000) |")
	if strings.Count(md, "## What safety costs") != 1 || strings.Index(md, "## What safety costs") > strings.Index(md, "## Matrix") {
		t.Error("report.md: the pricing section must come once, before the matrix")
	}
}

func TestMergeKeepsOnePricing(t *testing.T) {
	a, b := run("a", 1, scenario("kill", schema.ScenarioPass)), run("b", 1, scenario("partition", schema.ScenarioPass))
	b.Prices = prices(priced("p", []float64{1}, []float64{1}))
	m, err := Merge("m", a, b)
	if err != nil || m.Prices != b.Prices {
		t.Fatalf("merge: prices %v, err %v; want b's", m.Prices, err)
	}
	a.Prices = b.Prices
	if _, err := Merge("m", a, b); err == nil || !strings.Contains(err.Error(), "both a and b priced") {
		t.Errorf("two pricings merged: %v", err)
	}
}
