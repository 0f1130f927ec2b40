package runner

import (
	"errors"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
)

func TestClientFailuresNameTheProfile(t *testing.T) {
	h := verify.Consumer(verify.ConsumerParams{Profile: "c", Expect: schema.ConsumerExpectation{schema.NoProcessingLoss}})
	ok := schema.ProfileResult{Consumer: &schema.ConsumerResult{Verdict: h}}
	ok.Profile.Name = "fine"
	app := schema.ProfileResult{App: &schema.AppResult{MustDeliver: true, Undelivered: 3}}
	app.Profile.Name = "leaky"
	measured := schema.ProfileResult{App: &schema.AppResult{Undelivered: 3}}
	got := clientFailures([]schema.ProfileResult{ok, app, measured})
	if len(got) != 1 || got[0] != "leaky: every attempted message delivered: 3 not delivered" {
		t.Fatalf("failures %q", got)
	}
	if !errors.Is(app.ClientErr(), schema.ErrUndelivered) {
		t.Error("ClientErr does not wrap ErrUndelivered")
	}
}
