package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// ThroughputTolerance is the relative change of acked/s that compare
// reports: runs on shared machines vary by a few percent from noise alone.
const ThroughputTolerance = 0.10

// ChangeKind names what moved between two runs.
type ChangeKind string

const (
	StatusChanged ChangeKind = "status"
	// BecameInvalid: a scenario that passed proves nothing now.
	BecameInvalid ChangeKind = "became-invalid"
	// SetupChanged: the scenario ran on other images, another Kafka
	// version or other JVM options, which move throughput by themselves.
	SetupChanged  ChangeKind = "setup-changed"
	StartedLosing ChangeKind = "started-losing"
	StoppedLosing ChangeKind = "stopped-losing"
	// StartedTxnAnomaly: a transaction anomaly (messages of committed
	// transactions absent, aborted reads, ...) the old run did not show;
	// StoppedTxnAnomaly: one the new run no longer shows.
	StartedTxnAnomaly ChangeKind = "started-txn-anomaly"
	StoppedTxnAnomaly ChangeKind = "stopped-txn-anomaly"
	// StartedBreaking: a profile broke expected guarantees it kept in the
	// old run, or broke any where the old run did not run it.
	StartedBreaking ChangeKind = "started-breaking"
	ThroughputMoved ChangeKind = "throughput"
	ScenarioAdded   ChangeKind = "scenario-added"
	ScenarioRemoved ChangeKind = "scenario-removed"
	ProfileAdded    ChangeKind = "profile-added"
	ProfileRemoved  ChangeKind = "profile-removed"
)

// Change is one difference between an old and a new run.
type Change struct {
	Kind     ChangeKind
	Scenario string
	Profile  string
	Text     string
	// Regression: the new run breaks a guarantee the scenario expects of a
	// profile, and the old run did not.
	Regression bool
}

func (c Change) String() string {
	where := c.Scenario
	if c.Profile != "" {
		where += " / " + c.Profile
	}
	mark := ""
	if c.Regression {
		mark = " [REGRESSION]"
	}
	return fmt.Sprintf("%-16s %s: %s%s", c.Kind, where, c.Text, mark)
}

// Compare lists what changed from old to new, scenario by scenario (matched
// by name) and profile by profile (matched by name).
func Compare(old, new *schema.Run) []Change {
	var out []Change
	olds := map[string]schema.Scenario{}
	for _, s := range old.Scenarios {
		olds[s.Name] = s
	}
	seen := map[string]bool{}
	for _, n := range new.Scenarios {
		seen[n.Name] = true
		o, ok := olds[n.Name]
		if !ok {
			out = append(out, Change{Kind: ScenarioAdded, Scenario: n.Name, Text: "new scenario, status " + string(n.Status)})
			for _, p := range n.Profiles {
				out = append(out, startedBreaking(n.Name, nil, p)...)
			}
			continue
		}
		setup := setupDiff(o.Cluster, n.Cluster)
		profiles := compareProfiles(o, n, len(setup) > 0)
		switch {
		case o.Status == n.Status:
		case o.Status == schema.ScenarioPass && n.Status == schema.ScenarioInvalid:
			// Proving nothing is no regression by itself; breaking a
			// guarantee while proving nothing is.
			out = append(out, Change{Kind: BecameInvalid, Scenario: n.Name, Text: "pass -> invalid: " + n.Reason,
				Regression: slices.ContainsFunc(profiles, func(c Change) bool { return c.Kind == StartedBreaking })})
		default:
			out = append(out, Change{Kind: StatusChanged, Scenario: n.Name, Text: fmt.Sprintf("%s -> %s %s", o.Status, n.Status, n.Reason)})
		}
		// Before the throughput moves it may explain.
		if len(setup) > 0 {
			out = append(out, Change{Kind: SetupChanged, Scenario: n.Name, Text: strings.Join(setup, "; ")})
		}
		out = append(out, profiles...)
	}
	for _, o := range old.Scenarios {
		if !seen[o.Name] {
			out = append(out, Change{Kind: ScenarioRemoved, Scenario: o.Name, Text: "not in the new run"})
		}
	}
	return out
}

