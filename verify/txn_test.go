package verify

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// txnHistory is a clean transactional run for tests to plant anomalies
// into: newHistory(12, 3) sent as four committed transactions of producer
// "tx", txn k holding seqs 3(k-1)..3k-1 (one per partition), every message
// shown by both readers, and last stable offsets that move every second.
type txnHistory struct {
	*history    // records is what read_committed showed
	txns        []ledger.Txn
	uncommitted []ledger.Record
	lso         []ledger.LSOSample
	hangAfter   time.Duration
	window      *schema.Window
	minExposure int
}

func newTxnHistory() *txnHistory {
	h := &txnHistory{history: newHistory(12, 3), hangAfter: 3 * time.Second}
	for i := range h.entries {
		h.entries[i].Txn = int64(i/3 + 1)
	}
	for k := int64(1); k <= 4; k++ {
		h.txns = append(h.txns, ledger.Txn{TransactionalID: "tx", Seq: k, Intent: ledger.IntentCommit, Status: ledger.TxnCommitted})
	}
	h.uncommitted = slices.Clone(h.records)
	for p := range int32(3) {
		for t := range int64(6) {
			h.lso = append(h.lso, ledger.LSOSample{Partition: p, At: time.Duration(t) * time.Second, LSO: t, HighWatermark: t + 1})
		}
	}
	return h
}

func (h *txnHistory) txn(seq int64) *ledger.Txn { return &h.txns[seq-1] }

// pin holds partition p's last stable offset where it was at second from
// until second to, below a high watermark that keeps moving.
func (h *txnHistory) pin(p int32, from, to int64) {
	for i := range h.lso {
		s := &h.lso[i]
		if t := int64(s.At / time.Second); s.Partition == p && t >= from && t <= to {
			s.LSO = from
		}
	}
}

func (h *txnHistory) params(expect schema.TxnExpectation) TxnParams {
	return TxnParams{
		Profile: "test", Entries: h.entries, Txns: h.txns, Uncommitted: h.uncommitted, Committed: h.records,
		LSO: h.lso, HangAfter: h.hangAfter, Expect: expect, Window: h.window, MinExposure: h.minExposure,
	}
}

type txnCase struct {
	name   string
	plant  func(h *txnHistory)
	expect schema.TxnExpectation
	counts func(c *schema.TxnCounts) // changes from the clean counts
	// planted names counts that must be nonzero beyond those examples
	// imply, so that a case cannot silently plant nothing.
	planted    []string
	examples   map[string][]string
	stalls     []schema.PartitionStall
	status     schema.Status
	reason     string
	violations []string
}

