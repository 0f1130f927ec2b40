package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/javaclient"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
)

// profileProducer is one producer profile's client: sarama in this
// process, or Kafka's Java client in a container of its own.
type profileProducer interface {
	Run(ctx context.Context) error
	// Ready returns once the client produces, after Run started.
	Ready(ctx context.Context) error
	// Entries is the profile's ledger once Run returned; audit is what
	// the auditor read of its topic.
	Entries(audit []ledger.Record) ([]ledger.Entry, error)
	ClientConfig() map[string]string
	// Progress is a live count for the run's log.
	Progress() string
	// Parse recovers a message's id and sequence number from a value the
	// client wrote.
	Parse(value []byte) (id string, seq int64, err error)
}

type saramaProducer struct{ *producer.Producer }

func (s saramaProducer) Entries([]ledger.Record) ([]ledger.Entry, error) {
	return s.Ledger().Entries(), nil
}

func (saramaProducer) Ready(context.Context) error { return nil }

func (s saramaProducer) Progress() string {
	g := s.Producer.Progress()
	return fmt.Sprintf("sent=%d acked=%d failed=%d unknown=%d", g.Sent, g.Acked, g.Failed, g.Unknown)
}

func (saramaProducer) Parse(v []byte) (string, int64, error) { return message.Parse(v) }

type javaProducer struct {
	*javaclient.Producer
	parse func([]byte) (string, int64, error)
}

func (j javaProducer) Parse(v []byte) (string, int64, error) { return j.parse(v) }

// producingWithin bounds the wait for every client to produce before the
// warm-up starts: a Java client's JVM and container start in seconds.
const producingWithin = 90 * time.Second

// waitProducing returns once every producer produces.
func (r *run) waitProducing(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, producingWithin)
	defer cancel()
	for _, pr := range r.producers {
		if err := pr.Ready(ctx); err != nil {
			return err
		}
	}
	return nil
}

// javaStopGrace bounds a Java producer's clean shutdown: it closes the
// client, which waits for every send in flight.
const javaStopGrace = 60 * time.Second

// newProducer builds the client of a producer profile.
func (r *run) newProducer(ctx context.Context, prof schema.Profile, topic string, leader int) (profileProducer, error) {
	txnID, err := r.transactionalID(prof, topic, leader)
	if err != nil {
		return nil, err
	}
	if prof.Client != schema.JavaClient {
		pr, err := producer.New(producer.Params{
			Profile: prof, Topic: topic, Brokers: r.p.Cluster.Bootstrap(), Config: r.p.Cluster.SaramaConfig("kafka-chaos-producer"),
			Rate: r.s.Rate, Size: r.s.Size, Base: r.base, Seed: r.p.Seed, TransactionalID: txnID,
		})
		return saramaProducer{pr}, err
	}
	id := func(seq int64) string { return message.ID(prof.Name, seq) }
	params := javaclient.Params{
		Profile: prof.Name, ID: id, Settings: *prof.Java, Topic: topic, Rate: r.s.Rate, Base: r.base,
		Launch: r.launch, Bootstrap: r.p.Cluster.ContainerBootstrap(), Grace: javaStopGrace, KafkaVersion: r.p.Cluster.Info().KafkaVersion,
	}
	if prof.Transactions != nil {
		if err := r.prepareApp(ctx); err != nil {
			return nil, err
		}
		pr, err := javaclient.NewTxn(javaclient.TxnParams{
			Params: params, LaunchApp: r.launchApp, TransactionalID: txnID, Transactions: *prof.Transactions, Seed: r.p.Seed, Size: r.s.Size,
		})
		return javaTxnProducer{pr}, err
	}
	pr, err := javaclient.New(params)
	return javaProducer{Producer: pr, parse: javaclient.RecordValue(id)}, err
}

// javaTxnProducer is a transactional Java profile's client, the
// kafka-chaos Java application, whose values carry the harness's ids.
type javaTxnProducer struct{ *javaclient.TxnProducer }

func (javaTxnProducer) Parse(v []byte) (string, int64, error) { return message.Parse(v) }

// launch starts a Java client in a container named after the scenario.
func (r *run) launch(ctx context.Context, name string, cmd []string, files map[string]string) (javaclient.Process, error) {
	return r.p.Cluster.LaunchClient(ctx, r.s.Name+"-"+name, cmd, files)
}

// prepareApp builds the kafka-chaos Java application's image.
func (r *run) prepareApp(ctx context.Context) error {
	_, err := r.p.Cluster.AppImage(ctx)
	return err
}

// launchApp starts the kafka-chaos Java application as launch starts a
// tool, with the scenario's volume for store.
func (r *run) launchApp(ctx context.Context, name string, cmd []string, files map[string]string, store string) (javaclient.Process, error) {
	return r.p.Cluster.LaunchApp(ctx, r.s.Name+"-"+name, cmd, files, store)
}

// javaProcesses are the scenario's Java producers, each a process of its
// own, as a producer fault acts on them.
type javaProcesses []javaProducer

func (r *run) javaProcesses() javaProcesses {
	var out javaProcesses
	for _, pr := range r.producers {
		if j, ok := pr.(javaProducer); ok {
			out = append(out, j)
		}
	}
	return out
}

// CrashProducers implements faults.Producers.
func (js javaProcesses) CrashProducers(ctx context.Context) ([]faults.ProcessExit, error) {
	exits := make([]faults.ProcessExit, len(js))
	errs := make([]error, len(js))
	var wg sync.WaitGroup
	for i, j := range js {
		wg.Go(func() {
			name, code, err := j.Crash(ctx)
			exits[i], errs[i] = faults.ProcessExit{Name: name, Code: code}, err
		})
	}
	wg.Wait()
	return exits, errors.Join(errs...)
}

// ReplaceProducers implements faults.Producers.
func (js javaProcesses) ReplaceProducers(ctx context.Context) error {
	errs := make([]error, len(js))
	var wg sync.WaitGroup
	for i, j := range js {
		wg.Go(func() { errs[i] = j.Replace(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
