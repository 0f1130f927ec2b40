package scenarios

import (
	"reflect"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/workload"
)

// TestFilesEqualGo is temporary: the client scenarios, producer apps and
// consumer groups of the files must equal their Go definitions before
// those are deleted.
func TestFilesEqualGo(t *testing.T) {
	loaded, err := Load(".")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]int{}
	for i, s := range loaded {
		byName[s.Name] = i
	}
	goDefined := All()
	for j, want := range goDefined {
		i, ok := byName[want.Name]
		if !ok {
			t.Errorf("scenario %s: not in the files", want.Name)
			continue
		}
		if i != len(loaded)-len(goDefined)+j {
			t.Errorf("scenario %s: at %d of the files, want %d (after every other file scenario)", want.Name, i, len(loaded)-len(goDefined)+j)
		}
		got := loaded[i]
		if !reflect.DeepEqual(got, want) {
			t.Errorf("scenario %s differs", want.Name)
		}
		for _, diff := range fieldDiffs(got, want) {
			t.Errorf("scenario %s: %s", want.Name, diff)
		}
		for _, diff := range fieldDiffs(got.Clients, want.Clients) {
			t.Errorf("scenario %s: clients: %s", want.Name, diff)
		}
		if !reflect.DeepEqual(got.Fault, want.Fault) {
			t.Errorf("scenario %s: fault %#v, Go %#v", want.Name, got.Fault, want.Fault)
		}
	}
	lib := loadLibrary(t)
	if len(lib.apps) != len(workload.ClientProfiles) {
		t.Errorf("%d producer apps in the files, %d in Go", len(lib.apps), len(workload.ClientProfiles))
	}
	for _, want := range workload.ClientProfiles {
		if got := lib.apps[want.Name]; !reflect.DeepEqual(got, want) {
			t.Errorf("producer app %s: %v; profile: %v", want.Name, fieldDiffs(got, want), fieldDiffs(got.Profile, want.Profile))
		}
	}
	if len(lib.groups) != len(workload.ConsumerProfiles) {
		t.Errorf("%d consumer groups in the files, %d in Go", len(lib.groups), len(workload.ConsumerProfiles))
	}
	for _, want := range workload.ConsumerProfiles {
		if got := lib.groups[want.Name]; !reflect.DeepEqual(got, want) {
			t.Errorf("consumer group %s: %v", want.Name, fieldDiffs(got, want))
		}
	}
	if got := lib.profiles[workload.SafeIdempotent.Name]; !reflect.DeepEqual(got, workload.SafeIdempotent) {
		t.Errorf("safe-idempotent: %v", fieldDiffs(got, workload.SafeIdempotent))
	}
}
