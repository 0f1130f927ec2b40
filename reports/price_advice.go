package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/pricing"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// priceAlone takes every producer profile's price from the isolated
// measurement when the run has one. Profiles it did not price stay
// unpriced: a baseline's figure, measured side by side with others, does
// not rank against prices measured alone.
func (rec *Recommendation) priceAlone(ps *schema.Prices) {
	if ps == nil {
		return
	}
	rec.Prices = ps
	for i := range rec.Profiles {
		p := &rec.Profiles[i]
		p.Baseline, p.BaselineJVM = "", ""
		pp := ps.Profile(p.Name)
		if pp == nil {
			p.Throughput, p.Priced, p.Measured = 0, false, "not measured: not priced alone"
			continue
		}
		a := pp.AckedPerSecond
		p.Throughput, p.Priced = a.Median, true
		p.Measured = fmt.Sprintf("alone on a healthy cluster: median of %d repetitions (%s–%s)", pp.Measured(), grouped(a.Min), grouped(a.Max))
	}
}

// alonePrice says what a profile priced alone delivers, and its spread.
func (r Recommendation) alonePrice(p *ProfileSummary) (string, bool) {
	pp := r.Prices.Profile(p.Name)
	if pp == nil {
		return "", false
	}
	a := pp.AckedPerSecond
	return fmt.Sprintf("%s acked/s alone, %s–%s over %d repetitions, brokers' JVM options %s",
		grouped(a.Median), grouped(a.Min), grouped(a.Max), pp.Measured(), r.Prices.Cluster.JVMOpts), true
}

// aloneCost compares the safe profile with the fastest from their
// isolated prices, spread included: the cost and the added p99 are taken
// per repetition (both profiles ran in each round) and given as median
// and range; where the two profiles' ranges overlap, the difference is
// within the noise of the repetitions and the sentence says so instead of
// ranking them.
func (r Recommendation) aloneCost(s, f *ProfileSummary) (string, bool) {
	sp, fp := r.Prices.Profile(s.Name), r.Prices.Profile(f.Name)
	if sp == nil || fp == nil {
		return "", false
	}
	rate := grouped(float64(r.Prices.Method.FixedRate))
	sa, fa := sp.AckedPerSecond, fp.AckedPerSecond
	var b strings.Builder
	subject := ""
	if sa.Overlaps(fa) {
		fmt.Fprintf(&b, "Cost of safety within noise: %s and %s deliver the same throughput (%s and %s acked/s alone: the ranges overlap)",
			s.Name, f.Name, spread(sa, grouped), spread(fa, grouped))
		subject = s.Name + " "
	} else {
		cost := pricing.Paired(figures(sp, fp, ackedPerSecond), figures(fp, sp, ackedPerSecond), func(s, f float64) float64 { return 100 * (1 - s/f) })
		fmt.Fprintf(&b, "Cost of safety: %s costs %s %% (%s–%s %%) of %s's throughput (%s against %s acked/s alone)",
			s.Name, percent(cost.Median), percent(cost.Min), percent(cost.Max), f.Name, spread(sa, grouped), spread(fa, grouped))
	}
	sl, fl := sp.P99Ms, fp.P99Ms
	switch {
	case !sp.Sustained || !fp.Sustained:
		fmt.Fprintf(&b, "; %s did not sustain %s msg/s, so no p99 compares", behind(sp, fp), rate)
	case sl.Overlaps(fl):
		fmt.Fprintf(&b, "; their p99 at %s msg/s is the same within noise (%s and %s ms)", rate, spread(sl, millis), spread(fl, millis))
	default:
		added := pricing.Paired(figures(sp, fp, p99), figures(fp, sp, p99), func(s, f float64) float64 { return s - f })
		verb, less := "adds", ""
		if added.Median < 0 {
			verb, less, added = "takes", "less ", schema.Range{Median: -added.Median, Min: -added.Max, Max: -added.Min}
		}
		if subject == "" {
			b.WriteString(" and ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s%s %s ms (%s–%s) %sat p99 at %s msg/s (%s against %s ms)", subject, verb, millis(added.Median), millis(added.Min), millis(added.Max),
			less, rate, millis(sl.Median), millis(fl.Median))
	}
	return b.String() + ".", true
}

func ackedPerSecond(r schema.PriceRun) float64 { return r.Unthrottled.AckedPerSecond }
func p99(r schema.PriceRun) float64            { return r.Fixed.P99Ms }

// figures returns fig of a's repetitions that b also measured, in
// repetition order, so that pricing.Paired pairs them by round.
func figures(a, b *schema.ProfilePrice, fig func(schema.PriceRun) float64) []float64 {
	ok := map[int]bool{}
	for _, r := range b.Runs {
		ok[r.Repetition] = r.Error == ""
	}
	var out []float64
	for _, r := range a.Runs {
		if r.Error == "" && ok[r.Repetition] {
			out = append(out, fig(r))
		}
	}
	return out
}

func behind(ps ...*schema.ProfilePrice) string {
	var names []string
	for _, p := range ps {
		if !p.Sustained {
			names = append(names, p.Profile.Name)
		}
	}
	return strings.Join(names, " and ")
}

// spread prints a range as "median (min–max)".
func spread(r schema.Range, f func(float64) string) string {
	return fmt.Sprintf("%s (%s–%s)", f(r.Median), f(r.Min), f(r.Max))
}

// grouped prints a whole number with thousands separators: 12,345.
func grouped(x float64) string {
	s := strconv.FormatInt(int64(math.Round(math.Abs(x))), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if x <= -0.5 {
		s = "-" + s
	}
	return s
}

// millis prints a latency: tenths below 10 ms, where they matter.
func millis(x float64) string {
	if math.Abs(x) < 10 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 0, 64)
}

func percent(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }
