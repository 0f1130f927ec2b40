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
	// Txns are a transactional producer's transactions: a message of one
	// the fault found open is exposed too (TxnExposure).
	Txns []ledger.Txn
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
	pc := &producerCheck{
		p:     p,
		c:     schema.Counts{Attempted: len(p.Entries)},
		ex:    exampleSet{},
		flags: make([]uint8, len(p.Entries)),
		idx:   newEntryIndex(p.Entries, p.Records),
	}
	pc.scanLog()
	for j := range p.Entries {
		pc.tallyEntry(j)
	}
	return pc.verdict()
}

// producerCheck is one run of Producer: the tallies so far, and per ledger
// entry the flags the scan of the log set.
type producerCheck struct {
	p     Params
	c     schema.Counts
	ex    exampleSet
	flags []uint8
	idx   *entryIndex
	// unexpected holds the ids in the log that no entry attempted,
	// counted once each.
	unexpected map[string]struct{}
}

// scanLog reads the records in log order, partition by partition. A
// record repeating the one before it (same id, partition and offset) is
// the auditor's defect, counted and skipped.
func (pc *producerCheck) scanLog() {
	order := logOrder(pc.p.Records)
	var prev *ledger.Record
	var maxSeq int64
	for k := range pc.p.Records {
		i := k
		if order != nil {
			i = int(order[k])
		}
		r := &pc.p.Records[i]
		if prev != nil && prev.Partition == r.Partition && prev.Offset == r.Offset && prev.ID == r.ID {
			pc.c.RepeatedRecords++
			continue
		}
		if prev == nil || prev.Partition != r.Partition {
			maxSeq = math.MinInt64
		}
		prev = r
		maxSeq = pc.record(r, maxSeq)
	}
}

// record flags the entry r is a copy of, counts r as unexpected when no
// entry attempted it, and as reordered when a first copy's seq is below
// maxSeq, the highest seq of the first copies before it in its partition.
// It returns the new highest seq.
func (pc *producerCheck) record(r *ledger.Record, maxSeq int64) int64 {
	j := pc.idx.lookup(r.ID, r.Seq)
	if j < 0 {
		pc.unexpectedRecord(r)
		return maxSeq
	}
	e := &pc.p.Entries[j]
	f := pc.flags[j]
	if e.Status == ledger.Acked && e.Partition == r.Partition && e.Offset == r.Offset {
		f |= atAcked
	}
	if f&seen != 0 {
		// A second copy: counted once here, and left out of the order
		// check, since a retried batch lands after newer messages by
		// design and would otherwise be reported twice.
		pc.c.Duplicates++
		if f&duplicated == 0 {
			f |= duplicated
			pc.c.DuplicatedIDs++
		}
		pc.flags[j] = f
		return maxSeq
	}
	pc.flags[j] = f | seen
	if e.Seq < maxSeq {
		pc.c.Reordered++
		pc.ex.add(schema.AnomalyReordered, e.Seq, e.ID)
		return maxSeq
	}
	return e.Seq
}

// unexpectedRecord counts an id in the log that the ledger never
// attempted, once however many copies it has.
func (pc *producerCheck) unexpectedRecord(r *ledger.Record) {
	if _, dup := pc.unexpected[r.ID]; dup {
		return
	}
	if pc.unexpected == nil {
		pc.unexpected = make(map[string]struct{})
	}
	pc.unexpected[r.ID] = struct{}{}
	pc.c.Unexpected++
	pc.ex.add(schema.AnomalyUnexpected, r.Seq, r.ID)
}

// tallyEntry counts entry j by what the scan found of it and by what the
// producer learned of it.
func (pc *producerCheck) tallyEntry(j int) {
	e := &pc.p.Entries[j]
	f := pc.flags[j]
	present := f&seen != 0
	if present {
		pc.c.Present++
	}
	if f&duplicated != 0 {
		pc.ex.add(schema.AnomalyDuplicates, e.Seq, e.ID)
	}
	if e.Believed {
		pc.c.Believed++
		if !present {
			pc.c.BelievedLost++
			pc.ex.add(schema.AnomalyBelievedLost, e.Seq, e.ID)
		}
	}
	pc.tallyOutcome(e, present, f&atAcked != 0)
}

// tallyOutcome counts e by its status: an acknowledged entry absent from
// the log is lost, or misplaced when its copies miss the acknowledged
// offset; a failed one should be absent; an indeterminate one may be
// either.
func (pc *producerCheck) tallyOutcome(e *ledger.Entry, present, atAckedOffset bool) {
	switch e.Status {
	case ledger.Acked:
		pc.c.Acked++
		switch {
		case !present:
			pc.c.Lost++
			pc.ex.add(schema.AnomalyLost, e.Seq, e.ID)
		case e.Offset >= 0 && !atAckedOffset:
			pc.c.AckedOffsetMismatch++
			pc.ex.add(schema.AnomalyAckedOffsetMismatch, e.Seq, e.ID)
		}
	case ledger.Failed:
		pc.c.Failed++
		if present {
			pc.c.PresentAlthoughFailed++
			pc.ex.add(schema.AnomalyPresentAlthoughFailed, e.Seq, e.ID)
		}
	default:
		// Pending after the drain, Unknown, or a status this version
		// does not know: all indeterminate, never a loss.
		pc.c.Unknown++
		if present {
			pc.c.PresentAlthoughUnknown++
			pc.ex.add(schema.AnomalyPresentAlthoughUnknown, e.Seq, e.ID)
		}
	}
}

// verdict judges the counts, with the exposure to the fault window when
// there is one.
func (pc *producerCheck) verdict() schema.Verdict {
	r := schema.Verdict{
		Profile:  pc.p.Profile,
		Expected: append(schema.Expectation{}, pc.p.Expect...),
		Counts:   pc.c,
		Examples: pc.ex.result(),
	}
	if pc.p.Window != nil {
		x := TxnExposure(pc.p.Entries, pc.p.Txns, *pc.p.Window, pc.p.MinExposure)
		r.Exposure = &x
	}
	r.Judge()
	return r
}
