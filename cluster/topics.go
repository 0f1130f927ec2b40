package cluster

import (
	"context"
	"regexp"
	"strings"
)

// topicTool is the class behind kafka-topics.sh, in Kafka 3.9 and 4.x.
const topicTool = "org.apache.kafka.tools.TopicCommand"

// DescribeTopics returns one line per partition of the topics as Kafka's
// own `kafka-topics --describe`, run in node n against its own broker,
// prints them: besides the leader, replicas and ISR, Kafka 4.x names the
// Eligible Leader Replicas and the last known ones (KIP-966), which the
// Metadata API the harness's client reads does not carry.
func (c *Cluster) DescribeTopics(ctx context.Context, n int, topics ...string) ([]string, error) {
	quoted := make([]string, len(topics))
	for i, t := range topics {
		quoted[i] = regexp.QuoteMeta(t)
	}
	out, err := c.tool(ctx, n, "kafka-topics", topicTool, "--bootstrap-server", InternalAddress(n), "--describe", "--topic", strings.Join(quoted, "|"))
	if err != nil {
		return nil, err
	}
	return partitionLines(out), nil
}

// partitionLines picks the partition lines out of `kafka-topics
// --describe`, each on one line with single spaces.
func partitionLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Partition: ") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
	}
	return lines
}
