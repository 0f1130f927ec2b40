package reports

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// appProfile is a producer application held to delivering everything that
// left three messages out: its verdict passes, the application fails.
func appProfile() schema.ProfileResult {
	p := result("fire-app", nil, 0, 3, 0, 100)
	p.ClientConfig = map[string]string{"acks": "all"}
	p.Verdict.Examples = map[string][]string{
		schema.AnomalyBelievedLost:           {"fire-app-000000011", "fire-app-000000012"},
		schema.AnomalyPresentAlthoughUnknown: {"fire-app-000000099"},
	}
	p.App = &schema.AppResult{
		Behaviour: map[string]string{"app.results": "ignored", "app.exit": "no-close"},
		Processes: 7, Resends: 2, Undelivered: 3, MustDeliver: true,
	}
	return p
}

// consumerProfile is a consumer group that broke NoProcessingLoss, with
// one member SIGKILLed, one SIGSTOPped and one still running at the end.
func consumerProfile(seed int64) schema.ProfileResult {
	p := result("group-app", noLoss, 0, 0, 0, 100)
	v := schema.ConsumerVerdict{
		Profile: "group-app", Status: schema.Pass, Expected: schema.ConsumerExpectation{schema.NoProcessingLoss},
		Counts: schema.ConsumerCounts{
			Required: 100, Processed: 90, DeadLettered: 4, DeadLetterCopies: 1, NeverProcessed: 6,
			SkippedAfterFailure: 2, NotInLog: 1, DuplicateEffects: 5, DuplicatedIDs: 3,
		},
		Metrics:  schema.ConsumerMetrics{Retries: 17, Skips: 2, Deduplicated: 8, Sessions: 4, GroupErrors: 1},
		Examples: map[string][]string{schema.AnomalyNeverProcessed: {"group-app-000000042"}, schema.AnomalyDuplicateEffects: {"group-app-000000007"}},
	}
	if err := v.Err(); err != nil {
		v.Status, v.Violations = schema.Fail, strings.Split(err.Error(), "\n")
	}
	p.Consumer = &schema.ConsumerResult{
		Consumer: schema.ConsumerProfile{
			Name: "group-app", Description: "retries then dead-letters", Commit: schema.AfterProcessing,
			Retry:      schema.RetryPolicy{MaxAttempts: 3, Backoff: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond},
			DeadLetter: true, AutoCommitInterval: 5 * time.Second,
		},
		Group: "crash.group-app", DeadLetterTopic: "crash.group-app.dlt",
		ClientConfig: map[string]string{"session.timeout": "6s", "app.dedupe": "false"},
		Failures:     schema.Failures{Seed: seed, Rate: 0.25, MaxFailures: 3, IDs: []string{"poison-1"}},
		Verdict:      v,
		Members: []schema.MemberRecord{
			{Name: "group-app-m1", StartedAt: 4.25, ExitedAt: 15.75, Signals: []string{"killed"}},
			{Name: "group-app-m2", StartedAt: 4.3, ExitedAt: 47.1, Signals: []string{"stopped (signal)", "continued", "terminated"}},
			{Name: "group-app-m3", StartedAt: 33},
		},
	}
	return p
}

func clientsRun() *schema.Run {
	return run("clients", 1,
		scenario("crash", schema.ScenarioFail, appProfile(), consumerProfile(11)),
		scenario("stall", schema.ScenarioFail, consumerProfile(12)))
}

func TestReportShowsClientApplications(t *testing.T) {
	dir := renderTo(t, clientsRun())
	md := readFile(t, filepath.Join(dir, MarkdownFile))
	wantIn(t, "report.md", md,
		"### Producer applications",
		"| fire-app | exit=no-close results=ignored | 7 | 2 | 3 | yes | fail: every attempted message delivered: 3 not delivered | believed lost: fire-app-000000011, fire-app-000000012 |",
		"### Consumer groups",
		"| group-app | commit=after-processing max_attempts=3 backoff=10ms..40ms dead_letter=true dedupe=false auto_commit=5s | `crash.group-app`, dead letters to `crash.group-app.dlt` | 100 | 90 | 4 (1) | 6 (2 / 1) | 5 (3) | 0 | 0 | 17 | 2 | 8 | 4 | 1 | 0 | fail: every acknowledged message processed or dead-lettered: 6 never processed (e.g. group-app-000000042) | duplicate effects: group-app-000000007; never processed: group-app-000000042 |",
		"| group-app | group-app-m1 | 4.2s | 15.8s | SIGKILL |",
		"| group-app | group-app-m2 | 4.3s | 47.1s | SIGSTOP, SIGCONT, SIGTERM |",
		"| group-app | group-app-m3 | 33.0s | – | – |",
		// Configuration: the behaviour although the client config lacks
		// it, the group's settings, the injection per scenario.
		"| `app.exit` | `no-close` |",
		"Consumer group: retries then dead-letters",
		"| `session.timeout` | `6s` |",
		"| crash | `ids=[poison-1] max_failures=3 rate=0.25 seed=11` |",
		"| stall | `ids=[poison-1] max_failures=3 rate=0.25 seed=12` |",
		"| crash | every consumer group | `session.timeout` | `6s` |",
	)
	if strings.Contains(md, "fire-app-000000099") {
		t.Error("report.md lists an id that was delivered as undelivered")
	}
	page := readFile(t, filepath.Join(dir, HTMLFile))
	wantIn(t, "report.html", page,
		"<h3>Producer applications</h3>",
		"<td><code>exit=no-close results=ignored</code></td><td class=\"n\">7</td><td class=\"n\">2</td><td class=\"n\">3</td><td>yes</td><td>fail<br>every attempted message delivered: 3 not delivered</td><td>believed lost: <code>fire-app-000000011, fire-app-000000012</code></td>",
		"<h3>Consumer groups</h3>",
		"<td class=\"n\">6 (2 / 1)</td><td class=\"n\">5 (3)</td>",
		"<td>fail<br>every acknowledged message processed or dead-lettered: 6 never processed (e.g. group-app-000000042)</td><td>duplicate effects: <code>group-app-000000007</code><br>never processed: <code>group-app-000000042</code></td>",
		"<tr><td>group-app</td><td>group-app-m1</td><td class=\"n\">4.2s</td><td class=\"n\">15.8s</td><td>SIGKILL</td></tr>",
		"<td>SIGSTOP, SIGCONT, SIGTERM</td>",
		"<tr><td>stall</td><td><code>ids=[poison-1] max_failures=3 rate=0.25 seed=12</code></td></tr>",
	)
}

func TestReportWithoutClientApplications(t *testing.T) {
	dir := renderTo(t, testdataRun(t))
	for _, f := range []string{MarkdownFile, HTMLFile} {
		page := readFile(t, filepath.Join(dir, f))
		for _, absent := range []string{"Producer applications", "Consumer group", "Members", "processing failures injected"} {
			if strings.Contains(page, absent) {
				t.Errorf("%s of a run without applications shows %q", f, absent)
			}
		}
	}
}
