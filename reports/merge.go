package reports

import (
	"errors"
	"fmt"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Merge combines the shards of one logical run (a nightly matrix split by
// label across machines) into a single run with the given id. Scenarios
// keep shard order. The run's seed and start are the earliest shard's; a
// scenario from a shard with another seed records its own, so every
// scenario stays replayable. A scenario name found in two shards is an
// error: one of the two results would silently hide the other.
func Merge(runID string, shards ...*schema.Run) (*schema.Run, error) {
	if len(shards) == 0 {
		return nil, errors.New("merge runs: no run given")
	}
	first := shards[0]
	for _, s := range shards[1:] {
		if s.StartedAt.Before(first.StartedAt) {
			first = s
		}
	}
	out := &schema.Run{SchemaVersion: schema.SchemaVersion, RunID: runID, Seed: first.Seed, StartedAt: first.StartedAt}
	from := map[string]string{}
	pricedBy := ""
	for _, sh := range shards {
		if sh.SchemaVersion != schema.SchemaVersion {
			return nil, fmt.Errorf("merge run %s: schema_version %d, this build writes %d", sh.RunID, sh.SchemaVersion, schema.SchemaVersion)
		}
		src := schema.Source{RunID: sh.RunID, Seed: sh.Seed, StartedAt: sh.StartedAt}
		if sh.Prices != nil {
			// Two pricings measured on different machines would not
			// compare; which one to keep is not for the merge to guess.
			if pricedBy != "" {
				return nil, fmt.Errorf("merge runs: both %s and %s priced the profiles", pricedBy, sh.RunID)
			}
			pricedBy, out.Prices = sh.RunID, sh.Prices
		}
		// A shard that is itself a merge passes its own sources on, so
		// merging merges loses no provenance.
		out.MergedFrom = append(out.MergedFrom, sh.MergedFrom...)
		for _, sc := range sh.Scenarios {
			if prev, dup := from[sc.Name]; dup {
				return nil, fmt.Errorf("merge runs: scenario %s is in both %s and %s", sc.Name, prev, sh.RunID)
			}
			from[sc.Name] = sh.RunID
			if sc.Seed == 0 && sh.Seed != out.Seed {
				sc.Seed = sh.Seed
			}
			out.Scenarios = append(out.Scenarios, sc)
			src.Scenarios = append(src.Scenarios, sc.Name)
		}
		if len(sh.MergedFrom) == 0 {
			out.MergedFrom = append(out.MergedFrom, src)
		}
	}
	return out, nil
}
