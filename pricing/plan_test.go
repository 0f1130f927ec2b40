package pricing

import (
	"fmt"
	"testing"
)

// TestPlanInterleaves: every round measures each profile once, in the same
// order, before the next round starts.
func TestPlanInterleaves(t *testing.T) {
	got := fmt.Sprint(Plan([]string{"a", "b", "c"}, 3))
	want := "[{a 1} {b 1} {c 1} {a 2} {b 2} {c 2} {a 3} {b 3} {c 3}]"
	if got != want {
		t.Errorf("Plan = %s, want %s", got, want)
	}
	if n := len(Plan(nil, 3)); n != 0 {
		t.Errorf("Plan of no profile has %d slots", n)
	}
}

// Measured on two cores (make price of 10 profiles): what a measurement
// spends beyond its stretches (its topic, producer starts, drains,
// waiting for the followers; 30 measurements took 205 s with their
// topics), and a calibration run beyond its records (JVM start, waiting
// for the followers; 3 took 20.6 s).
const (
	measuredOverhead    = 0.9
	calibrationOverhead = 3.2
)

// TestDefaultMethodFitsBudget: the matrix prices its 7 producer profiles
// and calibrates one within 3 minutes.
func TestDefaultMethodFitsBudget(t *testing.T) {
	m := DefaultMethod()
	perMeasurement := (m.Warmup + m.Measure + m.FixedWarmup + m.FixedMeasure).Seconds() + measuredOverhead
	// perf-test sends the harness's records faster than the harness did.
	perCalibration := m.CalibrationSeconds + calibrationOverhead
	total := float64(7*m.Repetitions)*perMeasurement + float64(m.Repetitions)*perCalibration
	if total > 180 {
		t.Errorf("pricing 7 profiles takes about %.0f s, over the 180 s budget", total)
	}
	if m.Repetitions < 3 {
		t.Errorf("%d repetitions give no median and range worth the name", m.Repetitions)
	}
}
