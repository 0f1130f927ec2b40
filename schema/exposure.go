package schema

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Window is when the fault held, in run time (offsets from the run's base,
// as ledger times are).
type Window struct {
	Injected  time.Duration `json:"injected_ns"`
	Healed    time.Duration `json:"healed_ns"`
	Recovered time.Duration `json:"recovered_ns"`
}

// Exposure is how much of a profile's traffic the fault touched. A verdict
// of "lost 0" is a verdict of these messages, not of the whole ledger.
type Exposure struct {
	Window Window `json:"window"`
	// InFlight: sent before the injection, outcome after it (or never).
	InFlight int `json:"in_flight_at_injection"`
	// Attempted and Acked: sent, and acknowledged, between injection and
	// heal.
	Attempted int `json:"attempted_in_fault"`
	Acked     int `json:"acked_in_fault"`
	// AckedAfterHeal: acknowledged between heal and recovery.
	AckedAfterHeal int `json:"acked_after_heal"`
	// Refused counts exposed messages whose last answer was a Kafka error
	// (the cluster refusing writes it cannot make durable counts as
	// exposure, not as absence of it), by error name in RefusedBy.
	Refused   int            `json:"refused"`
	RefusedBy map[string]int `json:"refused_by,omitempty"`
	// Processed counts, for a consumer group, distinct messages whose side
	// effect or dead-lettering was recorded between injection and
	// recovery, beyond those already counted as attempted or in flight.
	Processed int `json:"processed_in_fault,omitempty"`
	// InOpenTxn counts, for a transactional producer, the messages of the
	// transactions the fault found open or that began while it held,
	// beyond those already counted.
	InOpenTxn int `json:"in_open_transactions,omitempty"`
	// Exposed = InFlight + Attempted + Processed + InOpenTxn: what the
	// verdict covers.
	Exposed int `json:"exposed"`
	// Min is the scenario's threshold: a judged profile with fewer exposed
	// messages is unknown.
	Min int `json:"min_exposed"`
}

// Short renders the exposure as a cell or table reads it; a verdict
// without a fault window has none.
func (e *Exposure) Short() string {
	if e == nil {
		return "no fault window"
	}
	s := fmt.Sprintf("%d exposed (%d in flight, %d sent in fault)", e.Exposed, e.InFlight, e.Attempted)
	if e.Processed > 0 {
		s += fmt.Sprintf(", %d processed in fault", e.Processed)
	}
	if e.InOpenTxn > 0 {
		s += fmt.Sprintf(", %d more in transactions open in fault", e.InOpenTxn)
	}
	for _, code := range slices.Sorted(maps.Keys(e.RefusedBy)) {
		s += fmt.Sprintf(", refused %d with %s", e.RefusedBy[code], code)
	}
	return s
}

// unexercised says why a judged profile's verdict is unknown, or "" when
// its exposure met the threshold.
func (e *Exposure) unexercised() string {
	if e == nil || e.Exposed >= e.Min {
		return ""
	}
	return fmt.Sprintf("not exercised by the fault: %d messages exposed (%d in flight at injection, %d sent while it held), need %d",
		e.Exposed, e.InFlight, e.Attempted, e.Min)
}
