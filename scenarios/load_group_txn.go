package scenarios

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// groupTxnSpec is a consumer group's transaction: block, for commit:
// in-transaction: how many records one transaction holds at most, and its
// timeout (schema.ConsumerProfile's TxnSize and TxnTimeout).
type groupTxnSpec struct {
	Size    int           `yaml:"size"`
	Timeout time.Duration `yaml:"timeout"`
}

// inTxnRefused are the fields an in-transaction group has no use for, each
// with why: it transforms every record in the consumer loop, in a
// transaction that commits or is aborted and consumed again.
var inTxnRefused = []struct{ field, why string }{
	{"retry", "never retries in place: a batch that fails is aborted and consumed again from the committed offset"},
	{"dead_letter", "gives no record up: every one reaches the output topic in a committed transaction"},
	{"dedupe", "needs no dedupe: the output of a batch consumed again was aborted with its offsets"},
	{"auto_commit_interval", "commits offsets in its transactions only, with auto-commit off"},
}

// checkGroupTxn reports a transaction: block on a group that does not
// commit in-transaction, and, on one that does, a missing or broken block
// and the fields it has no use for.
func (d *decoder) checkGroupTxn(g schema.ConsumerProfile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	switch {
	case g.Commit != schema.InTransaction:
		if at["transaction"] != nil {
			fail("transaction", "only applies to commit: in-transaction, which commits offsets in transactions: remove it, or set commit: in-transaction")
		}
		return
	case at["transaction"] == nil:
		fail("transaction", "missing: in-transaction commits each batch of records with its output in a transaction: say how many records one holds at most, and its timeout, e.g. transaction: {size: 10, timeout: 10s}")
	default:
		checkTxnLimits(at["transaction.size"] != nil, g.TxnSize, g.TxnTimeout, func(field, format string, args ...any) {
			fail("transaction"+field, format, args...)
		})
	}
	for _, r := range inTxnRefused {
		if at[r.field] != nil {
			fail(r.field, "in-transaction %s: remove %s", r.why, r.field)
		}
	}
}
