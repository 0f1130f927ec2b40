package reports

import (
	"fmt"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// TxnSummary is the run's transactional profiles as the advice sees them.
type TxnSummary struct {
	// Findings are the anomalies of each transactional profile under each
	// scenario that showed any, judged or not, in run order.
	Findings []TxnFinding
	// Judged counts the transactional profile results held to transaction
	// guarantees that prove something (a valid scenario, a transaction
	// verdict that is not unknown), and Transactions the transactions they
	// judged; Broken counts those, valid or not, that broke an expected
	// transaction guarantee.
	Judged, Transactions, Broken int
}

// TxnFinding is what one transactional profile's transactions showed under
// one scenario: each anomaly with its count and example ids.
type TxnFinding struct {
	Scenario, Profile string
	Anomalies         []string
}

// Sentence names the anomalies, e.g. "txn-commit under
// txn-coordinator-kill: 3 messages of committed transactions absent (e.g.
// txn-commit-000000004, ...)".
func (f TxnFinding) Sentence() string {
	return fmt.Sprintf("%s under %s: %s", f.Profile, f.Scenario, strings.Join(f.Anomalies, "; "))
}

// Held reports that some transactional profile was judged and that none
// broke a transaction guarantee expected of it.
func (t TxnSummary) Held() bool { return t.Judged > 0 && t.Broken == 0 }

func txnSummary(r *schema.Run) TxnSummary {
	var t TxnSummary
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			if p.Txn != nil {
				t.add(s, p)
			}
		}
	}
	return t
}

func (t *TxnSummary) add(s schema.Scenario, p schema.ProfileResult) {
	v := p.Txn.Verdict
	if len(txnBreaches(p)) > 0 {
		t.Broken++
	}
	if len(v.Expected) > 0 && proves(s, v.Status) {
		t.Judged++
		t.Transactions += v.Counts.Transactions
	}
	f := TxnFinding{Scenario: s.Name, Profile: p.Profile.Name}
	for _, a := range txnAnomalies {
		if a.count(v.Counts) > 0 {
			f.Anomalies = append(f.Anomalies, a.phrase(v.Counts, v.Examples[a.key]))
		}
	}
	if len(f.Anomalies) > 0 {
		t.Findings = append(t.Findings, f)
	}
}

// txnSentences name every transaction anomaly, scenario by scenario, and
// say so when every judged transactional profile held.
func (r Recommendation) txnSentences() []string {
	var out []string
	for _, f := range r.Txns.Findings {
		out = append(out, f.Sentence()+".")
	}
	if r.Txns.Held() {
		out = append(out, fmt.Sprintf("Every transactional profile kept the transaction guarantees expected of it wherever it was judged: %s judged.",
			plural(r.Txns.Transactions, "transaction")))
	}
	return out
}
