package verify

import (
	"slices"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestProducerStatus(t *testing.T) {
	all := schema.AllGuarantees()
	runCases(t, []producerCase{
		{
			name: "nothing acknowledged, believed messages lost: fail",
			plant: func(h *history) {
				for i := range h.entries {
					h.entries[i].Status = ledger.Unknown
				}
				h.records = h.records[:2]
			},
			expect: all,
			counts: func(c *schema.Counts) {
				c.Acked, c.Unknown, c.Present, c.BelievedLost, c.PresentAlthoughUnknown = 0, 20, 2, 18, 2
			},
			examples: map[string][]string{
				schema.AnomalyPresentAlthoughUnknown: {"p-00000000", "p-00000001"},
				schema.AnomalyBelievedLost:           {"p-00000002", "p-00000003", "p-00000004", "p-00000005", "p-00000006"},
			},
			status: schema.Fail,
			violations: []string{
				"no believed-sent message lost: 18 believed sent but lost (e.g. p-00000002, p-00000003, p-00000004, p-00000005, p-00000006)",
			},
		},
		{
			name: "nothing acknowledged, nothing broken: unknown",
			plant: func(h *history) {
				for i := range h.entries {
					h.entries[i].Status = ledger.Unknown
				}
			},
			expect:   all,
			counts:   func(c *schema.Counts) { c.Acked, c.Unknown, c.PresentAlthoughUnknown = 0, 20, 20 },
			examples: map[string][]string{schema.AnomalyPresentAlthoughUnknown: {"p-00000000", "p-00000001", "p-00000002", "p-00000003", "p-00000004"}},
			status:   schema.Unknown,
		},
		{
			name: "nothing acknowledged, but a failed send is present: fail",
			plant: func(h *history) {
				for i := range h.entries {
					h.entries[i].Status, h.entries[i].Believed = ledger.Failed, false
				}
				h.records = h.records[:1]
			},
			expect: schema.Expectation{schema.NoPresentAlthoughFailed},
			counts: func(c *schema.Counts) {
				c.Acked, c.Failed, c.Believed, c.Present, c.PresentAlthoughFailed = 0, 20, 0, 1, 1
			},
			examples:   map[string][]string{schema.AnomalyPresentAlthoughFailed: {"p-00000000"}},
			status:     schema.Fail,
			violations: []string{"no message present although its send failed: 1 present although their send failed (e.g. p-00000000)"},
		},
		{
			name:       "a guarantee that cannot be checked fails",
			expect:     schema.Expectation{schema.NoAckedLoss, "no bugs", schema.NoAckedLoss},
			status:     schema.Fail,
			violations: []string{`unknown guarantee "no bugs": cannot be checked`},
		},
	})
}

func TestProducerEmpty(t *testing.T) {
	got := Producer(Params{Profile: "empty", Expect: schema.AllGuarantees()})
	if got.Status != schema.Unknown || got.Reason != "no message attempted" || got.Err() != nil {
		t.Fatalf("got %+v, err %v", got, got.Err())
	}
}

// The caller's slices must come back untouched: ledgers and audits are
// written to disk after verification.
func TestProducerDoesNotModifyInput(t *testing.T) {
	h := newHistory(50, 4)
	h.moveToEnd(7)
	slices.Reverse(h.records)
	entries, records := slices.Clone(h.entries), slices.Clone(h.records)
	expect := schema.AllGuarantees()
	r := Producer(Params{Entries: h.entries, Records: h.records, Expect: expect})
	r.Expected[0] = "changed"
	if !slices.Equal(entries, h.entries) || !slices.Equal(records, h.records) || expect[0] != schema.NoAckedLoss {
		t.Fatal("Producer modified its input")
	}
}
