package scenarios

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decoder turns one file's YAML nodes into Go values. It walks the nodes
// itself instead of decoding with yaml.Decoder.KnownFields(true), which
// rejects unknown fields just as strictly but says "field acks2 not found
// in type scenarios.producerSpec": a user editing a file wants the field's
// path, its line and a fix (the known fields, the likely typo), and the
// checks after decoding need the line of every field they judge.
type decoder struct {
	path string
	errs []*Error
}

func newDecoder(path string) *decoder { return &decoder{path: path} }

func (d *decoder) fail(line int, field, format string, args ...any) {
	d.errs = append(d.errs, &Error{Path: d.path, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// err returns the file's problems in line order, joined.
func (d *decoder) err() error {
	slices.SortStableFunc(d.errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	errs := make([]error, len(d.errs))
	for i, e := range d.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// list is one top-level field of a file and its items.
type list struct {
	key   string
	items []*yaml.Node
}

// entries returns the items of the file's only top-level field, key, which
// must be a non-empty list.
func (d *decoder) entries(data []byte, key string) []*yaml.Node {
	if l := d.lists(data, key); len(l) > 0 {
		return l[0].items
	}
	return nil
}

// lists returns the file's top-level fields in file order: each one of
// keys, each a non-empty list, at least one of them.
func (d *decoder) lists(data []byte, keys ...string) []list {
	top := d.document(data)
	if top == nil {
		return nil
	}
	what := keys[0] + ": (a list)"
	if len(keys) > 1 {
		what = strings.Join(keys[:len(keys)-1], ":, ") + ": or " + keys[len(keys)-1] + ": (each a list)"
	}
	if top.Kind != yaml.MappingNode {
		d.fail(top.Line, "", "the file must be a mapping holding %s", what)
		return nil
	}
	var out []list
	seen := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch {
		case !slices.Contains(keys, k.Value):
			msg := "unknown field: this file holds only " + what
			if s := suggest(k.Value, keys); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.fail(k.Line, k.Value, "%s", msg)
		case seen[k.Value] > 0:
			d.fail(k.Line, k.Value, "given twice (also at line %d): keep one list", seen[k.Value])
		case v.Kind != yaml.SequenceNode || len(v.Content) == 0:
			seen[k.Value] = k.Line
			d.fail(v.Line, k.Value, "is %s: write a list with at least one entry, each starting with \"- name:\"", describe(v))
		default:
			seen[k.Value] = k.Line
			out = append(out, list{k.Value, v.Content})
		}
	}
	if len(seen) == 0 {
		d.fail(top.Line, keys[0], "missing: the file must hold %s, each entry starting with \"- name:\"", what)
	}
	return out
}

// document parses data as exactly one YAML document and returns its top
// node, or nil after reporting why it cannot.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.fail(0, "", "the file is empty: write a definition or delete the file")
		} else {
			d.syntax(err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.syntax(err)
		return nil
	default:
		d.fail(extra.Line, "", "a second YAML document (after ---): keep one document per file")
	}
	if n := anchored(&doc); n != nil {
		d.fail(n.Line, "", "YAML anchors and aliases (&name, *name) are not supported: write the value out")
		return nil
	}
	if len(doc.Content) == 0 {
		d.fail(doc.Line, "", "the file is empty: write a definition or delete the file")
		return nil
	}
	return doc.Content[0]
}

// syntax reports a YAML syntax error. yaml.v3 has no typed syntax error,
// so the line is read back from its text ("yaml: line 3: ...").
func (d *decoder) syntax(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		_, msg, _ = strings.Cut(msg, ": ")
	}
	d.fail(line, "", "not valid YAML: %s", msg)
}

// anchored returns the first node with an anchor or an alias. Aliases are
// refused rather than followed: a few of them can expand into an
// exponential number of nodes, and a file that repeats its values is the
// easier one to review.
func anchored(n *yaml.Node) *yaml.Node {
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := anchored(c); a != nil {
			return a
		}
	}
	return nil
}

func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.SequenceNode && len(n.Content) == 0:
		return "an empty list"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	}
	return fmt.Sprintf("the value %q", n.Value)
}

var (
	nodeType     = reflect.TypeFor[*yaml.Node]()
	durationType = reflect.TypeFor[time.Duration]()
)

// fields decodes the mapping n into the struct dst, each key naming a field
// by its yaml tag, and records every value node in at under its dotted path
// for later checks to point at. Fields not given keep dst's value: the
// default.
func (d *decoder) fields(n *yaml.Node, prefix string, dst reflect.Value, at map[string]*yaml.Node) {
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, prefix, "is %s: write a mapping of field: value", describe(n))
		return
	}
	t := dst.Type()
	index := map[string]int{}
	var known []string
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("yaml")
		index[name] = i
		known = append(known, name)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		field, ok := index[k.Value]
		switch {
		case !ok:
			msg := "unknown field"
			if s := suggest(k.Value, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.fail(k.Line, path, "%s; the fields here are %s", msg, strings.Join(known, ", "))
		case at[path] != nil:
			d.fail(k.Line, path, "given twice (also at line %d): keep one", at[path].Line)
		default:
			at[path] = v
			d.value(v, path, dst.Field(field), at)
		}
	}
}

