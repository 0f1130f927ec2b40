package audit

import (
	"context"
	"testing"
	"time"
)

func TestSettled(t *testing.T) {
	ctx := context.Background()
	reads := [][]int64{{1}, {5}, {9}, {9}, {12}}
	n := 0
	got, ok, err := Settled(ctx, time.Millisecond, time.Minute, func() ([]int64, error) { n++; return reads[n-1], nil })
	if err != nil || !ok || got[0] != 9 || n != 4 {
		t.Fatalf("settled on %v (ok %v, err %v) after %d reads, want 9 after 4", got, ok, err, n)
	}
	// Still moving at the bound: the last read, not settled.
	n = 0
	got, ok, err = Settled(ctx, time.Millisecond, 0, func() ([]int64, error) { n++; return []int64{int64(n)}, nil })
	if err != nil || ok || got[0] != 1 {
		t.Fatalf("at the bound: %v ok %v err %v, want [1], not settled", got, ok, err)
	}
}
