package producer

import (
	"context"
	"testing"
	"time"
)

// TestOpenLoopKeepsSchedule: in the open loop no message leaves before its
// intended time, sequence numbers stay contiguous, Count ends production,
// and after a stall the late messages leave at once instead of shifting
// the rest of the schedule.
func TestOpenLoopKeepsSchedule(t *testing.T) {
	const (
		rate  = 1000
		count = 1000
		stall = 1200 * time.Millisecond
	)
	pr := &Producer{p: Params{Rate: rate, Base: time.Now(), OpenLoop: true, Count: count}}
	var seqs []int64
	var sentAt []time.Duration
	pr.Pace(context.Background(), func(seq int64) bool {
		seqs = append(seqs, seq)
		sentAt = append(sentAt, time.Since(pr.p.Base))
		if seq == 10 {
			time.Sleep(stall)
		}
		return true
	})
	if len(seqs) != count {
		t.Fatalf("%d messages sent, want Count %d", len(seqs), count)
	}
	for i, seq := range seqs {
		if seq != int64(i) {
			t.Fatalf("message %d has seq %d: sequence numbers must stay contiguous", i, seq)
		}
		if sentAt[i] < pr.Intended(seq) {
			t.Errorf("seq %d left at %v, before its intended time %v", seq, sentAt[i], pr.Intended(seq))
		}
	}
	if got, want := pr.Intended(50)-pr.Intended(0), 50*time.Millisecond; got != want {
		t.Errorf("intended times 50 messages apart differ by %v, want %v at %d/s", got, want, rate)
	}
	// Every message after the stall was due by the time it ended: a closed
	// loop would still need 989 ms to send them, the open loop sends them
	// at once; the bound leaves half a second for a busy machine.
	if last, bound := sentAt[count-1], sentAt[10]+stall+500*time.Millisecond; last > bound {
		t.Errorf("last message left at %v, after %v: the late ones did not catch up", last, bound)
	}
}

// TestDurationCountsFromTheStart: production ends Duration after pacing
// began, not after the producer was created.
func TestDurationCountsFromTheStart(t *testing.T) {
	pr := &Producer{p: Params{Rate: 1000, Base: time.Now().Add(-time.Hour), OpenLoop: true, Duration: 50 * time.Millisecond}}
	sent := 0
	began := time.Now()
	pr.Pace(context.Background(), func(seq int64) bool {
		sent++
		return true
	})
	// Counted from Base, an hour ago, production would end at once. Only a
	// lower bound: a busy machine makes the loop late, never early.
	if took := time.Since(began); took < 50*time.Millisecond || sent == 0 {
		t.Errorf("production took %v and sent %d messages, want at least the 50ms Duration from its own start", took, sent)
	}
}
