package audit

import (
	"context"
	"slices"
	"time"
)

// Settled polls read every `every` until two reads in a row agree, or
// bound has passed, and returns the last read and whether it settled. The
// auditor and the pricing both wait this way for high watermarks to hold
// still: followers fetch far more often than they poll, so two equal reads
// mean replication caught up with what the producers left.
func Settled[T comparable](ctx context.Context, every, bound time.Duration, read func() ([]T, error)) ([]T, bool, error) {
	deadline := time.Now().Add(bound)
	var prev []T
	for {
		cur, err := read()
		if err != nil {
			return nil, false, err
		}
		if prev != nil && slices.Equal(prev, cur) {
			return cur, true, nil
		}
		if !time.Now().Before(deadline) {
			return cur, false, nil
		}
		prev = cur
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(every):
		}
	}
}
