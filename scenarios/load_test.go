package scenarios

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// TestLoadDirectory loads the files this package ships, as the suite will.
func TestLoadDirectory(t *testing.T) {
	got, err := Load(".")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Name)
		c := s.Clients
		if s.Fault == nil || len(s.Profiles)+len(c.Producers)+len(c.Consumers) == 0 || len(s.Labels) == 0 {
			t.Errorf("%s: fault %v, %d profiles, %d applications, labels %v: want all three", s.Name, s.Fault, len(s.Profiles), len(c.Producers)+len(c.Consumers), s.Labels)
		}
		for _, p := range s.Profiles {
			if err := p.Validate(); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
		}
		for _, a := range c.Producers {
			if err := a.Validate(); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
		}
		for _, g := range c.Consumers {
			if err := g.Validate(); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
			if _, err := consumer.Config(testBase, g, "m1"); err != nil {
				t.Errorf("%s: sarama refuses consumer group %s: %v", s.Name, g.Name, err)
			}
		}
	}
	// File name order, then file order: baseline.yaml, disk-full.yaml, isr.yaml,
	// leader-kill.yaml, network.yaml, operations.yaml, power-loss.yaml,
	// process.yaml, transactions.yaml, worker-apps.yaml.
	want := []string{
		"baseline-throughput", "baseline-fsync-cost",
		"disk-full-leader",
		"isr-shrink-leader-loss", "isr-shrink-leader-loss-kafka-3.9", "isr-shrink-unclean-timer", "isr-shrink-unclean-admin",
		"leader-kill",
		"isolate-leader-peers", "isolate-leader-clients", "split-leader-minority", "bridge", "cut-replication",
		"one-way-replication", "bandwidth-replication", "latency-leader", "resets-clients",
		"leader-move", "leader-move-kafka-3.9", "preferred-election", "preferred-election-kafka-3.9",
		"reassign-add-remove", "reassign-add-remove-unthrottled", "reassign-full-move", "reassign-add-remove-kafka-3.9",
		"disk-replace-leader-unclean", "disk-replace-leader-clean", "disk-replace-leader-unclean-kafka-3.9", "disk-replace-out-of-isr", "disk-replace-alone-in-isr", "disk-replace-alone-in-isr-elect-before-return", "disk-replace-alone-in-isr-clean", "disk-replace-alone-in-isr-kafka-3.9", "disk-replace-alone-in-isr-elect-before-return-kafka-3.9", "rolling-upgrade", "rolling-restart-settings", "broker-replace", "broker-replace-kafka-3.9",
		"power-loss-all", "power-loss-leader", "power-loss-last-replica", "power-loss-all-kafka-3.9", "power-loss-last-replica-kafka-3.9",
		"leader-term", "leader-pause", "rolling-restart", "controller-kill", "java-producer-crash", "txn-leader-kill", "txn-leader-kill-kafka-3.9", "txn-isolate-leader-peers", "txn-coordinator-kill", "txn-coordinator-kill-kafka-3.9", "txn-coordinator-power-loss", "txn-coordinator-isolate",
		"client-producers-leader-kill", "consumer-member-crash", "consumer-exactly-once-crash", "consumer-rebalance", "consumer-member-stall", "consumer-commit-cut",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("scenarios %v, want %v", names, want)
	}
}

// testBase is a client base config for sarama's checks of a consumer
// group's settings.
var testBase = worker.BaseConfig{Version: "3.9.0", DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second, MetadataRetryMax: 3, MetadataRetryBackoff: 100 * time.Millisecond}

