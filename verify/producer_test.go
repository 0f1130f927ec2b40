package verify

import (
	"reflect"
	"slices"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// producerCase plants anomalies into newHistory(20, 3), whose partitions
// are p0 = seq 0,3,...,18; p1 = 1,4,...,19; p2 = 2,5,...,17.
type producerCase struct {
	name       string
	plant      func(h *history)
	expect     schema.Expectation
	counts     func(c *schema.Counts) // changes from the clean counts
	examples   map[string][]string
	status     schema.Status
	violations []string
}

func TestProducerAnomalies(t *testing.T) {
	all := schema.AllGuarantees()
	runCases(t, []producerCase{
		{
			name:   "clean history passes everything",
			expect: all,
			status: schema.Pass,
		},
		{
			name:   "lost, expected",
			plant:  func(h *history) { h.drop(7, 3) },
			expect: schema.Expectation{schema.NoAckedLoss},
			counts: func(c *schema.Counts) { c.Present, c.Lost, c.BelievedLost = 18, 2, 2 },
			examples: map[string][]string{
				schema.AnomalyLost:         {"p-00000003", "p-00000007"},
				schema.AnomalyBelievedLost: {"p-00000003", "p-00000007"},
			},
			status:     schema.Fail,
			violations: []string{"no acknowledged message lost: 2 lost (e.g. p-00000003, p-00000007)"},
		},
		{
			name:   "lost, not expected",
			plant:  func(h *history) { h.drop(7, 3) },
			expect: schema.Expectation{schema.NoDuplicates},
			counts: func(c *schema.Counts) { c.Present, c.Lost, c.BelievedLost = 18, 2, 2 },
			examples: map[string][]string{
				schema.AnomalyLost:         {"p-00000003", "p-00000007"},
				schema.AnomalyBelievedLost: {"p-00000003", "p-00000007"},
			},
			status: schema.Pass,
		},
		{
			name: "acks=0 success is acknowledged: lost when absent, no offset check",
			plant: func(h *history) {
				h.entry(4).Offset = -1
				h.entry(5).Offset = -1
				h.drop(4)
			},
			expect:     all,
			counts:     func(c *schema.Counts) { c.Present, c.Lost, c.BelievedLost = 19, 1, 1 },
			examples:   map[string][]string{schema.AnomalyLost: {"p-00000004"}, schema.AnomalyBelievedLost: {"p-00000004"}},
			status:     schema.Fail,
			violations: []string{"no acknowledged message lost: 1 lost (e.g. p-00000004)", "no believed-sent message lost: 1 believed sent but lost (e.g. p-00000004)"},
		},
		{
			name:     "believed lost: failed send the application ignored, not expected",
			plant:    func(h *history) { h.entry(6).Status = ledger.Failed; h.drop(6) },
			expect:   schema.Expectation{schema.NoAckedLoss, schema.NoPresentAlthoughFailed},
			counts:   func(c *schema.Counts) { c.Acked, c.Failed, c.Present, c.BelievedLost = 19, 1, 19, 1 },
			examples: map[string][]string{schema.AnomalyBelievedLost: {"p-00000006"}},
			status:   schema.Pass,
		},
		{
			name:       "believed lost, expected",
			plant:      func(h *history) { h.entry(6).Status = ledger.Failed; h.drop(6) },
			expect:     schema.Expectation{schema.NoBelievedLoss},
			counts:     func(c *schema.Counts) { c.Acked, c.Failed, c.Present, c.BelievedLost = 19, 1, 19, 1 },
			examples:   map[string][]string{schema.AnomalyBelievedLost: {"p-00000006"}},
			status:     schema.Fail,
			violations: []string{"no believed-sent message lost: 1 believed sent but lost (e.g. p-00000006)"},
		},
		{
			name:       "duplicates, expected",
			plant:      func(h *history) { h.copyToEnd(5); h.copyToEnd(5); h.copyToEnd(2) },
			expect:     schema.Expectation{schema.NoDuplicates},
			counts:     func(c *schema.Counts) { c.Duplicates, c.DuplicatedIDs = 3, 2 },
			examples:   map[string][]string{schema.AnomalyDuplicates: {"p-00000002", "p-00000005"}},
			status:     schema.Fail,
			violations: []string{"no duplicates: 3 duplicate copies (e.g. p-00000002, p-00000005)"},
		},
		{
			name:     "duplicates, not expected; later copies are not reordering",
			plant:    func(h *history) { h.copyToEnd(5); h.copyToEnd(5); h.copyToEnd(2) },
			expect:   schema.Expectation{schema.NoAckedLoss, schema.NoReordering},
			counts:   func(c *schema.Counts) { c.Duplicates, c.DuplicatedIDs = 3, 2 },
			examples: map[string][]string{schema.AnomalyDuplicates: {"p-00000002", "p-00000005"}},
			status:   schema.Pass,
		},
		{
			name: "present although failed",
			plant: func(h *history) {
				e := h.entry(9)
				e.Status, e.Believed = ledger.Failed, false
			},
			expect:     all,
			counts:     func(c *schema.Counts) { c.Acked, c.Failed, c.Believed, c.PresentAlthoughFailed = 19, 1, 19, 1 },
			examples:   map[string][]string{schema.AnomalyPresentAlthoughFailed: {"p-00000009"}},
			status:     schema.Fail,
			violations: []string{"no message present although its send failed: 1 present although their send failed (e.g. p-00000009)"},
		},
		{
			name: "present although unknown, and unknown or pending absent: never a loss",
			plant: func(h *history) {
				e := h.entry(10)
				e.Status, e.Believed = ledger.Unknown, false
				e = h.entry(11)
				e.Status, e.Believed = ledger.Pending, false
				e = h.entry(12)
				e.Status, e.Believed = ledger.Unknown, false
				h.drop(11, 12)
			},
			expect: all,
			counts: func(c *schema.Counts) {
				c.Acked, c.Unknown, c.Believed, c.Present, c.PresentAlthoughUnknown = 17, 3, 17, 18, 1
			},
			examples: map[string][]string{schema.AnomalyPresentAlthoughUnknown: {"p-00000010"}},
			status:   schema.Pass,
		},
		{
			name:       "reordered within a partition",
			plant:      func(h *history) { h.moveToEnd(13); h.moveToEnd(3) },
			expect:     schema.Expectation{schema.NoReordering},
			counts:     func(c *schema.Counts) { c.Reordered = 2 },
			examples:   map[string][]string{schema.AnomalyReordered: {"p-00000003", "p-00000013"}},
			status:     schema.Fail,
			violations: []string{"no reordering within a partition: 2 out of order (e.g. p-00000003, p-00000013)"},
		},
		{
			name:     "reordered, found after restoring log order",
			plant:    func(h *history) { h.moveToEnd(3); slices.Reverse(h.records) },
			expect:   schema.Expectation{schema.NoAckedLoss},
			counts:   func(c *schema.Counts) { c.Reordered = 1 },
			examples: map[string][]string{schema.AnomalyReordered: {"p-00000003"}},
			status:   schema.Pass,
		},
		{
			name: "unexpected ids, counted once each",
			plant: func(h *history) {
				h.appendAt(0, "x-b", 5)
				h.appendAt(1, "x-a", 9)
				h.appendAt(2, "x-b", 5)
			},
			expect:   all,
			counts:   func(c *schema.Counts) { c.Unexpected = 2 },
			examples: map[string][]string{schema.AnomalyUnexpected: {"x-b", "x-a"}},
			status:   schema.Pass,
		},
		{
			name: "acked offset mismatch: other offset, other partition",
			plant: func(h *history) {
				h.entry(8).Offset = 99
				h.entry(11).Partition = 0
			},
			expect:   all,
			counts:   func(c *schema.Counts) { c.AckedOffsetMismatch = 2 },
			examples: map[string][]string{schema.AnomalyAckedOffsetMismatch: {"p-00000008", "p-00000011"}},
			status:   schema.Pass,
		},
		{
			name: "no offset mismatch when any copy sits at the acked offset",
			plant: func(h *history) {
				h.copyToEnd(14)
				h.entry(14).Offset = h.next[2] - 1
			},
			expect:   schema.Expectation{schema.NoAckedLoss},
			counts:   func(c *schema.Counts) { c.Duplicates, c.DuplicatedIDs = 1, 1 },
			examples: map[string][]string{schema.AnomalyDuplicates: {"p-00000014"}},
			status:   schema.Pass,
		},
		{
			name:   "a record repeated at the same offset is an auditor defect, not a duplicate",
			plant:  func(h *history) { h.records = append(h.records, h.records[4]) },
			expect: all,
			counts: func(c *schema.Counts) { c.RepeatedRecords = 1 },
			status: schema.Pass,
		},
		{
			name:   "log in any order gives the same verdict",
			plant:  func(h *history) { slices.Reverse(h.records) },
			expect: all,
			status: schema.Pass,
		},
		{
			name: "record seq disagreeing with the ledger: the id decides",
			plant: func(h *history) {
				h.records[4].Seq = 999
				h.records[5].Seq = 6
			},
			expect: all,
			status: schema.Pass,
		},
		{
			name: "sparse seqs",
			plant: func(h *history) {
				h.moveToEnd(3)
				h.drop(5)
				for i := range h.entries {
					h.entries[i].Seq *= 1000
				}
				for i := range h.records {
					h.records[i].Seq *= 1000
				}
			},
			expect: schema.Expectation{schema.NoAckedLoss},
			counts: func(c *schema.Counts) { c.Present, c.Lost, c.BelievedLost, c.Reordered = 19, 1, 1, 1 },
			examples: map[string][]string{
				schema.AnomalyLost: {"p-00000005"}, schema.AnomalyBelievedLost: {"p-00000005"}, schema.AnomalyReordered: {"p-00000003"},
			},
			status:     schema.Fail,
			violations: []string{"no acknowledged message lost: 1 lost (e.g. p-00000005)"},
		},
		{
			name: "examples: five lowest seqs, whatever the ledger order",
			plant: func(h *history) {
				slices.Reverse(h.entries)
				h.records = nil
			},
			expect: schema.Expectation{schema.NoAckedLoss},
			counts: func(c *schema.Counts) { c.Present, c.Lost, c.BelievedLost = 0, 20, 20 },
			examples: map[string][]string{
				schema.AnomalyLost:         {"p-00000000", "p-00000001", "p-00000002", "p-00000003", "p-00000004"},
				schema.AnomalyBelievedLost: {"p-00000000", "p-00000001", "p-00000002", "p-00000003", "p-00000004"},
			},
			status:     schema.Fail,
			violations: []string{"no acknowledged message lost: 20 lost (e.g. p-00000000, p-00000001, p-00000002, p-00000003, p-00000004)"},
		},
	})
}

func runCases(t *testing.T, tests []producerCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHistory(20, 3)
			if tt.plant != nil {
				tt.plant(h)
			}
			got := Producer(h.params(tt.expect...))

			want := schema.Counts{Attempted: 20, Acked: 20, Believed: 20, Present: 20}
			if tt.counts != nil {
				tt.counts(&want)
			}
			if got.Counts != want {
				t.Errorf("counts:\n got %+v\nwant %+v", got.Counts, want)
			}
			if !reflect.DeepEqual(got.Examples, tt.examples) {
				t.Errorf("examples:\n got %v\nwant %v", got.Examples, tt.examples)
			}
			if got.Status != tt.status {
				t.Errorf("status = %q (%s), want %q", got.Status, got.Reason, tt.status)
			}
			if !slices.Equal(got.Violations, tt.violations) {
				t.Errorf("violations:\n got %q\nwant %q", got.Violations, tt.violations)
			}
			if (got.Err() == nil) != (len(tt.violations) == 0) {
				t.Errorf("Err() = %v with violations %q", got.Err(), got.Violations)
			}
			if got.Profile != "test" {
				t.Errorf("profile = %q", got.Profile)
			}
		})
	}
}