func TestTransactionAnomalies(t *testing.T) {
	all := schema.ExactlyOnce()
	runTxnCases(t, []txnCase{
		{name: "clean history passes everything", expect: all, status: schema.Pass},
		{
			name: "committed absent: lost outright, or written without its commit taking effect",
			plant: func(h *txnHistory) {
				h.drop(3, 4, 5)
				h.uncommitted = without(h.uncommitted, 5)
			},
			expect:     schema.TxnExpectation{schema.NoCommittedLoss},
			counts:     func(c *schema.TxnCounts) { c.CommittedAbsent, c.CommittedAbsentWritten = 3, 2 },
			planted:    []string{"committed_absent_written"},
			examples:   map[string][]string{schema.AnomalyCommittedAbsent: {"p-00000003", "p-00000004", "p-00000005"}},
			status:     schema.Fail,
			violations: []string{"no message of a committed transaction lost: 3 committed but absent (e.g. p-00000003, p-00000004, p-00000005)"},
		},
		{
			name:       "aborted read: an acknowledged abort read_committed shows",
			plant:      func(h *txnHistory) { h.txn(2).Status = ledger.TxnAborted },
			expect:     schema.TxnExpectation{schema.NoAbortedReads},
			counts:     func(c *schema.TxnCounts) { c.Committed, c.Aborted, c.AbortedRead = 3, 1, 3 },
			examples:   map[string][]string{schema.AnomalyAbortedRead: {"p-00000003", "p-00000004", "p-00000005"}},
			status:     schema.Fail,
			violations: []string{"no message of an aborted transaction read: 3 read although their transaction did not commit (e.g. p-00000003, p-00000004, p-00000005)"},
		},
		{
			name: "aborted and hidden passes",
			plant: func(h *txnHistory) {
				*h.txn(2) = ledger.Txn{TransactionalID: "tx", Seq: 2, Intent: ledger.IntentAbort, Status: ledger.TxnAborted}
				h.drop(3, 4, 5)
			},
			expect: all,
			counts: func(c *schema.TxnCounts) { c.Committed, c.Aborted = 3, 1 },
			status: schema.Pass,
		},
		{
			name:   "partial committed transaction, expected atomic",
			plant:  func(h *txnHistory) { h.drop(7) },
			expect: schema.TxnExpectation{schema.AtomicTransactions},
			counts: func(c *schema.TxnCounts) {
				c.CommittedAbsent, c.CommittedAbsentWritten, c.PartialTransactions = 1, 1, 1
			},
			planted:  []string{"committed_absent_written"},
			examples: map[string][]string{schema.AnomalyCommittedAbsent: {"p-00000007"}, schema.AnomalyPartialTransactions: {"tx#3"}},
			status:   schema.Fail,
			violations: []string{
				"transactions visible all or nothing: 1 transactions visible in part (e.g. tx#3)",
			},
		},
		{
			name: "unknown transaction shown in part: partial, and what it shows is an aborted read",
			plant: func(h *txnHistory) {
				h.txn(3).Status = ledger.TxnUnknown
				h.drop(7)
			},
			expect: all,
			counts: func(c *schema.TxnCounts) { c.Committed, c.Unknown, c.PartialTransactions, c.AbortedRead = 3, 1, 1, 2 },
			examples: map[string][]string{
				schema.AnomalyPartialTransactions: {"tx#3"}, schema.AnomalyAbortedRead: {"p-00000006", "p-00000008"},
			},
			status: schema.Fail,
			violations: []string{
				"no message of an aborted transaction read: 2 read although their transaction did not commit (e.g. p-00000006, p-00000008)",
				"transactions visible all or nothing: 1 transactions visible in part (e.g. tx#3)",
			},
		},
		{
			name: "duplicates: ids at two offsets, not the auditor reading one twice",
			plant: func(h *txnHistory) {
				h.copyToEnd(1)
				h.copyToEnd(1)
				h.copyToEnd(10)
				h.records = append(h.records, h.records[2])
			},
			expect:     schema.TxnExpectation{schema.NoCommittedDuplicates},
			counts:     func(c *schema.TxnCounts) { c.Duplicates = 2 },
			examples:   map[string][]string{schema.AnomalyDuplicates: {"p-00000001", "p-00000010"}},
			status:     schema.Fail,
			violations: []string{"no duplicates under read_committed: 2 ids read more than once (e.g. p-00000001, p-00000010)"},
		},
		{
			name: "hanging: a last stable offset stuck below the high watermark; caught up is no stall",
			plant: func(h *txnHistory) {
				h.pin(1, 2, 5)
				h.pin(2, 3, 4)
				for i := range h.lso {
					if s := &h.lso[i]; s.Partition == 0 {
						s.LSO, s.HighWatermark = 7, 7
					}
				}
			},
			expect:   schema.TxnExpectation{schema.NoHangingTransactions},
			counts:   func(c *schema.TxnCounts) { c.HangingPartitions = 1 },
			examples: map[string][]string{schema.AnomalyHangingPartitions: {"partition 1"}},
			stalls: []schema.PartitionStall{
				{Partition: 1, LongestSeconds: 3, From: 2, To: 5, Hanging: true},
				{Partition: 2, LongestSeconds: 1, From: 3, To: 4},
			},
			status:     schema.Fail,
			violations: []string{"no transaction left hanging: 1 partitions with a hanging transaction (e.g. partition 1)"},
		},
		{
			name: "hang threshold 0: stalls reported, never hanging",
			plant: func(h *txnHistory) {
				h.pin(1, 2, 5)
				h.hangAfter = 0
			},
			expect: all,
			stalls: []schema.PartitionStall{{Partition: 1, LongestSeconds: 3, From: 2, To: 5}},
			status: schema.Pass,
		},
	})
}

