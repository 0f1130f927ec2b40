// Package schema is results.json: the result of a run, and every
// configuration a result records (the cluster, the fault's effect, the
// producer and consumer profiles, the verdicts, the prices). It depends on
// nothing but the standard library, so that reading, comparing and
// rendering a stored run needs no container, proxy or Kafka client.
// Methods here are pure: what a stored result means (a verdict's broken
// guarantees, a profile's topic settings) reads the same without a
// cluster; building clients and judging histories live in workload and
// verify.
package schema

import "time"

// SchemaVersion is bumped on every incompatible change of the layout below.
const SchemaVersion = 2

// Run is one results.json: every scenario a run executed.
type Run struct {
	SchemaVersion int        `json:"schema_version"`
	RunID         string     `json:"run_id"`
	Seed          int64      `json:"seed"`
	StartedAt     time.Time  `json:"started_at"`
	Scenarios     []Scenario `json:"scenarios"`
	// Prices is the isolated pricing of the producer profiles, when the
	// run measured one (price.go).
	Prices *Prices `json:"prices,omitempty"`
	// MergedFrom lists the shards a merged run was built from (kafka-chaos
	// merge); empty for a run that executed its scenarios itself.
	MergedFrom []Source `json:"merged_from,omitempty"`
}

// Source is one shard of a merged run.
type Source struct {
	RunID     string    `json:"run_id"`
	Seed      int64     `json:"seed"`
	StartedAt time.Time `json:"started_at"`
	Scenarios []string  `json:"scenarios"`
}

// ScenarioSeed is the seed a scenario ran with.
func (r *Run) ScenarioSeed(s Scenario) int64 {
	if s.Seed != 0 {
		return s.Seed
	}
	return r.Seed
}
