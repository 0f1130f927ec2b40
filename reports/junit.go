package reports

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// JUnit XML, the subset CI systems read: one suite per scenario, one case
// per profile in it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit renders the run as JUnit XML: a case fails when its profile broke
// a guarantee the scenario expected (its producer's or its client side's,
// in a valid scenario or not), or when the scenario was invalid (it proved
// nothing, which CI must not mistake for a pass); a profile whose verdict
// is unknown (nothing to judge, or a fault that did not exercise it) is
// skipped with the reason.
func JUnit(r *schema.Run) ([]byte, error) {
	out := junitSuites{Name: "kafka-chaos " + r.RunID}
	total := 0.0
	for _, s := range r.Scenarios {
		su := junitSuite{Name: s.Name, Time: secs(s.WallSeconds), Properties: []junitProperty{
			{"status", string(s.Status)}, {"seed", strconv.FormatInt(r.ScenarioSeed(s), 10)},
			{"fault", s.Fault.Name}, {"kafka_version", s.Cluster.KafkaVersion},
		}}
		for _, p := range s.Profiles {
			su.Cases = append(su.Cases, junitCaseOf(s, p))
		}
		// A scenario that did not pass needs a failing case to be seen: an
		// invalid one may have stopped before any profile ran, a failed one
		// may have failed on something no profile verdict shows.
		if s.Status != schema.ScenarioPass && !slices.ContainsFunc(su.Cases, func(c junitCase) bool { return c.Failure != nil }) {
			su.Cases = append(su.Cases, junitCase{Name: "scenario", Classname: s.Name,
				Failure: &junitMessage{Message: s.Reason, Type: string(s.Status) + "-scenario"}})
		}
		for _, c := range su.Cases {
			su.Tests++
			if c.Failure != nil {
				su.Failures++
			}
			if c.Skipped != nil {
				su.Skipped++
			}
		}
		out.Tests, out.Failures, out.Skipped = out.Tests+su.Tests, out.Failures+su.Failures, out.Skipped+su.Skipped
		total += s.WallSeconds
		out.Suites = append(out.Suites, su)
	}
	out.Time = secs(total)
	b, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode junit: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

func junitCaseOf(s schema.Scenario, p schema.ProfileResult) junitCase {
	c := p.Verdict.Counts
	jc := junitCase{Name: p.Profile.Name, Classname: s.Name, SystemOut: fmt.Sprintf(
		"attempted=%d acked=%d failed=%d unknown=%d lost=%d believed_lost=%d duplicates=%d acked/s=%.1f max_ack_gap=%.1fs",
		c.Attempted, c.Acked, c.Failed, c.Unknown, c.Lost, c.BelievedLost, c.Duplicates, p.Perf.AckedPerSecond, p.Perf.MaxAckGapSeconds)}
	status, reason := judged(p)
	switch {
	// Before the scenario's status: a guarantee broken in an invalid
	// scenario is broken all the same.
	case status == schema.Fail:
		viol := texts(breaches(p))
		jc.Failure = &junitMessage{Message: viol[0], Type: "guarantee-violated", Text: strings.Join(viol, "\n")}
	case s.Status == schema.ScenarioInvalid:
		jc.Failure = &junitMessage{Message: "invalid scenario: " + s.Reason, Type: "invalid-scenario", Text: s.Reason}
	case status == schema.Unknown:
		jc.Skipped = &junitMessage{Message: "unknown: " + reason}
	}
	return jc
}

func secs(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }
