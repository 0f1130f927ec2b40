package scenarios

import (
	"errors"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/faults"
	"github.com/kafka-chaos/kafka-chaos/runner"
)

// fault builds the scenario's fault from its mapping: type names the
// registered fault, every other key is one of its parameters.
func (d *decoder) fault(n, entry *yaml.Node, c clusterSpec) faults.Fault {
	if n == nil {
		d.fail(entry.Line, "fault", "missing: name the fault, e.g. fault: {type: leader-kill}")
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, "fault", "is %s: write a mapping such as {type: power-loss, target: all}", describe(n))
		return nil
	}
	var typ *yaml.Node
	params := faults.Params{}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := "fault." + k.Value
		if _, dup := lines[k.Value]; dup {
			d.fail(k.Line, path, "given twice (also at line %d): keep one", lines[k.Value])
			continue
		}
		lines[k.Value] = k.Line
		if k.Value == "type" {
			typ = v
			continue
		}
		if val, msg := paramValue(v); msg != "" {
			d.fail(v.Line, path, "%s", msg)
		} else {
			params[k.Value] = val
		}
	}
	types := faults.Types()
	switch {
	case typ == nil:
		d.fail(n.Line, "fault.type", "missing: use one of %s", strings.Join(types, ", "))
		return nil
	case typ.Kind != yaml.ScalarNode || !slices.Contains(types, typ.Value):
		d.fail(typ.Line, "fault.type", "%s", oneOf(typ.Value, types))
		return nil
	}
	// Unknown parameters are reported here, with a suggestion, rather
	// than by the registry, which only lists the known ones.
	known, _ := faults.ParamNames(typ.Value)
	for name := range params {
		if !slices.Contains(known, name) {
			d.fail(lines[name], "fault."+name, "%s takes no such parameter: %s", typ.Value, oneOf(name, known))
			delete(params, name)
		}
	}
	report := func(err error) {
		for _, e := range unjoin(err) {
			if pe := (*faults.ParamError)(nil); errors.As(e, &pe) {
				line := lines[pe.Param]
				if line == 0 {
					line = typ.Line
				}
				d.fail(line, "fault."+pe.Param, "%v", pe.Err)
			} else {
				d.fail(n.Line, "fault", "%v", e)
			}
		}
	}
	f, err := faults.Build(typ.Value, params)
	report(err)
	// A fault whose parameters depend on the release the cluster starts
	// on (a rolling upgrade's target) is checked against it.
	if cc, ok := f.(faults.ClusterChecker); ok {
		version := c.KafkaVersion
		if version == "" {
			version = cluster.KafkaVersionFromEnv()
		}
		report(cc.CheckCluster(version, cluster.DefaultKafkaVersion))
	}
	// A power cut only drops what sits unsynced on the lossy filesystem,
	// and only that filesystem can fill up on demand: on a plain disk these
	// faults take no effect and the run proves nothing. A disk replacement
	// empties the data log directory alone: holding the metadata log too,
	// it would take the node's identity and its copy of the metadata with
	// it, which a replaced data disk does not.
	switch f.(type) {
	case *faults.PowerLoss, *faults.DiskFull:
		if !c.LossyFS {
			d.fail(typ.Line, "fault.type", "%s needs the lossy filesystem: add cluster: {lossy_fs: true}", typ.Value)
		}
	case *faults.DiskReplace:
		if c.MetadataDir != metadataSeparate {
			d.fail(typ.Line, "fault.type", "%s needs the metadata log in a directory of its own, which the replaced data disk leaves alone: add cluster: {metadata_dir: %s}", typ.Value, metadataSeparate)
		}
	case *faults.BrokerReplace:
		if c.Quorum != quorumDynamic {
			d.fail(typ.Line, "fault.type", "%s replaces a controller, which a static voter set cannot take safely: add cluster: {quorum: %s}", typ.Value, quorumDynamic)
		}
	}
	return f
}

// checkReplicationFault reports every topic the scenario writes whose
// replication factor its fault cannot act on: a reassignment needs a
// node to move to, a preferred election a second replica.
func (d *decoder) checkReplicationFault(s runner.Scenario, at map[string]*yaml.Node, entry *yaml.Node) {
	rc, ok := s.Fault.(faults.ReplicationChecker)
	if !ok {
		return
	}
	for _, p := range writers(s) {
		if err := rc.CheckReplicationFactor(p.ReplicationFactor); err != nil {
			d.fail(lineOf(at, "profiles", entry), "profiles", "%s: %v (the profiles of profiles/rf2.yaml have 2)", p.Name, err)
		}
	}
}

// paramValue converts a parameter's node to the Go value faults.Build
// takes, or says why it cannot.
func paramValue(n *yaml.Node) (any, string) {
	switch n.Kind {
	case yaml.ScalarNode:
		var v any = n.Value
		switch n.ShortTag() {
		case "!!null":
			return nil, "has no value: write one, or remove the parameter to take the default"
		case "!!int":
			var i int
			if n.Decode(&i) == nil {
				v = i
			}
		case "!!bool", "!!float":
			// Left to the registry to refuse where a duration or a word
			// is needed ("1.5 is not a duration").
			_ = n.Decode(&v)
		}
		return v, ""
	case yaml.SequenceNode:
		items := make([]any, 0, len(n.Content))
		for _, it := range n.Content {
			if it.Kind != yaml.ScalarNode {
				return nil, "lists of fault parameters hold single values"
			}
			items = append(items, it.Value)
		}
		return items, ""
	}
	return nil, "is " + describe(n) + ": fault parameters are single values or lists"
}

// unjoin flattens joined errors, however deeply nested.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, unjoin(e)...)
	}
	return out
}
