package reports

import (
	"fmt"
	"slices"
	"strings"
)

// Sentences says the recommendation in plain text, for every report
// format: producer profiles first, then consumer groups, producer
// applications, transactions, and the two clients compared.
func (r Recommendation) Sentences() []string {
	out := r.producerSentences()
	out = append(out, r.consumerSentences()...)
	out = append(out, r.appSentences()...)
	out = append(out, r.txnSentences()...)
	out = append(out, r.clientSentences()...)
	switch {
	case len(out) == 0 && r.Prices != nil:
		return []string{"No scenario ran: the prices below say what each configuration costs, not what it loses."}
	case len(out) == 0:
		return []string{"No profile ran: nothing to recommend."}
	}
	return out
}

func (r Recommendation) producerSentences() []string {
	if len(r.Profiles) == 0 {
		return nil
	}
	out := []string{"No producer profile ran in a valid baseline scenario: none has a measured cost."}
	if r.Prices != nil {
		out = []string{"No producer profile of the scenarios was priced alone: none has a measured cost."}
	}
	if f := r.Fastest; f != nil {
		out = []string{fmt.Sprintf("Fastest producer profile: %s, %s; %s.", f.Name, r.price(f), f.losses())}
	}
	if s := r.Safe; s == nil {
		out = append(out, "No priced producer profile lost nothing in every scenario it ran in: none can be recommended as safe.")
	} else {
		out = append(out, fmt.Sprintf("Cheapest zero-loss producer profile: %s, %s, with zero acknowledged and believed-sent loss in %s.",
			s.Name, r.price(s), r.coverage(s)))
		if f := r.Faster; f != nil {
			out = append(out, r.passedOver(s, f))
		}
		out = append(out, r.cost(s, r.Fastest))
	}
	for i := range r.Profiles {
		p := &r.Profiles[i]
		switch {
		case p.ZeroLoss() && !p.Priced:
			why := "no valid baseline scenario ran it"
			if r.Prices != nil {
				why = "the run did not price it alone"
			}
			out = append(out, fmt.Sprintf("%s lost nothing in %s, but %s: its cost was not measured.", p.Name, r.coverage(p), why))
		case p.commonlySafe() && len(p.Losses) > 0:
			out = append(out, fmt.Sprintf("%s (acks=all, min.insync.replicas=%d, no unclean leader election) is commonly called safe, yet %s.",
				p.Name, p.Profile.MinInsyncReplicas, p.losses()))
		}
	}
	return out
}

// passedOver says why Safe was preferred to the faster f, and which faults
// f survived that Safe never ran under.
func (r Recommendation) passedOver(s, f *ProfileSummary) string {
	out := fmt.Sprintf("%s is faster (%s) and lost nothing either, but in only %s: wider coverage comes before throughput",
		f.Name, r.price(f), r.coverage(f))
	var untested []string
	for _, name := range f.FaultsProven {
		if !slices.Contains(s.FaultsProven, name) {
			untested = append(untested, name)
		}
	}
	if len(untested) > 0 {
		out += fmt.Sprintf("; %s never ran under %s, which %s survived", s.Name, strings.Join(untested, ", "), f.Name)
	}
	return out + "."
}

// cost compares the safe profile's throughput with the fastest's.
func (r Recommendation) cost(s, f *ProfileSummary) string {
	if s == f {
		return "Safety costs nothing here: the cheapest zero-loss profile is also the fastest."
	}
	if out, ok := r.aloneCost(s, f); ok {
		return out
	}
	out := fmt.Sprintf("Cost of safety: %s delivers %.1f %% less throughput than the fastest, %s (%.1f against %.1f acked/s)",
		s.Name, r.CostPercent, f.Name, s.Throughput, f.Throughput)
	if s.Baseline != f.Baseline {
		out += fmt.Sprintf(", measured in different baselines (%s and %s)", s.Baseline, f.Baseline)
	}
	return out + "."
}