// value decodes n into dst by dst's type.
func (d *decoder) value(n *yaml.Node, path string, dst reflect.Value, at map[string]*yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		d.fail(n.Line, path, "has no value: write one, or remove the field to take the default")
		return
	}
	switch {
	case dst.Type() == nodeType:
		dst.Set(reflect.ValueOf(n))
	case dst.Kind() == reflect.Struct:
		d.fields(n, path, dst, at)
	case dst.Kind() == reflect.Slice:
		dst.Set(reflect.ValueOf(d.names(n, path)))
	case dst.Kind() == reflect.Map:
		dst.Set(reflect.ValueOf(d.stringMap(n, path)))
	default:
		if msg := scalar(n, dst); msg != "" {
			d.fail(n.Line, path, "%s", msg)
		}
	}
}

// scalar sets dst from the single value n, or says why it cannot. Numbers
// and durations are never negative in these files.
func scalar(n *yaml.Node, dst reflect.Value) string {
	if n.Kind != yaml.ScalarNode {
		return fmt.Sprintf("is %s: write a single value", describe(n))
	}
	tag := n.ShortTag()
	switch {
	case dst.Type() == durationType:
		v, err := time.ParseDuration(n.Value)
		if tag != "!!str" || err != nil {
			return fmt.Sprintf("%q is not a duration: write a Go duration such as 1.5s, 500ms or 2m", n.Value)
		}
		if v < 0 {
			return fmt.Sprintf("%s is negative: durations are 0s or more", n.Value)
		}
		dst.SetInt(int64(v))
	case dst.Kind() == reflect.String:
		dst.SetString(n.Value)
	case dst.Kind() == reflect.Bool:
		var b bool
		if tag != "!!bool" || n.Decode(&b) != nil {
			return fmt.Sprintf("%q is not true or false", n.Value)
		}
		dst.SetBool(b)
	case dst.Kind() == reflect.Float64:
		var v float64
		if (tag != "!!float" && tag != "!!int") || n.Decode(&v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Sprintf("%q is not a number", n.Value)
		}
		if v < 0 {
			return fmt.Sprintf("%s is negative: use 0 or more", n.Value)
		}
		dst.SetFloat(v)
	case dst.Kind() == reflect.Int:
		var v int
		if tag != "!!int" || n.Decode(&v) != nil {
			return fmt.Sprintf("%q is not a whole number", n.Value)
		}
		if v < 0 {
			return fmt.Sprintf("%d is negative: use 0 or more", v)
		}
		dst.SetInt(int64(v))
	}
	return ""
}

// names decodes a list of single values.
func (d *decoder) names(n *yaml.Node, path string) []string {
	if n.Kind != yaml.SequenceNode {
		d.fail(n.Line, path, "is %s: write a list such as [a, b]", describe(n))
		return nil
	}
	out := []string{}
	for _, it := range n.Content {
		if it.Kind != yaml.ScalarNode || it.ShortTag() == "!!null" {
			d.fail(it.Line, path, "item is %s: write a name", describe(it))
			continue
		}
		out = append(out, it.Value)
	}
	return out
}

// stringMap decodes a mapping of names to single values, kept as text
// (broker settings: 1000 and "1000" mean the same).
func (d *decoder) stringMap(n *yaml.Node, path string) map[string]string {
	if n.Kind != yaml.MappingNode {
		d.fail(n.Line, path, "is %s: write a mapping of name: value", describe(n))
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		_, dup := out[k.Value]
		switch {
		case k.Kind != yaml.ScalarNode || k.Value == "" || strings.ContainsAny(k.Value, " \t\n"):
			d.fail(k.Line, path, "%s is not a setting name", describe(k))
		case dup:
			d.fail(k.Line, path+"."+k.Value, "given twice: keep one")
		case v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null":
			d.fail(v.Line, path+"."+k.Value, "is %s: write a single value", describe(v))
		default:
			out[k.Value] = v.Value
		}
	}
	return out
}

// lineOf returns the line of the field at path or, when it was left to
// its default, of the nearest section written around it, else the entry's.
func lineOf(at map[string]*yaml.Node, path string, entry *yaml.Node) int {
	for {
		if n := at[path]; n != nil {
			return n.Line
		}
		i := strings.LastIndex(path, ".")
		if i < 0 {
			return entry.Line
		}
		path = path[:i]
	}
}
