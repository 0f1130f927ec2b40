package reports

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/pricing"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// priceView is the report's section on the isolated pricing.
type priceView struct {
	Method      string
	Fastest     string
	Rows        []priceRow
	Calibration []calibrationRow
	Runs        []priceRunRow
	// CalibrationRuns are every calibration's runs, for one table.
	CalibrationRuns []calibrationRunRow
	HarnessPath     string
}

type priceRow struct {
	Name                                 string
	Acked, MB, P50, P99, P999, Max, Cost string
	Sustained                            bool
	Repetitions                          int
}

type calibrationRow struct {
	Profile, PerfTest, Harness, Ratio, Verdict, Path, Props, JVM string
	Differences                                                  []string
	Runs                                                         []calibrationRunRow
}

type calibrationRunRow struct {
	Profile                                           string
	Repetition                                        int
	Records, PerfTest, Latency, Harness, Ratio, Error string
}

type priceRunRow struct {
	Profile                                  string
	Repetition                               int
	StartedAt, Acked, MB, Failed             string
	P50, P99, P999, Max, Acknowledged, Error string
}

// newPriceView lays out the run's pricing; nil when it has none.
func newPriceView(ps *schema.Prices) *priceView {
	if ps == nil {
		return nil
	}
	m := ps.Method
	v := &priceView{HarnessPath: ps.HarnessPath, Method: fmt.Sprintf(
		"Each producer profile alone on one healthy cluster (Kafka %s, %s; brokers' JVM options %s), %d repetitions in interleaved order (every profile once per round, so that drift reaches all alike), "+
			"each on a topic of its own with the profile's topic settings, %d partitions led by node %d (all created before the first measurement and deleted after the last, since creating or deleting one stalls the followers' fetches); every measurement ends once the followers have caught up. "+
			"Fixed load first: %s msg/s of %d-byte values sent open-loop, each message at its intended time, latency measured from that time, so that a stalled client shows its queueing (no coordinated omission); %s warm-up discarded, %s measured. "+
			"Then unthrottled: %s warm-up discarded, %s measured, acknowledgements per second and MiB/s of values. Median (min–max) over the repetitions; the cost is taken per round against the fastest profile by median. "+
			"%d measurements and the calibration took %.0f s.",
		ps.Cluster.KafkaVersion, ps.Cluster.Images.Kafka, ps.Cluster.JVMOpts, m.Repetitions, m.Partitions, ps.Leader,
		grouped(float64(m.FixedRate)), m.MessageBytes, m.FixedWarmup, m.FixedMeasure, m.Warmup, m.Measure, len(ps.Order), ps.WallSeconds)}
	var fastest *schema.ProfilePrice
	for i := range ps.Profiles {
		if p := &ps.Profiles[i]; p.Measured() > 0 && (fastest == nil || p.AckedPerSecond.Median > fastest.AckedPerSecond.Median) {
			fastest = p
		}
	}
	if fastest != nil {
		v.Fastest = fastest.Profile.Name
	}
	for i := range ps.Profiles {
		p := &ps.Profiles[i]
		row := priceRow{Name: p.Profile.Name, Sustained: p.Sustained, Repetitions: p.Measured(), Acked: "–", MB: "–", P50: "–", P99: "–", P999: "–", Max: "–", Cost: "–"}
		if p.Measured() > 0 {
			mb := func(x float64) string { return fmt.Sprintf("%.2f", x) }
			row.Acked, row.MB = spread(p.AckedPerSecond, grouped), spread(p.MBPerSecond, mb)
			row.P50, row.P99, row.P999, row.Max = spread(p.P50Ms, millis), spread(p.P99Ms, millis), spread(p.P999Ms, millis), spread(p.MaxMs, millis)
			row.Cost = costAgainst(p, fastest)
		}
		v.Rows = append(v.Rows, row)
		for _, r := range p.Runs {
			v.Runs = append(v.Runs, priceRunRow{
				Profile: p.Profile.Name, Repetition: r.Repetition, StartedAt: seconds(r.StartedAt),
				Acked: grouped(r.Unthrottled.AckedPerSecond), MB: fmt.Sprintf("%.2f", r.Unthrottled.MBPerSecond),
				Failed: fmt.Sprintf("%d / %d", r.Unthrottled.Failed, r.Unthrottled.Unknown),
				P50:    millis(r.Fixed.P50Ms), P99: millis(r.Fixed.P99Ms), P999: millis(r.Fixed.P999Ms), Max: millis(r.Fixed.MaxMs),
				Acknowledged: fmt.Sprintf("%d of %d", r.Fixed.Acked, r.Fixed.Messages), Error: r.Error,
			})
		}
	}
	for _, c := range ps.Calibration {
		row := newCalibrationRow(c)
		v.Calibration = append(v.Calibration, row)
		v.CalibrationRuns = append(v.CalibrationRuns, row.Runs...)
	}
	return v
}

// costAgainst is p's throughput cost against the fastest profile, per
// round, or why there is none to tell.
func costAgainst(p, fastest *schema.ProfilePrice) string {
	switch {
	case p == fastest:
		return "fastest"
	case p.AckedPerSecond.Overlaps(fastest.AckedPerSecond):
		return "within noise"
	}
	c := pricing.Paired(figures(p, fastest, ackedPerSecond), figures(fastest, p, ackedPerSecond), func(s, f float64) float64 { return 100 * (1 - s/f) })
	return fmt.Sprintf("%s %% (%s–%s %%)", percent(c.Median), percent(c.Min), percent(c.Max))
}

func newCalibrationRow(c schema.Calibration) calibrationRow {
	row := calibrationRow{
		Profile: c.Profile, Path: c.Path, JVM: c.JVMOpts, Differences: c.Differences,
		PerfTest: spread(c.PerfTest, grouped) + " records/s", Harness: spread(c.Harness, grouped) + " acked/s",
		Ratio: fmt.Sprintf("%s %% (%s–%s %%)", percent(100*c.Ratio.Median), percent(100*c.Ratio.Min), percent(100*c.Ratio.Max)),
	}
	ok := 0
	for _, r := range c.Runs {
		run := calibrationRunRow{Profile: c.Profile, Repetition: r.Repetition, Records: grouped(float64(r.PerfTest.Records)), Error: r.Error}
		if r.Error == "" {
			ok++
			s := r.Summary
			run.PerfTest = fmt.Sprintf("%s (%.2f MB/s)", grouped(s.RecordsPerSecond), s.MBPerSecond)
			run.Latency = fmt.Sprintf("%s / %s / %s / %s", millis(s.P50Ms), millis(s.P99Ms), millis(s.P999Ms), millis(s.MaxLatencyMs))
			run.Harness, run.Ratio = grouped(r.HarnessAckedPerSecond), percent(100*r.Ratio)+" %"
		}
		row.Runs = append(row.Runs, run)
	}
	if len(c.Runs) > 0 {
		pt := c.Runs[0].PerfTest
		var props []string
		for _, k := range slices.Sorted(maps.Keys(pt.Props)) {
			props = append(props, k+"="+pt.Props[k])
		}
		row.Props = fmt.Sprintf("records of %d bytes, two fifths of them warm-up, %d keys, --throughput -1, %s", pt.RecordSize, pt.Keys, strings.Join(props, " "))
	}
	target := percent(100 * CalibrationTarget)
	switch {
	case ok == 0:
		row.PerfTest, row.Harness, row.Ratio, row.Verdict = "–", "–", "–", "did not run"
	case c.Ratio.Median >= CalibrationTarget:
		row.Verdict = fmt.Sprintf("meets the %s %% target", target)
	default:
		row.Verdict = fmt.Sprintf("below the %s %% target: the harness's prices include its own client's cost; the differences below are where it may come from", target)
	}
	return row
}