// compareProfiles lists what changed profile by profile; setupDiffers marks
// throughput moves that another setup may explain.
func compareProfiles(o, n schema.Scenario, setupDiffers bool) []Change {
	var out []Change
	olds := map[string]schema.ProfileResult{}
	for _, p := range o.Profiles {
		olds[p.Profile.Name] = p
	}
	seen := map[string]bool{}
	for _, np := range n.Profiles {
		name := np.Profile.Name
		seen[name] = true
		op, ok := olds[name]
		if !ok {
			out = append(out, Change{Kind: ProfileAdded, Scenario: n.Name, Profile: name, Text: "not in the old run"})
			out = append(out, startedBreaking(n.Name, nil, np)...)
			continue
		}
		oc, nc := op.Verdict.Counts, np.Verdict.Counts
		oLoss, nLoss := oc.Lost+oc.BelievedLost, nc.Lost+nc.BelievedLost
		switch {
		case oLoss == 0 && nLoss > 0:
			out = append(out, Change{Kind: StartedLosing, Scenario: n.Name, Profile: name,
				Text:       fmt.Sprintf("lost %d acknowledged, %d believed sent (was 0)", nc.Lost, nc.BelievedLost),
				Regression: promisedLoss(np.Verdict) > 0})
		case oLoss > 0 && nLoss == 0:
			out = append(out, Change{Kind: StoppedLosing, Scenario: n.Name, Profile: name,
				Text: fmt.Sprintf("lost 0 (was %d acknowledged, %d believed sent)", oc.Lost, oc.BelievedLost)})
		}
		out = append(out, txnAnomalyChanges(n.Name, op, np)...)
		out = append(out, startedBreaking(n.Name, breaches(op), np)...)
		if d, ok := relChange(op.Perf.AckedPerSecond, np.Perf.AckedPerSecond); ok && math.Abs(d) > ThroughputTolerance {
			text := fmt.Sprintf("acked/s %.1f -> %.1f (%+.0f%%)", op.Perf.AckedPerSecond, np.Perf.AckedPerSecond, 100*d)
			if setupDiffers {
				text += " (setups differ)"
			}
			out = append(out, Change{Kind: ThroughputMoved, Scenario: n.Name, Profile: name, Text: text})
		}
	}
	for _, op := range o.Profiles {
		if !seen[op.Profile.Name] {
			out = append(out, Change{Kind: ProfileRemoved, Scenario: n.Name, Profile: op.Profile.Name, Text: "not in the new run"})
		}
	}
	return out
}

// startedBreaking is the change of a profile p that broke guarantees it
// did not break in old (the breaches of its old result, nil when the old
// run did not run it), matched by guarantee, not by text: the same
// guarantee broken by other counts is no news. Nothing when it broke
// nothing new.
func startedBreaking(scenario string, old []breach, p schema.ProfileResult) []Change {
	var news []string
	for _, b := range breaches(p) {
		if !slices.ContainsFunc(old, func(o breach) bool { return o.guarantee == b.guarantee }) {
			news = append(news, b.text)
		}
	}
	if len(news) == 0 {
		return nil
	}
	return []Change{{Kind: StartedBreaking, Scenario: scenario, Profile: p.Profile.Name, Regression: true,
		Text: strings.Join(news, "; ")}}
}

// txnAnomalyChanges lists each transaction anomaly of a profile that went
// from none in its old result to some in its new one, a regression when
// the new verdict expects the guarantee that forbids it, and each that went
// back to none. A result that is not transactional counts none.
func txnAnomalyChanges(scenario string, old, new schema.ProfileResult) []Change {
	oc, nc := txnCounts(old), txnCounts(new)
	var out []Change
	for _, a := range txnAnomalies {
		c := Change{Scenario: scenario, Profile: new.Profile.Name}
		switch was, now := a.count(oc), a.count(nc); {
		case was == 0 && now > 0:
			v := new.Txn.Verdict
			c.Kind, c.Text, c.Regression = StartedTxnAnomaly, a.phrase(nc, v.Examples[a.key])+" (was 0)", v.Expected.Forbids(a.key)
		case was > 0 && now == 0:
			c.Kind, c.Text = StoppedTxnAnomaly, fmt.Sprintf("%s (was %d)", a.phrase(nc, nil), was)
		default:
			continue
		}
		out = append(out, c)
	}
	return out
}

// txnCounts are p's transaction counts, none for a profile that is not
// transactional.
func txnCounts(p schema.ProfileResult) schema.TxnCounts {
	if p.Txn == nil {
		return schema.TxnCounts{}
	}
	return p.Txn.Verdict.Counts
}

// setupDiff names what differs between two clusters that moves throughput
// by itself, old value and new, in the order a reader checks them.
func setupDiff(o, n schema.ClusterInfo) []string {
	var out []string
	for _, f := range []struct{ what, old, new string }{
		{"Kafka image", o.Images.Kafka, n.Images.Kafka},
		{"toxiproxy image", o.Images.Toxiproxy, n.Images.Toxiproxy},
		{"Kafka version", o.KafkaVersion, n.KafkaVersion},
		{"JVM options", o.JVMOpts, n.JVMOpts},
		{"JVM heap options", o.HeapOpts, n.HeapOpts},
	} {
		if f.old != f.new {
			out = append(out, fmt.Sprintf("%s %q -> %q", f.what, f.old, f.new))
		}
	}
	return out
}

// promisedLoss counts the losses a verdict's expected guarantees forbid.
func promisedLoss(v schema.Verdict) int {
	n := 0
	if v.Expected.Has(schema.NoAckedLoss) {
		n = max(n, v.Counts.Lost)
	}
	if v.Expected.Has(schema.NoBelievedLoss) {
		n = max(n, v.Counts.BelievedLost)
	}
	return n
}

// relChange is (new-old)/old; false when old is zero (no baseline).
func relChange(old, new float64) (float64, bool) {
	if old == 0 {
		return 0, false
	}
	return (new - old) / old, true
}

// Regressed reports whether any change is a regression.
func Regressed(cs []Change) bool {
	for _, c := range cs {
		if c.Regression {
			return true
		}
	}
	return false
}