func TestTransactionResolution(t *testing.T) {
	all := schema.ExactlyOnce()
	runTxnCases(t, []txnCase{
		{
			name:    "unknown, all shown: resolved committed",
			plant:   func(h *txnHistory) { h.txn(4).Status = ledger.TxnUnknown },
			expect:  all,
			counts:  func(c *schema.TxnCounts) { c.Committed, c.Unknown, c.UnknownResolvedCommitted = 3, 1, 1 },
			planted: []string{"unknown_resolved_committed"},
			status:  schema.Pass,
		},
		{
			name: "unknown, none shown: resolved aborted",
			plant: func(h *txnHistory) {
				h.txn(4).Status = ledger.TxnUnknown
				h.drop(9, 10, 11)
			},
			expect:  all,
			counts:  func(c *schema.TxnCounts) { c.Committed, c.Unknown, c.UnknownResolvedAborted = 3, 1, 1 },
			planted: []string{"unknown_resolved_aborted"},
			status:  schema.Pass,
		},
		{
			name: "open, none shown: resolved aborted",
			plant: func(h *txnHistory) {
				h.txn(4).Status = ledger.TxnOpen
				h.drop(9, 10, 11)
			},
			expect:  all,
			counts:  func(c *schema.TxnCounts) { c.Committed, c.Open, c.UnknownResolvedAborted = 3, 1, 1 },
			planted: []string{"open", "unknown_resolved_aborted"},
			status:  schema.Pass,
		},
		{
			name: "unknown, meant to abort, all shown: Kafka committed what the producer never asked to",
			plant: func(h *txnHistory) {
				t := h.txn(4)
				t.Status, t.Intent = ledger.TxnUnknown, ledger.IntentAbort
			},
			expect: all,
			counts: func(c *schema.TxnCounts) {
				c.Committed, c.Unknown, c.UnknownResolvedCommitted, c.AbortedRead = 3, 1, 1, 3
			},
			planted:    []string{"unknown_resolved_committed"},
			examples:   map[string][]string{schema.AnomalyAbortedRead: {"p-00000009", "p-00000010", "p-00000011"}},
			status:     schema.Fail,
			violations: []string{"no message of an aborted transaction read: 3 read although their transaction did not commit (e.g. p-00000009, p-00000010, p-00000011)"},
		},
		{
			name: "failed sends in a committed transaction: absent is no loss, shown is counted",
			plant: func(h *txnHistory) {
				h.entry(4).Status = ledger.Failed
				h.entry(5).Status = ledger.Failed
				h.drop(4)
				h.uncommitted = without(h.uncommitted, 4)
			},
			expect:   all,
			counts:   func(c *schema.TxnCounts) { c.VisibleAlthoughFailed = 1 },
			examples: map[string][]string{schema.AnomalyVisibleAlthoughFailed: {"p-00000005"}},
			status:   schema.Pass,
		},
		{
			name: "a transaction the ledger lacks is judged as unknown",
			plant: func(h *txnHistory) {
				h.txns = h.txns[:3]
				h.drop(10)
			},
			expect: schema.TxnExpectation{schema.AtomicTransactions},
			counts: func(c *schema.TxnCounts) { c.Committed, c.Unknown, c.PartialTransactions, c.AbortedRead = 3, 1, 1, 2 },
			examples: map[string][]string{
				schema.AnomalyPartialTransactions: {"tx#4"}, schema.AnomalyAbortedRead: {"p-00000009", "p-00000011"},
			},
			status:     schema.Fail,
			violations: []string{"transactions visible all or nothing: 1 transactions visible in part (e.g. tx#4)"},
		},
		{
			name: "examples: five lowest seqs, whatever the ledger order",
			plant: func(h *txnHistory) {
				slices.Reverse(h.entries)
				h.records = nil
			},
			expect:  schema.TxnExpectation{schema.NoCommittedLoss},
			counts:  func(c *schema.TxnCounts) { c.CommittedAbsent, c.CommittedAbsentWritten = 12, 12 },
			planted: []string{"committed_absent_written"},
			examples: map[string][]string{
				schema.AnomalyCommittedAbsent: {"p-00000000", "p-00000001", "p-00000002", "p-00000003", "p-00000004"},
			},
			status:     schema.Fail,
			violations: []string{"no message of a committed transaction lost: 12 committed but absent (e.g. p-00000000, p-00000001, p-00000002, p-00000003, p-00000004)"},
		},
	})
}

