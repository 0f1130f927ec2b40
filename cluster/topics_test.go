package cluster

import (
	"reflect"
	"testing"
)

// The partition lines of kafka-topics --describe as Kafka 4.4 prints them
// for a partition left offline, ELR columns included; the topic's summary
// line and the tool's warnings go.
func TestPartitionLines(t *testing.T) {
	out := "WARNING: something\n" +
		"Topic: s.a\tTopicId: 5Yk2\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: min.insync.replicas=1\n" +
		"\tTopic: s.a\tPartition: 0\tLeader: none\tReplicas: 2,1,3\tIsr: \tElr: \tLastKnownElr: 2\n" +
		"\tTopic: s.a\tPartition: 1\tLeader: 1\tReplicas: 2,1,3\tIsr: 1,3\tElr: \tLastKnownElr: \n"
	got := partitionLines(out)
	want := []string{
		"Topic: s.a Partition: 0 Leader: none Replicas: 2,1,3 Isr: Elr: LastKnownElr: 2",
		"Topic: s.a Partition: 1 Leader: 1 Replicas: 2,1,3 Isr: 1,3 Elr: LastKnownElr:",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
