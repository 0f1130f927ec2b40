package faults

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// registry maps each fault type a scenario file may name to its
// constructor. A type is named after what its fault's Name() returns with
// default parameters, except where a parameter picks the variant
// (power-loss target, isr-shrink-leader-loss election, reassign mode). Registering a fault
// is one line: fields(NewX) for a constructor without arguments, arg(...)
// for one with an argument.
var registry = map[string]builder{
	"leader-kill":            fields(NewLeaderKill, signals),
	"leader-term":            fields(NewLeaderTerm, hide("signal")),
	"leader-pause":           fields(NewLeaderPause),
	"leader-move":            fields(NewLeaderMove),
	"preferred-election":     fields(NewPreferredElection),
	"reassign":               arg("mode", ReassignAddRemove, NewReassign, oneOf("mode", ReassignAddRemove, ReassignFullMove)),
	"disk-full":              fields(NewDiskFull),
	"disk-replace":           fields(NewDiskReplace, oneOf("shutdown", schema.SIGKILL, schema.SIGTERM), oneOf("isr", ISRIn, ISROut, ISRAlone), oneOf("unclean", UncleanAfterReturn, UncleanBeforeReturn)),
	"controller-kill":        fields(NewControllerKill, signals),
	"rolling-restart":        fields(NewRollingRestart, signals),
	"rolling-upgrade":        fields(NewRollingUpgrade),
	"broker-replace":         fields(NewBrokerReplace),
	"power-loss":             arg("target", PowerLeader, NewPowerLoss, oneOf("target", PowerLeader, PowerAll, PowerLastReplica, PowerTxnCoordinator)),
	"isr-shrink-leader-loss": arg("election", ElectByTimer, NewISRLeaderLoss, oneOf("election", ElectByTimer, ElectByConfig, ElectByAdmin), signals),
	"isolate-leader-peers":   fields(NewIsolatePeers, hide("peers", "clients")),
	"isolate-leader-clients": fields(NewIsolateClients, hide("peers", "clients")),
	"split-leader-minority":  fields(NewSplit, hide("peers", "clients")),
	"bridge":                 fields(NewBridge),
	"cut-replication":        fields(NewReplicationCut),
	"one-way-replication":    fields(NewOneWayReplication),
	"bandwidth-replication":  arg("rate_kbps", 64, NewReplicationBandwidth),
	// Defaults of the constructor arguments: the fault library's values.
	"latency-leader":    fields(func() *Latency { return NewLatency(150*time.Millisecond, 30*time.Millisecond) }),
	"resets-clients":    fields(func() *Resets { return NewResets(2*time.Second, 300*time.Millisecond) }),
	"member-crash":      fields(NewMemberCrash, hide("actions")),
	"member-stall":      fields(NewMemberStall, hide("actions")),
	"member-join-leave": fields(NewRebalance, hide("actions")),
	"commit-path-cut":   fields(NewCommitCut),
	"producer-crash":    fields(NewProducerCrash),
	"baseline":          fields(func() Baseline { return Baseline{} }),
	// The transaction coordinator of the transactional profiles' ids.
	"txn-coordinator-kill":            fields(NewTxnCoordinatorKill, signals),
	"txn-coordinator-isolate-clients": fields(NewTxnCoordinatorIsolate),
}

// Params are a fault's parameters as a scenario file gives them, by name. A
// parameter is an exported field of the fault, named by its JSON name (what
// results.json shows) without the "_ns" of durations, since files write
// durations as Go duration strings ("1.5s"). Values are string, bool, int,
// time.Duration or a duration string, or a []any of strings.
type Params map[string]any

// ParamError is a parameter the fault type rejects. Param names it so that a
// caller can point at the line where it was written.
type ParamError struct {
	Param string
	Err   error
}

func (e *ParamError) Error() string { return fmt.Sprintf("parameter %q: %v", e.Param, e.Err) }

func (e *ParamError) Unwrap() error { return e.Err }

// ErrUnknownType: no fault type of that name is registered.
var ErrUnknownType = errors.New("unknown fault type")

// Types returns the registered fault types, sorted.
func Types() []string {
	return slices.Sorted(maps.Keys(registry))
}

// ParamNames returns the parameters a fault type takes, sorted.
func ParamNames(typ string) ([]string, error) {
	b, ok := registry[typ]
	if !ok {
		return nil, unknownType(typ)
	}
	return b.params(), nil
}

// Build returns a new fault of the named type with the parameters set over
// the type's defaults. Every rejected parameter is reported, each as a
// *ParamError, and no fault then.
func Build(typ string, p Params) (Fault, error) {
	b, ok := registry[typ]
	if !ok {
		return nil, unknownType(typ)
	}
	return b.build(p)
}

func unknownType(typ string) error {
	return fmt.Errorf("%w %q: use one of %s", ErrUnknownType, typ, strings.Join(Types(), ", "))
}

type builder struct {
	params func() []string
	build  func(Params) (Fault, error)
}

// rules restrict a type's parameters.
type rules struct {
	// allowed lists the values a string parameter may take.
	allowed map[string][]string
	// hidden fields are fixed by the type: isolate-leader-peers with
	// peers: false would be a different fault under a misleading name.
	hidden map[string]bool
}

type option func(*rules)

// signals are the signals Nodes.Kill accepts.
var signals = oneOf("signal", schema.SIGKILL, schema.SIGTERM)

