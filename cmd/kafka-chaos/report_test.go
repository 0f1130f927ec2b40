package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/history"
	"github.com/kafka-chaos/kafka-chaos/reports"
	"github.com/kafka-chaos/kafka-chaos/schema"
)

// writeRun stores the testdata run, changed by edit, as <tmp>/<id>/results.json.
func writeRun(t *testing.T, id string, edit func(*schema.Run)) string {
	t.Helper()
	r, err := reports.Read("../../reports/testdata/leader-kill.json")
	if err != nil {
		t.Fatal(err)
	}
	r.RunID = id
	edit(r)
	dir := filepath.Join(t.TempDir(), id)
	if _, err := reports.WriteDir(dir, r); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReportCommandAcceptsDirOrFile(t *testing.T) {
	dir := writeRun(t, "run", func(*schema.Run) {})
	var out bytes.Buffer
	if err := reportCmd([]string{filepath.Join(dir, "results.json")}, &out); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{reports.MarkdownFile, reports.HTMLFile, reports.JUnitFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

// safeIdempotent edits the testdata run's safe-idempotent profile.
func safeIdempotent(edit func(*schema.ProfileResult)) func(*schema.Run) {
	return func(r *schema.Run) {
		for i, p := range r.Scenarios[0].Profiles {
			if p.Profile.Name == "safe-idempotent" {
				edit(&r.Scenarios[0].Profiles[i])
			}
		}
	}
}

func TestCompareCommandFailsWhenTheSafeProfileStartsBreakingAGuarantee(t *testing.T) {
	old := writeRun(t, "old", func(*schema.Run) {})
	same := writeRun(t, "same", func(*schema.Run) {})
	var out bytes.Buffer
	if err := compareCmd([]string{old, same}, &out); err != nil {
		t.Errorf("identical runs: %v\n%s", err, out.String())
	}
	for _, c := range []struct {
		name  string
		edit  func(*schema.ProfileResult)
		wants []string
	}{
		{"loses", func(p *schema.ProfileResult) { p.Verdict.Counts.Lost = 3 },
			[]string{"started-losing   leader-kill / safe-idempotent", "started-breaking leader-kill / safe-idempotent: no acknowledged message lost: 3 lost"}},
		// Not a loss: it must fail compare all the same.
		{"duplicates", func(p *schema.ProfileResult) { p.Verdict.Counts.Duplicates = 2 },
			[]string{"started-breaking leader-kill / safe-idempotent: no duplicates: 2 duplicate copies"}},
		// Its producer verdict unchanged, its transactions read aborted
		// messages.
		{"aborted-reads", func(p *schema.ProfileResult) {
			p.Txn = &schema.TxnResult{Verdict: schema.TxnVerdict{Expected: schema.ExactlyOnce(),
				Counts: schema.TxnCounts{Transactions: 4, Committed: 4, Messages: 12, AbortedRead: 2}}}
		}, []string{
			"started-txn-anomaly leader-kill / safe-idempotent: 2 messages read although their transaction did not commit (was 0) [REGRESSION]",
			"started-breaking leader-kill / safe-idempotent: no message of an aborted transaction read: 2 read although their transaction did not commit",
		}},
	} {
		worse := writeRun(t, c.name, safeIdempotent(c.edit))
		out.Reset()
		err := compareCmd([]string{old, worse}, &out)
		if !errors.Is(err, errRegression) {
			t.Errorf("safe profile %s: err = %v, want errRegression", c.name, err)
		}
		for _, w := range c.wants {
			if !strings.Contains(out.String(), w) {
				t.Errorf("safe profile %s: compare output lacks %q:\n%s", c.name, w, out.String())
			}
		}
	}
}

func TestMergeCommand(t *testing.T) {
	a := writeRun(t, "shard-a", func(*schema.Run) {})
	b := writeRun(t, "shard-b", func(r *schema.Run) { r.Scenarios[0].Name = "leader-kill-again" })
	for _, shard := range []struct{ dir, scenario string }{{a, "leader-kill"}, {b, "leader-kill-again"}} {
		if err := history.Write(filepath.Join(shard.dir, historiesDir, shard.scenario, "p"), history.Profile{}); err != nil {
			t.Fatal(err)
		}
	}
	dst := filepath.Join(t.TempDir(), "nightly-42")
	var out bytes.Buffer
	if err := mergeCmd([]string{"-o", dst, a, b}, &out); err != nil {
		t.Fatal(err)
	}
	for _, sc := range []string{"leader-kill", "leader-kill-again"} {
		if _, err := history.Read(filepath.Join(dst, historiesDir, sc, "p")); err != nil {
			t.Errorf("merged histories of %s: %v", sc, err)
		}
	}
	m, err := reports.Read(filepath.Join(dst, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.RunID != "nightly-42" || len(m.Scenarios) != 2 || len(m.MergedFrom) != 2 {
		t.Errorf("merged run %s: %d scenarios from %d shards, want nightly-42, 2, 2", m.RunID, len(m.Scenarios), len(m.MergedFrom))
	}
	if _, err := os.Stat(filepath.Join(dst, reports.HTMLFile)); err != nil {
		t.Errorf("merge did not render: %v", err)
	}
	if err := mergeCmd([]string{"-o", dst, a, a}, &out); err == nil {
		t.Error("merging a shard with itself succeeded: duplicate scenarios must fail")
	}
}
