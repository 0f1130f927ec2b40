package kafkachaos_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/pricing"
	"github.com/kafka-chaos/kafka-chaos/reports"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/scenarios"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// runsRoot is where every run's results land (reports/runs/<run-id>/).
const runsRoot = "reports/runs"

// scenarioFiles are read before any cluster starts: a broken file stops the
// run at once, with every problem listed by file and line.
var scenarioFiles, scenarioFilesErr = loadFiles("scenarios")

// loadFiles reads the scenario files and adds the profiles named in
// KAFKA_CHAOS_PROFILES (make chaos PROFILES=...) to each of them.
func loadFiles(dir string) ([]runner.Scenario, error) {
	return scenarios.Load(dir, scenarios.ProfileNames(os.Getenv("KAFKA_CHAOS_PROFILES"))...)
}

func TestKafkaChaos(t *testing.T) {
	if scenarioFilesErr != nil {
		t.Fatalf("scenario files:\n%v", scenarioFilesErr)
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "kafka-chaos")
}

var (
	result *schema.Run
	// pool keeps a healthy cluster for the next scenario of the same
	// configuration.
	pool cluster.Pool
	// binDir holds binaries built for the suite, removed after it.
	binDir string
)

var _ = BeforeSuite(func(ctx SpecContext) {
	removed, err := cluster.Sweep(ctx, false)
	Expect(err).NotTo(HaveOccurred(), "sweep leftovers of earlier runs")
	if removed > 0 {
		GinkgoWriter.Printf("removed %d containers, volumes and networks left by earlier runs\n", removed)
	}
	binDir, err = os.MkdirTemp("", "kafka-chaos-bin-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, binDir)
	DeferCleanup(func(ctx SpecContext) {
		if c := pool.Current(); c != nil && os.Getenv("KAFKA_CHAOS_KEEP") == "1" {
			GinkgoWriter.Printf("KAFKA_CHAOS_KEEP=1: cluster %s kept; bootstrap %s, toxiproxy %s; remove it with make clean\n",
				c.RunID(), strings.Join(c.Bootstrap(), ","), c.ToxiproxyAPI())
			return
		}
		Expect(pool.Close(ctx)).To(Succeed(), "remove cluster")
	})
	seed := GinkgoRandomSeed()
	if s := os.Getenv("KAFKA_CHAOS_SEED"); s != "" {
		seed, err = strconv.ParseInt(s, 10, 64)
		Expect(err).NotTo(HaveOccurred(), "KAFKA_CHAOS_SEED must be an integer")
	}
	result = &schema.Run{
		SchemaVersion: schema.SchemaVersion,
		RunID:         time.Now().UTC().Format("20060102-150405"),
		Seed:          seed,
		StartedAt:     time.Now().UTC(),
	}
	GinkgoWriter.Printf("run %s, seed %d (replay with KAFKA_CHAOS_SEED=%d)\n", result.RunID, seed, seed)
})

// repeats is how many times each selected scenario runs
// (KAFKA_CHAOS_REPEAT, make repeat): designed losses must show in nearly
// every repetition, safe profiles in none.
func repeats() int {
	n, err := strconv.Atoi(os.Getenv("KAFKA_CHAOS_REPEAT"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// The scenarios run in order, grouped by the cluster they need, so that
// each configuration starts one cluster for all its scenarios (Pool); a
// failed scenario does not stop the next.
var _ = Describe("scenarios", Ordered, ContinueOnFailure, func() {
	// First, on a fresh default cluster: the prices the recommendation
	// ranks the scenarios' profiles by.
	It("price", Label("price", "nightly"), func(ctx SpecContext) {
		runPrice(ctx)
	}, NodeTimeout(20*time.Minute))
	n := repeats()
	for _, s := range byCluster(scenarioFiles) {
		for i := 1; i <= n; i++ {
			name := s.Name
			if n > 1 {
				name = fmt.Sprintf("%s #%d", s.Name, i)
			}
			It(name, Label(s.Labels...), func(ctx SpecContext) {
				runScenario(ctx, s, i)
			}, NodeTimeout(15*time.Minute))
		}
	}
})

// byCluster orders the scenarios by cluster configuration, the groups in
// the order they first appear, each keeping its scenarios' order.
func byCluster(ss []runner.Scenario) []runner.Scenario {
	var keys []string
	groups := map[string][]runner.Scenario{}
	for _, s := range ss {
		// fmt prints maps sorted by key: equal specs print alike.
		k := fmt.Sprint(s.Cluster)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s)
	}
	var out []runner.Scenario
	for _, k := range keys {
		out = append(out, groups[k]...)
	}
	return out
}

var _ = AfterSuite(func() {
	if result == nil || repeats() == 1 || len(result.Scenarios) == 0 {
		return
	}
	table := reports.RepetitionTable(reports.Repetitions(result))
	path := filepath.Join(reports.Dir(runsRoot, result.RunID), "repetitions.md")
	Expect(os.WriteFile(path, []byte(table), 0o644)).To(Succeed())
	GinkgoWriter.Printf("repetitions (%s):\n%s", path, table)
})

// logf prints a progress line of the run.
func logf(format string, args ...any) { GinkgoWriter.Printf(format+"\n", args...) }

// envPriceProfiles selects the profiles the price entry measures (make
// price PROFILES=...): comma-separated names from scenarios/profiles, or
// "all"; unset, the producer profiles the scenario files compare.
const envPriceProfiles = "KAFKA_CHAOS_PRICE_PROFILES"

// calibrated is the profile kafka-producer-perf-test runs with:
// acks1-async, whose settings the Java client copies most closely (no
// idempotence, 5 requests in flight). One, to keep the matrix's pricing
// within its 3 minutes.
var calibrated = []string{"acks1-async"}

func priceProfiles() ([]schema.Profile, error) {
	switch list := os.Getenv(envPriceProfiles); list {
	case "all":
		return scenarios.Profiles("scenarios")
	case "":
		// The profiles the default matrix compares; make price prices
		// every one.
		var out []schema.Profile
		seen := map[string]bool{}
		for _, s := range scenarioFiles {
			if slices.Contains(s.Labels, scenarios.Extended) {
				continue
			}
			for _, p := range s.Profiles {
				if !seen[p.Name] {
					seen[p.Name] = true
					out = append(out, p)
				}
			}
		}
		return out, nil
	default:
		return scenarios.Profiles("scenarios", scenarios.ProfileNames(list)...)
	}
}

// runPrice prices the producer profiles alone on the default cluster and
// stores the prices with the run's results.
func runPrice(ctx context.Context) {
	profiles, err := priceProfiles()
	Expect(err).NotTo(HaveOccurred(), "profiles to price")
	c, reused, err := pool.Get(ctx, cluster.Config{Logf: logf})
	Expect(err).NotTo(HaveOccurred(), "start cluster")
	if reused {
		logf("reusing cluster %s (healthy, same configuration)", c.RunID())
	}
	method := pricing.DefaultMethod()
	prices, priceErr := runner.Price(ctx, runner.PriceParams{
		Cluster: c, Profiles: profiles, Calibrate: calibrated, Method: method, Seed: result.Seed, Logf: logf,
	})
	pool.Release(priceErr == nil)
	result.Prices = prices
	path, err := reports.Write(runsRoot, result)
	Expect(err).NotTo(HaveOccurred())
	Expect(reports.Render(filepath.Dir(path), result)).To(Succeed(), "render report")
	logf("results: %s, report: %s", path, filepath.Join(filepath.Dir(path), "report.html"))
	if priceErr != nil {
		dumpLogs(ctx, c, "price")
	}
	Expect(priceErr).NotTo(HaveOccurred(), "pricing")
	for _, pp := range prices.Profiles {
		Expect(pp.Measured()).To(Equal(method.Repetitions), "repetitions of %s", pp.Profile.Name)
		Expect(pp.AckedPerSecond.Min).To(BeNumerically(">", 0), "%s acknowledged nothing unthrottled", pp.Profile.Name)
	}
	Expect(prices.Calibration).NotTo(BeEmpty(), "kafka-producer-perf-test calibration")
	for _, cal := range prices.Calibration {
		Expect(cal.Runs).To(HaveLen(method.Repetitions), "perf-test runs calibrating %s, one per round", cal.Profile)
		for _, r := range cal.Runs {
			Expect(r.Summary.RecordsPerSecond).To(BeNumerically(">", 0), "perf-test calibrating %s #%d: %s", cal.Profile, r.Repetition, r.Error)
		}
	}
}

func runScenario(ctx context.Context, s runner.Scenario, repeat int) {
	cfg := cluster.Config{KafkaVersion: s.Cluster.KafkaVersion, Settings: s.Cluster.Settings, SeparateMetadataDir: s.Cluster.SeparateMetadataDir, DynamicQuorum: s.Cluster.DynamicQuorum, Logf: logf}
	if s.Cluster.LossyFS {
		cfg.LossyFS = lossyFSBinary()
	}
	if len(s.Clients.Producers)+len(s.Clients.Consumers) > 0 && os.Getenv(worker.EnvBinary) == "" {
		Expect(os.Setenv(worker.EnvBinary, workerBinary())).To(Succeed())
	}
	c, reused, err := pool.Get(ctx, cfg)
	Expect(err).NotTo(HaveOccurred(), "start cluster")
	if reused {
		logf("reusing cluster %s (healthy, same configuration)", c.RunID())
	}

	// A repetition gets its own topics (named after the scenario) on a
	// reused cluster; the result keeps the scenario's name.
	run := s
	if repeats() > 1 {
		run.Name = fmt.Sprintf("%s-r%d", s.Name, repeat)
	}
	runDir, err := filepath.Abs(reports.Dir(runsRoot, result.RunID))
	Expect(err).NotTo(HaveOccurred())
	res, runErr := runner.Run(ctx, runner.Params{
		Cluster: c, Scenario: run, Seed: result.Seed, Logf: logf, WorkDir: filepath.Join(runDir, "clients"), RunDir: runDir,
	})
	res.Name = s.Name
	res.Cluster.Reused = reused
	pool.Release(runErr == nil && res.Status != schema.ScenarioInvalid)
	if repeats() > 1 {
		res.Repeat = repeat
	}
	result.Scenarios = append(result.Scenarios, res)
	path, err := reports.Write(runsRoot, result)
	Expect(err).NotTo(HaveOccurred())
	Expect(reports.Render(filepath.Dir(path), result)).To(Succeed(), "render report")
	// Every verdict must follow from the histories on disk alone.
	recheck := &schema.Run{SchemaVersion: result.SchemaVersion, RunID: result.RunID, Scenarios: []schema.Scenario{res}}
	checked, mismatches, err := reports.Reverify(runDir, recheck)
	Expect(err).NotTo(HaveOccurred(), "re-verify from histories")
	Expect(mismatches).To(BeEmpty(), "verdicts recomputed from the histories")
	logf("%d verdicts re-verified from histories in %s", checked, runDir)
	logf("results: %s, report: %s", path, filepath.Join(filepath.Dir(path), "report.html"))
	if runErr != nil || res.Status != schema.ScenarioPass {
		dumpLogs(ctx, c, s.Name)
	}
	Expect(runErr).NotTo(HaveOccurred(), "scenario %s proved nothing", s.Name)
	Expect(res.Status).To(Equal(schema.ScenarioPass), res.Reason)
	for _, p := range res.Profiles {
		Expect(p.Verdict.Counts.Acked).To(BeNumerically(">", 0), "profile %s had no acknowledged message", p.Profile.Name)
	}
	expectControllerLogs(ctx, c)
}

// expectControllerLogs checks that every broker's log, the one dumpLogs
// saves for a failed scenario, holds the KRaft controller's and the
// state-change logger's lines: they say how leadership moved, and an
// image's own logging config (the official image's) sends them to files
// that go with the container. Every node is a controller, and the
// scenario's topics have replicas on every node.
func expectControllerLogs(ctx context.Context, c *cluster.Cluster) {
	for n := 1; n <= cluster.Nodes; n++ {
		logs, err := c.Logs(ctx, n)
		Expect(err).NotTo(HaveOccurred())
		Expect(logs).To(ContainSubstring("(org.apache.kafka.controller."), "node %d's log has no line of the KRaft controller", n)
		Expect(logs).To(ContainSubstring("(state.change.logger)"), "node %d's log has no line of the state-change logger", n)
	}
}

// lossyFSBinary builds the lossy filesystem once per suite, statically, so
// that it runs in any Kafka image, and for Linux on the engine's
// architecture, since it runs in the brokers' containers whatever the host.
var lossyFSBinary = sync.OnceValue(func() string {
	arch, err := cluster.EngineGOARCH(context.Background())
	Expect(err).NotTo(HaveOccurred(), "architecture of the Docker engine, for lossyfs")
	path := filepath.Join(binDir, "lossyfs")
	cmd := exec.Command("go", "build", "-o", path, "./cmd/lossyfs")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "build lossyfs: %s", out)
	return path
})

// workerBinary builds the client worker once per suite, for every scenario
// that runs client applications, instead of once per scenario. Workers run
// on this host, so it is built for the host.
var workerBinary = sync.OnceValue(func() string {
	path, err := worker.Build(context.Background(), binDir)
	Expect(err).NotTo(HaveOccurred())
	return path
})

// dumpLogs saves every broker's log next to the results of a failed scenario.
func dumpLogs(ctx context.Context, c *cluster.Cluster, scenario string) {
	dir := filepath.Join(reports.Dir(runsRoot, result.RunID), "logs", scenario)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		GinkgoWriter.Printf("save broker logs: %v\n", err)
		return
	}
	for n := 1; n <= cluster.Nodes; n++ {
		logs, err := c.Logs(ctx, n)
		if err != nil {
			GinkgoWriter.Printf("save broker logs: %v\n", err)
			continue
		}
		path := filepath.Join(dir, fmt.Sprintf("kafka-%d.log", n))
		if err := os.WriteFile(path, []byte(logs), 0o644); err != nil {
			GinkgoWriter.Printf("save broker logs: %v\n", err)
		}
	}
	GinkgoWriter.Printf("broker logs saved in %s\n", dir)
}
