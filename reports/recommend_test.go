package reports

import (
	"html"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// summary finds a producer profile's summary, failing when it is missing.
func summary(t *testing.T, rec Recommendation, name string) *ProfileSummary {
	t.Helper()
	for i := range rec.Profiles {
		if rec.Profiles[i].Name == name {
			return &rec.Profiles[i]
		}
	}
	t.Fatalf("no producer summary of %s in %+v", name, rec.Profiles)
	return nil
}

// wantSentences checks that some sentence holds each of wants.
func wantSentences(t *testing.T, rec Recommendation, wants ...string) {
	t.Helper()
	wantIn(t, "sentences", strings.Join(rec.Sentences(), "\n"), wants...)
}

func TestRecommendWithoutBaselineFallsBackToTheMean(t *testing.T) {
	r := run("rec", 1,
		scenario("kill",
			schema.ScenarioPass,
			result("fast-lossy", nil, 7, 7, 0, 1000),
			result("mid-safe", noLoss, 0, 0, 3, 700),
			result("slow-safe", noLoss, 0, 0, 0, 100),
			// Nothing acknowledged was lost, but the application believed
			// sends that never landed: not safe.
			result("believes-too-much", nil, 0, 4, 0, 950),
		),
		scenario("partition",
			schema.ScenarioPass,
			result("fast-lossy", nil, 0, 0, 0, 1000),
			result("mid-safe", noLoss, 0, 0, 0, 900),
			result("slow-safe", noLoss, 0, 0, 0, 100),
			result("believes-too-much", nil, 0, 0, 0, 950),
		),
		// Zero loss, but only where the run proved nothing.
		scenario("noop", schema.ScenarioInvalid, result("unproven", noLoss, 0, 0, 0, 990)),
	)
	rec := Recommend(r)
	if rec.ByBaseline || rec.FaultScenarios != 3 {
		t.Errorf("by baseline %v, %d fault scenarios: want the mean, 3", rec.ByBaseline, rec.FaultScenarios)
	}
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
	if s := rec.Safe; s.Faults != 2 || s.Proven != 2 || s.Duplicates != 3 || s.Measured != "mean of 2 scenarios" {
		t.Errorf("mid-safe summary = %+v", s)
	}
	if b := summary(t, rec, "believes-too-much"); b.ZeroLoss() || b.LostIn() != "kill (4)" {
		t.Errorf("believes-too-much = %+v, lost in %q: believed-sent loss is loss", b, b.LostIn())
	}
	if u := summary(t, rec, "unproven"); u.ZeroLoss() || u.Proven != 0 {
		t.Errorf("unproven = %+v: an invalid scenario proves nothing", u)
	}
	wantSentences(t, rec,
		"Fastest producer profile: fast-lossy, 1000.0 acked/s on average at an offered 400 msg/s per profile",
		"Cheapest zero-loss producer profile: mid-safe, 800.0 acked/s on average at an offered 400 msg/s per profile, through the faults, with zero acknowledged and believed-sent loss in 2 of the 3 fault scenarios",
		"Cost of safety: mid-safe delivers 20.0 % less throughput than the fastest, fast-lossy (800.0 against 1000.0 acked/s).",
	)
}

func TestRecommendCountsLossInInvalidScenariosButNotUnknownVerdictsAsCoverage(t *testing.T) {
	r := run("invalid", 1,
		scenario("kill", schema.ScenarioPass,
			result("fast", noLoss, 0, 0, 0, 1000), result("steady", noLoss, 0, 0, 0, 900),
			result("safe", noLoss, 0, 0, 0, 300), unexercised("idle")),
		scenario("partition", schema.ScenarioPass,
			result("fast", noLoss, 0, 0, 0, 1000), unexercised("steady"),
			result("safe", noLoss, 0, 0, 0, 300), unexercised("idle")),
		// Invalid, yet fast broke its promise here: it is not zero-loss.
		scenario("flap", schema.ScenarioInvalid, result("fast", noLoss, 6, 6, 0, 1000)),
	)
	rec := Recommend(r)
	f := summary(t, rec, "fast")
	if f.ZeroLoss() || f.Lost != 6 || f.LostIn() != "flap (6)" || f.Proven != 2 {
		t.Errorf("fast = %+v, lost in %q: want its loss in the invalid flap counted", f, f.LostIn())
	}
	st := summary(t, rec, "steady")
	if st.Proven != 1 || !slices.Equal(st.FaultsProven, []string{"kill"}) {
		t.Errorf("steady = %+v: an unknown verdict under partition proves nothing there", st)
	}
	if i := summary(t, rec, "idle"); i.ZeroLoss() || i.Proven != 0 {
		t.Errorf("idle = %+v: only unknown verdicts, nothing proven", i)
	}
	// Counted as covered, steady would tie safe on coverage and win on
	// throughput; fast would win outright if flap were left out.
	if rec.Safe == nil || rec.Safe.Name != "safe" || rec.Faster == nil || rec.Faster.Name != "steady" || rec.Fastest.Name != "fast" {
		t.Fatalf("safe %+v, passed over %+v, fastest %+v: want safe, steady, fast", rec.Safe, rec.Faster, rec.Fastest)
	}
	wantSentences(t, rec,
		"Fastest producer profile: fast, 1000.0 acked/s on average at an offered 400 msg/s per profile, through the faults; it lost 6 acknowledged and 6 believed-sent messages, in flap (6).",
		"Cheapest zero-loss producer profile: safe, 300.0 acked/s on average at an offered 400 msg/s per profile, through the faults, with zero acknowledged and believed-sent loss in 2 of the 3 fault scenarios",
		"steady is faster (500.0 acked/s on average at an offered 400 msg/s per profile, through the faults) and lost nothing either, but in only 1 of the 3 fault scenarios",
	)
}

func TestRecommendPricesByTheWidestBaseline(t *testing.T) {
	// Under faults every profile delivers the offered rate, whatever it
	// costs: the mean would rank them the other way round.
	fault := func(name string, lost int) schema.Scenario {
		return scenario(name, schema.ScenarioPass, result("fast-lossy", nil, lost, lost, 0, 300), result("safe", noLoss, 0, 0, 0, 400),
			result("slow-safe", noLoss, 0, 0, 0, 400), result("unpriced", noLoss, 0, 0, 0, 400))
	}
	r := run("baselines", 1,
		// Narrower than the next: safe's 9000 here does not count.
		baseline("baseline-pair", result("safe", noLoss, 0, 0, 0, 9000), result("fast-lossy", nil, 0, 0, 0, 9500)),
		// Its brokers' JVM options move the price: the sentences name them.
		func() schema.Scenario {
			s := baseline("baseline-all",
				result("fast-lossy", nil, 0, 0, 0, 10000),
				result("safe", noLoss, 0, 0, 0, 6000),
				result("slow-safe", noLoss, 0, 0, 0, 500))
			s.Cluster.JVMOpts = "-XX:TieredStopAtLevel=1"
			return s
		}(),
		// Invalid: measured nothing, so it prices nothing.
		func() schema.Scenario {
			s := baseline("baseline-broken", result("unpriced", noLoss, 0, 0, 0, 20000))
			s.Status = schema.ScenarioInvalid
			return s
		}(),
		fault("kill", 5), fault("partition", 0),
	)
	rec := Recommend(r)
	if !rec.ByBaseline || rec.FaultScenarios != 2 {
		t.Fatalf("by baseline %v, %d fault scenarios: want baselines, 2", rec.ByBaseline, rec.FaultScenarios)
	}
	s := summary(t, rec, "safe")
	if !s.Priced || s.Throughput != 6000 || s.Baseline != "baseline-all" || s.Faults != 2 || s.Proven != 2 {
		t.Errorf("safe = %+v, want priced at 6000 by baseline-all, 2 fault scenarios", s)
	}
	if want := "baseline-all, 3 producer profiles side by side (the widest of its 2 baselines)"; s.Measured != want {
		t.Errorf("safe measured in %q, want %q", s.Measured, want)
	}
	if rec.Safe != s || rec.Fastest == nil || rec.Fastest.Name != "fast-lossy" || rec.Faster != nil {
		t.Fatalf("safe %+v, fastest %+v, faster %+v: want safe, fast-lossy, none", rec.Safe, rec.Fastest, rec.Faster)
	}
	if math.Abs(rec.CostPercent-40) > 1e-9 {
		t.Errorf("cost = %v%%, want 40%% (6000 against 10000)", rec.CostPercent)
	}
	if u := summary(t, rec, "unpriced"); u.Priced || !u.ZeroLoss() || u.Measured != "not measured: no valid baseline ran it" {
		t.Errorf("unpriced = %+v: zero loss, but no price", u)
	}
	wantSentences(t, rec,
		"Fastest producer profile: fast-lossy, 10000.0 acked/s unthrottled in baseline-all (brokers' JVM options: -XX:TieredStopAtLevel=1); it lost 5 acknowledged and 5 believed-sent messages, in kill (5).",
		"Cheapest zero-loss producer profile: safe, 6000.0 acked/s unthrottled in baseline-all (brokers' JVM options: -XX:TieredStopAtLevel=1), with zero acknowledged and believed-sent loss in 2 of the 2 fault scenarios that ran producer profiles.",
		"Cost of safety: safe delivers 40.0 % less throughput than the fastest, fast-lossy (6000.0 against 10000.0 acked/s).",
		"unpriced lost nothing in 2 of the 2 fault scenarios that ran producer profiles, but no valid baseline scenario ran it: its cost was not measured.",
	)
}

func TestRecommendPrefersCoverageToThroughput(t *testing.T) {
	r := run("coverage", 1,
		baseline("baseline-all", result("fast-lossy", nil, 0, 0, 0, 10000), result("fsync", noLoss, 0, 0, 0, 8000)),
		baseline("baseline-sync", result("sync", noLoss, 0, 0, 0, 20)),
		scenario("kill", schema.ScenarioPass, result("fast-lossy", nil, 3, 3, 0, 400), result("sync", noLoss, 0, 0, 0, 20)),
		scenario("partition", schema.ScenarioPass, result("fast-lossy", nil, 0, 0, 0, 400), result("sync", noLoss, 0, 0, 0, 20)),
		scenario("power-loss", schema.ScenarioPass, result("fsync", noLoss, 0, 0, 0, 300)),
	)
	rec := Recommend(r)
	if rec.Safe == nil || rec.Safe.Name != "sync" || rec.Faster == nil || rec.Faster.Name != "fsync" {
		t.Fatalf("safe %+v, passed over %+v: want sync (2 faults) over the faster fsync (1 fault)", rec.Safe, rec.Faster)
	}
	wantSentences(t, rec,
		"Cheapest zero-loss producer profile: sync, 20.0 acked/s unthrottled in baseline-sync, with zero acknowledged and believed-sent loss in 2 of the 3 fault scenarios",
		"fsync is faster (8000.0 acked/s unthrottled in baseline-all) and lost nothing either, but in only 1 of the 3 fault scenarios that ran producer profiles: wider coverage comes before throughput; sync never ran under power-loss, which fsync survived.",
		"Cost of safety: sync delivers 99.8 % less throughput than the fastest, fast-lossy (20.0 against 10000.0 acked/s), measured in different baselines (baseline-sync and baseline-all).",
	)
}

func TestRecommendSaysWhereACommonlySafeProfileLost(t *testing.T) {
	r := run("lost", 1,
		baseline("baseline", durable(result("safe-idempotent", noLoss, 0, 0, 0, 9000)), result("acks1", nil, 0, 0, 0, 12000)),
		scenario("leader-kill", schema.ScenarioPass, durable(result("safe-idempotent", noLoss, 0, 0, 0, 400)), result("acks1", nil, 40, 40, 0, 400)),
		scenario("power-loss-all", schema.ScenarioPass, durable(result("safe-idempotent", nil, 1477, 1477, 0, 70)), result("acks1", nil, 1600, 1600, 0, 80)),
		scenario("bridge", schema.ScenarioPass, durable(result("safe-idempotent", noLoss, 0, 0, 0, 400)), result("acks1", nil, 2, 2, 0, 400)),
		scenario("disk-full", schema.ScenarioPass, result("acks1", nil, 8, 8, 0, 400)),
	)
	rec := Recommend(r)
	if rec.Safe != nil {
		t.Errorf("safe = %+v, want none: every profile lost somewhere", rec.Safe)
	}
	if got := summary(t, rec, "acks1").LostIn(); got != "power-loss-all (1600), leader-kill (40), disk-full (8) and 1 more" {
		t.Errorf("acks1 lost in %q: want the three largest, largest first", got)
	}
	wantSentences(t, rec,
		"No priced producer profile lost nothing in every scenario it ran in: none can be recommended as safe.",
		"safe-idempotent (acks=all, min.insync.replicas=2, no unclean leader election) is commonly called safe, yet it lost 1477 acknowledged and 1477 believed-sent messages, in power-loss-all (1477).",
	)
	for _, s := range rec.Sentences() {
		if strings.HasPrefix(s, "acks1 (") {
			t.Errorf("acks=1 is not commonly called safe, yet: %q", s)
		}
	}
}

func TestRecommendKeepsClientsOutOfTheProducerRanking(t *testing.T) {
	r := run("clients", 1,
		baseline("baseline", result("producer", noLoss, 0, 0, 0, 5000)),
		scenario("kill", schema.ScenarioPass, result("producer", noLoss, 0, 0, 0, 400), app("fire-and-forget", 30, 30, 0), app("careful", 0, 0, 2)),
		scenario("member-crash", schema.ScenarioPass, consumer("autocommit", 17, 0, 0), consumer("dlt", 0, 0, 5)),
		scenario("member-stall", schema.ScenarioPass, consumer("autocommit", 3, 4, 0), consumer("dlt", 0, 0, 1)),
	)
	rec := Recommend(r)
	var names []string
	for _, p := range rec.Profiles {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"producer"}) || rec.Safe == nil || rec.Fastest != rec.Safe || rec.FaultScenarios != 1 {
		t.Fatalf("producer ranking %v, safe %+v, fastest %+v, %d fault scenarios: want only producer, 1",
			names, rec.Safe, rec.Fastest, rec.FaultScenarios)
	}
	want := []ConsumerSummary{
		{Name: "autocommit", Scenarios: 2, Proven: 2, NeverProcessed: 20, DuplicateEffects: 4},
		{Name: "dlt", Scenarios: 2, Proven: 2, DeadLettered: 6},
	}
	if !slices.Equal(rec.Consumers, want) {
		t.Errorf("consumers = %+v, want %+v", rec.Consumers, want)
	}
	wantApps := []AppSummary{
		{Name: "fire-and-forget", Scenarios: 1, Proven: 1, Undelivered: 30, BelievedLost: 30},
		{Name: "careful", Scenarios: 1, Proven: 1, Duplicates: 2},
	}
	if !slices.Equal(rec.Apps, wantApps) {
		t.Errorf("apps = %+v, want %+v", rec.Apps, wantApps)
	}
	wantSentences(t, rec,
		"Safety costs nothing here: the cheapest zero-loss profile is also the fastest.",
		"Consumer groups with zero never-processed messages and zero duplicate side effects in every scenario they ran in: dlt (2 scenarios).",
		"Producer applications that delivered every message they attempted in every scenario they ran in: careful (1 scenario, 2 duplicates).",
	)
}

