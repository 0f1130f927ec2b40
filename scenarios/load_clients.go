package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/clients"
	"github.com/kafka-chaos/kafka-chaos/workload/message"
)

// clientsSpec is a scenario's clients: section: applications that run as
// worker processes, by name from the files under profiles/. Consumer
// groups read topics of their own, fed by the input producer profile.
type clientsSpec struct {
	ProducerApps   []string      `yaml:"producer_apps"`
	MustDeliver    []string      `yaml:"must_deliver"`
	ConsumerGroups []string      `yaml:"consumer_groups"`
	Members        int           `yaml:"members"`
	Input          string        `yaml:"input"`
	InputExpect    *yaml.Node    `yaml:"input_expect"`
	Failures       failuresSpec  `yaml:"failures"`
	DrainTimeout   time.Duration `yaml:"drain_timeout"`
}

type failuresSpec struct {
	Rate        float64  `yaml:"rate"`
	MaxFailures int      `yaml:"max_failures"`
	PoisonIDs   []string `yaml:"poison_ids"`
}

// defaultClients: two members per group, the fewest a member fault can
// take one from; and 90s for the groups to catch up after production,
// which covers a rebalance after a member's 6s session.
func defaultClients() clientsSpec {
	return clientsSpec{Members: 2, DrainTimeout: 90 * time.Second}
}

// groupOnly are the clients fields that describe consumer groups.
var groupOnly = []string{"members", "input", "input_expect", "failures", "drain_timeout"}

// clients resolves the scenario's applications against the library.
func (d *decoder) clients(c clientsSpec, at map[string]*yaml.Node, entry *yaml.Node, lib library) clients.Spec {
	if at["clients"] == nil {
		return clients.Spec{}
	}
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	out := clients.Spec{
		Producers:   refs(d, at["clients.producer_apps"], "clients.producer_apps", kindApp, lib.apps, lib),
		MustDeliver: c.MustDeliver,
		Consumers:   refs(d, at["clients.consumer_groups"], "clients.consumer_groups", kindGroup, lib.groups, lib),
	}
	if n := at["clients.must_deliver"]; n != nil {
		for _, it := range n.Content {
			if !slices.Contains(c.ProducerApps, it.Value) {
				d.fail(it.Line, "clients.must_deliver", "%q is not among this scenario's producer_apps (%s): add it there, or remove it here", it.Value, strings.Join(c.ProducerApps, ", "))
			}
		}
	}
	if at["clients.consumer_groups"] == nil {
		if at["clients.producer_apps"] == nil {
			fail("clients", "names no application: list producer_apps, consumer_groups or both, e.g. clients: {producer_apps: [safe-client]}")
		}
		for _, f := range groupOnly {
			if at["clients."+f] != nil {
				fail("clients."+f, "applies to consumer groups only: add clients.consumer_groups, or remove it")
			}
		}
		return out
	}
	out.Members, out.DrainTimeout = c.Members, c.DrainTimeout
	out.Failures = schema.Failures{Rate: c.Failures.Rate, MaxFailures: c.Failures.MaxFailures, IDs: c.Failures.PoisonIDs}
	if n := at["clients.input"]; n == nil {
		fail("clients.input", "missing: name the producer profile that feeds every consumer group's topic, e.g. input: safe-idempotent")
	} else if p, ok := ref(d, n, "clients.input", kindProfile, lib.profiles, lib); ok {
		out.Input = p
	}
	if n := c.InputExpect; n != nil {
		out.InputExpect = guaranteeList(d, n, "clients.input_expect", "the input producer", "leave input_expect out to measure it only", guarantees)
	}
	d.checkGroupLoad(out, c, at, entry)
	return out
}

// idRe is a message id: <topic's profile>-<9-digit sequence>
// (message.ID); a consumer group's input is named after the group.
var idRe = regexp.MustCompile(`^(.+)-[0-9]{9}$`)

