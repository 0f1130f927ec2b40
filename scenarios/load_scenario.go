package scenarios

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/runner"
	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/verify"
)

// scenarioSpec is a scenario as written in *.yaml. The fault and the
// expectations stay nodes: their keys are fault parameters and profile
// names, checked against the registry and the profiles.
type scenarioSpec struct {
	Name     string       `yaml:"name"`
	Labels   []string     `yaml:"labels"`
	Fault    *yaml.Node   `yaml:"fault"`
	Cluster  clusterSpec  `yaml:"cluster"`
	Workload workloadSpec `yaml:"workload"`
	Profiles []string     `yaml:"profiles"`
	Expect   *yaml.Node   `yaml:"expect"`
}

type clusterSpec struct {
	KafkaVersion string            `yaml:"kafka_version"`
	LossyFS      bool              `yaml:"lossy_fs"`
	Settings     map[string]string `yaml:"settings"`
}

type workloadSpec struct {
	Rate           int           `yaml:"rate"`
	MessageBytes   int           `yaml:"message_bytes"`
	Partitions     int           `yaml:"partitions"`
	Warmup         time.Duration `yaml:"warmup"`
	Lead           time.Duration `yaml:"lead"`
	Hold           time.Duration `yaml:"hold"`
	After          time.Duration `yaml:"after"`
	MinExposure    int           `yaml:"min_exposure"`
	RecoverTimeout time.Duration `yaml:"recover_timeout"`
}

// defaultWorkload is the load of most single-fault scenarios: 400 msg/s
// per profile puts well over min_exposure messages of every async profile
// into a 6 s fault window (after the fault's effect was seen), and the 90 s recovery allows
// for a controller failover plus a full ISR catch-up. Warm-up and after
// are as short as a steady state allows: they are paid by every scenario.
func defaultWorkload() workloadSpec {
	return workloadSpec{
		Rate: 400, MessageBytes: 256, Partitions: 3, Warmup: 2 * time.Second, Lead: time.Second,
		Hold: 6 * time.Second, After: 2 * time.Second, MinExposure: verify.DefaultMinExposure, RecoverTimeout: 90 * time.Second,
	}
}

// guarantees are the names files use for verify's guarantees.
var guarantees = map[string]schema.Guarantee{
	"no-acked-loss":              schema.NoAckedLoss,
	"no-believed-loss":           schema.NoBelievedLoss,
	"no-duplicates":              schema.NoDuplicates,
	"no-present-although-failed": schema.NoPresentAlthoughFailed,
	"no-reordering":              schema.NoReordering,
}

type parsedScenario struct {
	scenario runner.Scenario
	line     int
}

// scenarioFile returns the file's scenarios, with their problems reported.
func (d *decoder) scenarioFile(data []byte, library map[string]schema.Profile) []parsedScenario {
	var out []parsedScenario
	for _, n := range d.entries(data, "scenarios") {
		spec := scenarioSpec{Workload: defaultWorkload()}
		at := map[string]*yaml.Node{}
		d.fields(n, "", reflect.ValueOf(&spec).Elem(), at)
		w, c := spec.Workload, spec.Cluster
		s := runner.Scenario{
			Name: spec.Name, Labels: spec.Labels,
			Rate: w.Rate, Size: w.MessageBytes, Partitions: w.Partitions,
			Warmup: w.Warmup, Lead: w.Lead, Hold: w.Hold, After: w.After,
			MinExposure: w.MinExposure, RecoverTimeout: w.RecoverTimeout,
			Cluster: runner.ClusterSpec{KafkaVersion: c.KafkaVersion, Settings: c.Settings, LossyFS: c.LossyFS},
		}
		d.checkName(s.Name, at, n, "scenario")
		d.checkLabels(at["labels"])
		s.Fault = d.fault(spec.Fault, n, c.LossyFS)
		s.Profiles = d.profileRefs(at["profiles"], n, library)
		s.Expect = d.expect(spec.Expect, spec.Profiles)
		d.checkWorkload(s, at, n)
		d.checkCluster(c, at, n)
		out = append(out, parsedScenario{s, n.Line})
	}
	return out
}

// labelRe keeps labels usable in make chaos LABELS=...: Ginkgo refuses
// & | ! , ( ) / in a label and gives : a meaning of its own.
var labelRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (d *decoder) checkLabels(list *yaml.Node) {
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	seen := map[string]bool{}
	for _, it := range list.Content {
		switch {
		case it.Kind != yaml.ScalarNode:
		case !labelRe.MatchString(it.Value):
			d.fail(it.Line, "labels", "%q cannot be a label: Ginkgo reserves & | ! , ( ) / and : in labels; use letters, digits, '.', '_' or '-'", it.Value)
		case seen[it.Value]:
			d.fail(it.Line, "labels", "%q is listed twice: keep one", it.Value)
		}
		seen[it.Value] = true
	}
}

