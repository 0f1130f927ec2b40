package reports

import (
	"cmp"
	"slices"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Colour is the verdict of one matrix cell at a glance.
type Colour string

const (
	// Green: nothing acknowledged or believed sent was lost, and no
	// guarantee the scenario expected broke.
	Green Colour = "green"
	// Red: a guarantee the scenario expected of this profile broke
	// (usually loss on a profile promising none), in a valid scenario or
	// not: the loss is real even if the fault was not the one intended.
	Red Colour = "red"
	// Amber: data was lost, on a profile that promised nothing: a finding
	// about the configuration, not a harness failure.
	Amber Colour = "amber"
	// Grey: the cell proves nothing (invalid scenario, or a verdict
	// unknown because the fault did not exercise the profile), whatever its
	// counts, unless it is red.
	Grey Colour = "grey"
)

// Cell is one profile under one scenario.
type Cell struct {
	Scenario string
	Profile  string
	// Present is false when the profile did not run in the scenario.
	Present        bool
	Lost           int
	BelievedLost   int
	Duplicates     int
	GapSeconds     float64
	AckedPerSecond float64
	// Exposure is what the fault touched of this profile (nil without a
	// fault window): a cell's "lost 0" is a verdict of these messages.
	Exposure *schema.Exposure
	// Status sums up the profile's verdicts (producer, client side and
	// transactions);
	// Reason says why it is unknown.
	Status     schema.Status
	Reason     string
	Colour     Colour
	Violations []string
}

// Matrix is profiles (rows) × scenarios (columns), in the order the run
// first mentions them.
type Matrix struct {
	Profiles []string
	// Clients name each row's client: sarama, or java. Rows are grouped
	// by client, sarama's first.
	Clients   []string
	Scenarios []string
	// Rows[i][j] is profile i under scenario j.
	Rows [][]Cell
}

// BuildMatrix lays a run out as profiles × scenarios.
func BuildMatrix(r *schema.Run) Matrix {
	var m Matrix
	row := map[string]int{}
	for _, s := range r.Scenarios {
		m.Scenarios = append(m.Scenarios, s.Name)
		for _, p := range s.Profiles {
			if _, ok := row[p.Profile.Name]; !ok {
				row[p.Profile.Name] = len(m.Profiles)
				m.Profiles = append(m.Profiles, p.Profile.Name)
			}
		}
	}
	clients := map[string]string{}
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			clients[p.Profile.Name] = clientName(p.Profile)
		}
	}
	// Stable: within a client, rows keep the order the run mentions them.
	slices.SortStableFunc(m.Profiles, func(a, b string) int { return cmp.Compare(clientRank(clients[a]), clientRank(clients[b])) })
	for i, name := range m.Profiles {
		row[name] = i
		m.Clients = append(m.Clients, clients[name])
	}
	m.Rows = make([][]Cell, len(m.Profiles))
	for i, name := range m.Profiles {
		m.Rows[i] = make([]Cell, len(m.Scenarios))
		for j, s := range r.Scenarios {
			m.Rows[i][j] = Cell{Scenario: s.Name, Profile: name}
		}
	}
	for j, s := range r.Scenarios {
		for _, p := range s.Profiles {
			m.Rows[row[p.Profile.Name]][j] = cellOf(s, p)
		}
	}
	return m
}

func cellOf(s schema.Scenario, p schema.ProfileResult) Cell {
	v := p.Verdict
	c := Cell{
		Scenario: s.Name, Profile: p.Profile.Name, Present: true,
		Lost: v.Counts.Lost, BelievedLost: v.Counts.BelievedLost, Duplicates: v.Counts.Duplicates,
		GapSeconds: p.Perf.MaxAckGapSeconds, AckedPerSecond: p.Perf.AckedPerSecond, Exposure: v.Exposure,
		Violations: texts(breaches(p)),
	}
	c.Status, c.Reason = judged(p)
	switch {
	case c.Status == schema.Fail:
		c.Colour = Red
	case s.Status == schema.ScenarioInvalid || c.Status == schema.Unknown:
		c.Colour = Grey
	case c.Lost > 0 || c.BelievedLost > 0:
		c.Colour = Amber
	default:
		c.Colour = Green
	}
	return c
}

// clientName names the client a profile ran on.
func clientName(p schema.Profile) string {
	if p.Client == "" {
		return "sarama"
	}
	return p.Client
}

func clientRank(client string) int {
	if client == "sarama" {
		return 0
	}
	return 1
}
