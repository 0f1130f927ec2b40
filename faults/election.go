package faults

import (
	"context"
	"fmt"
	"sort"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// forceUnclean asks for an unclean election of every leaderless partition
// and returns each one's outcome, a line each.
func (f *ISRLeaderLoss) forceUnclean(ctx context.Context, env Env, ps []schema.PartitionState) ([]string, error) {
	req := map[string][]int32{}
	for _, p := range ps {
		if !hasLeader(p) {
			req[p.Topic] = append(req[p.Topic], p.Partition)
		}
	}
	if len(req) == 0 {
		return nil, nil
	}
	var res map[string]map[int32]error
	err := retryBriefly(ctx, func() (err error) {
		res, err = env.Admin.ElectLeaders(followers(env, f.leader), true, req)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("isr leader loss: elect unclean leaders: %w", err)
	}
	return electionLines("UNCLEAN", res), nil
}

// electionLines renders each partition's outcome of an election of kind
// (PREFERRED or UNCLEAN) for an Effect, sorted.
func electionLines(kind string, res map[string]map[int32]error) []string {
	var lines []string
	for t, parts := range res {
		for p, perr := range parts {
			outcome := "elected"
			if perr != nil {
				outcome = perr.Error()
			}
			lines = append(lines, fmt.Sprintf("ElectLeaders(%s) %s-%d: %s", kind, t, p, outcome))
		}
	}
	sort.Strings(lines)
	return lines
}

// enableUnclean turns unclean election on for every topic with a
// leaderless partition; the controller's timer does the rest.
func (f *ISRLeaderLoss) enableUnclean(ctx context.Context, env Env, ps []schema.PartitionState, eff *schema.FaultEffect) error {
	done := map[string]bool{}
	for _, p := range ps {
		if p.Leader >= 0 || done[p.Topic] {
			continue
		}
		done[p.Topic] = true
		err := retryBriefly(ctx, func() error {
			return env.Admin.SetTopicConfig(followers(env, f.leader), p.Topic, "unclean.leader.election.enable", "true")
		})
		if err != nil {
			return fmt.Errorf("isr leader loss: enable unclean election on %s: %w", p.Topic, err)
		}
		f.unclean[p.Topic] = true
		eff.Observed = append(eff.Observed, fmt.Sprintf("unclean.leader.election.enable=true set on %s after the kill", p.Topic))
	}
	return nil
}

// highWatermarks returns, per scenario topic, the sum over its partitions
// of the newest offset (the high watermark) as the partition leader reports
// it. A leader elected moments ago answers OFFSET_NOT_AVAILABLE until its
// high watermark has caught up, so the read is retried.
func highWatermarks(ctx context.Context, env Env) (map[string]int64, error) {
	var hws map[string][]int64
	err := retryBriefly(ctx, func() (err error) {
		hws, err = env.State.HighWatermarksFrom(env.Nodes.IDs(), env.Topics...)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for t, offs := range hws {
		for _, off := range offs {
			out[t] += off
		}
	}
	return out, nil
}