func TestRecommendOnTheFullRun(t *testing.T) {
	r := fullRun(t)
	rec := Recommend(r)
	if rec.FaultScenarios != 24 || len(rec.Profiles) != 7 || len(rec.Consumers) != 4 || len(rec.Apps) != 4 {
		t.Fatalf("%d fault scenarios, %d producer profiles, %d consumer groups, %d apps: want 24, 7, 4, 4",
			rec.FaultScenarios, len(rec.Profiles), len(rec.Consumers), len(rec.Apps))
	}
	if rec.Safe == nil || rec.Safe.Name != "acksall-sync-retries" || rec.Faster == nil || rec.Faster.Name != "safe-fsync-every-message" ||
		rec.Fastest.Name != "acks1-async" {
		t.Fatalf("safe %+v, passed over %+v, fastest %+v", rec.Safe, rec.Faster, rec.Fastest)
	}
	if s := summary(t, rec, "safe-idempotent"); s.Baseline != "baseline-throughput" || s.Faults != 24 || s.Lost != 3438 {
		t.Errorf("safe-idempotent = %+v: want priced by baseline-throughput, 24 fault scenarios, 3438 lost", s)
	}
	for _, name := range []string{"acksall-minisr1", "acksall-minisr1-unclean"} {
		if summary(t, rec, name).Priced {
			t.Errorf("%s ran in no baseline, yet has a price", name)
		}
	}
	wantSentences(t, rec,
		"Fastest producer profile: acks1-async, 17730.8 acked/s unthrottled in baseline-throughput",
		"Cheapest zero-loss producer profile: acksall-sync-retries, 13.7 acked/s unthrottled in baseline-throughput, with zero acknowledged and believed-sent loss in 15 of the 24 fault scenarios",
		"safe-fsync-every-message is faster (10209.8 acked/s unthrottled in baseline-fsync-cost) and lost nothing either, but in only 5 of the 24",
		"acksall-sync-retries never ran under power-loss-all, power-loss-leader, power-loss-last-replica, which safe-fsync-every-message survived.",
		"Cost of safety: acksall-sync-retries delivers 99.9 % less throughput than the fastest, acks1-async (13.7 against 17730.8 acked/s).",
		"safe-idempotent (acks=all, min.insync.replicas=2, no unclean leader election) is commonly called safe, yet it lost 3438 acknowledged and 3438 believed-sent messages, in power-loss-all (1477), power-loss-last-replica-kafka-3.9 (1008), power-loss-all-kafka-3.9 (953).",
		"in every scenario they ran in: retry-dlt-idempotent (4 scenarios).",
		"in every scenario they ran in: errors-ignored (1 scenario, 2 duplicates), safe-client (1 scenario).",
	)

	// Both reports print the same sentences and tables, from one view.
	dir := renderTo(t, r)
	md, page := readFile(t, filepath.Join(dir, MarkdownFile)), readFile(t, filepath.Join(dir, HTMLFile))
	for _, s := range rec.Sentences() {
		wantIn(t, "report.md", md, "- "+s+"\n")
		wantIn(t, "report.html", page, "<li>"+html.EscapeString(s)+"</li>")
	}
	wantIn(t, "report.md", md,
		"| acksall-minisr1 | – | not measured: no valid baseline ran it | 6 (6) | 24962 | 24962 | 0 |",
		"| retry-dlt-idempotent | 4 (4) | 0 | 0 | 72 |",
		"| no-retries | 1 (1) | 3014 | 0 | 0 |",
	)
	wantIn(t, "report.html", page,
		"<tr><td>acksall-minisr1</td><td class=\"n\">–</td><td>not measured: no valid baseline ran it</td>",
		"<tr><td>retry-dlt-idempotent</td><td class=\"n\">4 (4)</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">72</td></tr>",
		"<tr><td>no-retries</td><td class=\"n\">1 (1)</td><td class=\"n\">3014</td>",
	)
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
	rec := Recommend(run("none", 1, scenario("kill", schema.ScenarioPass, result("lossy", nil, 1, 1, 0, 10))))
	if rec.Safe != nil || rec.CostPercent != 0 {
		t.Errorf("safe = %+v, cost %v: want none", rec.Safe, rec.CostPercent)
	}
	if s := rec.Sentences(); len(s) != 2 {
		t.Errorf("sentences = %q, want the fastest and 'none safe'", s)
	}
}

func TestRecommendWithoutProfiles(t *testing.T) {
	if s := Recommend(run("empty", 1, scenario("broken", schema.ScenarioInvalid))).Sentences(); !slices.Equal(s, []string{"No profile ran: nothing to recommend."}) {
		t.Errorf("sentences = %q", s)
	}
}
