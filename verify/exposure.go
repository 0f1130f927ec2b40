package verify

import (
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// DefaultMinExposure is how many messages a judged profile must have exposed
// to the fault for its verdict to mean anything: enough that a loss of a
// few percent of them would show.
const DefaultMinExposure = 100

// exposed reports whether e was exposed to w, and how: in flight at the
// injection, or sent while the fault held.
func exposed(w schema.Window, e *ledger.Entry) (inFlight, inFault bool) {
	done := e.DoneAt
	if e.Status == ledger.Pending || done == 0 {
		done = time.Duration(1<<63 - 1)
	}
	inFlight = e.SentAt < w.Injected && done >= w.Injected
	inFault = e.SentAt >= w.Injected && e.SentAt <= w.Healed
	return inFlight, inFault
}

// ProducerExposure measures a ledger's exposure to the window.
func ProducerExposure(entries []ledger.Entry, w schema.Window, min int) schema.Exposure {
	x := schema.Exposure{Window: w, Min: min}
	for i := range entries {
		e := &entries[i]
		inFlight, inFault := exposed(w, e)
		if e.Status == ledger.Acked && e.DoneAt > w.Healed && e.DoneAt <= w.Recovered {
			x.AckedAfterHeal++
		}
		if !inFlight && !inFault {
			continue
		}
		if inFlight {
			x.InFlight++
		} else {
			x.Attempted++
			if e.Status == ledger.Acked && e.DoneAt <= w.Healed {
				x.Acked++
			}
		}
		if e.Code != "" && e.Status != ledger.Acked {
			x.Refused++
			if x.RefusedBy == nil {
				x.RefusedBy = map[string]int{}
			}
			x.RefusedBy[e.Code]++
		}
	}
	x.Exposed = x.InFlight + x.Attempted
	return x
}

// consumerExposure adds to the input's exposure the messages the group
// handled while the fault held or the cluster recovered: a consumer fault
// touches what is being processed, whenever it was produced.
func consumerExposure(p ConsumerParams) *schema.Exposure {
	if p.Window == nil {
		return nil
	}
	x := ProducerExposure(p.Entries, *p.Window, p.MinExposure)
	counted := map[string]bool{}
	for i := range p.Entries {
		if in, at := exposed(*p.Window, &p.Entries[i]); in || at {
			counted[p.Entries[i].ID] = true
		}
	}
	for _, r := range p.Effects {
		if r.At >= p.Window.Injected && r.At <= p.Window.Recovered && !counted[r.ID] {
			counted[r.ID] = true
			x.Processed++
		}
	}
	x.Exposed += x.Processed
	return &x
}

// TxnExposure adds to a producer's exposure the messages of every
// transaction the fault found open, or that began while it held: a fault
// on the coordinator touches a transaction whichever of its messages were
// in flight, and none is while its EndTxn is. Without transactions it is
// ProducerExposure.
func TxnExposure(entries []ledger.Entry, txns []ledger.Txn, w schema.Window, min int) schema.Exposure {
	x := ProducerExposure(entries, w, min)
	open := map[int64]bool{}
	for _, t := range txns {
		atInjection := t.BeganAt < w.Injected && (t.EndedAt == 0 || t.EndedAt > w.Injected)
		if atInjection || (t.BeganAt >= w.Injected && t.BeganAt <= w.Healed) {
			open[t.Seq] = true
		}
	}
	for i := range entries {
		e := &entries[i]
		if in, at := exposed(w, e); !in && !at && e.Txn != 0 && open[e.Txn] {
			x.InOpenTxn++
		}
	}
	x.Exposed += x.InOpenTxn
	return x
}
