// Package message is the identity every message of a run carries at the
// head of its value: the in-process producers, the producer applications
// and the consumer groups write or read it, and the auditor recovers it
// from the value alone.
package message

import (
	"fmt"
	"strconv"
	"strings"
)

// ID is the id of message seq of a profile. The auditor recovers both from
// the value alone.
func ID(profile string, seq int64) string { return fmt.Sprintf("%s-%09d", profile, seq) }

// Parse returns the id and sequence number at the head of a value.
func Parse(v []byte) (id string, seq int64, err error) {
	s := string(v)
	if i := strings.IndexByte(s, '|'); i >= 0 {
		s = s[:i]
	}
	dash := strings.LastIndexByte(s, '-')
	if dash < 0 {
		return "", 0, fmt.Errorf("value %.40q carries no message id", v)
	}
	seq, err = strconv.ParseInt(s[dash+1:], 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("value %.40q: bad sequence number: %w", v, err)
	}
	return s, seq, nil
}
