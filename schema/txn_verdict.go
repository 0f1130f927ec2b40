package schema

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// TxnGuarantee names one property a transactional producer promises, as
// Guarantee does for a plain one. The text reads as a sentence in results
// and violation messages.
type TxnGuarantee string

const (
	// NoCommittedLoss: every message of a transaction whose commit was
	// acknowledged is visible to a read_committed reader.
	NoCommittedLoss TxnGuarantee = "no message of a committed transaction lost"
	// NoAbortedReads: no message of a transaction that did not commit is
	// visible to a read_committed reader (Adya's G1a).
	NoAbortedReads TxnGuarantee = "no message of an aborted transaction read"
	// AtomicTransactions: a read_committed reader sees all of a
	// transaction's messages or none.
	AtomicTransactions TxnGuarantee = "transactions visible all or nothing"
	// NoCommittedDuplicates: no id appears at more than one offset of the
	// read_committed log.
	NoCommittedDuplicates TxnGuarantee = "no duplicates under read_committed"
	// NoHangingTransactions: no partition's last stable offset stands
	// still below its high watermark for the scenario's hang threshold or
	// longer, which would hold every read_committed reader back.
	NoHangingTransactions TxnGuarantee = "no transaction left hanging"
)

// TxnGuaranteeNames are the names files and flags use for the guarantees.
// no-duplicates is also a producer guarantee's name: on a transactional
// profile it asks for both.
var TxnGuaranteeNames = map[string]TxnGuarantee{
	"no-committed-loss":       NoCommittedLoss,
	"no-aborted-reads":        NoAbortedReads,
	"atomic-transactions":     AtomicTransactions,
	"no-duplicates":           NoCommittedDuplicates,
	"no-hanging-transactions": NoHangingTransactions,
}

// TxnExpectation is the set of guarantees a transactional profile promises.
type TxnExpectation []TxnGuarantee

// ExactlyOnce is what a transactional producer with read_committed readers
// promises: every transaction guarantee.
func ExactlyOnce() TxnExpectation {
	return TxnExpectation{NoCommittedLoss, NoAbortedReads, AtomicTransactions, NoCommittedDuplicates, NoHangingTransactions}
}

// Forbids reports whether a guarantee of e rules out the anomaly (one of
// the keys of TxnVerdict.Examples): false for one no guarantee judges,
// such as AnomalyVisibleAlthoughFailed.
func (e TxnExpectation) Forbids(anomaly string) bool {
	return slices.ContainsFunc(e, func(g TxnGuarantee) bool {
		_, a, _, ok := g.measure(TxnCounts{})
		return ok && a == anomaly
	})
}

// ParseTxnGuarantee returns the guarantee a name (no-committed-loss, ...)
// stands for.
func ParseTxnGuarantee(name string) (TxnGuarantee, error) {
	g, ok := TxnGuaranteeNames[name]
	if !ok {
		return "", fmt.Errorf("transaction guarantee %q: use one of %s", name, strings.Join(slices.Sorted(maps.Keys(TxnGuaranteeNames)), ", "))
	}
	return g, nil
}

// ParseTxnExpectation returns the guarantees the names stand for, in
// order, rejecting an unknown name or one listed twice.
func ParseTxnExpectation(names []string) (TxnExpectation, error) {
	var out TxnExpectation
	for _, n := range names {
		g, err := ParseTxnGuarantee(n)
		if err != nil {
			return nil, err
		}
		if slices.Contains(out, g) {
			return nil, fmt.Errorf("transaction guarantee %q is listed twice", n)
		}
		out = append(out, g)
	}
	return out, nil
}

// TxnCounts are the tallies of one transactional profile. Every anomaly is
// counted whether or not the profile promises to avoid it.
type TxnCounts struct {
	// Transactions counts the producer's transactions, split by how it
	// learned each ended: Committed, Aborted (acknowledged), Unknown (an
	// end was sent, no outcome learned) and Open (never ended).
	Transactions int `json:"transactions"`
	Committed    int `json:"committed"`
	Aborted      int `json:"aborted"`
	Unknown      int `json:"unknown"`
	Open         int `json:"open"`
	// UnknownResolvedCommitted and UnknownResolvedAborted count the
	// unknown or open transactions read_committed shows whole, or not at
	// all; one it shows in part is a partial transaction instead.
	UnknownResolvedCommitted int `json:"unknown_resolved_committed"`
	UnknownResolvedAborted   int `json:"unknown_resolved_aborted"`
	// Messages counts the ledger entries sent in a transaction.
	Messages int `json:"messages"`
	// CommittedAbsent: a message of an acknowledged commit, whose send did
	// not fail, absent from the read_committed log.
	CommittedAbsent int `json:"committed_absent"`
	// CommittedAbsentWritten: the part of CommittedAbsent that
	// read_uncommitted shows: written, but its commit never took effect.
	// The rest is missing from the log altogether.
	CommittedAbsentWritten int `json:"committed_absent_written"`
	// AbortedRead: a message visible to read_committed although its
	// transaction did not commit: the abort was acknowledged, the
	// producer meant to abort and never learned the outcome, or it never
	// learned the outcome and read_committed hides other messages of the
	// transaction (G1a).
	AbortedRead int `json:"aborted_read"`
	// VisibleAlthoughFailed: a message whose send the client reported
	// failed, visible to read_committed in a transaction that committed.
	// Counted, not judged: the application was told it failed, and sending
	// it again makes a duplicate, which Duplicates judges.
	VisibleAlthoughFailed int `json:"visible_although_failed"`
	// PartialTransactions counts transactions read_committed shows some
	// but not all messages of.
	PartialTransactions int `json:"partial_transactions"`
	// Duplicates counts ids the read_committed log holds at more than one
	// offset (ids, not copies).
	Duplicates int `json:"duplicates"`
	// HangingPartitions counts partitions whose Stalls entry is Hanging.
	HangingPartitions int `json:"hanging_partitions"`
}

