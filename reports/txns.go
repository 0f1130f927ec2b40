package reports

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// txnAnomaly is one anomaly of transactions as the report and compare
// name it: its key in TxnVerdict.Examples and how to count and say it.
type txnAnomaly struct {
	key       string
	one, many string
	count     func(schema.TxnCounts) int
}

// txnAnomalies are every transaction anomaly, in the order the report's
// columns show them.
var txnAnomalies = []txnAnomaly{
	{schema.AnomalyCommittedAbsent, "message of a committed transaction absent", "messages of committed transactions absent",
		func(c schema.TxnCounts) int { return c.CommittedAbsent }},
	{schema.AnomalyAbortedRead, "message read although its transaction did not commit", "messages read although their transaction did not commit",
		func(c schema.TxnCounts) int { return c.AbortedRead }},
	{schema.AnomalyVisibleAlthoughFailed, "message visible although its send failed", "messages visible although their send failed",
		func(c schema.TxnCounts) int { return c.VisibleAlthoughFailed }},
	{schema.AnomalyPartialTransactions, "transaction visible in part", "transactions visible in part",
		func(c schema.TxnCounts) int { return c.PartialTransactions }},
	{schema.AnomalyDuplicates, "id read more than once under read_committed", "ids read more than once under read_committed",
		func(c schema.TxnCounts) int { return c.Duplicates }},
	{schema.AnomalyHangingPartitions, "partition left hanging by a transaction", "partitions left hanging by a transaction",
		func(c schema.TxnCounts) int { return c.HangingPartitions }},
}

// phrase says the anomaly's count in c with up to five example ids, e.g.
// "3 messages of committed transactions absent (2 written but never
// committed; e.g. tx-000000004, ...)".
func (a txnAnomaly) phrase(c schema.TxnCounts, examples []string) string {
	n := a.count(c)
	noun := a.many
	if n == 1 {
		noun = a.one
	}
	var notes []string
	if a.key == schema.AnomalyCommittedAbsent && c.CommittedAbsentWritten > 0 {
		notes = append(notes, fmt.Sprintf("%d written but never committed", c.CommittedAbsentWritten))
	}
	if len(examples) > 0 {
		notes = append(notes, "e.g. "+strings.Join(examples, ", "))
	}
	s := fmt.Sprintf("%d %s", n, noun)
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

// txnRow is one transactional profile of a scenario: how its transactions
// ended and what the readers saw of them.
type txnRow struct {
	Profile, TransactionalID string
	Coordinator              int
	// Client names the producer's client; TransactionVersion is the
	// cluster's finalized transaction.version.
	Client, TransactionVersion string
	Counts                     schema.TxnCounts
	Status                     schema.Status
	// Broken names the broken transaction guarantees, or why nothing was
	// judged.
	Broken []string
	// Examples are up to five ids per anomaly, in the columns' order.
	Examples []KV
}

// stallRow is the longest stall of one partition's last stable offset
// under one transactional profile, its times in seconds from the scenario
// start.
type stallRow struct {
	Profile           string
	Partition         int32
	Longest, From, To string
	Hanging           bool
}

// txnRows lists the scenario's transactional profiles, nil when it ran
// none.
func txnRows(s schema.Scenario) []txnRow {
	var out []txnRow
	for _, p := range s.Profiles {
		t := p.Txn
		if t == nil {
			continue
		}
		v := t.Verdict
		out = append(out, txnRow{
			Profile: p.Profile.Name, TransactionalID: t.TransactionalID, Coordinator: t.Coordinator,
			Client: clientName(p.Profile), TransactionVersion: cmp.Or(t.TransactionVersion, "–"),
			Counts: v.Counts, Status: v.Status, Broken: notes(v.Violations, v.Reason),
			Examples: examples(v.Examples, txnAnomalyKeys()),
		})
	}
	return out
}

// stallRows lists the stalls of the scenario's transactional profiles,
// profile by profile, nil when none stalled.
func stallRows(s schema.Scenario) []stallRow {
	var out []stallRow
	for _, p := range s.Profiles {
		if p.Txn == nil {
			continue
		}
		for _, st := range p.Txn.Verdict.Stalls {
			out = append(out, stallRow{
				Profile: p.Profile.Name, Partition: st.Partition, Hanging: st.Hanging,
				Longest: seconds(st.LongestSeconds), From: seconds(st.From), To: seconds(st.To),
			})
		}
	}
	return out
}

// txnAnomalyKeys are the anomalies' keys in TxnVerdict.Examples, in order.
func txnAnomalyKeys() []string {
	keys := make([]string, len(txnAnomalies))
	for i, a := range txnAnomalies {
		keys[i] = a.key
	}
	return keys
}
