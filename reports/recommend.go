package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// lostInShown is how many of a profile's losing scenarios LostIn names.
const lostInShown = 3

// ProfileSummary is one producer profile across a run: what it costs, what
// it lost and under which faults. Producer applications and consumer groups
// have their own summaries (AppSummary, ConsumerSummary).
type ProfileSummary struct {
	Name    string
	Profile schema.Profile
	// Faults counts the fault scenarios (every scenario but baselines) the
	// profile ran in; Proven those among them that were valid and whose
	// verdict is not unknown (the fault exercised the profile): only those
	// cover a fault.
	Faults int
	Proven int
	// FaultsProven names the faults (Fault.Name, not the scenario) of the
	// scenarios counted in Proven, each once, in run order.
	FaultsProven []string
	// Throughput is the profile's price in acked/s: what it did in its
	// baseline scenario or, in a run without baselines, its mean over the
	// scenarios at the load they offered. Priced is false for a profile
	// no baseline ran, in a run that has baselines.
	Throughput float64
	Priced     bool
	// Baseline names the baseline scenario Throughput comes from, and
	// BaselineJVM the options its brokers' JVMs ran with (they move the
	// throughput); Measured says where it comes from, for the table.
	Baseline    string
	BaselineJVM string
	Measured    string
	// Lost, BelievedLost and Duplicates add up every scenario, baselines
	// and invalid ones included: loss without a fault, or under another
	// fault than the one intended, is loss too.
	Lost         int
	BelievedLost int
	Duplicates   int
	// TxnBroken counts the scenarios, valid or not, where the profile
	// broke a transaction guarantee expected of it.
	TxnBroken int
	// Losses are the scenarios, valid or not, where the profile lost
	// anything acknowledged or believed sent, largest loss first.
	Losses []Loss
	// width counts the producer profiles of the baseline Throughput comes
	// from, baselines the valid baselines the profile ran in.
	width, baselines int
}

// Loss is what a profile lost in one scenario: acknowledged or believed
// sent, whichever is more.
type Loss struct {
	Scenario string
	Count    int
}

// ZeroLoss reports whether the profile lost nothing acknowledged and
// nothing the application believed sent, and kept every transaction
// guarantee expected of it, in every scenario, and at least one fault
// scenario proved it.
func (p ProfileSummary) ZeroLoss() bool {
	return p.Lost == 0 && p.BelievedLost == 0 && p.TxnBroken == 0 && p.Proven > 0
}