// price says what a producer profile delivers and how it was measured.
func (r Recommendation) price(p *ProfileSummary) string {
	if out, ok := r.alonePrice(p); ok {
		return out
	}
	switch {
	case r.ByBaseline && p.BaselineJVM != "":
		return fmt.Sprintf("%.1f acked/s unthrottled in %s (brokers' JVM options: %s)", p.Throughput, p.Baseline, p.BaselineJVM)
	case r.ByBaseline:
		return fmt.Sprintf("%.1f acked/s unthrottled in %s", p.Throughput, p.Baseline)
	case r.Rate > 0:
		return fmt.Sprintf("%.1f acked/s on average at an offered %d msg/s per profile, through the faults", p.Throughput, r.Rate)
	}
	return fmt.Sprintf("%.1f acked/s on average at the load each scenario offered, through the faults", p.Throughput)
}

// coverage says how many of the run's fault scenarios proved a profile's
// verdict.
func (r Recommendation) coverage(p *ProfileSummary) string {
	return fmt.Sprintf("%d of the %d fault scenarios that ran producer profiles", p.Proven, r.FaultScenarios)
}

func (p *ProfileSummary) losses() string {
	s := "it lost nothing"
	if len(p.Losses) > 0 {
		s = fmt.Sprintf("it lost %d acknowledged and %d believed-sent messages, in %s", p.Lost, p.BelievedLost, p.LostIn())
	}
	if p.TxnBroken > 0 {
		s += fmt.Sprintf(", and broke transaction guarantees in %s", plural(p.TxnBroken, "scenario"))
	}
	return s
}

func (r Recommendation) consumerSentences() []string {
	var clean []string
	for _, c := range r.Consumers {
		if c.Clean() {
			clean = append(clean, fmt.Sprintf("%s (%s)", c.Name, plural(c.Scenarios, "scenario")))
		}
	}
	return listed(len(r.Consumers), clean,
		"Consumer groups with zero never-processed messages and zero duplicate side effects in every scenario they ran in: ",
		"Every consumer group left messages never processed or applied side effects twice somewhere.")
}

func (r Recommendation) appSentences() []string {
	var whole []string
	for _, a := range r.Apps {
		if !a.DeliveredAll() {
			continue
		}
		s := fmt.Sprintf("%s (%s", a.Name, plural(a.Scenarios, "scenario"))
		if a.Duplicates > 0 {
			s += ", " + plural(a.Duplicates, "duplicate")
		}
		whole = append(whole, s+")")
	}
	return listed(len(r.Apps), whole,
		"Producer applications that delivered every message they attempted in every scenario they ran in: ",
		"Every producer application left attempted messages out of the log somewhere.")
}

// listed is one sentence naming the good ones out of n, or saying that
// none was; nothing when n is 0.
func listed(n int, good []string, found, none string) []string {
	switch {
	case n == 0:
		return nil
	case len(good) == 0:
		return []string{none}
	}
	return []string{found + strings.Join(good, ", ") + "."}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// clientSentences say where sarama and the Java client, with the same
// delivery settings or the same consumer semantics, disagreed under the
// same fault, or that they agreed everywhere both were judged.
func (r Recommendation) clientSentences() []string {
	var pairs []clientComparison
	for _, p := range r.ClientPairs {
		pairs = append(pairs, clientComparison{p.Sarama.Proves && p.Java.Proves, p.Disagree, p.Sentence})
	}
	for _, p := range r.ConsumerPairs {
		pairs = append(pairs, clientComparison{p.Sarama.Proves && p.Java.Proves, p.Disagree, p.Sentence})
	}
	if len(pairs) == 0 {
		return nil
	}
	var out []string
	compared := 0
	for _, p := range pairs {
		if p.proves {
			compared++
		}
		if p.disagree {
			out = append(out, fmt.Sprintf("The two clients disagree: %s.", p.sentence()))
		}
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("sarama and the Java client agreed in all %d comparisons of the same settings under the same fault that proved something (lost data in both or in neither).", compared))
	}
	return out
}

// clientComparison is a producer or consumer pair as the advice sees it.
type clientComparison struct {
	proves, disagree bool
	sentence         func() string
}