// Transaction anomaly names: with AnomalyDuplicates, the keys of
// TxnVerdict.Examples, matching the JSON names of the TxnCounts fields.
// Message anomalies give message ids, AnomalyPartialTransactions
// "transactional-id#seq", and AnomalyHangingPartitions "partition N".
const (
	AnomalyCommittedAbsent       = "committed_absent"
	AnomalyAbortedRead           = "aborted_read"
	AnomalyVisibleAlthoughFailed = "visible_although_failed"
	AnomalyPartialTransactions   = "partial_transactions"
	AnomalyHangingPartitions     = "hanging_partitions"
)

// measure returns what breaks g in c: the count, the anomaly whose examples
// illustrate it, and the noun of a violation message. ok is false for a
// guarantee this package cannot check.
func (g TxnGuarantee) measure(c TxnCounts) (count int, anomaly, noun string, ok bool) {
	switch g {
	case NoCommittedLoss:
		return c.CommittedAbsent, AnomalyCommittedAbsent, "committed but absent", true
	case NoAbortedReads:
		return c.AbortedRead, AnomalyAbortedRead, "read although their transaction did not commit", true
	case AtomicTransactions:
		return c.PartialTransactions, AnomalyPartialTransactions, "transactions visible in part", true
	case NoCommittedDuplicates:
		return c.Duplicates, AnomalyDuplicates, "ids read more than once", true
	case NoHangingTransactions:
		return c.HangingPartitions, AnomalyHangingPartitions, "partitions with a hanging transaction", true
	}
	return 0, "", "", false
}

// PartitionStall is the longest time one partition's last stable offset
// stood still below its high watermark: an open transaction holding
// read_committed readers back there.
type PartitionStall struct {
	Partition      int32   `json:"partition"`
	LongestSeconds float64 `json:"longest_seconds"`
	// From and To bound the stall in seconds from the run's base time.
	From float64 `json:"from_seconds"`
	To   float64 `json:"to_seconds"`
	// Hanging: the stall lasted at least the scenario's hang threshold.
	Hanging bool `json:"hanging"`
}

// TxnViolation is one expected transaction guarantee that the run broke.
type TxnViolation struct {
	Guarantee TxnGuarantee
	Count     int
	Examples  []string
}

func (v *TxnViolation) Error() string {
	return violationText[TxnGuarantee, TxnCounts]("transaction guarantee", v.Guarantee, v.Count, v.Examples)
}

// TxnVerdict is what the verifier concluded about one transactional
// producer profile.
type TxnVerdict struct {
	Profile  string         `json:"profile"`
	Status   Status         `json:"status"`
	Reason   string         `json:"reason,omitempty"`
	Expected TxnExpectation `json:"expected"`
	Counts   TxnCounts      `json:"counts"`
	// Examples maps an anomaly name (the transaction Anomaly* constants,
	// and AnomalyDuplicates) to at most five examples, lowest producer
	// seq (or transaction seq, or partition) first.
	Examples   map[string][]string `json:"examples,omitempty"`
	Violations []string            `json:"violations,omitempty"`
	// Stalls lists, by partition, each partition whose last stable offset
	// ever stood still below its high watermark between two samples.
	Stalls   []PartitionStall `json:"stalls,omitempty"`
	Exposure *Exposure        `json:"exposure,omitempty"`
}

// Err returns nil when every expected guarantee held, otherwise one
// *TxnViolation per broken guarantee, joined.
func (r TxnVerdict) Err() error { return joinViolations(r.violated()) }

func (r TxnVerdict) violated() []*TxnViolation {
	var vs []*TxnViolation
	for _, b := range breaches(r.Expected, r.Counts, r.Examples) {
		vs = append(vs, &TxnViolation{Guarantee: b.g, Count: b.count, Examples: b.examples})
	}
	return vs
}

// Judge fills Status, Reason and Violations from the rest of r, as
// Verdict.Judge does: an acknowledged commit plays the part of an
// acknowledged message.
func (r *TxnVerdict) Judge() {
	vs := r.violated()
	r.Violations = texts(vs)
	switch {
	case len(vs) > 0:
		r.Status, r.Reason = Fail, ""
	case r.Counts.Transactions == 0:
		r.Status, r.Reason = Unknown, "no transaction begun"
	case r.Counts.Committed == 0:
		r.Status, r.Reason = Unknown, "no commit acknowledged: nothing to judge"
	case len(r.Expected) > 0 && r.Exposure.unexercised() != "":
		r.Status, r.Reason = Unknown, r.Exposure.unexercised()
	default:
		r.Status, r.Reason = Pass, ""
	}
}
