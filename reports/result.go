// Package reports defines results.json, the versioned source of truth of a
// run, and writes it under reports/runs/<run-id>/.
package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/verify"
	"github.com/kafka-chaos/kafka-chaos/workload"
)

// SchemaVersion is bumped on every incompatible change of the layout below.
const SchemaVersion = 2

// Run is one results.json: every scenario a run executed.
type Run struct {
	SchemaVersion int        `json:"schema_version"`
	RunID         string     `json:"run_id"`
	Seed          int64      `json:"seed"`
	StartedAt     time.Time  `json:"started_at"`
	Scenarios     []Scenario `json:"scenarios"`
	// Prices is the isolated pricing of the producer profiles, when the
	// run measured one (price.go).
	Prices *Prices `json:"prices,omitempty"`
	// MergedFrom lists the shards a merged run was built from (kafka-chaos
	// merge); empty for a run that executed its scenarios itself.
	MergedFrom []Source `json:"merged_from,omitempty"`
}

// Status of a scenario run as a whole. A profile losing data it never
// promised to keep is a finding, not a failure; a fault that took no effect
// or a profile breaking its promise fails the scenario.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Invalid: the run proved nothing (fault without effect, too little
	// traffic in the fault window, infrastructure error).
	Invalid Status = "invalid"
)

// Scenario is the result of one scenario: the cluster it ran on, the fault
// and its observed effect, the workload, and one verdict per profile.
type Scenario struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Reason explains a fail or invalid status.
	Reason   string          `json:"reason,omitempty"`
	Cluster  cluster.Info    `json:"cluster"`
	Fault    FaultRecord     `json:"fault"`
	Workload WorkloadRecord  `json:"workload"`
	Profiles []ProfileResult `json:"profiles"`
	Timeline []Sample        `json:"timeline"`
	// Phases are the steps of the run in order, each with its start; a
	// step lasts until the next one starts, the last until WallSeconds.
	Phases      []Phase `json:"phases,omitempty"`
	WallSeconds float64 `json:"wall_seconds"`
	// Repeat numbers the repetitions of a scenario run several times in one
	// run (make repeat); 0 when it ran once.
	Repeat int `json:"repeat,omitempty"`
	// Seed is set when the scenario ran with another seed than the run's:
	// shards merged from runs seeded differently keep their own.
	Seed int64 `json:"seed,omitempty"`
}

// Phase names, in the order a run goes through them. Drain only runs
// with consumer groups.
const (
	PhaseSetup    = "setup"
	PhaseWarmup   = "warm-up"
	PhasePrepare  = "prepare"
	PhaseFault    = "fault"
	PhaseRecovery = "recovery"
	PhaseAfter    = "after"
	PhaseDrain    = "drain"
	PhaseAudit    = "audit"
)

// Phase is the start of one step of a scenario run, in seconds from the
// scenario's base time.
type Phase struct {
	Name      string  `json:"name"`
	StartedAt float64 `json:"started_at"`
}

// FaultRecord is what was injected, when, and what the cluster showed. All
// times are seconds from the scenario's base time.
type FaultRecord struct {
	Name            string        `json:"name"`
	Params          any           `json:"params"`
	Effect          faults.Effect `json:"effect"`
	PreparedAt      float64       `json:"prepared_at"`
	InjectedAt      float64       `json:"injected_at"`
	EffectAt        float64       `json:"effect_at"`
	HealedAt        float64       `json:"healed_at"`
	RecoveredAt     float64       `json:"recovered_at"`
	RecoverySeconds float64       `json:"recovery_seconds"`
}

// WorkloadRecord is the load every profile ran with.
type WorkloadRecord struct {
	Rate          int     `json:"rate_per_profile"`
	Size          int     `json:"message_bytes"`
	Partitions    int     `json:"partitions"`
	WarmupSeconds float64 `json:"warmup_seconds"`
	// LeadSeconds runs between Prepare and Inject.
	LeadSeconds  float64 `json:"lead_seconds"`
	HoldSeconds  float64 `json:"fault_hold_seconds"`
	AfterSeconds float64 `json:"after_heal_seconds"`
	// MinExposure is what each judged profile needs exposed to the fault
	// for its verdict to count.
	MinExposure           int     `json:"min_exposed_per_profile"`
	RecoverTimeoutSeconds float64 `json:"recover_timeout_seconds"`
}

// ProfileResult is one profile's configuration, performance and verdict.
type ProfileResult struct {
	Profile workload.Profile `json:"profile"`
	Topic   string           `json:"topic"`
	// Audit is where each partition of the topic started and ended when
	// the auditor read it, after the high watermarks stopped moving.
	Audit []verify.PartitionOffsets `json:"audit_offsets,omitempty"`
	// History is the directory, relative to the run's, holding the ledger
	// and audit this verdict was computed from (kafka-chaos verify).
	History string `json:"history,omitempty"`
	// ClientConfig is every producer setting the client ran with.
	ClientConfig map[string]string `json:"client_config"`
	Verdict      verify.Result     `json:"verdict"`
	Perf         Perf              `json:"perf"`
	// Series is the profile's traffic second by second (PerSecond): the
	// report's throughput and latency charts need more than Perf's totals.
	Series []Point `json:"series,omitempty"`
	// App is set for a producer application run as worker processes,
	// Consumer for a consumer-group application (see consumer.go).
	App      *AppResult      `json:"app,omitempty"`
	Consumer *ConsumerResult `json:"consumer,omitempty"`
}

// Perf summarises a profile's throughput and latency from its ledger.
type Perf struct {
	AckedPerSecond float64 `json:"acked_per_second"`
	LatencyP50Ms   float64 `json:"latency_p50_ms"`
	LatencyP99Ms   float64 `json:"latency_p99_ms"`
	// MaxAckGapSeconds is the longest stretch without any acknowledgement
	// while producing: the profile's unavailability.
	MaxAckGapSeconds float64 `json:"max_ack_gap_seconds"`
}

// Sample is the cluster state at one instant of the run.
type Sample struct {
	At         float64                  `json:"at"`
	Controller int                      `json:"controller"`
	Partitions []cluster.PartitionState `json:"partitions,omitempty"`
	Error      string                   `json:"error,omitempty"`
}

// Dir returns the directory of a run under root (reports/runs).
func Dir(root, runID string) string { return filepath.Join(root, runID) }

// Write stores the run as results.json in its directory (atomically, so a
// reader never sees half a file) and points root/latest at it.
func Write(root string, r *Run) (string, error) {
	path, err := WriteDir(Dir(root, r.RunID), r)
	if err != nil {
		return "", err
	}
	latest := filepath.Join(root, "latest")
	_ = os.Remove(latest)
	if err := os.Symlink(r.RunID, latest); err != nil {
		return "", fmt.Errorf("link latest run: %w", err)
	}
	return path, nil
}

// WriteDir stores the run as dir/results.json, atomically, without touching
// any "latest" link: merged runs may land outside reports/runs.
func WriteDir(dir string, r *Run) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create run dir: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", fmt.Errorf("encode results: %w", err)
	}
	path := filepath.Join(dir, "results.json")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return "", fmt.Errorf("write results: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("write results: %w", err)
	}
	return path, nil
}

// Read loads a results.json and checks its schema version.
func Read(path string) (*Run, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("%s: schema_version %d, this build reads %d", path, r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}
