package faults

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Member is one member process of a scenario's consumer groups. Its name is
// also its client id, which is how the group coordinator lists it.
type Member struct {
	Group string `json:"group"`
	Name  string `json:"name"`
}

// Members is the consumer side of a scenario: the member processes of
// every consumer group. The runner implements it.
type Members interface {
	Groups() []string
	// Live returns the members whose process has not exited, oldest
	// first (a stopped process is live).
	Live() []Member
	// Join starts one more member in every group.
	Join(ctx context.Context) ([]Member, error)
	// Signal sends sig to a member's process.
	Signal(m Member, sig syscall.Signal) error
	// GroupErrors counts the errors a group's members reported so far.
	GroupErrors(group string) (int, error)
}

// ClientFault is a fault that acts on consumer group members; the runner
// binds the scenario's members before Prepare.
type ClientFault interface {
	Fault
	BindMembers(Members)
}

// ErrNoMembers: a client fault ran in a scenario without consumer groups.
var ErrNoMembers = errors.New("no consumer group members bound: the scenario runs no consumer applications")

// MemberAction is one thing done to every consumer group at once.
type MemberAction string

const (
	// Join starts a new member: a forced rebalance.
	Join MemberAction = "join"
	// Leave SIGTERMs the oldest member, which leaves the group cleanly.
	Leave MemberAction = "leave"
	// Crash SIGKILLs the oldest member: no leave, the coordinator evicts
	// it when its session times out.
	Crash MemberAction = "crash"
	// Stall SIGSTOPs the oldest member: heartbeats and processing freeze
	// past the session and rebalance timeouts (max.poll.interval.ms) until
	// Heal sends SIGCONT.
	Stall MemberAction = "stall"
)

var actionSignal = map[MemberAction]syscall.Signal{Leave: syscall.SIGTERM, Crash: syscall.SIGKILL, Stall: syscall.SIGSTOP}

// MemberFault applies its actions in order to every consumer group at the
// same instant, and took effect once each group's coordinator shows the
// change with the group stable again.
type MemberFault struct {
	Actions []MemberAction `json:"actions"`
	// Replace starts one new member per group on heal for every member
	// that left or crashed, so the group gets back to its size.
	Replace bool `json:"replace"`
	// EffectTimeout bounds the wait for each action's effect; a crash or
	// a stall takes a session timeout to show.
	EffectTimeout time.Duration `json:"effect_timeout_ns"`

	members Members
	stalled []Member
	gone    int
}

// NewMemberCrash: the oldest member of every group is SIGKILLed, and a
// replacement started on heal.
func NewMemberCrash() *MemberFault {
	return &MemberFault{Actions: []MemberAction{Crash}, Replace: true, EffectTimeout: 30 * time.Second}
}

// NewMemberStall: the oldest member of every group is SIGSTOPped until heal.
func NewMemberStall() *MemberFault {
	return &MemberFault{Actions: []MemberAction{Stall}, EffectTimeout: 30 * time.Second}
}

// NewRebalance: a member joins every group, then the oldest leaves cleanly.
func NewRebalance() *MemberFault {
	return &MemberFault{Actions: []MemberAction{Join, Leave}, EffectTimeout: 30 * time.Second}
}

// Name implements Fault.
func (f *MemberFault) Name() string {
	parts := make([]string, len(f.Actions))
	for i, a := range f.Actions {
		parts[i] = string(a)
	}
	return "member-" + strings.Join(parts, "-")
}

// BindMembers implements ClientFault.
func (f *MemberFault) BindMembers(m Members) { f.members = m }

// Prepare checks that every group has a member to spare.
func (f *MemberFault) Prepare(ctx context.Context, env Env) error {
	if f.members == nil {
		return fmt.Errorf("%s: %w", f.Name(), ErrNoMembers)
	}
	for _, g := range f.members.Groups() {
		if n := len(membersOf(f.members.Live(), g)); n < 2 {
			return fmt.Errorf("%s: group %s has %d live members: a rebalance needs at least 2", f.Name(), g, n)
		}
	}
	return nil
}

// Inject implements Fault.
func (f *MemberFault) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Description: fmt.Sprintf("%v applied to every consumer group at once", f.Actions)}
	for _, a := range f.Actions {
		var changed []Member
		var err error
		if a == Join {
			changed, err = f.members.Join(ctx)
		} else {
			changed, err = f.signalOldest(a)
		}
		if err != nil {
			return eff, fmt.Errorf("%s: %s: %w", f.Name(), a, err)
		}
		env.logf("fault %s: %s %v", f.Name(), a, changed)
		obs, err := WaitGroups(ctx, env.Groups, f.members.Groups(), f.EffectTimeout, func(g schema.GroupState) bool {
			listed := slices.ContainsFunc(changed, func(m Member) bool { return m.Group == g.Group && slices.Contains(g.Clients, m.Name) })
			return g.State == "Stable" && listed == (a == Join)
		})
		eff.Observed = append(eff.Observed, prefix(string(a)+": ", obs)...)
		if err != nil {
			return eff, fmt.Errorf("%s: %s: %w", f.Name(), a, err)
		}
	}
	return eff, nil
}

