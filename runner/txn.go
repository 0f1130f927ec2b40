package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/kafka-chaos/kafka-chaos/audit"
	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
)

// txnProducer is a transactional profile's client, on either client: its
// transactions once it ran.
type txnProducer interface {
	profileProducer
	Txns() []ledger.Txn
}

// txnProfile is what the runner keeps of a transactional profile: its
// transactional id and the node coordinating it.
type txnProfile struct {
	id          string
	coordinator int
}

// pickTxnID names the transactional id of a profile on topic so that its
// coordinator is not the node leading the scenario partitions and is the
// same node for every transactional profile of the scenario: a fault on
// the one never hits the other, and a coordinator fault hits every
// profile alike. It asks the cluster (FindCoordinator).
func (r *run) pickTxnID(topic string, leader int) (txnProfile, error) {
	want := -1
	for _, t := range r.txns {
		want = t.coordinator
	}
	var last error
	for i := range 64 {
		id := fmt.Sprintf("%s.t%d", topic, i)
		n, err := r.p.Cluster.TxnCoordinator(id)
		if err != nil {
			// The first lookup creates __transaction_state.
			last = err
			time.Sleep(500 * time.Millisecond)
			continue
		}
		if n != leader && (want < 0 || n == want) {
			return txnProfile{id: id, coordinator: n}, nil
		}
	}
	return txnProfile{}, fmt.Errorf("no transactional id for %s coordinated by node %d (not the leader %d): %v", topic, want, leader, last)
}

// transactionalID picks and records the transactional id of a
// transactional profile on topic (pickTxnID); "" for another profile.
func (r *run) transactionalID(prof schema.Profile, topic string, leader int) (string, error) {
	if prof.Transactions == nil {
		return "", nil
	}
	t, err := r.pickTxnID(topic, leader)
	if err != nil {
		return "", err
	}
	if r.txns == nil {
		r.txns = map[string]txnProfile{}
	}
	r.txns[topic] = t
	r.logf("%s: transactional id %s, coordinator node %d", prof.Name, t.id, t.coordinator)
	return t.id, nil
}

// bindTransactions gives a transaction fault the scenario's transactional
// ids.
func (r *run) bindTransactions() {
	tf, ok := r.s.Fault.(faults.TxnFault)
	if !ok || len(r.txns) == 0 {
		return
	}
	var ids []string
	for _, t := range r.txns {
		ids = append(ids, t.id)
	}
	tf.BindTransactions(ids)
}

// lsoEvery is how often the last stable offsets are sampled.
const lsoEvery = 500 * time.Millisecond

// sampleLSO reads, until ctx ends, every transactional topic's last stable
// offsets and high watermarks, by topic. A read that fails (a leader
// down) is skipped. Without any (sample false) it only waits.
func (r *run) sampleLSO(ctx context.Context, sample bool) map[string][]ledger.LSOSample {
	out := map[string][]ledger.LSOSample{}
	if !sample {
		<-ctx.Done()
		return out
	}
	cl, err := sarama.NewClient(r.p.Cluster.Bootstrap(), r.p.Cluster.SaramaConfig("kafka-chaos-lso"))
	if err != nil {
		r.logf("last stable offsets not sampled: %v", err)
		return out
	}
	defer cl.Close()
	t := time.NewTicker(lsoEvery)
	defer t.Stop()
	for {
		for i, prof := range r.s.Profiles {
			if prof.Transactions == nil {
				continue
			}
			topic := r.topics[i]
			parts, err := cl.Partitions(topic)
			if err != nil {
				continue
			}
			at := time.Since(r.base)
			if offs, err := audit.Offsets(cl, topic, parts, true); err == nil {
				out[topic] = append(out[topic], lsoSamples(offs, at)...)
			}
		}
		select {
		case <-ctx.Done():
			return out
		case <-t.C:
		}
	}
}

func lsoSamples(offs []schema.PartitionOffsets, at time.Duration) []ledger.LSOSample {
	out := make([]ledger.LSOSample, len(offs))
	for i, o := range offs {
		out[i] = ledger.LSOSample{Partition: o.Partition, At: at, LSO: o.LastStable, HighWatermark: o.HighWatermark}
	}
	return out
}

// txnCleanup is the brokers' transaction.abort.timed.out.transaction.cleanup.interval.ms
// (Kafka's default): a transaction past its timeout is aborted within
// that much more.
const txnCleanup = 10 * time.Second

// hangAfter is how long a partition's last stable offset may stand still
// below its high watermark before it is hanging: an open transaction
// holds it back at most until its timeout, plus the coordinator's cleanup
// interval, plus slack for a coordinator that moved.
func hangAfter(t *schema.Transactions) time.Duration { return t.Timeout + txnCleanup + 5*time.Second }

// txnResult judges a transactional profile: its transactions against its
// topic read twice, read_uncommitted (u) and read_committed, and the last
// stable offsets sampled during the run, ending with the audit's.
func (r *run) txnResult(ctx context.Context, i int, pr txnProducer, entries []ledger.Entry, u audit.Log, lso []ledger.LSOSample) (*schema.TxnResult, verify.TxnParams, error) {
	prof, topic := r.s.Profiles[i], r.topics[i]
	c, err := r.auditAs(ctx, topic, pr.Parse, true)
	if err != nil {
		return nil, verify.TxnParams{}, err
	}
	lso = append(lso, lsoSamples(c.Partitions, time.Since(r.base))...)
	t := r.txnOf(topic)
	res := &schema.TxnResult{
		TransactionalID: t.id, Coordinator: t.coordinator, Committed: c.Partitions, HangAfter: hangAfter(prof.Transactions),
		TransactionVersion: r.transactionVersion(ctx),
	}
	params := verify.TxnParams{
		Profile: prof.Name, Entries: entries, Txns: pr.Txns(), Uncommitted: u.Records, Committed: c.Records,
		LSO: lso, HangAfter: res.HangAfter, Expect: r.s.TxnExpect[prof.Name], Window: r.window(), MinExposure: r.s.MinExposure,
	}
	res.Verdict = verify.Transactions(params)
	return res, params, nil
}

// transactionVersion reads the cluster's finalized transaction.version
// once per scenario; a read that fails is logged and leaves it "".
func (r *run) transactionVersion(ctx context.Context) string {
	r.txnVersionOnce.Do(func() {
		v, err := r.p.Cluster.FinalizedLevel(ctx, "transaction.version")
		if err != nil {
			r.logf("transaction.version not read: %v", err)
		}
		r.txnVersion = v
	})
	return r.txnVersion
}

// txnOf returns the transactional profile writing topic.
func (r *run) txnOf(topic string) txnProfile { return r.txns[topic] }