func TestTransactionStatus(t *testing.T) {
	all := schema.ExactlyOnce()
	lowExposure := func(h *txnHistory) { h.window, h.minExposure = &window, 100 }
	runTxnCases(t, []txnCase{
		{
			name:   "too little exposure: unknown, never pass",
			plant:  lowExposure,
			expect: all,
			status: schema.Unknown,
			reason: "not exercised by the fault: 12 messages exposed (12 in flight at injection, 0 sent while it held), need 100",
		},
		{
			name: "too little exposure does not hide a broken guarantee",
			plant: func(h *txnHistory) {
				lowExposure(h)
				h.txn(1).Status = ledger.TxnAborted
			},
			expect:     all,
			counts:     func(c *schema.TxnCounts) { c.Committed, c.Aborted, c.AbortedRead = 3, 1, 3 },
			examples:   map[string][]string{schema.AnomalyAbortedRead: {"p-00000000", "p-00000001", "p-00000002"}},
			status:     schema.Fail,
			violations: []string{"no message of an aborted transaction read: 3 read although their transaction did not commit (e.g. p-00000000, p-00000001, p-00000002)"},
		},
		{
			name: "no commit acknowledged: unknown",
			plant: func(h *txnHistory) {
				for i := range h.txns {
					h.txns[i].Status = ledger.TxnAborted
				}
				h.records = nil
			},
			expect:  all,
			counts:  func(c *schema.TxnCounts) { c.Committed, c.Aborted = 0, 4 },
			planted: []string{"aborted"},
			status:  schema.Unknown,
			reason:  "no commit acknowledged: nothing to judge",
		},
		{
			name: "no transaction: unknown",
			plant: func(h *txnHistory) {
				h.entries, h.txns, h.records, h.uncommitted = nil, nil, nil, nil
			},
			expect: all,
			counts: func(c *schema.TxnCounts) { *c = schema.TxnCounts{} },
			status: schema.Unknown,
			reason: "no transaction begun",
		},
	})
}

func runTxnCases(t *testing.T, tests []txnCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTxnHistory()
			if tt.plant != nil {
				tt.plant(h)
			}
			got := Transactions(h.params(tt.expect))

			want := schema.TxnCounts{Transactions: 4, Committed: 4, Messages: 12}
			if tt.counts != nil {
				tt.counts(&want)
			}
			checkTxnPlanted(t, want, tt)
			if got.Counts != want {
				t.Errorf("counts:\n got %+v\nwant %+v", got.Counts, want)
			}
			if !reflect.DeepEqual(got.Examples, tt.examples) {
				t.Errorf("examples:\n got %v\nwant %v", got.Examples, tt.examples)
			}
			if !reflect.DeepEqual(got.Stalls, tt.stalls) {
				t.Errorf("stalls:\n got %+v\nwant %+v", got.Stalls, tt.stalls)
			}
			if got.Status != tt.status || (tt.reason != "" && got.Reason != tt.reason) {
				t.Errorf("status = %q (%s), want %q (%s)", got.Status, got.Reason, tt.status, tt.reason)
			}
			if !slices.Equal(got.Violations, tt.violations) {
				t.Errorf("violations:\n got %q\nwant %q", got.Violations, tt.violations)
			}
			if (got.Err() == nil) != (len(tt.violations) == 0) {
				t.Errorf("Err() = %v with violations %q", got.Err(), got.Violations)
			}
		})
	}
}

// checkTxnPlanted fails a case whose expected counts are zero for an anomaly
// it gives examples of or says it planted: such a case would pass against
// a verifier that finds nothing. Anomaly names are the counts' JSON names.
func checkTxnPlanted(t *testing.T, want schema.TxnCounts, tt txnCase) {
	t.Helper()
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var byName map[string]int
	if err := json.Unmarshal(b, &byName); err != nil {
		t.Fatal(err)
	}
	names := slices.Clone(tt.planted)
	for a := range tt.examples {
		names = append(names, a)
	}
	for _, a := range names {
		if byName[a] == 0 {
			t.Errorf("case plants %s but expects a count of 0", a)
		}
	}
	if tt.status == schema.Fail && len(names) == 0 {
		t.Error("a failing case plants nothing")
	}
}
