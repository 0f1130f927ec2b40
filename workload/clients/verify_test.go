package clients

import (
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
)

func TestMemberMetricsSumEveryMember(t *testing.T) {
	evs := []consumer.MemberEvent{
		{Event: consumer.EvStart}, {Event: consumer.EvSession}, {Event: consumer.EvSession},
		{Event: consumer.EvRetry, ID: "a"}, {Event: consumer.EvRetry, ID: "a"},
		{Event: consumer.EvSkip, ID: "b", Seq: 2, Partition: 1, Offset: 9},
		{Event: consumer.EvSkip, Err: "value without an id"},
		{Event: consumer.EvDeadLetter, ID: "c"}, {Event: consumer.EvDeduped, ID: "d"},
		{Event: consumer.EvGroupError}, {Event: consumer.EvStop, Count: 4}, {Event: consumer.EvStop, Count: 3},
	}
	m, skipped := memberMetrics(evs)
	want := schema.ConsumerMetrics{Retries: 2, DeadLetterSends: 1, Skips: 2, Deduplicated: 1, GroupErrors: 1, Sessions: 2, AbandonedAtExit: 7}
	if m != want {
		t.Errorf("metrics %+v, want %+v", m, want)
	}
	if len(skipped) != 1 || skipped[0].ID != "b" || skipped[0].Offset != 9 {
		t.Errorf("skipped %+v: want only b, at offset 9", skipped)
	}
}

// The drain names the groups it waited for, those with a lag alone.
func TestLagging(t *testing.T) {
	if got := lagging(map[string]int64{"s.b": 3, "s.a": 8, "s.c": 0}); got != "s.a 8, s.b 3" {
		t.Errorf("got %q", got)
	}
}
