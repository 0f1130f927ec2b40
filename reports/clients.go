package reports

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// appRow is one producer application of a scenario: what it did around its
// producer. Its verdict counts are in the scenario's profile table.
type appRow struct {
	Profile string
	// Behaviour is the application's settings as one key=value list.
	Behaviour                       string
	Processes, Resends, Undelivered int
	MustDeliver                     bool
	Status                          schema.Status
	// Broken names every guarantee broken: the verdict's, and delivering
	// everything when the application is held to it.
	Broken []string
	// Examples are ids of messages that are not in the log, per anomaly.
	Examples []KV
}

// consumerRow is one consumer-group application of a scenario.
type consumerRow struct {
	Profile string
	// Settings are the profile's commit, retry and dead-letter choices as
	// one key=value list; the configuration section lists every setting.
	Settings               string
	Group, DeadLetterTopic string
	Counts                 schema.ConsumerCounts
	Metrics                schema.ConsumerMetrics
	Status                 schema.Status
	// Broken names the broken consumer guarantees, or why nothing was
	// judged.
	Broken   []string
	Examples []KV
	Members  []memberRow
}

// memberRow is one member process, its times in seconds from the scenario
// start.
type memberRow struct {
	Name, Started, Exited, Signals string
}

// appRows lists the scenario's producer applications, nil when it ran none.
func appRows(s schema.Scenario) []appRow {
	var out []appRow
	for _, p := range s.Profiles {
		a := p.App
		if a == nil {
			continue
		}
		row := appRow{
			Profile: p.Profile.Name, Behaviour: behaviour(a.Behaviour),
			Processes: a.Processes, Resends: a.Resends, Undelivered: a.Undelivered, MustDeliver: a.MustDeliver,
			Status: p.Verdict.Status, Broken: slices.Clone(p.Verdict.Violations),
			Examples: examples(p.Verdict.Examples, []string{schema.AnomalyLost, schema.AnomalyBelievedLost}),
		}
		if err := a.Err(); err != nil {
			row.Status, row.Broken = schema.Fail, append(row.Broken, err.Error())
		}
		out = append(out, row)
	}
	return out
}

// consumerRows lists the scenario's consumer groups, nil when it ran none.
func consumerRows(s schema.Scenario) []consumerRow {
	var out []consumerRow
	for _, p := range s.Profiles {
		c := p.Consumer
		if c == nil {
			continue
		}
		v := c.Verdict
		row := consumerRow{
			Profile: c.Consumer.Name, Settings: consumerSettings(c.Consumer),
			Group: c.Group, DeadLetterTopic: c.DeadLetterTopic,
			Counts: v.Counts, Metrics: v.Metrics, Status: v.Status, Broken: notes(v.Violations, v.Reason),
			// Every anomaly, judged or not: what a profile that promised
			// nothing lost is the finding.
			Examples: examples(v.Examples, slices.Sorted(maps.Keys(v.Examples))),
		}
		for _, m := range c.Members {
			row.Members = append(row.Members, member(m))
		}
		out = append(out, row)
	}
	return out
}

// notes are what a status cell says after the status: a verdict's
// violations, then why it is unknown.
func notes(violations []string, reason string) []string {
	out := slices.Clone(violations)
	if reason != "" {
		out = append(out, reason)
	}
	return out
}

// behaviour prints an application's settings. Every key is app.*: the
// prefix tells them apart from producer settings in the configuration
// section, not in a table of applications.
func behaviour(b map[string]string) string {
	kvs := flatten(b)
	for i := range kvs {
		kvs[i].Key = strings.TrimPrefix(kvs[i].Key, "app.")
	}
	return compact(kvs)
}

// consumerSettings picks what decides a consumer application's fate under a
// fault: when it commits, how it retries, where failures go.
func consumerSettings(c schema.ConsumerProfile) string {
	var kvs []KV
	if c.Java != nil {
		kvs = append(kvs, KV{"client", "java"}, KV{"group.protocol", c.Java.GroupProtocol}, KV{"assignor", c.Java.Assignor})
	}
	kvs = append(kvs, KV{"commit", string(c.Commit)})
	if c.ProcessLag > 0 {
		kvs = append(kvs, KV{"process_lag", c.ProcessLag.String()})
	}
	attempts := strconv.Itoa(c.Retry.MaxAttempts)
	if c.Retry.MaxAttempts == 0 {
		attempts = "unbounded"
	}
	kvs = append(kvs, KV{"max_attempts", attempts})
	if c.Retry.MaxAttempts != 1 {
		kvs = append(kvs, KV{"backoff", c.Retry.Backoff.String() + ".." + c.Retry.MaxDelay.String()})
	}
	kvs = append(kvs, KV{"dead_letter", strconv.FormatBool(c.DeadLetter)}, KV{"dedupe", strconv.FormatBool(c.Dedupe)})
	if c.Commit == schema.InTransaction {
		kvs = append(kvs, KV{"transaction", fmt.Sprintf("%d records, timeout %s", c.TxnSize, c.TxnTimeout)})
	} else {
		kvs = append(kvs, KV{"auto_commit", c.AutoCommitInterval.String()})
	}
	return compact(kvs)
}

// examples lists the example ids of the anomalies, in the order given,
// leaving out those without any.
func examples(ex map[string][]string, anomalies []string) []KV {
	var out []KV
	for _, a := range anomalies {
		if ids := ex[a]; len(ids) > 0 {
			out = append(out, KV{strings.ReplaceAll(a, "_", " "), strings.Join(ids, ", ")})
		}
	}
	return out
}

// signalNames maps the signal descriptions results.json holds (Go's
// syscall.Signal.String on Linux) to the names faults are described with.
var signalNames = map[string]string{
	"killed": "SIGKILL", "terminated": "SIGTERM", "stopped (signal)": "SIGSTOP", "continued": "SIGCONT",
}

func member(m schema.MemberRecord) memberRow {
	row := memberRow{Name: m.Name, Started: seconds(m.StartedAt), Exited: "–", Signals: "–"}
	if m.ExitedAt > 0 {
		row.Exited = seconds(m.ExitedAt)
	}
	if len(m.Signals) > 0 {
		names := make([]string, len(m.Signals))
		for i, s := range m.Signals {
			names[i] = cmp.Or(signalNames[s], s)
		}
		row.Signals = strings.Join(names, ", ")
	}
	return row
}

// compact prints settings as one line: key=value, space separated.
func compact(kvs []KV) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = kv.Key + "=" + kv.Value
	}
	return strings.Join(parts, " ")
}
