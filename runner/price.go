package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/audit"
	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/pricing"
	"github.com/kafka-chaos/kafka-chaos/reports"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
)

// PriceParams configures the isolated pricing of producer profiles.
type PriceParams struct {
	Cluster  *cluster.Cluster
	Profiles []schema.Profile
	// Calibrate names the profiles kafka-producer-perf-test runs with;
	// those not priced are skipped, and with none left the first priced
	// profile is calibrated.
	Calibrate []string
	Method    schema.PriceMethod
	// Seed chooses the node that leads every priced topic.
	Seed int64
	Logf func(format string, args ...any)
}

// perfTestJVM are the options of the perf-test JVM. The brokers' C1-only
// KAFKA_OPTS, which the container passes on to every process, would slow
// the Java client for good, and their class archive is the broker's: with
// the options cleared the client runs with the full JIT, as an
// application does.
var perfTestJVM = []string{"KAFKA_OPTS=", "KAFKA_HEAP_OPTS=-Xms256m -Xmx512m"}

type pricer struct {
	p      PriceParams
	m      schema.PriceMethod
	base   time.Time
	leader int
}

func (pc *pricer) logf(format string, args ...any) {
	if pc.p.Logf != nil {
		pc.p.Logf("[%6.1fs price] "+format, append([]any{time.Since(pc.base).Seconds()}, args...)...)
	}
}

// Price measures every profile alone on the cluster, in interleaved
// repetitions (pricing.Plan), each on a topic of its own: first at the
// fixed load, latency from the intended send times, then unthrottled.
// After each round, kafka-producer-perf-test runs with the calibrated
// profiles' settings. The result holds every measurement made; the error
// joins those that failed.
func Price(ctx context.Context, p PriceParams) (*schema.Prices, error) {
	pc := &pricer{p: p, m: p.Method, base: time.Now(), leader: pinnedLeader(p.Seed)}
	// The pricing measures sarama's producer in this process; the Java
	// client's cost is what the perf-test calibration measures.
	// A transactional profile's cost is per transaction (a commit waits
	// for every send of it), which the per-message throughput and latency
	// runs do not measure.
	pc.p.Profiles = slices.DeleteFunc(slices.Clone(p.Profiles), func(prof schema.Profile) bool {
		switch {
		case prof.Client == schema.JavaClient:
			pc.logf("%s: not priced: a Java profile; the calibration runs the Java client (kafka-producer-perf-test)", prof.Name)
		case prof.Transactions != nil:
			pc.logf("%s: not priced: a transactional profile, whose cost is per transaction, not per message", prof.Name)
		default:
			return false
		}
		return true
	})
	p = pc.p
	names := make([]string, len(p.Profiles))
	for i, prof := range p.Profiles {
		names[i] = prof.Name
	}
	profile := func(name string) schema.Profile { return p.Profiles[slices.Index(names, name)] }
	out := &schema.Prices{
		Method: pc.m, Cluster: p.Cluster.Info(), Leader: pc.leader, Order: pricing.Plan(names, pc.m.Repetitions),
		HarnessPath: fmt.Sprintf("the harness's process, through toxiproxy's client proxy of node %d (a published port), to its CLIENT listener", pc.leader),
	}
	cals := pc.calibrations(names, profile)
	pc.logf("%d profiles × %d repetitions, leader node %d; calibrating %d", len(names), pc.m.Repetitions, pc.leader, len(cals))

	// Every topic exists before the first measurement and is deleted
	// after the last: a topic created or deleted while another profile is
	// measured changes the partitions of every follower's fetcher, which
	// waits for the fetch in flight (up to replica.fetch.wait.max.ms,
	// 500 ms) and stalls acks=all writes meanwhile.
	created := map[string]error{}
	var topics []string
	create := func(topic string, prof schema.Profile) {
		created[topic] = pinTopic(ctx, p.Cluster, topic, pc.leader, pc.m.Partitions, prof)
		if created[topic] == nil {
			topics = append(topics, topic)
		}
	}
	for _, slot := range out.Order {
		create(measuredTopic(slot.Profile, slot.Repetition), profile(slot.Profile))
	}
	for rep := 1; rep <= pc.m.Repetitions; rep++ {
		for _, cal := range cals {
			create(perfTestTopic(cal.Profile, rep), profile(cal.Profile))
		}
	}
	defer pc.deleteTopics(topics)
	pc.logf("%d topics created", len(topics))
	// The fetch each follower had in flight returns by then, and the next
	// includes every new partition.
	sleep(ctx, fetchWaitMax)

	runs := map[string][]schema.PriceRun{}
	configs := map[string]map[string]string{}
	var errs []error
	for i, slot := range out.Order {
		prof := profile(slot.Profile)
		run := schema.PriceRun{Repetition: slot.Repetition, Topic: measuredTopic(prof.Name, slot.Repetition)}
		var cfg map[string]string
		err := created[run.Topic]
		if err == nil {
			cfg, err = pc.measure(ctx, prof, &run)
		}
		if err != nil {
			run.Error = err.Error()
			errs = append(errs, fmt.Errorf("price %s #%d: %w", prof.Name, slot.Repetition, err))
		}
		pc.logf("%s #%d: %.0f acked/s (%.1f MB/s) unthrottled; at %d msg/s p50 %.1f p99 %.1f p99.9 %.1f max %.1f ms, %d of %d acknowledged%s",
			prof.Name, slot.Repetition, run.Unthrottled.AckedPerSecond, run.Unthrottled.MBPerSecond, pc.m.FixedRate,
			run.Fixed.P50Ms, run.Fixed.P99Ms, run.Fixed.P999Ms, run.Fixed.MaxMs, run.Fixed.Acked, run.Fixed.Messages, errText(err))
		runs[prof.Name] = append(runs[prof.Name], run)
		if cfg != nil {
			configs[prof.Name] = cfg
		}
		if ctx.Err() != nil {
			break
		}
		if i+1 < len(out.Order) && out.Order[i+1].Repetition == slot.Repetition {
			continue
		}
		for _, cal := range cals {
			topic := perfTestTopic(cal.Profile, slot.Repetition)
			harness := runs[cal.Profile][len(runs[cal.Profile])-1]
			run := schema.CalibrationRun{Repetition: slot.Repetition, HarnessAckedPerSecond: harness.Unthrottled.AckedPerSecond}
			err := created[topic]
			if err == nil && harness.Error != "" {
				err = errors.New("the harness's repetition failed: nothing to compare")
			}
			if err == nil {
				err = pc.calibrate(ctx, &run, profile(cal.Profile), cal.Node, topic)
			}
			if err != nil {
				run.Error = err.Error()
				errs = append(errs, fmt.Errorf("calibrate %s #%d: %w", cal.Profile, slot.Repetition, err))
			} else if err := pc.quiesce(ctx, topic); err != nil {
				errs = append(errs, err)
			}
			cal.Runs = append(cal.Runs, run)
		}
	}
	for _, prof := range p.Profiles {
		out.Profiles = append(out.Profiles, reports.NewProfilePrice(prof, configs[prof.Name], runs[prof.Name], pc.m.FixedRate))
	}
	for _, cal := range cals {
		reports.SummarizeCalibration(cal)
		out.Calibration = append(out.Calibration, *cal)
	}
	out.WallSeconds = time.Since(pc.base).Seconds()
	pc.logf("done in %.1fs", out.WallSeconds)
	return out, errors.Join(errs...)
}

