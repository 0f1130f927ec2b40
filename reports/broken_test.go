package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func guaranteesOf(bs []breach) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.guarantee)
	}
	return out
}

func TestBreachesNameEveryBrokenGuarantee(t *testing.T) {
	p := brokenConsumer("group")
	p.Verdict = result("group", schema.Expectation{schema.NoAckedLoss, schema.NoDuplicates}, 0, 0, 2, 100).Verdict
	p.App = &schema.AppResult{MustDeliver: true, Undelivered: 3}
	bs := breaches(p)
	want := []string{string(schema.NoDuplicates), string(schema.NoProcessingLoss), schema.ErrUndelivered.Error()}
	if got := guaranteesOf(bs); !slices.Equal(got, want) {
		t.Fatalf("guarantees %q, want %q", got, want)
	}
	if !strings.Contains(bs[0].text, "2 duplicate copies") || !strings.Contains(bs[2].text, "3 not delivered") {
		t.Errorf("texts %q: want the counts", texts(bs))
	}
	if st, _ := judged(p); st != schema.Fail {
		t.Errorf("judged %s, want fail", st)
	}
}

func TestBreachesKeepAVerdictRecordedAsFailed(t *testing.T) {
	p := result("safe", noLoss, 0, 0, 0, 100)
	if bs := breaches(p); bs != nil {
		t.Fatalf("a clean verdict broke %q", texts(bs))
	}
	// The counts no longer show it, but the file says it failed.
	p.Verdict.Status, p.Verdict.Violations = schema.Fail, []string{"no acknowledged message lost: 3 lost"}
	bs := breaches(p)
	if len(bs) != 1 || bs[0].guarantee != recordedFail || bs[0].text != "no acknowledged message lost: 3 lost" {
		t.Errorf("breaches %+v, want the recorded violation", bs)
	}
}
