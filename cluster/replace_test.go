package cluster

import (
	"strings"
	"testing"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// launchScriptOf returns the launch script of a cluster configured so.
func launchScriptOf(cfg Config) string {
	c := &Cluster{cfg: cfg, info: schema.ClusterInfo{ClusterID: "id"}}
	return c.launchScript(1)
}

// The default layout formats on first start and starts Kafka, nothing
// else: no disk replacement and no --ignore-formatted.
func TestLaunchScriptDefault(t *testing.T) {
	want := "if [ ! -f /var/lib/kafka/data/meta.properties ]; then { /opt/kafka/bin/kafka-storage.sh format -t id -c /etc/kafka-chaos/server.properties; } || exit 1; fi; " +
		"exec /opt/kafka/bin/kafka-server-start.sh /etc/kafka-chaos/server.properties"
	if got := launchScriptOf(Config{}); got != want {
		t.Errorf("launch script\n got %s\nwant %s", got, want)
	}
}

// With the metadata log apart, a start that finds the marker empties the
// data directory (the lossy filesystem's backing directory when there is
// one, before it is mounted), formats it without touching the formatted
// metadata directory, and exits instead of starting Kafka.
func TestLaunchScriptReplacesTheDisk(t *testing.T) {
	for _, tc := range []struct {
		cfg   Config
		wiped string
	}{
		{Config{SeparateMetadataDir: true}, logDir},
		{Config{SeparateMetadataDir: true, LossyFS: "/bin/lossyfs"}, lossyBacking},
	} {
		got := launchScriptOf(tc.cfg)
		steps := []string{
			"if [ -f /etc/kafka-chaos/replace-disk ]; then rm -f /etc/kafka-chaos/replace-disk && find " + tc.wiped + " -mindepth 1 -delete || exit 1; replaced=1; fi; ",
			"kafka-storage.sh format -t id -c /etc/kafka-chaos/server.properties --ignore-formatted",
			`[ -z "$replaced" ] || exit 0; exec /opt/kafka/bin/kafka-server-start.sh`,
		}
		if tc.cfg.LossyFS != "" {
			steps = append(steps[:1], append([]string{"lossyfs mount -backing " + lossyBacking}, steps[1:]...)...)
		}
		at := 0
		for _, s := range steps {
			i := strings.Index(got[at:], s)
			if i < 0 {
				t.Errorf("lossy %q: %q missing or out of order in\n%s", tc.cfg.LossyFS, s, got)
				break
			}
			at += i + len(s)
		}
	}
}

func TestPropertyValue(t *testing.T) {
	props := "#\n#Thu Jan 01 00:00:00 UTC 2026\ncluster.id=abc\ndirectory.id=Xy-z_1\nnode.id=2\nversion=1\n"
	if got := propertyValue(props, "directory.id"); got != "Xy-z_1" {
		t.Errorf("directory.id = %q", got)
	}
	if got := propertyValue(props, "directory"); got != "" {
		t.Errorf("a key that is only a prefix matched: %q", got)
	}
}

// Only the topics asked for, and only current logs: a future log of a
// move between directories is left out.
func TestReplicaBytes(t *testing.T) {
	resp := &sarama.DescribeLogDirsResponse{LogDirs: []sarama.DescribeLogDirsResponseDirMetadata{{
		Path: logDir,
		Topics: []sarama.DescribeLogDirsResponseTopic{
			{Topic: "a", Partitions: []sarama.DescribeLogDirsResponsePartition{{PartitionID: 0, Size: 0}, {PartitionID: 1, Size: 4096}, {PartitionID: 2, Size: 99, IsTemporary: true}}},
			{Topic: "__consumer_offsets", Partitions: []sarama.DescribeLogDirsResponsePartition{{PartitionID: 0, Size: 7}}},
		},
	}}}
	got := replicaBytes(resp, []string{"a", "b"})
	if len(got) != 1 || len(got["a"]) != 2 || got["a"][0] != 0 || got["a"][1] != 4096 {
		t.Errorf("replica bytes %v, want a-0 0 and a-1 4096 only", got)
	}
}