// fetchWaitMax is the brokers' replica.fetch.wait.max.ms, Kafka's default.
const fetchWaitMax = 500 * time.Millisecond

func measuredTopic(profile string, rep int) string { return fmt.Sprintf("price.%s.%d", profile, rep) }
func perfTestTopic(profile string, rep int) string {
	return fmt.Sprintf("price.%s.perf-test.%d", profile, rep)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return "; error: " + err.Error()
}

// measure runs one repetition of one profile on its topic, the fixed
// load first, while the cluster is quiet (each measurement ends by
// waiting for the followers to catch up): latency would suffer most from
// what a run before left behind. It returns the client's settings.
func (pc *pricer) measure(ctx context.Context, prof schema.Profile, run *schema.PriceRun) (map[string]string, error) {
	run.StartedAt = time.Since(pc.base).Seconds()
	m := pc.m
	stretch := m.FixedWarmup + m.FixedMeasure
	// A profile that cannot sustain the load is stopped at twice the
	// stretch: the messages it never sent count as not acknowledged.
	fixed, err := pc.produce(ctx, prof, run.Topic, m.FixedRate, int64(stretch.Seconds()*float64(m.FixedRate)), 2*stretch)
	if err != nil {
		return nil, err
	}
	first, end := int64(m.FixedWarmup.Seconds()*float64(m.FixedRate)), int64(stretch.Seconds()*float64(m.FixedRate))
	run.Fixed = pricing.MeasureLatency(fixed.Ledger().Entries(), fixed.Intended, first, end)

	un, err := pc.produce(ctx, prof, run.Topic, m.UnthrottledRate, 0, m.Warmup+m.Measure)
	if err != nil {
		return nil, err
	}
	start := un.Intended(0)
	run.Unthrottled = pricing.MeasureThroughput(un.Ledger().Entries(), start+m.Warmup, start+m.Warmup+m.Measure, m.MessageBytes)
	return un.ClientConfig(), pc.quiesce(ctx, run.Topic)
}