// checkGroupLoad reports group sizes, injected failures and drain
// timeouts that cannot run or would inject nothing.
func (d *decoder) checkGroupLoad(c clients.Spec, spec clientsSpec, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	if c.Members < 1 {
		fail("clients.members", "0 members would consume nothing: use 1 or more, e.g. 2")
	}
	if c.DrainTimeout == 0 {
		fail("clients.drain_timeout", "0s stops the consumers before they catch up, and what they did not process shows as loss: use e.g. 90s")
	}
	f := c.Failures
	switch {
	case f.Rate > 1:
		fail("clients.failures.rate", "%v is above 1: it is the fraction of messages whose processing fails, e.g. 0.01 for 1%%", f.Rate)
	case f.Rate > 0 && f.MaxFailures == 0:
		fail("clients.failures.max_failures", "missing: a failing message fails its first 1 to max_failures attempts; without it rate %v fails none: e.g. max_failures: 5", f.Rate)
	case at["clients.failures.rate"] == nil && f.MaxFailures > 0:
		fail("clients.failures.rate", "missing: max_failures %d applies to a fraction of messages that rate gives: e.g. rate: 0.01", f.MaxFailures)
	}
	if n := at["clients.failures.poison_ids"]; n != nil {
		example := message.ID("my-group", 100)
		if len(spec.ConsumerGroups) > 0 {
			example = message.ID(spec.ConsumerGroups[0], 100)
		}
		for _, it := range n.Content {
			m := idRe.FindStringSubmatch(it.Value)
			if m == nil || !slices.Contains(spec.ConsumerGroups, m[1]) {
				d.fail(it.Line, "clients.failures.poison_ids", "%q is no message of this scenario's consumer groups: an id is <group>-<9-digit sequence>, e.g. %s", it.Value, example)
			}
		}
	}
}

// checkClientFault reports a client fault the scenario's clients cannot
// take: it acts on consumer group members.
func (d *decoder) checkClientFault(s runner.Scenario, at map[string]*yaml.Node, entry *yaml.Node) {
	if _, ok := s.Fault.(faults.ProducerClientFault); ok && !slices.ContainsFunc(s.Profiles, func(p schema.Profile) bool { return p.Client == schema.JavaClient }) {
		d.fail(lineOf(at, "fault", entry), "fault.type", "%s kills producer processes, and only the Java client's profiles run as processes of their own: add a client: java profile, e.g. java-safe-idempotent", s.Fault.Name())
	}
	if _, ok := s.Fault.(faults.ClientFault); !ok {
		return
	}
	switch _, member := s.Fault.(*faults.MemberFault); {
	case len(s.Clients.Consumers) == 0 && at["clients.consumer_groups"] == nil:
		d.fail(lineOf(at, "fault", entry), "fault.type", "%s acts on consumer group members: add clients: {consumer_groups: [...], input: <profile>}", s.Fault.Name())
	case member && s.Clients.Members == 1:
		d.fail(lineOf(at, "clients.members", entry), "clients.members", "1: %s takes the oldest member while the rest of its group takes over its partitions: use 2 or more", s.Fault.Name())
	}
}

// refs resolves the names of list, the field path, against the library's
// definitions of kind, known.
func refs[T any](d *decoder, list *yaml.Node, path, kind string, known map[string]T, lib library) []T {
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil // missing is for the caller to judge; a non-list was reported by the decoder
	}
	if len(list.Content) == 0 {
		d.fail(list.Line, path, "is empty: list at least one %s", nouns[kind])
	}
	var out []T
	var seen []string
	for _, it := range list.Content {
		switch v, ok := ref(d, it, path, kind, known, lib); {
		case !ok:
		case slices.Contains(seen, it.Value):
			d.fail(it.Line, path, "%q is listed twice: keep one", it.Value)
		default:
			seen = append(seen, it.Value)
			out = append(out, v)
		}
	}
	return out
}

// ref resolves one name.
func ref[T any](d *decoder, n *yaml.Node, path, kind string, known map[string]T, lib library) (T, bool) {
	v, ok := known[n.Value]
	switch other := lib.kindOf(n.Value); {
	case n.Kind != yaml.ScalarNode || ok:
	case other != "":
		d.fail(n.Line, path, "%q is a %s (under %s:), not a %s", n.Value, nouns[other], other, nouns[kind])
	default:
		msg := oneOf(n.Value, sortedKeys(known)) + ": define it in a file under profiles/"
		if kind != kindProfile {
			msg += fmt.Sprintf(", in a %s: list", kind)
		}
		d.fail(n.Line, path, "%s", msg)
	}
	return v, ok && n.Kind == yaml.ScalarNode
}
