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
// expectations stay nodes: their keys are fault parameters and the names
// of profiles, producer apps and consumer groups, checked against the
// registry and the library.
type scenarioSpec struct {
	Name     string       `yaml:"name"`
	Labels   []string     `yaml:"labels"`
	Fault    *yaml.Node   `yaml:"fault"`
	Cluster  clusterSpec  `yaml:"cluster"`
	Workload workloadSpec `yaml:"workload"`
	Profiles []string     `yaml:"profiles"`
	Clients  clientsSpec  `yaml:"clients"`
	Expect   *yaml.Node   `yaml:"expect"`
}

type clusterSpec struct {
	KafkaVersion string            `yaml:"kafka_version"`
	LossyFS      bool              `yaml:"lossy_fs"`
	MetadataDir  string            `yaml:"metadata_dir"`
	Quorum       string            `yaml:"quorum"`
	Settings     map[string]string `yaml:"settings"`
}

// metadataSeparate is the cluster.metadata_dir that puts every node's
// metadata log in a directory of its own.
const metadataSeparate = "separate"

// quorumDynamic is the cluster.quorum that formats the controllers as a
// dynamic quorum (KIP-853), whose voter set can change.
const quorumDynamic = "dynamic"

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

// consumerGuarantees are the names files use for verify's consumer
// guarantees.
var consumerGuarantees = map[string]schema.ConsumerGuarantee{
	"no-processing-loss":   schema.NoProcessingLoss,
	"no-duplicate-effects": schema.NoDuplicateEffects,
	"single-outcome":       schema.SingleOutcome,
}

type parsedScenario struct {
	scenario runner.Scenario
	line     int
}

// scenarioFile returns the file's scenarios, with their problems reported.
func (d *decoder) scenarioFile(data []byte, lib library) []parsedScenario {
	var out []parsedScenario
	for _, n := range d.entries(data, "scenarios") {
		spec := scenarioSpec{Workload: defaultWorkload(), Clients: defaultClients()}
		at := map[string]*yaml.Node{}
		d.fields(n, "", reflect.ValueOf(&spec).Elem(), at)
		w, c := spec.Workload, spec.Cluster
		s := runner.Scenario{
			Name: spec.Name, Labels: spec.Labels,
			Rate: w.Rate, Size: w.MessageBytes, Partitions: w.Partitions,
			Warmup: w.Warmup, Lead: w.Lead, Hold: w.Hold, After: w.After,
			MinExposure: w.MinExposure, RecoverTimeout: w.RecoverTimeout,
			Cluster: runner.ClusterSpec{
				KafkaVersion: c.KafkaVersion, Settings: c.Settings, LossyFS: c.LossyFS,
				SeparateMetadataDir: c.MetadataDir == metadataSeparate,
				DynamicQuorum:       c.Quorum == quorumDynamic,
			},
		}
		d.checkName(s.Name, at, n, "scenario")
		d.checkLabels(at["labels"])
		s.Fault = d.fault(spec.Fault, n, c)
		s.Profiles = d.profileRefs(at, n, lib)
		s.Clients = d.clients(spec.Clients, at, n, lib)
		s.Expect, s.Clients.ConsumerExpect, s.TxnExpect = d.expect(spec.Expect, spec, lib)
		d.checkClientFault(s, at, n)
		d.checkTxnFault(s, at, n)
		d.checkReplicationFault(s, at, n)
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

// profileRefs resolves the scenario's profiles against the library. Only
// a scenario of client applications may leave them out.
func (d *decoder) profileRefs(at map[string]*yaml.Node, entry *yaml.Node, lib library) []schema.Profile {
	if at["profiles"] == nil && at["clients"] == nil {
		d.fail(entry.Line, "profiles", "missing: list the profiles to compare, e.g. profiles: [acks1-async, safe-idempotent], or the applications under clients:")
	}
	return refs(d, at["profiles"], "profiles", kindProfile, lib.profiles, lib)
}

// expect decodes name -> guarantee names: producer guarantees for the
// scenario's profiles and producer apps, consumer guarantees for its
// consumer groups. Names are unique across the three (claim), so each
// entry has one meaning.
func (d *decoder) expect(n *yaml.Node, spec scenarioSpec, lib library) (map[string]schema.Expectation, map[string]schema.ConsumerExpectation, map[string]schema.TxnExpectation) {
	if n == nil {
		return nil, nil, nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, "expect", "is %s: write a mapping of profile: [guarantees], e.g. {safe-idempotent: [no-acked-loss]}", describe(n))
		return nil, nil, nil
	}
	producers := append(slices.Clone(spec.Profiles), spec.Clients.ProducerApps...)
	groups := spec.Clients.ConsumerGroups
	where, fix := "profiles", "add it to profiles"
	if len(spec.Clients.ProducerApps)+len(groups) > 0 {
		where, fix = "profiles, producer apps and consumer groups", "add it to profiles or clients"
	}
	var produce map[string]schema.Expectation
	var consume map[string]schema.ConsumerExpectation
	var txns map[string]schema.TxnExpectation
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := "expect." + k.Value
		switch {
		case seen[k.Value]:
			d.fail(k.Line, path, "given twice: keep one")
		case slices.Contains(producers, k.Value) && lib.profiles[k.Value].Transactions != nil:
			if produce == nil {
				produce, txns = map[string]schema.Expectation{}, map[string]schema.TxnExpectation{}
			}
			produce[k.Value], txns[k.Value] = txnGuaranteeList(d, v, path)
		case slices.Contains(producers, k.Value):
			if produce == nil {
				produce = map[string]schema.Expectation{}
			}
			produce[k.Value] = guaranteeList(d, v, path, "the "+nouns[kindProfile], "a profile that promises nothing has no entry", guarantees)
		case slices.Contains(groups, k.Value):
			if consume == nil {
				consume = map[string]schema.ConsumerExpectation{}
			}
			consume[k.Value] = guaranteeList(d, v, path, "the "+nouns[kindGroup], "a consumer group that promises nothing has no entry", consumerGuarantees)
		default:
			d.fail(k.Line, path, "%q is not among this scenario's %s (%s): %s, or remove the entry", k.Value, where, strings.Join(append(producers, groups...), ", "), fix)
		}
		seen[k.Value] = true
	}
	return produce, consume, txns
}

