package consumer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// Group runs a consumer group application as worker processes, one per
// member, all sharing the group's effect store.
type Group struct {
	bin      string
	dir      string
	template worker.Spec
	mu       sync.Mutex
	members  []*worker.Process
}

// NewGroup prepares a group. template is every member's spec but for Name,
// Ledger and Txns (an in-transaction group's template names its Output);
// the effect store goes to dir.
func NewGroup(bin, dir string, template worker.Spec) *Group {
	template.Role = worker.RoleConsume
	template.Effects = filepath.Join(dir, template.Consumer.Name+".effects.jsonl")
	return &Group{bin: bin, dir: dir, template: template}
}

// ID is the consumer group id.
func (g *Group) ID() string { return g.template.Group }

// Spec returns the members' common spec.
func (g *Group) Spec() worker.Spec { return g.template }

// Start starts one more member.
func (g *Group) Start() (*worker.Process, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.template
	s.Name = fmt.Sprintf("%s-m%d", s.Consumer.Name, len(g.members)+1)
	s.Ledger = filepath.Join(g.dir, s.Name+".jsonl")
	if s.Consumer.Commit == schema.InTransaction {
		s.Txns = filepath.Join(g.dir, s.Name+".txns.jsonl")
	}
	w, err := worker.Start(g.bin, s)
	if err != nil {
		return nil, err
	}
	g.members = append(g.members, w)
	return w, nil
}

// Members returns every member ever started, oldest first.
func (g *Group) Members() []*worker.Process {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*worker.Process(nil), g.members...)
}

// Live returns the members whose process has not exited, oldest first.
func (g *Group) Live() []*worker.Process {
	var out []*worker.Process
	for _, w := range g.Members() {
		if !w.Exited() {
			out = append(out, w)
		}
	}
	return out
}

// Member returns the member with that name, or nil.
func (g *Group) Member(name string) *worker.Process {
	for _, w := range g.Members() {
		if w.Name() == name {
			return w
		}
	}
	return nil
}

// Stop ends every live member with SIGTERM (SIGKILL after timeout), all at
// once.
func (g *Group) Stop(timeout time.Duration) { worker.StopAll(g.Live(), timeout) }

// Kill SIGKILLs every live member.
func (g *Group) Kill() { worker.StopAll(g.Live(), 0) }

// Err reports members that failed on their own.
func (g *Group) Err() error { return workersErr(g.Members()) }

// Events returns every member's events, member by member.
func (g *Group) Events() ([]MemberEvent, error) {
	var out []MemberEvent
	for _, w := range g.Members() {
		err := worker.ReadJournal(w.Spec.Ledger, func(e MemberEvent) { out = append(out, e) })
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	return out, nil
}

// Txns returns every transaction of an in-transaction group's members,
// member by member.
func (g *Group) Txns() ([]TxnRecord, error) { return ReadTxns(g.txnJournals()...) }

func (g *Group) txnJournals() []string {
	var out []string
	for _, w := range g.Members() {
		if w.Spec.Txns != "" {
			out = append(out, w.Spec.Txns)
		}
	}
	return out
}

// Effects returns the group's effect store.
func (g *Group) Effects() ([]Effect, error) { return ReadEffects(g.template.Effects) }

// Activity is the total size of the group's ledgers: it stops growing
// once no member processes, retries or reports anything.
func (g *Group) Activity() int64 {
	var n int64
	paths := append([]string{g.template.Effects}, worker.Ledgers(g.Members())...)
	for _, p := range append(paths, g.txnJournals()...) {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}

func workersErr(ws []*worker.Process) error {
	var errs []error
	for _, w := range ws {
		errs = append(errs, w.Err())
	}
	return errors.Join(errs...)
}
