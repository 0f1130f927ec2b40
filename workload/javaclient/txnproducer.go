package javaclient

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/images/javaapp"
	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/producer"
)

// Events of the kafka-chaos Java application's transactional producer
// besides the verifiable producer's startup_complete, send results and
// shutdown_complete.
const (
	// TxnSend: a message handed to the client (Seq, Txn).
	TxnSend = "send"
	// TxnBegin: a transaction begun (Txn, Intent).
	TxnBegin = "txn_begin"
	// TxnEnd: how a transaction ended (Txn, Status, Error).
	TxnEnd = "txn_end"
)

const txnConfigPath = "/tmp/kafka-chaos-txn-producer.properties"

// TxnParams configure a Java transactional producer.
type TxnParams struct {
	Params
	// LaunchApp starts the application (no store).
	LaunchApp       LaunchApp
	TransactionalID string
	Transactions    schema.Transactions
	// Seed picks the transactions aborted on purpose; Size is each
	// message's value length.
	Seed int64
	Size int
}

// TxnProducer runs a transactional Java profile as the kafka-chaos Java
// application (produce-txn) for the whole scenario: Kafka's verifiable
// producer has no transactions. Its output is its ledger: every message
// printed before it is handed to the client, every result, and every
// transaction's beginning and end, so a SIGKILL leaves a complete ledger
// of what it did.
type TxnProducer struct {
	p     TxnParams
	props map[string]string
	ready readiness
	mu    sync.Mutex
	proc  Process
	// ranWith is the configuration the client logged; done is set once
	// the process is gone, and entries, txns and histErr are its ledgers
	// (TxnHistory of its output).
	ranWith map[string]string
	done    bool
	entries []ledger.Entry
	txns    []ledger.Txn
	histErr error
}

// NewTxn validates the settings.
func NewTxn(p TxnParams) (*TxnProducer, error) {
	if err := p.Settings.Validate(); err != nil {
		return nil, fmt.Errorf("profile %s: java.%w", p.Profile, err)
	}
	if err := p.Transactions.Validate(); err != nil {
		return nil, fmt.Errorf("profile %s: %w", p.Profile, err)
	}
	if p.Rate <= 0 || p.LaunchApp == nil || p.TransactionalID == "" {
		return nil, fmt.Errorf("java transactional producer %s: need a rate, LaunchApp and a transactional id", p.Profile)
	}
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	props := Properties(p.Settings, "kafka-chaos-"+p.Profile)
	maps.Copy(props, map[string]string{
		"bootstrap.servers":      p.Bootstrap,
		"transactional.id":       p.TransactionalID,
		"transaction.timeout.ms": ms(p.Transactions.Timeout),
		// The application's watchdog: a commit, abort or begin that
		// blocks longer than the transaction may stay open is given up.
		"max.block.ms":                ms(p.Transactions.Timeout),
		"kafka-chaos.topic":           p.Topic,
		"kafka-chaos.profile":         p.Profile,
		"kafka-chaos.rate":            strconv.Itoa(p.Rate),
		"kafka-chaos.message.bytes":   strconv.Itoa(p.Size),
		"kafka-chaos.txn.size":        strconv.Itoa(p.Transactions.Size),
		"kafka-chaos.txn.abort.ratio": strconv.FormatFloat(p.Transactions.AbortRatio, 'g', -1, 64),
		"kafka-chaos.seed":            strconv.FormatInt(p.Seed, 10),
		"kafka-chaos.keys":            strconv.Itoa(producer.Keys),
	})
	return &TxnProducer{p: p, props: props, ready: newReadiness()}, nil
}

// Command is the application's command line.
func (pr *TxnProducer) Command() []string {
	return []string{"/opt/kafka/bin/kafka-run-class.sh", javaapp.MainClass, "produce-txn", txnConfigPath}
}

// Run starts the process, lets it produce until ctx ends, then stops it
// cleanly (it aborts the transaction the stop cut short) and keeps what it
// printed.
func (pr *TxnProducer) Run(ctx context.Context) error {
	proc, err := pr.p.LaunchApp(ctx, "java-"+pr.p.Profile, pr.Command(), map[string]string{txnConfigPath: PropertiesFile(pr.props)}, "")
	if err == nil {
		pr.mu.Lock()
		pr.proc = proc
		pr.mu.Unlock()
		err = waitProducing(ctx, proc)
	}
	pr.ready.set(err)
	if err != nil {
		return fmt.Errorf("java transactional producer %s: %w", pr.p.Profile, err)
	}
	<-ctx.Done()
	bg := context.WithoutCancel(ctx)
	serr := proc.Stop(bg, pr.p.Grace)
	out, oerr := readOutput(bg, proc)
	stderr, lerr := proc.Stderr(bg)
	entries, txns, herr := TxnHistory(out, TxnHistoryParams{
		ID: pr.p.ID, Base: pr.p.Base, Retries: pr.p.Settings.RetriesOrDefault(),
		TransactionalID: pr.p.TransactionalID, Transactions: pr.p.Transactions, Seed: pr.p.Seed,
	})
	pr.mu.Lock()
	pr.ranWith, pr.done = RanWith(stderr), true
	pr.entries, pr.txns, pr.histErr = entries, txns, herr
	pr.mu.Unlock()
	return errors.Join(serr, oerr, lerr, proc.Remove(bg))
}

