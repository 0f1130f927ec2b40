package faults

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// forceUnclean asks for an unclean election of every leaderless partition.
func (f *ISRLeaderLoss) forceUnclean(ctx context.Context, env Env, ps []schema.PartitionState, eff *schema.FaultEffect) error {
	req := map[string][]int32{}
	for _, p := range ps {
		if p.Leader < 0 {
			req[p.Topic] = append(req[p.Topic], p.Partition)
		}
	}
	if len(req) == 0 {
		return nil
	}
	var res map[string]map[int32]*sarama.PartitionResult
	err := withAdmin(ctx, env, followers(f.leader), func(adm sarama.ClusterAdmin) (err error) {
		res, err = adm.ElectLeaders(sarama.UncleanElection, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("isr leader loss: elect unclean leaders: %w", err)
	}
	var lines []string
	for t, parts := range res {
		for p, r := range parts {
			outcome := "elected"
			if !errors.Is(r.ErrorCode, sarama.ErrNoError) {
				outcome = r.ErrorCode.Error()
			}
			lines = append(lines, fmt.Sprintf("ElectLeaders(UNCLEAN) %s-%d: %s", t, p, outcome))
		}
	}
	sort.Strings(lines)
	eff.Observed = append(eff.Observed, lines...)
	return nil
}

// enableUnclean turns unclean election on for every topic with a
// leaderless partition; the controller's timer does the rest.
func (f *ISRLeaderLoss) enableUnclean(ctx context.Context, env Env, ps []schema.PartitionState, eff *schema.FaultEffect) error {
	on := "true"
	done := map[string]bool{}
	for _, p := range ps {
		if p.Leader >= 0 || done[p.Topic] {
			continue
		}
		done[p.Topic] = true
		entry := map[string]sarama.IncrementalAlterConfigsEntry{
			"unclean.leader.election.enable": {Operation: sarama.IncrementalAlterConfigsOperationSet, Value: &on},
		}
		err := withAdmin(ctx, env, followers(f.leader), func(adm sarama.ClusterAdmin) error {
			return adm.IncrementalAlterConfig(sarama.TopicResource, p.Topic, entry, false)
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
	var out map[string]int64
	err := retryBriefly(ctx, func() (err error) {
		out, err = readHighWatermarks(env)
		return err
	})
	return out, err
}

func readHighWatermarks(env Env) (map[string]int64, error) {
	cl, err := sarama.NewClient(env.Cluster.Bootstrap(), env.Cluster.SaramaConfig("kafka-chaos-fault-offsets"))
	if err != nil {
		return nil, fmt.Errorf("offsets client: %w", err)
	}
	defer func() { _ = cl.Close() }()
	out := map[string]int64{}
	for _, t := range env.Topics {
		parts, err := cl.Partitions(t)
		if err != nil {
			return nil, fmt.Errorf("partitions of %s: %w", t, err)
		}
		for _, p := range parts {
			off, err := cl.GetOffset(t, p, sarama.OffsetNewest)
			if err != nil {
				return nil, fmt.Errorf("high watermark of %s-%d: %w", t, p, err)
			}
			out[t] += off
		}
	}
	return out, nil
}
