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

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/javaclient"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
)

// javaGroup is a Java consumer profile's group: verifiable consumers,
// whose record_data line is the record's side effect (the tool prints
// every record poll returned, then commits or lets auto-commit do it), or
// the kafka-chaos Java application, whose effects are in the group's
// effect store.
type javaGroup struct {
	*javaclient.ConsumerGroup
	base time.Time
	// dir keeps each member's events once it is finished, beside the
	// sarama members' ledgers.
	dir string
	// failures are the processing failures the application injects.
	failures schema.Failures
}

// appEvents are the Java application's events by the sarama
// application's names.
var appEvents = map[string]string{
	javaclient.AppRetry:      consumer.EvRetry,
	javaclient.AppSkip:       consumer.EvSkip,
	javaclient.AppDeadLetter: consumer.EvDeadLetter,
	javaclient.AppDeduped:    consumer.EvDeduped,
	javaclient.AppGroupError: consumer.EvGroupError,
}

// injectedFailure is the error of an attempt the application failed on
// purpose, as both applications report it.
const injectedFailure = "injected processing failure"

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
// <member>.events.jsonl, and the application's effect store to
// <profile>.effects.jsonl.
func (g javaGroup) Stop(ctx context.Context, grace time.Duration) error {
	err := g.ConsumerGroup.Stop(ctx, grace)
	outs, oerr := g.Outputs(ctx)
	if oerr != nil {
		return errors.Join(err, oerr)
	}
	for _, o := range outs {
		err = errors.Join(err, writeEvents(filepath.Join(g.dir, o.Member+".events.jsonl"), o.Events))
	}
	if g.Profile().Java.RunsApp() {
		// The application's effect store, as the sarama groups keep theirs.
		err = errors.Join(err, os.WriteFile(filepath.Join(g.dir, g.Profile().Name+".effects.jsonl"), g.Store(), 0o644))
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
			case appEvents[e.Name] != "":
				if err := g.checkFailure(o.Member, e); err != nil {
					return nil, err
				}
				me.Event, me.ID, me.Seq, me.Partition, me.Offset, me.Attempt, me.Err = appEvents[e.Name], e.ID, e.Seq, e.Partition, e.Offset, e.Attempt, e.Error
			default:
				continue
			}
			out = append(out, me)
		}
	}
	return out, nil
}

// checkFailure holds the Java application to the harness's own draw of
// the injected failures: an attempt it failed on purpose must be one
// schema.Failures fails, or the two clients would not face the same
// failures.
func (g javaGroup) checkFailure(member string, e javaclient.ConsumerEvent) error {
	if e.Error != injectedFailure || g.failures.Fails(e.ID, e.Attempt) {
		return nil
	}
	return fmt.Errorf("java consumer %s failed attempt %d of %s, which the scenario's failures (seed %d) let succeed: the application's draw differs from the harness's",
		member, e.Attempt, e.ID, g.failures.Seed)
}

// Effects is one effect per record a member printed, or the application's
// effect store.
func (g javaGroup) Effects(ctx context.Context) ([]consumer.Effect, error) {
	if g.Profile().Java.RunsApp() {
		stored, err := g.ConsumerGroup.Effects(ctx)
		out := make([]consumer.Effect, 0, len(stored))
		for _, e := range stored {
			out = append(out, consumer.Effect{
				ID: e.ID, Seq: e.Seq, Partition: e.Partition, Offset: e.Offset, Member: e.Member, Kind: e.Kind,
				At: time.UnixMilli(e.TS).Sub(g.base),
			})
		}
		return out, err
	}
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

// Activity counts the members' events, and the application's effects.
func (g javaGroup) Activity(ctx context.Context) int64 {
	outs, _ := g.Outputs(ctx)
	var n int64
	for _, o := range outs {
		n += int64(len(o.Events))
	}
	effects, _ := g.ConsumerGroup.Effects(ctx)
	return n + int64(len(effects))
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

// CountTransactions counts an in-transaction application's transactions
// by how each ended, from its members' txn_begin and txn_end events: one
// begun and never ended is open.
func (g javaGroup) CountTransactions(m *schema.ConsumerMetrics) error {
	if g.Profile().Commit != schema.InTransaction {
		return nil
	}
	outs, err := g.Outputs(context.Background())
	if err != nil {
		return err
	}
	for _, o := range outs {
		ended := map[int64]string{}
		var begun []int64
		for _, e := range o.Events {
			switch e.Name {
			case javaclient.TxnBegin:
				begun = append(begun, e.Txn)
			case javaclient.TxnEnd:
				ended[e.Txn] = e.Status
			}
		}
		for _, t := range begun {
			status, ok := ended[t]
			if !ok {
				status = string(ledger.TxnOpen)
			}
			m.CountTxn(ledger.TxnStatus(status))
		}
	}
	return nil
}
