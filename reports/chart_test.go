package reports

import (
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// TestChartShowsReplicaSets: the timeline charts the replica set size
// beside the ISR, so a reassignment's copy shows as the gap between them.
func TestChartShowsReplicaSets(t *testing.T) {
	part := func(replicas, isr []int32) []schema.PartitionState {
		return []schema.PartitionState{{Topic: "a", Leader: 2, Replicas: replicas, ISR: isr}}
	}
	s := schema.Scenario{
		Name: "reassign-add-remove", Cluster: schema.ClusterInfo{Nodes: 3},
		Timeline: []schema.Sample{
			{At: 1, Partitions: part([]int32{2, 1}, []int32{2, 1})},
			{At: 2, Partitions: part([]int32{2, 1, 3}, []int32{2, 1})},
			{At: 3, Partitions: part([]int32{1, 3}, []int32{1, 3})},
		},
	}
	svg, err := Chart(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"mean ISR", "mean replicas", "ISR / replicas"} {
		if !strings.Contains(string(svg), ">"+line+"<") {
			t.Errorf("chart has no %q", line)
		}
	}
}
