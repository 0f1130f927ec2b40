package schema

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Violation is one expected guarantee that the run broke. Verdict.Err joins
// one *Violation per broken guarantee; use errors.As to inspect them.
type Violation struct {
	Guarantee Guarantee
	// Count is how many messages broke it (0 when Guarantee is not one this
	// package can check: a promise that cannot be checked is not kept).
	Count int
	// Examples holds at most five ids, lowest producer seq first.
	Examples []string
}

func (v *Violation) Error() string {
	return violationText[Guarantee, Counts]("guarantee", v.Guarantee, v.Count, v.Examples)
}

// guarantee is a promise that measures itself in the counts of its result:
// producer and consumer guarantees are judged the same way.
type guarantee[C any] interface {
	~string
	measure(c C) (count int, anomaly, noun string, ok bool)
}

// breach is one expected guarantee the counts show broken; a guarantee this
// package cannot check counts as broken with count 0 (a promise that cannot
// be checked is not kept).
type breach[G any] struct {
	g        G
	count    int
	examples []string
}

// breaches lists the broken guarantees in the order they were expected,
// ignoring repeats.
func breaches[G guarantee[C], C any](expected []G, counts C, examples map[string][]string) []breach[G] {
	var out []breach[G]
	for i, g := range expected {
		if slices.Contains(expected[:i], g) {
			continue
		}
		n, anomaly, _, ok := g.measure(counts)
		switch {
		case !ok:
			out = append(out, breach[G]{g: g})
		case n > 0:
			out = append(out, breach[G]{g: g, count: n, examples: slices.Clone(examples[anomaly])})
		}
	}
	return out
}

// violationText names the guarantee, the count and a few example ids.
func violationText[G guarantee[C], C any](kind string, g G, count int, examples []string) string {
	var zero C
	_, _, noun, ok := g.measure(zero)
	if !ok {
		return fmt.Sprintf("unknown %s %q: cannot be checked", kind, string(g))
	}
	msg := fmt.Sprintf("%s: %d %s", string(g), count, noun)
	if len(examples) > 0 {
		msg += " (e.g. " + strings.Join(examples, ", ") + ")"
	}
	return msg
}

// joinViolations returns nil for none, else every violation joined.
func joinViolations[V error](vs []V) error {
	if len(vs) == 0 {
		return nil
	}
	errs := make([]error, len(vs))
	for i, v := range vs {
		errs[i] = v
	}
	return errors.Join(errs...)
}

// texts returns each violation's message, nil for none: the Violations
// field of a result.
func texts[V error](vs []V) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Error())
	}
	return out
}
