package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nameRe is what a profile or scenario name may hold: the runner names each
// topic <scenario>.<profile>, and Kafka allows only these characters in a
// topic name (at most 249 of them, hence the limit on each part).
var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// checkName reports a missing or unusable name.
func (d *decoder) checkName(name string, at map[string]*yaml.Node, entry *yaml.Node, what string) {
	switch {
	case at["name"] == nil:
		d.fail(entry.Line, "name", "missing: every %s needs a name, e.g. name: my-%s", what, strings.ReplaceAll(what, " ", "-"))
	case !nameRe.MatchString(name):
		d.fail(at["name"].Line, "name", "%q cannot name a %s: it becomes part of a Kafka topic name, so use up to 100 letters, digits, '.', '_' or '-', starting with a letter or digit", name, what)
	}
}

// suggest returns the known name closest to got when one is close enough
// to be a typo, else "".
func suggest(got string, known []string) string {
	if len(got) < 3 {
		return "" // too short to tell a typo from another value
	}
	best, bestDist := "", len(got)/3+2
	for _, k := range known {
		if abs(len(k)-len(got)) >= bestDist {
			continue // cannot beat bestDist; also keeps huge inputs cheap
		}
		if d := editDistance(got, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

func abs(n int) int { return max(n, -n) }

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// oneOf says that got is not among known, with the closest known value if
// it looks like a typo.
func oneOf(got string, known []string) string {
	msg := fmt.Sprintf("%q is not one of %s", got, strings.Join(known, ", "))
	if s := suggest(got, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

// sortedKeys returns m's keys in order, for stable messages.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
