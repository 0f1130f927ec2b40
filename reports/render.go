package reports

import (
	"github.com/kafka-chaos/kafka-chaos/schema"

	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	htmltemplate "html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	texttemplate "text/template"
)

// Files Render writes into a run directory, next to results.json.
const (
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
	JUnitFile    = "junit.xml"
	ChartsDir    = "charts"
)

//go:embed templates
var templates embed.FS

// view is everything the templates print. It is computed once so the
// Markdown and the HTML report say the same thing.
type view struct {
	Run       *schema.Run
	Matrix    Matrix
	Rec       Recommendation
	Advice    []string
	Scenarios []scenarioView
	Clusters  []ClusterGroup
	Profiles  []ProfileConfig
	Timeouts  []Timeout
	Time      TimeTable
	Counts    map[string]int
	// Prices is the isolated pricing section, nil without one.
	Prices *priceView
}

type scenarioView struct {
	schema.Scenario
	Seed   int64
	Params []KV
	Window []KV
	// ChartFile is relative to the run directory (Markdown links it);
	// ChartURI embeds the same SVG in the HTML, which must stand alone.
	ChartFile string
	ChartURI  htmltemplate.URL
	// Apps and Consumers are the scenario's client applications (nil
	// when it ran none): what each did beyond the profile table.
	Apps      []appRow
	Consumers []consumerRow
	// Txns are its transactional profiles and Stalls their partitions'
	// last stable offsets standing still, nil when it ran none.
	Txns   []txnRow
	Stalls []stallRow
}

// RenderDir reads dir/results.json and renders the reports next to it.
func RenderDir(dir string) error {
	r, err := Read(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	return Render(dir, r)
}

// Render writes report.md, report.html, junit.xml and one SVG chart per
// scenario into dir. It reads nothing but r, so a run can be re-rendered
// long after its cluster is gone.
func Render(dir string, r *schema.Run) error {
	v, charts, err := newView(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, ChartsDir), 0o755); err != nil {
		return fmt.Errorf("create charts dir: %w", err)
	}
	for name, svg := range charts {
		if err := os.WriteFile(filepath.Join(dir, name), svg, 0o644); err != nil {
			return fmt.Errorf("write chart: %w", err)
		}
	}
	md, err := renderMarkdown(v)
	if err != nil {
		return err
	}
	html, err := renderHTML(v)
	if err != nil {
		return err
	}
	junit, err := JUnit(r)
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{MarkdownFile: md, HTMLFile: html, JUnitFile: junit} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

func newView(r *schema.Run) (*view, map[string][]byte, error) {
	v := &view{
		Run: r, Matrix: BuildMatrix(r), Rec: Recommend(r), Clusters: ClusterGroups(r),
		Profiles: ProfileConfigs(r), Timeouts: Timeouts(r), Time: Timings(r), Counts: map[string]int{},
		Prices: newPriceView(r.Prices),
	}
	v.Advice = v.Rec.Sentences()
	colours := map[string]int{}
	for i, p := range v.Matrix.Profiles {
		colours[p] = i
	}
	charts := map[string][]byte{}
	for _, s := range r.Scenarios {
		v.Counts[string(s.Status)]++
		svg, err := Chart(s, colours)
		if err != nil {
			return nil, nil, fmt.Errorf("chart of %s: %w", s.Name, err)
		}
		file := filepath.ToSlash(filepath.Join(ChartsDir, fileName(s.Name)+".svg"))
		charts[file] = svg
		f := s.Fault
		v.Scenarios = append(v.Scenarios, scenarioView{
			Scenario: s, Seed: r.ScenarioSeed(s), Params: flatten(f.Params), ChartFile: file,
			ChartURI: htmltemplate.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)),
			Window: []KV{
				{"prepared", seconds(f.PreparedAt)}, {"injected", seconds(f.InjectedAt)},
				{"effect seen", seconds(f.EffectAt)}, {"healed", seconds(f.HealedAt)},
				{"recovered", seconds(f.RecoveredAt)}, {"recovery took", seconds(f.RecoverySeconds)},
			},
			Apps: appRows(s), Consumers: consumerRows(s), Txns: txnRows(s), Stalls: stallRows(s),
		})
	}
	return v, charts, nil
}

// offeredRate is the rate every profile was offered, when all scenarios
// agree on one (0 otherwise): throughput only compares at equal load.
func offeredRate(r *schema.Run) int {
	rate := 0
	for i, s := range r.Scenarios {
		if i > 0 && s.Workload.Rate != rate {
			return 0
		}
		rate = s.Workload.Rate
	}
	return rate
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileName(s string) string { return unsafeName.ReplaceAllString(s, "_") }

var funcs = map[string]any{
	"f1":   func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"join": strings.Join,
	// cell keeps Markdown table cells on one line and their pipes literal.
	"cell": func(s string) string {
		return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
	},
	// exposure says what a verdict covers: the messages the fault touched.
	"exposure": (*schema.Exposure).Short,
	"emoji": func(c Colour) string {
		return map[Colour]string{Green: "🟢", Red: "🔴", Amber: "🟠", Grey: "⚪"}[c]
	},
}

func renderMarkdown(v *view) ([]byte, error) {
	t, err := texttemplate.New("report.md.tmpl").Funcs(funcs).ParseFS(templates, "templates/report.md.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse markdown template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("render markdown: %w", err)
	}
	return b.Bytes(), nil
}

func renderHTML(v *view) ([]byte, error) {
	t, err := htmltemplate.New("report.html.tmpl").Funcs(funcs).ParseFS(templates, "templates/report.html.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse html template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	return b.Bytes(), nil
}