// TestProfileFields: every field of a profile file lands in its own
// schema.Profile field, including the settings the shipped library words
// (sync, acks 0 written as a YAML number, unclean election, flush policy);
// an entry with nothing but a name gets the documented defaults.
func TestProfileFields(t *testing.T) {
	data := `profiles:
  - name: every-field
    description: "all set"
    topic: {replication_factor: 2, min_insync_replicas: 2, unclean_leader_election: true, flush_messages: 1, flush_ms: 500}
    producer: {mode: sync, acks: 0, retry_max: 7, retry_backoff: 1.5s, max_open_requests: 2, ack_timeout: 30s,
      compression: zstd, linger: 20ms, flush_bytes: 65536, flush_messages: 500, max_message_bytes: 2097152}
  - name: defaults
`
	got, err := loadProfiles([]source{{"profiles/mine.yaml", []byte(data)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []schema.Profile{
		{
			Name: "every-field", Description: "all set",
			ReplicationFactor: 2, MinInsyncReplicas: 2, UncleanElection: true, FlushMessages: 1, FlushMs: 500,
			Mode: schema.Sync, Acks: schema.Acks0, RetryMax: 7, RetryBackoff: 1500 * time.Millisecond,
			MaxOpenRequests: 2, AckTimeout: 30 * time.Second, Compression: "zstd",
			Batching: schema.Batching{Linger: 20 * time.Millisecond, FlushBytes: 65536, FlushMessages: 500, MaxMessageBytes: 2 << 20},
		},
		{
			Name: "defaults", ReplicationFactor: 3, MinInsyncReplicas: 1, Mode: schema.Async, Acks: schema.Acks1,
			RetryMax: 3, RetryBackoff: 100 * time.Millisecond, MaxOpenRequests: 5, AckTimeout: 10 * time.Second,
		},
	} {
		for _, diff := range fieldDiffs(got.profiles[want.Name], want) {
			t.Errorf("profile %s: %s", want.Name, diff)
		}
	}
}

// TestLoadReportsEveryFile checks that problems of several files come back
// together, each with its own file, and no scenario with them.
func TestLoadReportsEveryFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "profiles", "a.yaml"), "profiles:\n  - name: a\n    producer: {acks: 2}\n")
	writeFile(t, filepath.Join(dir, "profiles", "b.yml"), "profiles: []\n")
	writeFile(t, filepath.Join(dir, "x.yaml"), "scenarios:\n  - name: x\n    fault: {type: nope}\n    profiles: [a]\n")
	got, err := Load(dir)
	if got != nil {
		t.Errorf("Load returned %d scenarios with errors", len(got))
	}
	for _, want := range []string{
		filepath.Join(dir, "profiles", "a.yaml") + `:3: field "producer.acks": "2" is not one of 0, 1, all`,
		filepath.Join(dir, "profiles", "b.yml") + ": scenario and profile files end in .yaml: rename it",
		filepath.Join(dir, "x.yaml") + `:3: field "fault.type": "nope" is not one of`,
	} {
		assertErrorContains(t, err, want)
	}
}

// TestReadmeListsEveryFault keeps README.md in step with the registry.
func TestReadmeListsEveryFault(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range faults.Types() {
		params, _ := faults.ParamNames(typ)
		for _, word := range append(params, typ) {
			if !strings.Contains(string(readme), "`"+word+"`") {
				t.Errorf("README.md does not mention `%s` (fault type %s)", word, typ)
			}
		}
	}
}

// TestReadmeLayoutMatchesTree: every directory of Go code is a row of
// the README's layout table, and every row names a directory that exists.
func TestReadmeLayoutMatchesTree(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, layout, ok := strings.Cut(string(readme), "\n## Layout\n")
	if !ok {
		t.Fatal("README.md has no Layout section")
	}
	layout, _, _ = strings.Cut(layout, "\n## ")
	rows := map[string]bool{}
	dirs := regexp.MustCompile("`([a-z][a-z0-9_/-]*)/`")
	for _, line := range strings.Split(layout, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range dirs.FindAllStringSubmatch(cells[1], -1) {
			rows[m[1]] = true
		}
	}
	code := map[string]bool{}
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(strings.TrimPrefix(path, "../")))
		if dir != "." && !strings.HasPrefix(dir, "reports/runs") {
			code[dir] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range code {
		if !rows[dir] {
			t.Errorf("README.md's layout table has no row for %s/", dir)
		}
	}
	for row := range rows {
		if _, err := os.Stat(filepath.Join("..", row)); err != nil {
			t.Errorf("README.md's layout table names %s/, which does not exist", row)
		}
	}
}

func TestLoadMissingDirectory(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("Load of a missing directory: no error")
	}
}

// loadLibrary parses the shipped profile files.
func loadLibrary(t testing.TB) library {
	t.Helper()
	files, err := readDir("profiles")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := loadProfiles(files)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// fieldDiffs names the fields in which got and want differ, so that a
// failed comparison says where instead of printing two large values.
func fieldDiffs[T any](got, want T) []string {
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	var diffs []string
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			diffs = append(diffs, fmt.Sprintf("%s: file %#v, Go %#v", g.Type().Field(i).Name, g.Field(i).Interface(), w.Field(i).Interface()))
		}
	}
	return diffs
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