// profileRefs resolves the profile names of list against the library.
func (d *decoder) profileRefs(list, entry *yaml.Node, library map[string]schema.Profile) []schema.Profile {
	if list == nil {
		d.fail(entry.Line, "profiles", "missing: list the profiles to compare, e.g. profiles: [acks1-async, safe-idempotent]")
		return nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil // reported by the decoder
	}
	if len(list.Content) == 0 {
		d.fail(list.Line, "profiles", "is empty: list at least one profile")
	}
	var out []schema.Profile
	for _, it := range list.Content {
		p, ok := library[it.Value]
		switch {
		case it.Kind != yaml.ScalarNode:
		case !ok:
			d.fail(it.Line, "profiles", "%s: define it in a file under profiles/", oneOf(it.Value, sortedKeys(library)))
		case slices.ContainsFunc(out, func(q schema.Profile) bool { return q.Name == p.Name }):
			d.fail(it.Line, "profiles", "%q is listed twice: keep one", p.Name)
		default:
			out = append(out, p)
		}
	}
	return out
}

// expect decodes profile name -> guarantee names.
func (d *decoder) expect(n *yaml.Node, profiles []string) map[string]schema.Expectation {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, "expect", "is %s: write a mapping of profile: [guarantees], e.g. {safe-idempotent: [no-acked-loss]}", describe(n))
		return nil
	}
	names := sortedKeys(guarantees)
	out := map[string]schema.Expectation{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := "expect." + k.Value
		_, dup := out[k.Value]
		switch {
		case !slices.Contains(profiles, k.Value):
			d.fail(k.Line, path, "%q is not among this scenario's profiles (%s): add it to profiles, or remove the entry", k.Value, strings.Join(profiles, ", "))
			continue
		case dup:
			d.fail(k.Line, path, "given twice: keep one")
			continue
		case v.Kind != yaml.SequenceNode || len(v.Content) == 0:
			d.fail(v.Line, path, "is %s: list what the profile promises, e.g. [no-acked-loss]; a profile that promises nothing has no entry", describe(v))
			continue
		}
		e := schema.Expectation{}
		for _, it := range v.Content {
			g, ok := guarantees[it.Value]
			switch {
			case it.Kind != yaml.ScalarNode || !ok:
				d.fail(it.Line, path, "%s", oneOf(it.Value, names))
			case e.Has(g):
				d.fail(it.Line, path, "%q is listed twice: keep one", it.Value)
			default:
				e = append(e, g)
			}
		}
		out[k.Value] = e
	}
	return out
}

// recordOverhead bounds what a record adds to its value in a batch: its
// varint lengths, offset and timestamp deltas, and the harness's key.
const recordOverhead = 64

// checkWorkload reports a load that cannot run or cannot prove anything.
func (d *decoder) checkWorkload(s runner.Scenario, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	if s.Rate < 1 {
		fail("workload.rate", "0 messages per second per profile: use 1 or more, e.g. 400")
	}
	if s.Partitions < 1 {
		fail("workload.partitions", "0 partitions: use 1 or more, e.g. 3")
	}
	// Every value starts with its id, <profile>-<9-digit seq>|, which the
	// auditor parses back; a shorter message would cut it.
	need := 32
	for _, p := range s.Profiles {
		need = max(need, len(p.Name)+11)
	}
	if s.Size < need {
		fail("workload.message_bytes", "%d bytes cannot hold each message's id (<profile>-<sequence>|): use %d or more", s.Size, need)
	}
	// sarama refuses a message whose record, header included, exceeds the
	// batch cap: every send would fail.
	for _, p := range s.Profiles {
		if limit := p.Batching.MaxMessageBytes; limit > 0 && s.Size+recordOverhead > limit {
			fail("workload.message_bytes", "%d bytes do not fit in profile %s's batches (max_message_bytes %d, of which a record's header takes up to %d): lower message_bytes, or raise the profile's max_message_bytes", s.Size, p.Name, limit, recordOverhead)
		}
	}
	if s.Hold == 0 {
		fail("workload.hold", "0s would heal the fault as soon as it is injected: use e.g. 10s")
	}
	if s.RecoverTimeout == 0 {
		fail("workload.recover_timeout", "0s leaves the cluster no time to recover: use e.g. 90s")
	}
	// An upper bound: one profile at full rate through the whole hold.
	if most := float64(s.Rate) * s.Hold.Seconds(); float64(s.MinExposure) > most {
		fail("workload.min_exposure", "%d can never be reached: a profile at %d msg/s for %s attempts at most %.0f during the fault; lower min_exposure, or raise rate or hold", s.MinExposure, s.Rate, s.Hold, most)
	}
	if s.MinExposure < 1 {
		fail("workload.min_exposure", "%d would let a profile the fault never touched pass: use e.g. %d", s.MinExposure, verify.DefaultMinExposure)
	}
}

// versionRe is a full Kafka release version: images are tagged x.y.z.
var versionRe = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)

func (d *decoder) checkCluster(c clusterSpec, at map[string]*yaml.Node, entry *yaml.Node) {
	if c.KafkaVersion != "" && !versionRe.MatchString(c.KafkaVersion) {
		d.fail(lineOf(at, "cluster.kafka_version", entry), "cluster.kafka_version", "%q is not a full Kafka version: write x.y.z in quotes, e.g. \"3.9.1\", or leave it out for the pinned version", c.KafkaVersion)
	}
}