// txnGuaranteeList decodes a transactional profile's list, which may name
// producer guarantees (judged on what read_uncommitted reads) and
// transaction guarantees (on what read_committed reads); no-duplicates is
// both.
func txnGuaranteeList(d *decoder, v *yaml.Node, path string) (schema.Expectation, schema.TxnExpectation) {
	names := map[string]string{}
	for k := range guarantees {
		names[k] = k
	}
	for k := range schema.TxnGuaranteeNames {
		names[k] = k
	}
	var produce schema.Expectation
	var txn schema.TxnExpectation
	for _, name := range guaranteeList(d, v, path, "the transactional "+nouns[kindProfile], "a profile that promises nothing has no entry", names) {
		if g, ok := guarantees[name]; ok {
			produce = append(produce, g)
		}
		if g, ok := schema.TxnGuaranteeNames[name]; ok {
			txn = append(txn, g)
		}
	}
	return produce, txn
}

// guaranteeList decodes a non-empty list of the names of known, what who
// promises; none says what to write instead of an empty list.
func guaranteeList[G comparable](d *decoder, v *yaml.Node, path, who, none string, known map[string]G) []G {
	names := sortedKeys(known)
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		d.fail(v.Line, path, "is %s: list what %s promises, e.g. [%s]; %s", describe(v), who, names[0], none)
		return nil
	}
	var out []G
	for _, it := range v.Content {
		g, ok := known[it.Value]
		switch {
		case it.Kind != yaml.ScalarNode || !ok:
			d.fail(it.Line, path, "%s", oneOf(it.Value, names))
		case slices.Contains(out, g):
			d.fail(it.Line, path, "%q is listed twice: keep one", it.Value)
		default:
			out = append(out, g)
		}
	}
	return out
}

// writers returns the producer profiles of every topic the scenario
// writes: its profiles', its producer apps', and the input of each
// consumer group, named after the group as the runner names it.
func writers(s runner.Scenario) []schema.Profile {
	out := slices.Clone(s.Profiles)
	for _, a := range s.Clients.Producers {
		out = append(out, a.Profile)
	}
	for _, g := range s.Clients.Consumers {
		in := s.Clients.Input
		in.Name = g.Name
		out = append(out, in)
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
	for _, p := range writers(s) {
		need = max(need, len(p.Name)+11)
	}
	if s.Size < need {
		fail("workload.message_bytes", "%d bytes cannot hold each message's id (<profile>-<sequence>|): use %d or more", s.Size, need)
	}
	// sarama refuses a message whose record, header included, exceeds the
	// batch cap: every send would fail.
	for _, p := range writers(s) {
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
	if c.MetadataDir != "" && c.MetadataDir != metadataSeparate {
		d.fail(lineOf(at, "cluster.metadata_dir", entry), "cluster.metadata_dir", "%s: write %s for the metadata log in a directory of its own, or leave it out to keep it in the log directory",
			oneOf(c.MetadataDir, []string{metadataSeparate}), metadataSeparate)
	}
	if c.Quorum != "" && c.Quorum != quorumDynamic {
		d.fail(lineOf(at, "cluster.quorum", entry), "cluster.quorum", "%s: write %s for a dynamic controller quorum (KIP-853), or leave it out for static voters",
			oneOf(c.Quorum, []string{quorumDynamic}), quorumDynamic)
	}
}
