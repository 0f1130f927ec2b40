package verify

import "cmp"

// maxExamples bounds the ids kept per anomaly: enough to start debugging,
// small enough to keep results.json readable.
const maxExamples = 5

type sample struct {
	seq int64
	id  string
}

func (s sample) less(t sample) bool {
	return cmp.Or(cmp.Compare(s.seq, t.seq), cmp.Compare(s.id, t.id)) < 0
}

// lowest keeps the maxExamples samples with the lowest (seq, id), so examples
// do not depend on the order records or entries arrive in.
type lowest []sample

func (l *lowest) add(seq int64, id string) {
	s := sample{seq, id}
	n := len(*l)
	if n == maxExamples {
		if !s.less((*l)[n-1]) {
			return
		}
		(*l)[n-1] = s
	} else {
		*l = append(*l, s)
		n++
	}
	for i := n - 1; i > 0 && (*l)[i].less((*l)[i-1]); i-- {
		(*l)[i], (*l)[i-1] = (*l)[i-1], (*l)[i]
	}
}

func (l lowest) ids() []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = s.id
	}
	return out
}

// exampleSet collects samples for every anomaly.
type exampleSet map[string]*lowest

func (e exampleSet) add(anomaly string, seq int64, id string) {
	l := e[anomaly]
	if l == nil {
		l = new(lowest)
		e[anomaly] = l
	}
	l.add(seq, id)
}

// result returns the ids per anomaly, or nil when there are none.
func (e exampleSet) result() map[string][]string {
	if len(e) == 0 {
		return nil
	}
	out := make(map[string][]string, len(e))
	for k, l := range e {
		out[k] = l.ids()
	}
	return out
}
