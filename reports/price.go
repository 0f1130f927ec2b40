package reports

import (
	"github.com/kafka-chaos/kafka-chaos/pricing"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// SummarizeCalibration fills c's ranges from the runs that succeeded.
func SummarizeCalibration(c *schema.Calibration) {
	var perf, harness, ratio []float64
	for _, r := range c.Runs {
		if r.Error == "" {
			perf, harness, ratio = append(perf, r.Summary.RecordsPerSecond), append(harness, r.HarnessAckedPerSecond), append(ratio, r.Ratio)
		}
	}
	c.PerfTest, c.Harness, c.Ratio = pricing.Summarize(perf), pricing.Summarize(harness), pricing.Summarize(ratio)
}

// CalibrationTarget is the share of perf-test's throughput the harness's
// producer should reach: below it, prices say more about the Go client
// than about the configuration.
const CalibrationTarget = 0.85

// NewProfilePrice summarises a profile's repetitions at the offered fixed
// load.
func NewProfilePrice(p schema.Profile, clientConfig map[string]string, runs []schema.PriceRun, offered int) schema.ProfilePrice {
	pp := schema.ProfilePrice{Profile: p, ClientConfig: clientConfig, Runs: runs, Sustained: len(runs) > 0}
	var acked, mb, p50, p99, p999, maxMs []float64
	for _, r := range runs {
		if r.Error != "" {
			pp.Sustained = false
			continue
		}
		acked = append(acked, r.Unthrottled.AckedPerSecond)
		mb = append(mb, r.Unthrottled.MBPerSecond)
		p50, p99, p999, maxMs = append(p50, r.Fixed.P50Ms), append(p99, r.Fixed.P99Ms), append(p999, r.Fixed.P999Ms), append(maxMs, r.Fixed.MaxMs)
		pp.Sustained = pp.Sustained && r.Sustained(offered)
	}
	pp.AckedPerSecond, pp.MBPerSecond = pricing.Summarize(acked), pricing.Summarize(mb)
	pp.P50Ms, pp.P99Ms, pp.P999Ms, pp.MaxMs = pricing.Summarize(p50), pricing.Summarize(p99), pricing.Summarize(p999), pricing.Summarize(maxMs)
	return pp
}