// produce runs one open-loop producer from its first message until it
// sent count messages (0: no limit) or d passed, and drains it.
func (pc *pricer) produce(ctx context.Context, prof schema.Profile, topic string, rate int, count int64, d time.Duration) (*producer.Producer, error) {
	c := pc.p.Cluster
	pr, err := producer.New(producer.Params{
		Profile: prof, Topic: topic, Brokers: c.Bootstrap(), Config: c.SaramaConfig("kafka-chaos-price"),
		Rate: rate, Size: pc.m.MessageBytes, Base: pc.base, OpenLoop: true, Count: count, Duration: d, Seed: pc.p.Seed,
	})
	if err != nil {
		return nil, err
	}
	return pr, pr.Run(ctx)
}

// deleteTopics drops the pricing's topics; one left behind costs only its
// disk space, until the next scenario or the cluster's removal.
func (pc *pricer) deleteTopics(topics []string) {
	for _, t := range topics {
		if err := pc.p.Cluster.DeleteTopic(t); err != nil {
			pc.logf("%v (left in place)", err)
		}
	}
}

// calibrations starts a calibration for each profile asked for that is
// priced, or else for the first priced one. perf-test runs in a
// follower's container, so that its requests to the leader cross
// toxiproxy once, as the harness's do.
func (pc *pricer) calibrations(priced []string, profile func(string) schema.Profile) []*schema.Calibration {
	var names []string
	for _, name := range pc.p.Calibrate {
		if slices.Contains(priced, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 && len(priced) > 0 {
		names = priced[:1]
	}
	node := pc.leader%cluster.Nodes + 1
	var out []*schema.Calibration
	for _, name := range names {
		out = append(out, &schema.Calibration{
			Profile: name, Node: node, JVMOpts: strings.Join(perfTestJVM, " ") + " (full JIT)",
			Path: fmt.Sprintf("inside node %d's container, to the INTERNAL listener of the leader (node %d) through toxiproxy's %d→%d replication proxy",
				node, pc.leader, node, pc.leader),
			Differences: pricing.Differences(profile(name)),
		})
	}
	return out
}

// calibrate runs kafka-producer-perf-test once with the profile's
// settings on node's container, with as many records as the harness
// acknowledged in CalibrationSeconds of the round's measurement, and
// compares the two.
func (pc *pricer) calibrate(ctx context.Context, run *schema.CalibrationRun, prof schema.Profile, node int, topic string) error {
	began := time.Now()
	defer func() { run.Seconds = time.Since(began).Seconds() }()
	records := max(10_000, int(run.HarnessAckedPerSecond*pc.m.CalibrationSeconds))
	run.PerfTest = schema.PerfTest{
		Bootstrap: cluster.InternalAddress(node), Topic: topic,
		Records: records, WarmupRecords: records * 2 / 5, RecordSize: pc.m.MessageBytes, Keys: producer.Keys,
		Props: javaProps(prof),
	}
	// Bounded by ten times the harness's pace, and a JVM start.
	runCtx, cancel := context.WithTimeout(ctx, 30*time.Second+10*time.Duration(pc.m.CalibrationSeconds*float64(time.Second)))
	defer cancel()
	code, output, err := pc.p.Cluster.Exec(runCtx, node, append(append([]string{"env"}, perfTestJVM...), run.PerfTest.Args()...)...)
	if err == nil && code != 0 {
		err = fmt.Errorf("exit code %d", code)
	}
	s, perr := pricing.ParsePerfTest(output)
	if err := errors.Join(err, perr); err != nil {
		return fmt.Errorf("kafka-producer-perf-test: %w", err)
	}
	run.Summary = s
	if s.RecordsPerSecond > 0 {
		run.Ratio = run.HarnessAckedPerSecond / s.RecordsPerSecond
	}
	pc.logf("calibration %s #%d: perf-test %.0f records/s (%.2f MB/s), p99 %.0f ms; harness %.0f acked/s: %.0f %%; perf-test said %q after %q",
		prof.Name, run.Repetition, s.RecordsPerSecond, s.MBPerSecond, s.P99Ms, run.HarnessAckedPerSecond, 100*run.Ratio, s.Line, s.Total)
	return nil
}

// quiesceEvery is how often quiesce polls: followers fetch continuously
// while they lag, so a high watermark that held still that long has
// caught up.
const quiesceEvery = 250 * time.Millisecond

// quiesce waits, up to 15 s, until the topic's high watermarks hold still:
// an unthrottled acks=0 or acks=1 run leaves the followers seconds behind,
// and the next measurement would otherwise wait for their backlog.
func (pc *pricer) quiesce(ctx context.Context, topic string) error {
	_, settled, err := audit.Settled(ctx, quiesceEvery, 15*time.Second, func() ([]int64, error) {
		return pc.p.Cluster.HighWatermarks(topic)
	})
	if err == nil && !settled {
		err = fmt.Errorf("topic %s: high watermarks still moving after 15s", topic)
	}
	return err
}
