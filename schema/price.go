package schema

// Prices is the isolated pricing of producer profiles: each alone on one
// healthy cluster, measured repeatedly in interleaved order
// (pricing.Plan), summarised by median and range. Scenarios run profiles
// side by side, sharing CPU and broker queues: their throughputs compare
// loss under one fault, never a price.
type Prices struct {
	Method  PriceMethod `json:"method"`
	Cluster ClusterInfo `json:"cluster"`
	// Leader is the node leading every partition of every priced topic.
	Leader int `json:"leader"`
	// Order is the plan the measurements ran in.
	Order       []PriceSlot    `json:"order"`
	Profiles    []ProfilePrice `json:"profiles"`
	Calibration []Calibration  `json:"calibration"`
	// HarnessPath is how the harness's producers reach the brokers.
	HarnessPath string  `json:"harness_path"`
	WallSeconds float64 `json:"wall_seconds"`
}

// ProfilePrice is one profile's repetitions and their summary.
type ProfilePrice struct {
	Profile      Profile           `json:"profile"`
	ClientConfig map[string]string `json:"client_config"`
	Runs         []PriceRun        `json:"runs"`
	// Unthrottled throughput, and latency at the fixed load, over the
	// repetitions that ran without error.
	AckedPerSecond Range `json:"acked_per_second"`
	MBPerSecond    Range `json:"mb_per_second"`
	P50Ms          Range `json:"p50_ms"`
	P99Ms          Range `json:"p99_ms"`
	P999Ms         Range `json:"p99_9_ms"`
	MaxMs          Range `json:"max_ms"`
	// Sustained: every repetition sustained the fixed load
	// (PriceRun.Sustained); otherwise its latency is that of a growing
	// queue.
	Sustained bool `json:"sustained"`
}

// PriceRun is one repetition of one profile, on a topic of its own.
type PriceRun struct {
	Repetition int    `json:"repetition"`
	Topic      string `json:"topic"`
	// StartedAt is in seconds from the start of the pricing.
	StartedAt   float64    `json:"started_at"`
	Fixed       Latency    `json:"fixed_load"`
	Unthrottled Throughput `json:"unthrottled"`
	Error       string     `json:"error,omitempty"`
}

// Sustained reports whether the repetition kept up with the offered
// load: every message due acknowledged, and more than that rate
// unthrottled. Messages are sent until all due ones went, so one that
// falls behind still gets them all acknowledged, late.
func (r PriceRun) Sustained(offered int) bool {
	return r.Error == "" && r.Fixed.Complete() && r.Unthrottled.AckedPerSecond > float64(offered)
}

// Calibration is one profile's throughput next to what Kafka's own
// kafka-producer-perf-test reaches with equivalent settings on the same
// cluster, once per round of the plan, right after the round measured
// the profile: each ratio compares two runs under the same drift.
type Calibration struct {
	Profile string `json:"profile"`
	// Node is the broker container perf-test ran in, JVMOpts its JVM's
	// options, Path the way its requests took.
	Node    int              `json:"node"`
	JVMOpts string           `json:"jvm_opts"`
	Path    string           `json:"path"`
	Runs    []CalibrationRun `json:"runs"`
	// PerfTest is perf-test's records/s, Harness the profile's acked/s in
	// the same rounds, Ratio the harness's share per round.
	PerfTest Range `json:"perf_test_records_per_second"`
	Harness  Range `json:"harness_acked_per_second"`
	Ratio    Range `json:"ratio"`
	// Differences are what the two clients do differently even so.
	Differences []string `json:"differences"`
}

// CalibrationRun is one perf-test run, after round Repetition.
type CalibrationRun struct {
	Repetition            int             `json:"repetition"`
	PerfTest              PerfTest        `json:"perf_test"`
	Summary               PerfTestSummary `json:"summary"`
	HarnessAckedPerSecond float64         `json:"harness_acked_per_second"`
	Ratio                 float64         `json:"ratio"`
	Seconds               float64         `json:"seconds"`
	Error                 string          `json:"error,omitempty"`
}

// Measured counts the repetitions that ran without error.
func (p ProfilePrice) Measured() int {
	n := 0
	for _, r := range p.Runs {
		if r.Error == "" {
			n++
		}
	}
	return n
}

// Profile returns the price of the named profile, nil when it was not
// priced or no repetition of it ran without error.
func (ps *Prices) Profile(name string) *ProfilePrice {
	if ps == nil {
		return nil
	}
	for i := range ps.Profiles {
		if p := &ps.Profiles[i]; p.Profile.Name == name && p.Measured() > 0 {
			return p
		}
	}
	return nil
}
