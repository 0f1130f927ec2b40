package verify

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/kafka-chaos/kafka-chaos/ledger"
)

// DefaultMinExposure is how many messages a judged profile must have exposed
// to the fault for its verdict to mean anything: enough that a loss of a
// few percent of them would show.
const DefaultMinExposure = 100

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
	// Exposed = InFlight + Attempted + Processed: what the verdict covers.
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

// exposed reports whether e was exposed to w, and how: in flight at the
// injection, or sent while the fault held.
func (w Window) exposed(e *ledger.Entry) (inFlight, inFault bool) {
	done := e.DoneAt
	if e.Status == ledger.Pending || done == 0 {
		done = time.Duration(1<<63 - 1)
	}
	inFlight = e.SentAt < w.Injected && done >= w.Injected
	inFault = e.SentAt >= w.Injected && e.SentAt <= w.Healed
	return inFlight, inFault
}

// ProducerExposure measures a ledger's exposure to the window.
func ProducerExposure(entries []ledger.Entry, w Window, min int) Exposure {
	x := Exposure{Window: w, Min: min}
	for i := range entries {
		e := &entries[i]
		inFlight, inFault := w.exposed(e)
		if e.Status == ledger.Acked && e.DoneAt > w.Healed && e.DoneAt <= w.Recovered {
			x.AckedAfterHeal++
		}
		if !inFlight && !inFault {
			continue
		}
		if inFlight {
			x.InFlight++
		} else {
			x.Attempted++
			if e.Status == ledger.Acked && e.DoneAt <= w.Healed {
				x.Acked++
			}
		}
		if e.Code != "" && e.Status != ledger.Acked {
			x.Refused++
			if x.RefusedBy == nil {
				x.RefusedBy = map[string]int{}
			}
			x.RefusedBy[e.Code]++
		}
	}
	x.Exposed = x.InFlight + x.Attempted
	return x
}

// consumerExposure adds to the input's exposure the messages the group
// handled while the fault held or the cluster recovered: a consumer fault
// touches what is being processed, whenever it was produced.
func consumerExposure(p ConsumerParams) *Exposure {
	if p.Window == nil {
		return nil
	}
	x := ProducerExposure(p.Entries, *p.Window, p.MinExposure)
	counted := map[string]bool{}
	for i := range p.Entries {
		if in, at := p.Window.exposed(&p.Entries[i]); in || at {
			counted[p.Entries[i].ID] = true
		}
	}
	for _, r := range p.Effects {
		if r.At >= p.Window.Injected && r.At <= p.Window.Recovered && !counted[r.ID] {
			counted[r.ID] = true
			x.Processed++
		}
	}
	x.Exposed += x.Processed
	return &x
}
