package reports

import (
	"encoding/base64"
	"encoding/xml"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

func renderTo(t *testing.T, r *schema.Run) string {
	t.Helper()
	dir := t.TempDir()
	if err := Render(dir, r); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var urlAttr = regexp.MustCompile(`(?i)\b(src|href)\s*=\s*"([^"]*)"`)

func TestHTMLReportIsSelfContained(t *testing.T) {
	page := readFile(t, filepath.Join(renderTo(t, testdataRun(t)), HTMLFile))
	attrs := urlAttr.FindAllStringSubmatch(page, -1)
	if len(attrs) == 0 {
		t.Fatal("no src or href attribute at all: the chart is missing")
	}
	charts := 0
	for _, a := range attrs {
		u := html.UnescapeString(a[2])
		switch {
		case strings.HasPrefix(u, "#"):
		case strings.HasPrefix(u, "data:image/svg+xml;base64,"):
			svg, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(u, "data:image/svg+xml;base64,"))
			if err != nil || !strings.Contains(string(svg), "<svg") {
				t.Errorf("embedded chart is not SVG (err %v)", err)
			}
			charts++
		default:
			t.Errorf("%s=%q needs something outside the file", a[1], u)
		}
	}
	if charts != 1 {
		t.Errorf("%d embedded charts, want 1 (one scenario)", charts)
	}
	for _, banned := range []string{"<script", "<link", "@import", "url(http"} {
		if strings.Contains(page, banned) {
			t.Errorf("report.html contains %q", banned)
		}
	}
}

func TestMatrixOfTheLeaderKillRun(t *testing.T) {
	m := BuildMatrix(testdataRun(t))
	want := map[string]struct {
		lost, dup int
		colour    Colour
	}{
		"acks0-async":          {422, 0, Amber},
		"acks1-async":          {382, 0, Amber},
		"safe-idempotent":      {0, 0, Green},
		"acksall-sync-retries": {0, 1, Green},
	}
	if len(m.Profiles) != 4 || len(m.Scenarios) != 1 || m.Scenarios[0] != "leader-kill" {
		t.Fatalf("matrix is %v × %v, want 4 profiles × [leader-kill]", m.Profiles, m.Scenarios)
	}
	for i, p := range m.Profiles {
		c, w := m.Rows[i][0], want[p]
		if !c.Present || c.Lost != w.lost || c.Duplicates != w.dup || c.Colour != w.colour {
			t.Errorf("%s: lost %d dup %d %s, want lost %d dup %d %s", p, c.Lost, c.Duplicates, c.Colour, w.lost, w.dup, w.colour)
		}
		if c.GapSeconds < 19 || c.GapSeconds > 25 {
			t.Errorf("%s: unavailability %.1fs, want the run's 19.9-24.4s", p, c.GapSeconds)
		}
	}
}

// unexercised is a profile whose verdict is unknown: the fault did not
// reach it enough to prove anything, though nothing broke.
func unexercised(name string) schema.ProfileResult {
	p := result(name, noLoss, 0, 0, 0, 100)
	p.Verdict.Status, p.Verdict.Reason = schema.Unknown, "too little exposure"
	return p
}

// brokenConsumer is a consumer group whose input lost nothing but which
// left messages it promised to process unprocessed.
func brokenConsumer(name string) schema.ProfileResult {
	p := consumer(name, 7, 0, 0)
	p.Consumer.Verdict.Expected = schema.ConsumerExpectation{schema.NoProcessingLoss}
	return p
}

func TestMatrixColours(t *testing.T) {
	r := run("colours", 1,
		scenario("kill", schema.ScenarioFail,
			result("safe", noLoss, 3, 3, 0, 100),
			result("lossy", nil, 5, 5, 0, 200),
			result("fine", nil, 0, 0, 2, 200),
			unexercised("idle"),
			brokenConsumer("group")),
		scenario("blip", schema.ScenarioInvalid, result("safe", noLoss, 0, 0, 0, 100), result("lossy", nil, 1, 1, 0, 200)),
		// Invalid, yet the promised profile lost: the loss is real.
		scenario("flap", schema.ScenarioInvalid, result("safe", noLoss, 4, 4, 0, 100), result("lossy", nil, 1, 1, 0, 200)),
	)
	m := BuildMatrix(r)
	got := map[string]Cell{}
	for _, row := range m.Rows {
		for _, c := range row {
			got[c.Profile+"@"+c.Scenario] = c
		}
	}
	want := map[string]Colour{
		"safe@kill": Red, "lossy@kill": Amber, "fine@kill": Green, "idle@kill": Grey, "group@kill": Red,
		"safe@blip": Grey, "lossy@blip": Grey, "fine@blip": "absent",
		"safe@flap": Red, "lossy@flap": Grey,
	}
	for k, w := range want {
		c := got[k]
		colour := c.Colour
		if !c.Present {
			colour = "absent"
		}
		if colour != w {
			t.Errorf("%s: %s, want %s", k, colour, w)
		}
	}
	if c := got["idle@kill"]; c.Status != schema.Unknown || c.Reason != "too little exposure" {
		t.Errorf("idle@kill: status %s (%q), want unknown with the verdict's reason", c.Status, c.Reason)
	}
	if c := got["group@kill"]; c.Status != schema.Fail || len(c.Violations) != 1 || !strings.Contains(c.Violations[0], string(schema.NoProcessingLoss)) {
		t.Errorf("group@kill: status %s, violations %q: want the consumer guarantee", c.Status, c.Violations)
	}
	if c := got["safe@flap"]; !strings.Contains(strings.Join(c.Violations, "\n"), string(schema.NoAckedLoss)) {
		t.Errorf("safe@flap violations %q: want the broken guarantee named", c.Violations)
	}
	dir := renderTo(t, r)
	page := readFile(t, filepath.Join(dir, HTMLFile))
	wantIn(t, "report.html", page,
		`<td class="red" data-scenario="kill" data-profile="safe"`,
		`<td class="amber" data-scenario="kill" data-profile="lossy"`,
		`<td class="green" data-scenario="kill" data-profile="fine"`,
		`<td class="grey" data-scenario="kill" data-profile="idle" title="unknown: too little exposure">unknown: too little exposure · <span class="cell-lost">lost 0</span>`,
		`<td class="red" data-scenario="kill" data-profile="group"`,
		`<td class="grey" data-scenario="blip" data-profile="safe"`,
		`<td class="red" data-scenario="flap" data-profile="safe"`,
		"<tr><td>idle</td><td>unknown<br>too little exposure</td>",
	)
	md := readFile(t, filepath.Join(dir, MarkdownFile))
	wantIn(t, "report.md", md,
		"| idle | ⚪ unknown: too little exposure · lost 0 · dup 0",
		"| idle | unknown: too little exposure |",
	)
}

func TestMarkdownReport(t *testing.T) {
	dir := renderTo(t, testdataRun(t))
	md := readFile(t, filepath.Join(dir, MarkdownFile))
	wantIn(t, "report.md", md,
		"| acks0-async | 🟠 lost 422 · dup 0 · 19.9 s |",
		"| safe-idempotent | 🟢 lost 0 · dup 0 · 24.4 s |",
		"Cheapest zero-loss producer profile: safe-idempotent",
		"Cost of safety: safe-idempotent delivers 28.6 % less throughput than the fastest, acks0-async (268.1 against 375.7 acked/s).",
		"seed `1795647103`",
		"](charts/leader-kill.svg)",
		"`images.kafka` | `kafka-chaos/kafka:4.4.0`",
		"| leader-kill | broker | `broker.session.timeout.ms` | `3000` |",
		"| leader-kill | fault leader-kill | `move_timeout` | `30s` |",
	)
	if _, err := os.Stat(filepath.Join(dir, "charts", "leader-kill.svg")); err != nil {
		t.Errorf("chart file: %v", err)
	}
}

func TestRenderDirReadsResultsJSON(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteDir(dir, testdataRun(t)); err != nil {
		t.Fatal(err)
	}
	if err := RenderDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{MarkdownFile, HTMLFile, JUnitFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestJUnitFailsBrokenGuaranteesAndInvalidScenarios(t *testing.T) {
	r := run("junit", 1,
		scenario("kill", schema.ScenarioFail, result("safe", noLoss, 3, 3, 0, 100), result("lossy", nil, 5, 5, 0, 200), unexercised("idle"), brokenConsumer("group")),
		scenario("blip", schema.ScenarioInvalid, result("safe", noLoss, 0, 0, 0, 100)),
		// Invalid, yet the promised profile lost: a broken guarantee, not
		// just a run that proved nothing.
		scenario("flap", schema.ScenarioInvalid, result("safe", noLoss, 4, 4, 0, 100)),
		scenario("broken", schema.ScenarioInvalid),
		// Failed on something no profile verdict shows.
		scenario("odd", schema.ScenarioFail, result("lossy", nil, 0, 0, 0, 200)),
	)
	b, err := JUnit(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	if doc.Tests != 9 || doc.Failures != 6 || doc.Skipped != 1 {
		t.Errorf("tests=%d failures=%d skipped=%d, want 9, 6, 1", doc.Tests, doc.Failures, doc.Skipped)
	}
	cases := map[string]junitCase{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			cases[c.Classname+"/"+c.Name] = c
		}
	}
	for _, k := range []string{"kill/safe", "flap/safe"} {
		if f := cases[k].Failure; f == nil || f.Type != "guarantee-violated" || !strings.Contains(f.Message, string(schema.NoAckedLoss)) {
			t.Errorf("%s failure = %+v, want the broken guarantee named", k, f)
		}
	}
	if f := cases["kill/group"].Failure; f == nil || f.Type != "guarantee-violated" || !strings.Contains(f.Message, string(schema.NoProcessingLoss)) {
		t.Errorf("kill/group failure = %+v, want the broken consumer guarantee named", f)
	}
	if c := cases["kill/lossy"]; c.Failure != nil || c.Skipped != nil {
		t.Errorf("kill/lossy promised nothing, want a pass: %+v", c)
	}
	if c := cases["kill/idle"]; c.Skipped == nil || c.Skipped.Message != "unknown: too little exposure" || c.Failure != nil {
		t.Errorf("kill/idle = %+v, want skipped with the verdict's reason", c)
	}
	if f := cases["blip/safe"].Failure; f == nil || f.Type != "invalid-scenario" {
		t.Errorf("blip/safe failure = %+v, want invalid-scenario", f)
	}
	if cases["broken/scenario"].Failure == nil {
		t.Error("a scenario without profiles that failed must still fail a case")
	}
	if f := cases["odd/scenario"].Failure; f == nil || f.Type != "fail-scenario" {
		t.Errorf("odd/scenario failure = %+v: a failed scenario whose profiles all passed must still fail a case", f)
	}
}

// Every cell says what its counts are a verdict of: the messages the fault
// touched, and how many of those the cluster refused.
func TestCellsShowExposure(t *testing.T) {
	exposed := result("safe", schema.Expectation{schema.NoAckedLoss}, 0, 0, 0, 300)
	exposed.Verdict.Exposure = &schema.Exposure{InFlight: 4, Attempted: 1200, Exposed: 1204, Refused: 830,
		RefusedBy: map[string]int{"NOT_ENOUGH_REPLICAS": 830}, Min: 100}
	r := &schema.Run{SchemaVersion: schema.SchemaVersion, RunID: "r", Scenarios: []schema.Scenario{scenario("isr", schema.ScenarioPass, exposed, result("acks1", nil, 3, 3, 0, 400))}}
	dir := renderTo(t, r)
	md := readFile(t, filepath.Join(dir, MarkdownFile))
	wantIn(t, "report.md", md,
		"🟢 lost 0 of 1204 exposed (refused 830) · dup 0",
		"🟠 lost 3 · dup 0",
		"1204 exposed (4 in flight, 1200 sent in fault), refused 830 with NOT_ENOUGH_REPLICAS",
	)
	html := readFile(t, filepath.Join(dir, HTMLFile))
	wantIn(t, "report.html", html, "lost 0</span> of 1204 exposed (refused 830)")
}
