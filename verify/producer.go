package verify

import (
	"math"

	"github.com/kafka-chaos/kafka-chaos/ledger"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Params is the input for verifying one producer profile.
type Params struct {
	Profile string
	// Entries is the profile's ledger: one entry per attempted message.
	Entries []ledger.Entry
	// Records is everything the auditor read from the profile's topic, all
	// partitions. Any order; log order is restored here.
	Records []ledger.Record
	// Expect lists the guarantees the profile promises. Anomalies outside it
	// are still counted, but do not fail the profile.
	Expect schema.Expectation
	// Window is when the fault held; with it the result carries the
	// profile's exposure, and a judged profile with fewer than MinExposure
	// exposed messages is unknown.
	Window      *schema.Window
	MinExposure int
}

// Per-entry flags gathered while scanning the log.
const (
	seen       uint8 = 1 << iota // at least one copy in the log
	duplicated                   // more than one copy
	atAcked                      // a copy sits where the acknowledgement said
)

// Producer checks one producer profile's ledger against the log.
//
// Indeterminate sends (unknown, or still pending) are never losses: Kafka may
// or may not have written them. Acked entries with offset -1 (acks=0, where
// the client reports success without a broker response) still count as
// acknowledged for Lost; they are only exempt from the offset check.
//
// Reordering uses the ledger's seq, so it assumes one seq sequence per
// partition's writer, as a single producer per profile gives.
func Producer(p Params) schema.Verdict {
	c := schema.Counts{Attempted: len(p.Entries)}
	ex := exampleSet{}
	flags := make([]uint8, len(p.Entries))
	idx := newEntryIndex(p.Entries, p.Records)
	order := logOrder(p.Records)
	var unexpected map[string]struct{}

	var prev *ledger.Record
	var maxSeq int64
	for k := range p.Records {
		i := k
		if order != nil {
			i = int(order[k])
		}
		r := &p.Records[i]
		if prev != nil && prev.Partition == r.Partition && prev.Offset == r.Offset && prev.ID == r.ID {
			c.RepeatedRecords++
			continue
		}
		if prev == nil || prev.Partition != r.Partition {
			maxSeq = math.MinInt64
		}
		prev = r

		j := idx.lookup(r.ID, r.Seq)
		if j < 0 {
			if _, dup := unexpected[r.ID]; !dup {
				if unexpected == nil {
					unexpected = make(map[string]struct{})
				}
				unexpected[r.ID] = struct{}{}
				c.Unexpected++
				ex.add(schema.AnomalyUnexpected, r.Seq, r.ID)
			}
			continue
		}
		e := &p.Entries[j]
		f := flags[j]
		if e.Status == ledger.Acked && e.Partition == r.Partition && e.Offset == r.Offset {
			f |= atAcked
		}
		if f&seen != 0 {
			// A second copy: counted once here, and left out of the order
			// check, since a retried batch lands after newer messages by
			// design and would otherwise be reported twice.
			c.Duplicates++
			if f&duplicated == 0 {
				f |= duplicated
				c.DuplicatedIDs++
			}
			flags[j] = f
			continue
		}
		flags[j] = f | seen
		if e.Seq < maxSeq {
			c.Reordered++
			ex.add(schema.AnomalyReordered, e.Seq, e.ID)
		} else {
			maxSeq = e.Seq
		}
	}

	for j := range p.Entries {
		e := &p.Entries[j]
		f := flags[j]
		present := f&seen != 0
		if present {
			c.Present++
		}
		if f&duplicated != 0 {
			ex.add(schema.AnomalyDuplicates, e.Seq, e.ID)
		}
		if e.Believed {
			c.Believed++
			if !present {
				c.BelievedLost++
				ex.add(schema.AnomalyBelievedLost, e.Seq, e.ID)
			}
		}
		switch e.Status {
		case ledger.Acked:
			c.Acked++
			switch {
			case !present:
				c.Lost++
				ex.add(schema.AnomalyLost, e.Seq, e.ID)
			case e.Offset >= 0 && f&atAcked == 0:
				c.AckedOffsetMismatch++
				ex.add(schema.AnomalyAckedOffsetMismatch, e.Seq, e.ID)
			}
		case ledger.Failed:
			c.Failed++
			if present {
				c.PresentAlthoughFailed++
				ex.add(schema.AnomalyPresentAlthoughFailed, e.Seq, e.ID)
			}
		default:
			// Pending after the drain, Unknown, or a status this version
			// does not know: all indeterminate, never a loss.
			c.Unknown++
			if present {
				c.PresentAlthoughUnknown++
				ex.add(schema.AnomalyPresentAlthoughUnknown, e.Seq, e.ID)
			}
		}
	}

	r := schema.Verdict{
		Profile:  p.Profile,
		Expected: append(schema.Expectation{}, p.Expect...),
		Counts:   c,
		Examples: ex.result(),
	}
	if p.Window != nil {
		x := ProducerExposure(p.Entries, *p.Window, p.MinExposure)
		r.Exposure = &x
	}
	r.Judge()
	return r
}