// LostIn names the largest losses, "scenario (count)", and how many more.
func (p ProfileSummary) LostIn() string {
	n := min(len(p.Losses), lostInShown)
	parts := make([]string, n)
	for i, l := range p.Losses[:n] {
		parts[i] = fmt.Sprintf("%s (%d)", l.Scenario, l.Count)
	}
	s := strings.Join(parts, ", ")
	if more := len(p.Losses) - n; more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// commonlySafe reports the settings Kafka users call durable: acks=all, a
// second in-sync replica required, no unclean leader election. Which fault
// defeats them is for the run to show, not for this to know.
func (p ProfileSummary) commonlySafe() bool {
	return p.Profile.Acks == schema.AcksAll && p.Profile.MinInsyncReplicas >= 2 && !p.Profile.UncleanElection
}

// Recommendation answers the report's question: which configuration loses
// data, under which fault, and at what throughput cost.
type Recommendation struct {
	// Profiles are the producer profiles, in the order the run first
	// mentions them.
	Profiles []ProfileSummary
	// FaultScenarios counts the run's fault scenarios that ran producer
	// profiles: what a producer profile's coverage is out of.
	FaultScenarios int
	// ByBaseline is set when baseline scenarios price the profiles; Rate
	// is otherwise the load every profile was offered (0 when scenarios
	// differ), since mean throughputs only compare at equal load.
	ByBaseline bool
	Rate       int
	// Safe is the priced zero-loss profile with the widest coverage, the
	// fastest among equals; nil when none lost nothing.
	Safe *ProfileSummary
	// Faster is the fastest zero-loss profile Safe was preferred to for its
	// wider coverage; nil when Safe is the fastest zero-loss profile.
	Faster *ProfileSummary
	// Fastest is the priced profile with the highest throughput, safe or
	// not.
	Fastest *ProfileSummary
	// CostPercent is how much less Safe delivers than Fastest, as a
	// percentage of Fastest's throughput (0 when Safe is the fastest).
	CostPercent float64
	Consumers   []ConsumerSummary
	Apps        []AppSummary
	// Prices is the run's isolated pricing, when it has one: it then
	// prices every producer profile (priceAlone).
	Prices *schema.Prices
	// ClientPairs compare the same delivery settings on sarama and on the
	// Java client under the same fault.
	ClientPairs []ClientPair
	// ConsumerPairs compare consumer groups that process alike on the two
	// clients under the same fault.
	ConsumerPairs []ConsumerPair
	// Txns sums up the transactional profiles.
	Txns TxnSummary
}

// Recommend summarises every profile, prices the producer profiles and
// picks the cheapest safe one.
func Recommend(r *schema.Run) Recommendation {
	rec := Recommendation{
		ByBaseline: slices.ContainsFunc(r.Scenarios, isBaseline), Rate: offeredRate(r),
		FaultScenarios: countFunc(r.Scenarios, func(s schema.Scenario) bool {
			return !isBaseline(s) && slices.ContainsFunc(s.Profiles, isProducer)
		}),
		Consumers: consumerSummaries(r), Apps: appSummaries(r), ClientPairs: ClientPairs(r), ConsumerPairs: ConsumerPairs(r),
		Txns: txnSummary(r),
	}
	rec.Profiles = summarise(r, isProducer, func(name string) ProfileSummary { return ProfileSummary{Name: name} }, rec.addProducer)
	for i := range rec.Profiles {
		rec.Profiles[i].price(rec.ByBaseline)
	}
	rec.priceAlone(r.Prices)
	rec.pick()
	return rec
}

func (rec *Recommendation) addProducer(ps *ProfileSummary, s schema.Scenario, p schema.ProfileResult) {
	c := p.Verdict.Counts
	ps.Profile = p.Profile
	ps.Lost += c.Lost
	ps.BelievedLost += c.BelievedLost
	ps.Duplicates += c.Duplicates
	if n := max(c.Lost, c.BelievedLost); n > 0 {
		ps.Losses = append(ps.Losses, Loss{s.Name, n})
	}
	if len(txnBreaches(p)) > 0 {
		ps.TxnBroken++
	}
	if !isBaseline(s) {
		ps.Faults++
		if st, _ := judged(p); proves(s, st) {
			ps.Proven++
			if !slices.Contains(ps.FaultsProven, s.Fault.Name) {
				ps.FaultsProven = append(ps.FaultsProven, s.Fault.Name)
			}
		}
		if !rec.ByBaseline {
			ps.Throughput += p.Perf.AckedPerSecond
		}
		return
	}
	// An invalid baseline measured nothing worth a price.
	if s.Status == schema.ScenarioInvalid {
		return
	}
	ps.baselines++
	// The widest comparison wins: the profiles it prices ran side by side
	// on one cluster at one moment.
	if w := countFunc(s.Profiles, isProducer); w > ps.width {
		ps.width, ps.Throughput, ps.Priced, ps.Baseline, ps.BaselineJVM = w, p.Perf.AckedPerSecond, true, s.Name, s.Cluster.JVMOpts
	}
}

// price completes Throughput, says where it comes from, and orders the
// losses.
func (p *ProfileSummary) price(byBaseline bool) {
	slices.SortStableFunc(p.Losses, func(a, b Loss) int { return cmp.Compare(b.Count, a.Count) })
	switch {
	case !byBaseline:
		p.Priced = p.Faults > 0
		if p.Priced {
			p.Throughput /= float64(p.Faults)
		}
		p.Measured = fmt.Sprintf("mean of %d scenarios", p.Faults)
	case !p.Priced:
		p.Measured = "not measured: no valid baseline ran it"
	default:
		p.Measured = fmt.Sprintf("%s, %d producer profiles side by side", p.Baseline, p.width)
		if p.baselines > 1 {
			p.Measured += fmt.Sprintf(" (the widest of its %d baselines)", p.baselines)
		}
	}
}

// pick chooses Safe, Faster and Fastest among the priced profiles. Safe
// prefers coverage to throughput: zero loss under five faults says less
// than zero loss under fifteen, however fast.
func (rec *Recommendation) pick() {
	for i := range rec.Profiles {
		p := &rec.Profiles[i]
		if !p.Priced {
			continue
		}
		if rec.Fastest == nil || p.Throughput > rec.Fastest.Throughput {
			rec.Fastest = p
		}
		if !p.ZeroLoss() {
			continue
		}
		if rec.Safe == nil || p.Proven > rec.Safe.Proven || p.Proven == rec.Safe.Proven && p.Throughput > rec.Safe.Throughput {
			rec.Safe = p
		}
	}
	if rec.Safe == nil {
		return
	}
	for i := range rec.Profiles {
		p := &rec.Profiles[i]
		if p.Priced && p.ZeroLoss() && p.Throughput > rec.Safe.Throughput && (rec.Faster == nil || p.Throughput > rec.Faster.Throughput) {
			rec.Faster = p
		}
	}
	if rec.Fastest.Throughput > 0 {
		rec.CostPercent = 100 * (rec.Fastest.Throughput - rec.Safe.Throughput) / rec.Fastest.Throughput
	}
}

// summarise folds the run's profile results that keep selects into one
// summary per profile name, in the order the run first mentions them.
func summarise[S any](r *schema.Run, keep func(schema.ProfileResult) bool, start func(name string) S, add func(*S, schema.Scenario, schema.ProfileResult)) []S {
	var out []S
	index := map[string]int{}
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			if !keep(p) {
				continue
			}
			i, ok := index[p.Profile.Name]
			if !ok {
				i = len(out)
				index[p.Profile.Name] = i
				out = append(out, start(p.Profile.Name))
			}
			add(&out[i], s, p)
		}
	}
	return out
}

// isBaseline reports whether s is one of the scenarios that price
// profiles: no fault, every profile unthrottled, so acked/s is what a
// configuration costs and nothing else.
func isBaseline(s schema.Scenario) bool { return s.Fault.Name == schema.BaselineFault }

// isProducer tells a producer profile from a producer application and
// from a consumer group.
func isProducer(p schema.ProfileResult) bool { return p.App == nil && p.Consumer == nil }

// proves reports whether a verdict in s proves anything: the scenario was
// valid and the verdict is not unknown (it had something to judge, and the
// fault exercised it). What a verdict lost counts whether it proves
// anything or not.
func proves(s schema.Scenario, st schema.Status) bool {
	return s.Status != schema.ScenarioInvalid && st != schema.Unknown
}

func countFunc[T any](xs []T, f func(T) bool) int {
	n := 0
	for _, x := range xs {
		if f(x) {
			n++
		}
	}
	return n
}