// Ready waits until the process has its first send result.
func (pr *TxnProducer) Ready(ctx context.Context) error {
	return pr.ready.wait(ctx, fmt.Sprintf("java transactional producer %s", pr.p.Profile))
}

// Progress counts the process's results so far, for the run's log.
func (pr *TxnProducer) Progress() string {
	pr.mu.Lock()
	proc := pr.proc
	pr.mu.Unlock()
	if proc == nil {
		return "java: not running"
	}
	return progress(proc)
}

// Entries returns the ledger once Run returned.
func (pr *TxnProducer) Entries([]ledger.Record) ([]ledger.Entry, error) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if !pr.done {
		return nil, fmt.Errorf("java transactional producer %s: still running", pr.p.Profile)
	}
	return pr.entries, pr.histErr
}

// Txns returns every transaction once Run returned.
func (pr *TxnProducer) Txns() []ledger.Txn {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.txns
}

// ClientConfig is every setting the client logged it ran with (the
// settings it was given without that log), and the application's.
func (pr *TxnProducer) ClientConfig() map[string]string {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	c := maps.Clone(pr.ranWith)
	if c == nil {
		c = maps.Clone(pr.props)
	}
	for k, v := range pr.props {
		if strings.HasPrefix(k, "kafka-chaos.") {
			c[k] = v
		}
	}
	c["client"] = "java (" + javaapp.MainClass + " produce-txn, images/javaapp)"
	return c
}

// TxnHistoryParams turn the application's output into its ledgers.
type TxnHistoryParams struct {
	ID              func(seq int64) string
	Base            time.Time
	Retries         int
	TransactionalID string
	Transactions    schema.Transactions
	Seed            int64
}

// TxnHistory turns the transactional producer's events into its message
// ledger, one entry per message handed to the client in order, and its
// transactions. A message without a result is Unknown, a transaction
// without an end Open. Each transaction's intent must be the harness's own
// draw (schema.Transactions.Intent): otherwise the two clients would not
// abort the same transactions.
func TxnHistory(out Output, p TxnHistoryParams) ([]ledger.Entry, []ledger.Txn, error) {
	var entries []ledger.Entry
	bySeq := map[int64]int{}
	var txns []ledger.Txn
	byTxn := map[int64]int{}
	for _, e := range out.Events {
		t := at(p.Base, e.Timestamp)
		switch e.Name {
		case TxnSend:
			bySeq[e.Seq] = len(entries)
			entries = append(entries, ledger.Entry{
				ID: p.ID(e.Seq), Seq: e.Seq, Key: producer.Key(e.Seq), Status: ledger.Unknown, Partition: -1, Offset: -1, Txn: e.Txn, SentAt: t,
			})
		case SendSuccess, SendError:
			i, ok := bySeq[e.Seq]
			if !ok {
				return entries, txns, fmt.Errorf("a result for message %d, which was never sent", e.Seq)
			}
			en := &entries[i]
			en.DoneAt = t
			if e.Name == SendSuccess {
				en.Status, en.Believed, en.Partition, en.Offset = ledger.Acked, true, e.Partition, e.Offset
				continue
			}
			en.Code = ErrorCode(e.Exception)
			en.Error = fmt.Sprintf("%s: %s", e.Exception, e.Message)
			// An abort fails the transaction's batches the client had not
			// sent yet: never sent, so never appended.
			if strings.HasSuffix(e.Exception, ".TransactionAbortedException") || ledger.RejectedBeforeAppend(en.Code) && p.Retries == 0 {
				en.Status = ledger.Failed
			}
		case TxnBegin:
			if want := p.Transactions.Intent(p.Seed, e.Txn); e.Intent != want {
				return entries, txns, fmt.Errorf("transaction %d: the application meant to %s it, the seed %d says %s: its draw differs from the harness's", e.Txn, e.Intent, p.Seed, want)
			}
			byTxn[e.Txn] = len(txns)
			txns = append(txns, ledger.Txn{TransactionalID: p.TransactionalID, Seq: e.Txn, Intent: e.Intent, Status: ledger.TxnOpen, BeganAt: t})
		case TxnEnd:
			i, ok := byTxn[e.Txn]
			if !ok {
				return entries, txns, fmt.Errorf("transaction %d ended without beginning", e.Txn)
			}
			tx := &txns[i]
			tx.Status, tx.Error, tx.EndedAt = ledger.TxnStatus(e.Status), e.Error, t
			switch tx.Status {
			case ledger.TxnCommitted, ledger.TxnAborted, ledger.TxnUnknown:
			default:
				return entries, txns, fmt.Errorf("transaction %d ended %q: want committed, aborted or unknown", e.Txn, e.Status)
			}
		}
	}
	return entries, txns, nil
}
