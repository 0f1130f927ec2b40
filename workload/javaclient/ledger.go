package javaclient

import (
	"fmt"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// ProcessOutput is what one verifiable producer process printed, and how
// it was started.
type ProcessOutput struct {
	// Prefix is the process's --value-prefix: processes of one profile
	// number their messages from 0 each, the prefix tells them apart.
	Prefix int64
	// Rate is the --throughput it was paced at, messages per second.
	Rate   int
	Output Output
}

// prefixSpan spaces the sequence numbers of successive processes of one
// profile: process p's message n has sequence p*prefixSpan + n.
const prefixSpan = 100_000_000

// Seq is the harness sequence number of message n of the process with the
// prefix.
func Seq(prefix, n int64) int64 { return prefix*prefixSpan + n }

// split is Seq's inverse.
func split(seq int64) (prefix, n int64) { return seq / prefixSpan, seq % prefixSpan }

// LedgerParams turn processes into ledger entries.
type LedgerParams struct {
	// ID names message seq of the profile (message.ID).
	ID func(seq int64) string
	// Base is the run's time origin, on the same clock as the events'
	// timestamps.
	Base time.Time
	// Retries is the producer's retries: a refusal before append is a
	// failed send only when it answered the one and only attempt.
	Retries int
	// Audited are the message numbers the auditor found of each prefix,
	// highest first: a message the process sent but never heard back about
	// before it was killed shows there, so it counts as attempted.
	Audited map[int64]int64
}

// Entries turns a process's events into one ledger entry per message it
// sent, in send order. The tool prints nothing when it hands a message to
// the client, so a message's send time is estimated: the tool paces its
// sends at Rate from startup, and a message cannot have been sent after a
// later one's result came back; the estimate is the earlier of the two.
// Messages sent but never answered (the process was killed, or shut down
// first) are Unknown. How many were sent is the tool's own total when it
// shut down cleanly; after a kill, the highest message number its events
// or the audit show.
func Entries(pr ProcessOutput, p LedgerParams) ([]ledger.Entry, error) {
	start, sent, err := bounds(pr)
	if err != nil {
		return nil, err
	}
	if hi, ok := p.Audited[pr.Prefix]; ok && hi+1 > sent {
		sent = hi + 1
	}
	entries := make([]ledger.Entry, sent)
	for n := range entries {
		seq := Seq(pr.Prefix, int64(n))
		entries[n] = ledger.Entry{ID: p.ID(seq), Seq: seq, Status: ledger.Unknown, Partition: -1, Offset: -1}
	}
	for _, e := range pr.Output.Events {
		if e.Name != SendSuccess && e.Name != SendError {
			continue
		}
		prefix, n, err := ParseValue(e.Value)
		if err != nil {
			return nil, err
		}
		if prefix != pr.Prefix || n >= sent {
			return nil, fmt.Errorf("result for %q outside process %d's %d sends", e.Value, pr.Prefix, sent)
		}
		en := &entries[n]
		en.DoneAt = at(p.Base, e.Timestamp)
		if e.Name == SendSuccess {
			en.Status, en.Believed, en.Partition, en.Offset = ledger.Acked, true, e.Partition, e.Offset
			continue
		}
		en.Code = ErrorCode(e.Exception)
		en.Error = fmt.Sprintf("%s: %s", e.Exception, e.Message)
		en.Status = ledger.Unknown
		if ledger.RejectedBeforeAppend(en.Code) && p.Retries == 0 {
			en.Status = ledger.Failed
		}
	}
	estimateSent(entries, at(p.Base, start), pr.Rate)
	return entries, nil
}

// bounds returns the startup time and the number of sends the tool
// reported (0 without its shutdown summary).
func bounds(pr ProcessOutput) (start int64, sent int64, err error) {
	start = -1
	for _, e := range pr.Output.Events {
		switch e.Name {
		case StartupComplete:
			start = e.Timestamp
		case ToolData:
			sent = e.Sent
		case SendSuccess, SendError:
			if _, n, err := ParseValue(e.Value); err == nil && n+1 > sent {
				sent = n + 1
			}
		}
	}
	if start < 0 {
		return 0, 0, fmt.Errorf("process %d printed no %s event: it never started producing (%d other lines)", pr.Prefix, StartupComplete, len(pr.Output.Other))
	}
	return start, sent, nil
}

// estimateSent sets every entry's SentAt: the paced time, unless a later
// message's result came back earlier.
func estimateSent(entries []ledger.Entry, start time.Duration, rate int) {
	bound := time.Duration(1<<63 - 1)
	for n := len(entries) - 1; n >= 0; n-- {
		e := &entries[n]
		if e.DoneAt > 0 && e.DoneAt < bound {
			bound = e.DoneAt
		}
		paced := start
		if rate > 0 {
			paced += time.Duration(n) * time.Second / time.Duration(rate)
		}
		e.SentAt = min(paced, bound)
	}
}

func at(base time.Time, ms int64) time.Duration { return time.UnixMilli(ms).Sub(base) }
