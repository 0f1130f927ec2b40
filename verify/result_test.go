package verify

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func TestErrJoinsTypedViolations(t *testing.T) {
	h := newHistory(30, 3)
	h.drop(4)
	h.copyToEnd(10)
	h.moveToEnd(0)
	r := Producer(h.params(schema.NoAckedLoss, schema.NoDuplicates, schema.NoReordering, schema.NoPresentAlthoughFailed))
	err := r.Err()
	if err == nil {
		t.Fatal("Err() = nil, want violations")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Err() is %T, want a joined error", err)
	}
	var got []schema.Violation
	for _, e := range joined.Unwrap() {
		var v *schema.Violation
		if !errors.As(e, &v) {
			t.Fatalf("%T is not a *Violation", e)
		}
		got = append(got, *v)
	}
	want := []schema.Violation{
		{Guarantee: schema.NoAckedLoss, Count: 1, Examples: []string{"p-00000004"}},
		{Guarantee: schema.NoDuplicates, Count: 1, Examples: []string{"p-00000010"}},
		{Guarantee: schema.NoReordering, Count: 1, Examples: []string{"p-00000000"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("violations:\n got %+v\nwant %+v", got, want)
	}
	if lines := strings.Split(err.Error(), "\n"); !slices.Equal(lines, r.Violations) {
		t.Fatalf("Err() text %q differs from Violations %q", lines, r.Violations)
	}
}

// results.json is read back to re-verify and re-render: the names are a
// format, and a decoded Result must give the same verdict.
func TestResultJSON(t *testing.T) {
	h := newHistory(30, 3)
	h.drop(4)
	h.copyToEnd(10)
	r := Producer(h.params(schema.NoAckedLoss, schema.NoDuplicates))
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]json.RawMessage
	if err := json.Unmarshal(b, &shape); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]json.RawMessage) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	if got, want := keys(shape), []string{"counts", "examples", "expected", "profile", "status", "violations"}; !slices.Equal(got, want) {
		t.Errorf("result keys = %v, want %v", got, want)
	}
	var counts map[string]json.RawMessage
	if err := json.Unmarshal(shape["counts"], &counts); err != nil {
		t.Fatal(err)
	}
	wantCounts := []string{
		"acked", "acked_offset_mismatch", "attempted", "believed", "believed_lost", "duplicated_ids", "duplicates",
		"failed", "lost", "present", "present_although_failed", "present_although_unknown", "reordered",
		"repeated_records", "unexpected", "unknown",
	}
	if got := keys(counts); !slices.Equal(got, wantCounts) {
		t.Errorf("count keys = %v, want %v", got, wantCounts)
	}
	if string(shape["status"]) != `"fail"` || string(shape["expected"]) != `["no acknowledged message lost","no duplicates"]` {
		t.Errorf("status %s, expected %s", shape["status"], shape["expected"])
	}

	var back schema.Verdict
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, r) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, r)
	}
	if back.Err().Error() != r.Err().Error() {
		t.Fatalf("decoded Err %q, want %q", back.Err(), r.Err())
	}
}
