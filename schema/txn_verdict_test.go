package schema

import (
	"errors"
	"slices"
	"testing"
)

func TestParseTxnExpectation(t *testing.T) {
	got, err := ParseTxnExpectation([]string{"no-committed-loss", "no-aborted-reads", "atomic-transactions", "no-duplicates", "no-hanging-transactions"})
	if err != nil || !slices.Equal(got, ExactlyOnce()) {
		t.Fatalf("got %q, %v; want ExactlyOnce", got, err)
	}
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{[]string{"exactly-once"}, `transaction guarantee "exactly-once": use one of atomic-transactions, no-aborted-reads, no-committed-loss, no-duplicates, no-hanging-transactions`},
		{[]string{"no-duplicates", "no-duplicates"}, `transaction guarantee "no-duplicates" is listed twice`},
	} {
		if _, err := ParseTxnExpectation(tt.names); err == nil || err.Error() != tt.want {
			t.Errorf("ParseTxnExpectation(%q) = %v, want %s", tt.names, err, tt.want)
		}
	}
}

func TestTxnVerdictErr(t *testing.T) {
	r := TxnVerdict{
		Expected: TxnExpectation{NoCommittedLoss, "no bugs"},
		Counts:   TxnCounts{Transactions: 1, Committed: 1, CommittedAbsent: 2},
		Examples: map[string][]string{AnomalyCommittedAbsent: {"a", "b"}},
	}
	r.Judge()
	want := []string{
		"no message of a committed transaction lost: 2 committed but absent (e.g. a, b)",
		`unknown transaction guarantee "no bugs": cannot be checked`,
	}
	if r.Status != Fail || !slices.Equal(r.Violations, want) {
		t.Fatalf("status %q, violations %q; want fail, %q", r.Status, r.Violations, want)
	}
	var v *TxnViolation
	if !errors.As(r.Err(), &v) || v.Guarantee != NoCommittedLoss || v.Count != 2 {
		t.Errorf("Err() = %v", r.Err())
	}
}

func TestTxnExpectationForbids(t *testing.T) {
	e := TxnExpectation{NoAbortedReads, NoHangingTransactions, "no bugs"}
	for anomaly, want := range map[string]bool{
		AnomalyAbortedRead: true, AnomalyHangingPartitions: true,
		AnomalyCommittedAbsent: false, AnomalyDuplicates: false, AnomalyVisibleAlthoughFailed: false, "no bugs": false,
	} {
		if got := e.Forbids(anomaly); got != want {
			t.Errorf("Forbids(%q) = %v, want %v", anomaly, got, want)
		}
	}
	if !ExactlyOnce().Forbids(AnomalyPartialTransactions) || ExactlyOnce().Forbids(AnomalyVisibleAlthoughFailed) {
		t.Error("ExactlyOnce forbids every judged anomaly and only those")
	}
}
