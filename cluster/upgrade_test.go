package cluster

import (
	"strings"
	"testing"
)

// The state an upgrade copies holds every directory a node keeps.
func TestStateDirHoldsEveryDirectory(t *testing.T) {
	for _, dir := range []string{logDir, metadataDir, lossyBacking} {
		if !strings.HasPrefix(dir, stateDir+"/") {
			t.Errorf("%s is not under %s: an upgraded node would lose it", dir, stateDir)
		}
	}
}

// A node's version is the last one its log reports: a restarted broker
// logs it again.
func TestReportedVersion(t *testing.T) {
	logs := "[2026-12-02 05:04:10,101] INFO Kafka version: 3.9.1 (org.apache.kafka.common.utils.AppInfoParser)\n" +
		"[2026-12-02 05:04:10,102] INFO Kafka commitId: 1a2b (org.apache.kafka.common.utils.AppInfoParser)\n" +
		"[2026-12-02 05:05:10,101] INFO Kafka version: 4.4.0 (org.apache.kafka.common.utils.AppInfoParser)\n"
	if v := reportedVersion(logs); v != "4.4.0" {
		t.Errorf("got %q, want 4.4.0", v)
	}
	if v := reportedVersion("[x] INFO starting\n"); v != "" {
		t.Errorf("got %q from a log without a version line", v)
	}
}

// kafka-features describe, as Kafka 4.4 prints it, admin client log
// lines around it.
func TestFinalizedLevel(t *testing.T) {
	out := "[2026-12-02 05:06:00,000] INFO AdminClientConfig values: (org.apache.kafka.clients.admin.AdminClientConfig)\n" +
		"Feature: eligible.leader.replicas.version\tSupportedMinVersion: 0\tSupportedMaxVersion: 1\tFinalizedVersionLevel: 0\tEpoch: 41\n" +
		"Feature: metadata.version\tSupportedMinVersion: 3.3-IV3\tSupportedMaxVersion: 4.4-IV2\tFinalizedVersionLevel: 3.9-IV0\tEpoch: 41\n"
	if v := finalizedLevel(out, "metadata.version"); v != "3.9-IV0" {
		t.Errorf("metadata.version %q, want 3.9-IV0", v)
	}
	if v := finalizedLevel(out, "group.version"); v != "" {
		t.Errorf("group.version %q, want none", v)
	}
}
