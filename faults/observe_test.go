package faults

import (
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestShrunkOnEveryTopic(t *testing.T) {
	p := func(topic string, part int32, isr ...int32) schema.PartitionState {
		return schema.PartitionState{Topic: topic, Partition: part, Leader: 3, ISR: isr}
	}
	cases := []struct {
		name   string
		ps     []schema.PartitionState
		ok     bool
		shrunk int
	}{
		{"nothing shrunk", []schema.PartitionState{p("a", 0, 3, 1, 2), p("b", 0, 3, 1)}, false, 0},
		{"one topic still whole", []schema.PartitionState{p("a", 0, 3), p("a", 1, 3), p("b", 0, 3, 1), p("b", 1, 3, 2)}, false, 2},
		{"one partition per topic", []schema.PartitionState{p("a", 0, 3), p("a", 1, 3, 1), p("b", 0, 3, 2), p("b", 1, 3)}, true, 2},
		{"all", []schema.PartitionState{p("a", 0, 3), p("b", 0, 3)}, true, 2},
		{"ISR of another node", []schema.PartitionState{p("a", 0, 1), p("b", 0, 3)}, false, 1},
	}
	for _, c := range cases {
		ok, n := shrunkOnEveryTopic(c.ps, isrIsOnly(3))
		if ok != c.ok || n != c.shrunk {
			t.Errorf("%s: got ok=%v shrunk=%d, want ok=%v shrunk=%d", c.name, ok, n, c.ok, c.shrunk)
		}
	}
}
