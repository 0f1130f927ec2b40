package verify

import (
	"fmt"
	"strings"
)

// Violation is one expected guarantee that the run broke. Result.Err joins
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
	_, _, noun, ok := v.Guarantee.measure(Counts{})
	if !ok {
		return fmt.Sprintf("unknown guarantee %q: cannot be checked", string(v.Guarantee))
	}
	msg := fmt.Sprintf("%s: %d %s", v.Guarantee, v.Count, noun)
	if len(v.Examples) > 0 {
		msg += " (e.g. " + strings.Join(v.Examples, ", ") + ")"
	}
	return msg
}
