package consumer

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

var testBase = worker.BaseConfig{Version: "3.9.0", DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second, MetadataRetryMax: 3, MetadataRetryBackoff: 100 * time.Millisecond}

// atLeastOnce is an at-least-once group: unbounded retries, offsets marked
// after processing.
var atLeastOnce = schema.ConsumerProfile{
	Name: "at-least-once", Commit: schema.AfterProcessing, Retry: schema.RetryPolicy{Backoff: 10 * time.Millisecond, MaxDelay: 160 * time.Millisecond},
	AutoCommitInterval: 5 * time.Second, SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, RebalanceTimeout: 10 * time.Second,
}

func TestConsumerValidate(t *testing.T) {
	if err := atLeastOnce.Validate(); err != nil {
		t.Error(err)
	}
	if _, err := Config(testBase, atLeastOnce, "m1"); err != nil {
		t.Errorf("sarama refuses it: %v", err)
	}
	bad := atLeastOnce
	bad.DeadLetter = true
	if bad.Validate() == nil {
		t.Error("dead-lettering with unbounded retries accepted")
	}
}

func TestRetryDelayDoublesUpToTheCap(t *testing.T) {
	r := schema.RetryPolicy{Backoff: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond}
	want := []time.Duration{10, 20, 40, 40, 40}
	for i, w := range want {
		if got := r.Delay(i + 1); got != w*time.Millisecond {
			t.Errorf("Delay(%d) = %s, want %s", i+1, got, w*time.Millisecond)
		}
	}
}

func TestFailuresAreDeterministicPerID(t *testing.T) {
	f := schema.Failures{Seed: 42, Rate: 0.1, MaxFailures: 4, IDs: []string{"poison"}}
	failing := 0
	for i := range 10000 {
		id := fmt.Sprintf("p-%09d", i)
		k := f.FailuresBefore(id)
		if k != f.FailuresBefore(id) {
			t.Fatalf("%s: not deterministic", id)
		}
		if k < 0 || k > 4 {
			t.Fatalf("%s fails %d times, want 0..4", id, k)
		}
		if k > 0 {
			failing++
			if !f.Fails(id, k) || f.Fails(id, k+1) {
				t.Fatalf("%s: attempt %d must fail and %d succeed", id, k, k+1)
			}
		}
	}
	if failing < 850 || failing > 1150 {
		t.Errorf("%d of 10000 fail, want about 1000", failing)
	}
	// Consecutive ids must not fail together: a hash that mixes the
	// sequence number badly makes runs of failures.
	for lo := 0; lo < 10000; lo += 500 {
		n := 0
		for i := lo; i < lo+500; i++ {
			if f.FailuresBefore(fmt.Sprintf("x-%09d", i)) > 0 {
				n++
			}
		}
		if n < 25 || n > 80 {
			t.Errorf("ids %d..%d: %d fail, want about 50", lo, lo+499, n)
		}
	}
	if !f.Fails("poison", 1000) {
		t.Error("a poison id must fail every attempt")
	}
	other := f
	other.Seed = 43
	differ := 0
	for i := range 1000 {
		id := fmt.Sprintf("p-%09d", i)
		if (f.FailuresBefore(id) > 0) != (other.FailuresBefore(id) > 0) {
			differ++
		}
	}
	if differ == 0 {
		t.Error("the seed does not change which messages fail")
	}
}

func TestEffectStoreDedupesAcrossMembers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "effects.jsonl")
	a, err := OpenEffects(path, true)
	if err != nil {
		t.Fatal(err)
	}
	// A second open file description stands for a second member process:
	// flock excludes them from each other.
	b, err := OpenEffects(path, true)
	if err != nil {
		t.Fatal(err)
	}
	e := Effect{ID: "p-1", Seq: 1, Member: "m1", Kind: Applied}
	if ok, err := a.Record(e); !ok || err != nil {
		t.Fatalf("first record: %v, %v", ok, err)
	}
	if seen, err := b.Seen("p-1"); !seen || err != nil {
		t.Fatalf("other member does not see p-1: %v, %v", seen, err)
	}
	e.Member = "m2"
	if ok, err := b.Record(e); ok || err != nil {
		t.Fatalf("second record of p-1 applied: %v, %v", ok, err)
	}
	if ok, _ := b.Record(Effect{ID: "p-2", Kind: DeadLettered}); !ok {
		t.Fatal("p-2 not recorded")
	}
	for _, s := range []*EffectStore{a, b} {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadEffects(path)
	if err != nil || len(got) != 2 || got[0].ID != "p-1" || got[1].Kind != DeadLettered {
		t.Fatalf("store holds %+v, %v", got, err)
	}
}

func TestEffectStoreWithoutDedupeAppliesEveryDelivery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "effects.jsonl")
	s, err := OpenEffects(path, false)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if ok, err := s.Record(Effect{ID: "p-1", Kind: Applied}); !ok || err != nil {
			t.Fatalf("record: %v, %v", ok, err)
		}
	}
	if seen, _ := s.Seen("p-1"); seen {
		t.Error("a non-idempotent application looked up its store")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(Effect{ID: "p-2"}); err == nil {
		t.Error("record after close succeeded")
	}
	got, _ := ReadEffects(path)
	if len(got) != 3 {
		t.Fatalf("want 3 effects, got %d", len(got))
	}
}

func TestReadEffectsOfAGroupThatNeverRan(t *testing.T) {
	got, err := ReadEffects(filepath.Join(t.TempDir(), "none.jsonl"))
	if err != nil || got != nil {
		t.Fatalf("got %v, %v; want nothing and no error", got, err)
	}
}
