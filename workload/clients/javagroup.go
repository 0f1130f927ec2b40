package clients

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/javaclient"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
)

// javaGroup is a Java consumer profile's group of verifiable consumers.
// A record_data line is the record's side effect: the tool prints every
// record poll returned, then commits (or lets auto-commit do it).
type javaGroup struct {
	*javaclient.ConsumerGroup
	base time.Time
	// dir keeps each member's events once it is finished, beside the
	// sarama members' ledgers.
	dir string
}

func (g javaGroup) Start(ctx context.Context) (string, error) {
	m, err := g.ConsumerGroup.Start(ctx)
	if err != nil {
		return "", err
	}
	return m.Name, nil
}

func (g javaGroup) Live(ctx context.Context) []string {
	var out []string
	for _, m := range g.ConsumerGroup.Live(ctx) {
		out = append(out, m.Name)
	}
	return out
}

func (g javaGroup) Signal(ctx context.Context, member string, sig syscall.Signal) error {
	m := g.Member(member)
	if m == nil {
		return fmt.Errorf("no member %s in group %s", member, g.ID())
	}
	return m.Signal(ctx, sig)
}

// Stop stops every member and writes what each printed to
// <member>.events.jsonl.
func (g javaGroup) Stop(ctx context.Context, grace time.Duration) error {
	err := g.ConsumerGroup.Stop(ctx, grace)
	outs, oerr := g.Outputs(ctx)
	if oerr != nil {
		return errors.Join(err, oerr)
	}
	for _, o := range outs {
		err = errors.Join(err, writeEvents(filepath.Join(g.dir, o.Member+".events.jsonl"), o.Events))
	}
	return err
}

func writeEvents(path string, evs []javaclient.ConsumerEvent) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, e := range evs {
		if err := enc.Encode(e); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// Events turns the members' group events into the sarama application's:
// an assignment is a session, a failed commit a group error.
func (g javaGroup) Events(ctx context.Context) ([]consumer.MemberEvent, error) {
	outs, err := g.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	var out []consumer.MemberEvent
	for _, o := range outs {
		for _, e := range o.Events {
			me := consumer.MemberEvent{At: time.UnixMilli(e.Timestamp).Sub(g.base)}
			switch {
			case e.Name == javaclient.StartupComplete:
				me.Event = consumer.EvStart
			case e.Name == javaclient.PartitionsAssigned:
				me.Event, me.Count = consumer.EvSession, len(e.Partitions)
			case e.Name == javaclient.OffsetsCommitted && !e.Success:
				me.Event, me.Err = consumer.EvGroupError, e.Error
			case e.Name == javaclient.ShutdownComplete:
				me.Event = consumer.EvStop
			default:
				continue
			}
			out = append(out, me)
		}
	}
	return out, nil
}

// Effects is one applied effect per record a member printed.
func (g javaGroup) Effects(ctx context.Context) ([]consumer.Effect, error) {
	outs, err := g.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	var out []consumer.Effect
	for _, o := range outs {
		for _, e := range o.Events {
			if e.Name != javaclient.RecordData {
				continue
			}
			id, seq, err := message.Parse([]byte(e.Value))
			if err != nil {
				return nil, fmt.Errorf("java consumer %s: partition %d offset %d: %w", o.Member, e.Partition, e.Offset, err)
			}
			out = append(out, consumer.Effect{
				ID: id, Seq: seq, Partition: e.Partition, Offset: e.Offset, Member: o.Member, Kind: consumer.Applied,
				At: time.UnixMilli(e.Timestamp).Sub(g.base),
			})
		}
	}
	return out, nil
}

// Activity counts the members' events.
func (g javaGroup) Activity(ctx context.Context) int64 {
	outs, _ := g.Outputs(ctx)
	var n int64
	for _, o := range outs {
		n += int64(len(o.Events))
	}
	return n
}

func (g javaGroup) Kill(ctx context.Context) { g.ConsumerGroup.Kill(ctx) }

func (g javaGroup) Members(base time.Time) []schema.MemberRecord {
	var out []schema.MemberRecord
	for _, m := range g.ConsumerGroup.Members() {
		out = append(out, memberRecord(m.Name, m.StartedAt, m.ExitedAt(), m.Signals(), base))
	}
	return out
}

func (g javaGroup) ClientConfig() (map[string]string, error) {
	return g.ConsumerGroup.ClientConfig(), nil
}

func (g javaGroup) CountTransactions(*schema.ConsumerMetrics) error { return nil }
