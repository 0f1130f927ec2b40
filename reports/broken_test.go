package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/verify"
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
	p.Verdict = result("group", verify.Expectation{verify.NoAckedLoss, verify.NoDuplicates}, 0, 0, 2, 100).Verdict
	p.App = &AppResult{MustDeliver: true, Undelivered: 3}
	bs := p.breaches()
	want := []string{string(verify.NoDuplicates), string(verify.NoProcessingLoss), ErrUndelivered.Error()}
	if got := guaranteesOf(bs); !slices.Equal(got, want) {
		t.Fatalf("guarantees %q, want %q", got, want)
	}
	if !strings.Contains(bs[0].text, "2 duplicate copies") || !strings.Contains(bs[2].text, "3 not delivered") {
		t.Errorf("texts %q: want the counts", texts(bs))
	}
	if st, _ := p.judged(); st != verify.Fail {
		t.Errorf("judged %s, want fail", st)
	}
}

func TestBreachesKeepAVerdictRecordedAsFailed(t *testing.T) {
	p := result("safe", noLoss, 0, 0, 0, 100)
	if bs := p.breaches(); bs != nil {
		t.Fatalf("a clean verdict broke %q", texts(bs))
	}
	// The counts no longer show it, but the file says it failed.
	p.Verdict.Status, p.Verdict.Violations = verify.Fail, []string{"no acknowledged message lost: 3 lost"}
	bs := p.breaches()
	if len(bs) != 1 || bs[0].guarantee != recordedFail || bs[0].text != "no acknowledged message lost: 3 lost" {
		t.Errorf("breaches %+v, want the recorded violation", bs)
	}
}
