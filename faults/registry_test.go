package faults

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRegistryDefaults: every type builds without parameters, as its
// constructor would, and is named after the fault it builds.
func TestRegistryDefaults(t *testing.T) {
	for _, typ := range Types() {
		f, err := Build(typ, nil)
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if name := f.Name(); name != typ && !strings.HasPrefix(name, typ+"-") {
			t.Errorf("type %s builds a fault named %s: name the type after the fault", typ, name)
		}
	}
	for typ, want := range map[string]Fault{
		"leader-kill":           NewLeaderKill(),
		"leader-term":           NewLeaderTerm(),
		"power-loss":            NewPowerLoss(PowerLeader),
		"bandwidth-replication": NewReplicationBandwidth(64),
		"reassign":              NewReassign(ReassignAddRemove),
		"baseline":              Baseline{},
	} {
		if got, _ := Build(typ, nil); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: built %#v, want %#v", typ, got, want)
		}
	}
}

// TestRegistryParams: parameters land in the fields, constructor arguments
// in the constructor.
func TestRegistryParams(t *testing.T) {
	f, err := Build("leader-kill", Params{"signal": "SIGTERM", "follower_lag": "2.5s", "move_timeout": 45 * time.Second})
	want := &LeaderKill{Signal: "SIGTERM", FollowerLag: 2500 * time.Millisecond, MoveTimeout: 45 * time.Second}
	if err != nil || !reflect.DeepEqual(f, want) {
		t.Errorf("leader-kill: %#v, %v; want %#v", f, err, want)
	}
	if f, err := Build("power-loss", Params{"target": "last-replica", "shrink_timeout": "1m"}); err != nil || f.Name() != "power-loss-last-replica" || f.(*PowerLoss).ShrinkTimeout != time.Minute {
		t.Errorf("power-loss: %#v, %v", f, err)
	}
	if f, err := Build("bandwidth-replication", Params{"rate_kbps": 8}); err != nil || !reflect.DeepEqual(f, NewReplicationBandwidth(8)) {
		t.Errorf("bandwidth-replication: %#v, %v", f, err)
	}
	// Every election mode, the topic's own setting (config) included.
	for _, e := range []string{ElectByConfig, ElectByTimer, ElectByAdmin} {
		if f, err := Build("isr-shrink-leader-loss", Params{"election": e}); err != nil || !reflect.DeepEqual(f, NewISRLeaderLoss(e)) {
			t.Errorf("isr-shrink-leader-loss, election %s: %#v, %v", e, f, err)
		}
	}
	reassign := &Reassign{Mode: ReassignFullMove, MoveLeader: true, ThrottleKBps: 512, StepTimeout: time.Minute}
	if f, err := Build("reassign", Params{"mode": "full-move", "move_leader": true, "throttle_kbps": 512, "step_timeout": "1m"}); err != nil || !reflect.DeepEqual(f, reassign) || f.Name() != "reassign-full-move" {
		t.Errorf("reassign: %#v, %v; want %#v", f, err, reassign)
	}
	replace := &DiskReplace{Shutdown: "SIGTERM", Follower: true, ISR: ISROut, MoveTimeout: 30 * time.Second, ShrinkTimeout: 75 * time.Second, StartTimeout: 3 * time.Minute, ElectTimeout: 30 * time.Second, Unclean: UncleanAfterReturn}
	if f, err := Build("disk-replace", Params{"shutdown": "SIGTERM", "follower": true, "isr": "out", "start_timeout": "3m"}); err != nil || !reflect.DeepEqual(f, replace) {
		t.Errorf("disk-replace: %#v, %v; want %#v", f, err, replace)
	}
	if f, err := Build("member-crash", Params{"replace": false}); err != nil || f.(*MemberFault).Replace {
		t.Errorf("member-crash: %#v, %v", f, err)
	}
}

// TestRegistryErrors: every bad parameter is reported, each naming itself.
func TestRegistryErrors(t *testing.T) {
	if _, err := Build("leader-kil", nil); !errors.Is(err, ErrUnknownType) || !strings.Contains(err.Error(), "leader-kill") {
		t.Errorf("unknown type: %v", err)
	}
	_, err := Build("leader-kill", Params{
		"signal": "SIGHUP", "follower_lag": "soon", "move_timeout": "-1s", "bogus": 1,
	})
	want := map[string]string{
		"signal":       `"SIGHUP" is not one of SIGKILL, SIGTERM`,
		"follower_lag": `"soon" is not a duration: write a Go duration such as "1.5s"`,
		"move_timeout": "-1s is negative: use 0s or more",
		"bogus":        "unknown parameter: use one of follower_lag, move_timeout, signal",
	}
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var pe *ParamError
		if !errors.As(e, &pe) || !strings.Contains(pe.Error(), want[pe.Param]) {
			t.Errorf("%v: want parameter %q: %s", e, pe.Param, want[pe.Param])
		}
		delete(want, pe.Param)
	}
	if len(want) > 0 {
		t.Errorf("not reported: %v", want)
	}
	for typ, p := range map[string]Params{
		"split-leader-minority":  {"peers": false},     // fixed by the type
		"member-join-leave":      {"actions": []any{}}, // fixed by the type
		"power-loss":             {"target": 3},
		"bandwidth-replication":  {"rate_kbps": -8},
		"isr-shrink-leader-loss": {"election": "vote"},
		"reassign":               {"mode": "shuffle"},
		"disk-replace":           {"shutdown": "SIGHUP"},
		"latency-leader":         {"latency": 1.5},
	} {
		if _, err := Build(typ, p); err == nil {
			t.Errorf("%s with %v: no error", typ, p)
		}
	}
}

// TestEveryConstructorRegistered keeps the registry complete: a New*
// function of this package, or a fault type (one with an Inject method),
// that registry.go never mentions is a fault that scenario files cannot
// name.
func TestEveryConstructorRegistered(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]string{}   // constructor -> file
	returns := map[string]string{}    // constructor -> type it returns
	faultTypes := map[string]string{} // type with an Inject method -> file
	used := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if path == "registry.go" {
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					used[id.Name] = true
				}
				return true
			})
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			switch {
			case !ok:
			case fn.Recv != nil && fn.Name.Name == "Inject":
				faultTypes[typeName(fn.Recv.List[0].Type)] = path
			case fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "New"):
				declared[fn.Name.Name] = path
				if r := fn.Type.Results; r != nil && len(r.List) == 1 {
					returns[fn.Name.Name] = typeName(r.List[0].Type)
				}
			}
		}
	}
	for name, path := range declared {
		if !used[name] {
			t.Errorf("%s (%s) is not registered: add a line to the registry in registry.go", name, path)
		}
		if used[name] {
			used[returns[name]] = true
		}
	}
	for name, path := range faultTypes {
		if !used[name] {
			t.Errorf("fault type %s (%s) is not registered: add a line to the registry in registry.go", name, path)
		}
	}
}

// typeName returns T for T or *T.
func typeName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
