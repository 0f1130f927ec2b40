package schema

// ScenarioStatus is the status of a scenario run as a whole. A profile
// losing data it never promised to keep is a finding, not a failure; a
// fault that took no effect or a profile breaking its promise fails the
// scenario.
type ScenarioStatus string

const (
	ScenarioPass ScenarioStatus = "pass"
	ScenarioFail ScenarioStatus = "fail"
	// ScenarioInvalid: the run proved nothing (fault without effect, too
	// little traffic in the fault window, infrastructure error).
	ScenarioInvalid ScenarioStatus = "invalid"
)

// Scenario is the result of one scenario: the cluster it ran on, the fault
// and its observed effect, the workload, and one verdict per profile.
type Scenario struct {
	Name   string         `json:"name"`
	Status ScenarioStatus `json:"status"`
	// Reason explains a fail or invalid status.
	Reason   string          `json:"reason,omitempty"`
	Cluster  ClusterInfo     `json:"cluster"`
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
	Name            string      `json:"name"`
	Params          any         `json:"params"`
	Effect          FaultEffect `json:"effect"`
	PreparedAt      float64     `json:"prepared_at"`
	InjectedAt      float64     `json:"injected_at"`
	EffectAt        float64     `json:"effect_at"`
	HealedAt        float64     `json:"healed_at"`
	RecoveredAt     float64     `json:"recovered_at"`
	RecoverySeconds float64     `json:"recovery_seconds"`
}

// FaultEffect is what a fault did, as observed in the cluster. It lands in
// the result so a reader sees that the fault really happened.
type FaultEffect struct {
	Target      []int    `json:"target"`
	Description string   `json:"description"`
	Observed    []string `json:"observed"`
	// Metrics are figures measured at the fault, e.g. unsynced bytes per
	// node at the instant of a power cut.
	Metrics map[string]int64 `json:"metrics,omitempty"`
}

// BaselineFault is the name a scenario that injects nothing (faults.Baseline)
// records as its fault.
const BaselineFault = "baseline"

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

// Sample is the cluster state at one instant of the run.
type Sample struct {
	At         float64          `json:"at"`
	Controller int              `json:"controller"`
	Partitions []PartitionState `json:"partitions,omitempty"`
	// Reassignments are the scenario partitions' reassignments in
	// progress, read only while some partition's ISR is short of its
	// replica set: a reassignment stays pending only while a replica it
	// adds is out of the ISR.
	Reassignments []Reassignment `json:"reassignments,omitempty"`
	Error         string         `json:"error,omitempty"`
}