func (f *MemberFault) signalOldest(a MemberAction) ([]Member, error) {
	live := f.members.Live()
	var victims []Member
	for _, g := range f.members.Groups() {
		ms := membersOf(live, g)
		if len(ms) == 0 {
			return nil, fmt.Errorf("group %s has no live member", g)
		}
		if err := f.members.Signal(ms[0], actionSignal[a]); err != nil {
			return nil, err
		}
		victims = append(victims, ms[0])
	}
	switch a {
	case Stall:
		f.stalled = append(f.stalled, victims...)
	default:
		f.gone++
	}
	return victims, nil
}

// Heal resumes stalled members and replaces those that left.
func (f *MemberFault) Heal(ctx context.Context, env Env) error {
	var errs []error
	for _, m := range f.stalled {
		errs = append(errs, f.members.Signal(m, syscall.SIGCONT))
	}
	f.stalled = nil
	for ; f.Replace && f.gone > 0; f.gone-- {
		_, err := f.members.Join(ctx)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func membersOf(ms []Member, group string) []Member {
	return slices.DeleteFunc(slices.Clone(ms), func(m Member) bool { return m.Group != group })
}

func prefix(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

// WaitGroups polls the coordinators until cond holds for every group and
// returns each group's state and members as last seen. On timeout the
// error wraps ErrNoEffect.
func WaitGroups(ctx context.Context, gs Groups, groups []string, timeout time.Duration, cond func(schema.GroupState) bool) ([]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		ds, err := gs.DescribeGroups(groups)
		var obs []string
		ok := err == nil && len(ds) == len(groups)
		for _, g := range ds {
			obs = append(obs, fmt.Sprintf("group %s: %s, members %v", g.Group, g.State, g.Clients))
			ok = ok && cond(g)
		}
		if ok {
			return obs, nil
		}
		if time.Now().After(deadline) {
			return obs, fmt.Errorf("%w: groups not as expected within %s (last: %v, error %v)", ErrNoEffect, timeout, obs, err)
		}
		if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
			return obs, err
		}
	}
}

// CommitCut cuts the client link to the node coordinating every consumer
// group, which is not the node leading the scenario partitions: offset
// commits (and heartbeats, which sarama sends to the same node) fail while
// fetching from the leader still works. Processing goes on until the
// member's session gives up; what it processed since its last successful
// commit is delivered again after the heal (C2).
type CommitCut struct {
	// EffectTimeout bounds the wait for every group to report an error.
	EffectTimeout time.Duration `json:"effect_timeout_ns"`

	members     Members
	coordinator int
}

// NewCommitCut returns the commit-path cut.
func NewCommitCut() *CommitCut { return &CommitCut{EffectTimeout: 30 * time.Second} }

// Name implements Fault.
func (f *CommitCut) Name() string { return "commit-path-cut" }

// BindMembers implements ClientFault.
func (f *CommitCut) BindMembers(m Members) { f.members = m }

// Prepare finds the one coordinator of every group.
func (f *CommitCut) Prepare(ctx context.Context, env Env) error {
	if f.members == nil {
		return fmt.Errorf("%s: %w", f.Name(), ErrNoMembers)
	}
	leader, err := scenarioLeader(env)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	if f.coordinator, err = oneCoordinator("group", f.members.Groups(), leader, env.Groups.Coordinator); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}

// Inject cuts the link and waits until every group reports errors.
func (f *CommitCut) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	eff := schema.FaultEffect{Target: []int{f.coordinator}, Description: fmt.Sprintf("client link to node %d, coordinator of every consumer group, cut", f.coordinator)}
	before := map[string]int{}
	for _, g := range f.members.Groups() {
		n, err := f.members.GroupErrors(g)
		if err != nil {
			return eff, fmt.Errorf("%s: %w", f.Name(), err)
		}
		before[g] = n
	}
	if err := env.Links.Cut(clientLink(f.coordinator)); err != nil {
		return eff, fmt.Errorf("%s: %w", f.Name(), err)
	}
	deadline := time.Now().Add(f.EffectTimeout)
	for _, g := range f.members.Groups() {
		for {
			n, err := f.members.GroupErrors(g)
			if err != nil {
				return eff, fmt.Errorf("%s: %w", f.Name(), err)
			}
			if n > before[g] {
				eff.Observed = append(eff.Observed, fmt.Sprintf("group %s: %d errors reported since the cut", g, n-before[g]))
				break
			}
			if time.Now().After(deadline) {
				return eff, fmt.Errorf("%s: %w: group %s reported no error within %s", f.Name(), ErrNoEffect, g, f.EffectTimeout)
			}
			if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
				return eff, err
			}
		}
	}
	return eff, nil
}

// Heal restores every link.
func (f *CommitCut) Heal(ctx context.Context, env Env) error {
	if err := env.Links.Heal(); err != nil {
		return fmt.Errorf("%s: %w", f.Name(), err)
	}
	return nil
}
