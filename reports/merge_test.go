package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestMergeShards(t *testing.T) {
	a := run("shard-a", 11, scenario("kill", schema.ScenarioPass, result("safe", noLoss, 0, 0, 0, 300)))
	b := run("shard-b", 22, scenario("partition", schema.ScenarioPass), scenario("power", schema.ScenarioFail))
	b.StartedAt = a.StartedAt.Add(-time.Minute)
	m, err := Merge("nightly", a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.RunID != "nightly" || m.SchemaVersion != schema.SchemaVersion || m.Seed != 22 || !m.StartedAt.Equal(b.StartedAt) {
		t.Errorf("merged run %s v%d seed %d started %v: want nightly, v1, the earliest shard's seed and start", m.RunID, m.SchemaVersion, m.Seed, m.StartedAt)
	}
	var names []string
	for _, s := range m.Scenarios {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "kill,partition,power" {
		t.Errorf("scenarios %v, want shard order", names)
	}
	if m.ScenarioSeed(m.Scenarios[0]) != 11 || m.ScenarioSeed(m.Scenarios[1]) != 22 {
		t.Errorf("scenario seeds %d, %d: want each shard's own (11, 22)", m.ScenarioSeed(m.Scenarios[0]), m.ScenarioSeed(m.Scenarios[1]))
	}
	if len(m.MergedFrom) != 2 || m.MergedFrom[1].RunID != "shard-b" || len(m.MergedFrom[1].Scenarios) != 2 {
		t.Errorf("merged_from = %+v", m.MergedFrom)
	}
	// Merging a merge keeps the original shards as provenance.
	c := run("shard-c", 22, scenario("consumer", schema.ScenarioPass))
	mm, err := Merge("again", m, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(mm.MergedFrom) != 3 || mm.ScenarioSeed(mm.Scenarios[0]) != 11 || len(mm.Scenarios) != 4 {
		t.Errorf("merge of a merge: sources %+v, seed of kill %d", mm.MergedFrom, mm.ScenarioSeed(mm.Scenarios[0]))
	}
}

func TestMergeRejectsConflicts(t *testing.T) {
	a := run("a", 1, scenario("kill", schema.ScenarioPass))
	b := run("b", 1, scenario("kill", schema.ScenarioFail))
	if _, err := Merge("m", a, b); err == nil || !strings.Contains(err.Error(), "kill") {
		t.Errorf("duplicate scenario: err = %v", err)
	}
	old := run("old", 1)
	old.SchemaVersion = 0
	if _, err := Merge("m", a, old); err == nil {
		t.Error("a shard of another schema version merged")
	}
	if _, err := Merge("m"); err == nil {
		t.Error("merging nothing succeeded")
	}
}