func oneOf[T ~string](param string, values ...T) option {
	return func(r *rules) {
		for _, v := range values {
			r.allowed[param] = append(r.allowed[param], string(v))
		}
	}
}

func hide(params ...string) option {
	return func(r *rules) {
		for _, p := range params {
			r.hidden[p] = true
		}
	}
}

// fields registers a constructor without arguments.
func fields[F Fault](newFault func() F, opts ...option) builder {
	return arg("", struct{}{}, func(struct{}) F { return newFault() }, opts...)
}

// arg registers a constructor taking one argument, given as the parameter
// param (def when absent); the other parameters set the fault's fields.
func arg[A any, F Fault](param string, def A, newFault func(A) F, opts ...option) builder {
	r := rules{allowed: map[string][]string{}, hidden: map[string]bool{}}
	for _, o := range opts {
		o(&r)
	}
	settable := func(f F) map[string]reflect.Value {
		fs := paramFields(f)
		for h := range r.hidden {
			delete(fs, h)
		}
		if param != "" {
			fs[param] = reflect.New(reflect.TypeFor[A]()).Elem()
		}
		return fs
	}
	return builder{
		params: func() []string {
			return slices.Sorted(maps.Keys(settable(newFault(def))))
		},
		build: func(p Params) (Fault, error) {
			var errs []error
			a := def
			if v, ok := p[param]; ok && param != "" {
				if err := r.assign(reflect.ValueOf(&a).Elem(), param, v); err != nil {
					errs = append(errs, err)
				}
			}
			f := newFault(a)
			fs := settable(f)
			for _, name := range slices.Sorted(maps.Keys(p)) {
				dst, ok := fs[name]
				switch {
				case param != "" && name == param:
				case !ok:
					known := slices.Sorted(maps.Keys(fs))
					errs = append(errs, &ParamError{Param: name, Err: fmt.Errorf("unknown parameter: use one of %s", strings.Join(known, ", "))})
				default:
					if err := r.assign(dst, name, p[name]); err != nil {
						errs = append(errs, err)
					}
				}
			}
			if err := errors.Join(errs...); err != nil {
				return nil, err
			}
			return f, nil
		},
	}
}

var durationType = reflect.TypeFor[time.Duration]()

// paramFields returns the settable fields of the struct f points to, by
// parameter name. Fields of other kinds (a toxic, say) are left to the
// constructor.
func paramFields(f any) map[string]reflect.Value {
	fs := map[string]reflect.Value{}
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fs // a value type (Baseline) has nothing to set
	}
	v = v.Elem()
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		switch k := sf.Type.Kind(); {
		case sf.Type == durationType:
			name = strings.TrimSuffix(name, "_ns")
		case k == reflect.String, k == reflect.Bool, k == reflect.Int:
		case k == reflect.Slice && sf.Type.Elem().Kind() == reflect.String:
		default:
			continue
		}
		fs[name] = v.Field(i)
	}
	return fs
}

// assign sets dst to v, checked against dst's type and the rules.
func (r rules) assign(dst reflect.Value, name string, v any) error {
	err := set(dst, v)
	if err == nil && r.allowed[name] != nil {
		vals := []string{dst.String()}
		if dst.Kind() == reflect.Slice {
			vals = vals[:0]
			for i := range dst.Len() {
				vals = append(vals, dst.Index(i).String())
			}
		}
		for _, s := range vals {
			if !slices.Contains(r.allowed[name], s) {
				err = fmt.Errorf("%q is not one of %s", s, strings.Join(r.allowed[name], ", "))
				break
			}
		}
	}
	if err != nil {
		return &ParamError{Param: name, Err: err}
	}
	return nil
}

// set converts v to dst's type. Negative numbers are refused: every count,
// rate and timeout of a fault is zero or more.
func set(dst reflect.Value, v any) error {
	switch {
	case dst.Type() == durationType:
		d, ok := v.(time.Duration)
		if s, isStr := v.(string); isStr {
			var err error
			if d, err = time.ParseDuration(s); err != nil {
				return fmt.Errorf("%q is not a duration: write a Go duration such as \"1.5s\" or \"500ms\"", s)
			}
			ok = true
		}
		if !ok {
			return fmt.Errorf("%v is not a duration: write a Go duration such as \"1.5s\" or \"500ms\"", v)
		}
		if d < 0 {
			return fmt.Errorf("%s is negative: use 0s or more", d)
		}
		dst.SetInt(int64(d))
	case dst.Kind() == reflect.String:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%v is not a string", v)
		}
		dst.SetString(s)
	case dst.Kind() == reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%v is not true or false", v)
		}
		dst.SetBool(b)
	case dst.Kind() == reflect.Int:
		n, ok := v.(int)
		if !ok {
			return fmt.Errorf("%v is not an integer", v)
		}
		if n < 0 {
			return fmt.Errorf("%d is negative: use 0 or more", n)
		}
		dst.SetInt(int64(n))
	case dst.Kind() == reflect.Slice:
		items, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%v is not a list", v)
		}
		out := reflect.MakeSlice(dst.Type(), len(items), len(items))
		for i, it := range items {
			if err := set(out.Index(i), it); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
		}
		dst.Set(out)
	default:
		return fmt.Errorf("fields of type %s cannot be set from a file", dst.Type())
	}
	return nil
}
