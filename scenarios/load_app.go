package scenarios

import (
	"reflect"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kafka-chaos/kafka-chaos/schema"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

// appSpec is a producer application as written under producer_apps: a
// profile's topic and producer settings, plus what the application does
// around its producer (app, named as results.json names these settings:
// app.results, app.exit, ...).
type appSpec struct {
	Name        string       `yaml:"name"`
	Description string       `yaml:"description"`
	Topic       topicSpec    `yaml:"topic"`
	Producer    producerSpec `yaml:"producer"`
	App         behaviour    `yaml:"app"`
}

type behaviour struct {
	Results            worker.Results `yaml:"results"`
	Resend             bool           `yaml:"resend"`
	Exit               worker.Exit    `yaml:"exit"`
	Linger             time.Duration  `yaml:"linger"`
	MessagesPerProcess int            `yaml:"messages_per_process"`
}

var (
	resultHandlings = []string{string(worker.Checked), string(worker.Ignored)}
	exits           = []string{string(worker.CloseAndDrain), string(worker.NoClose)}
)

// app decodes one entry of a producer_apps: list, with its problems
// reported.
func (d *decoder) app(n *yaml.Node) worker.ClientProfile {
	def := defaultProfile()
	spec := appSpec{Topic: def.Topic, Producer: def.Producer}
	at := map[string]*yaml.Node{}
	d.fields(n, "", reflect.ValueOf(&spec).Elem(), at)
	p := profileSpec{Name: spec.Name, Description: spec.Description, Topic: spec.Topic, Producer: spec.Producer}.profile()
	d.checkName(p.Name, at, n, "producer app")
	// The application's linger is checked as the producer's, which it
	// replaces (ClientProfile.apply sets it last).
	checked := p
	checked.Batching.Linger = spec.App.Linger
	before := len(d.errs)
	d.checkProfile(checked, at, n)
	a := worker.ClientProfile{
		Profile: p, Results: spec.App.Results, Resend: spec.App.Resend, Exit: spec.App.Exit,
		Linger: spec.App.Linger, PerProcess: spec.App.MessagesPerProcess,
	}
	d.checkApp(a, at, n)
	if len(d.errs) == before {
		if err := a.Validate(); err != nil {
			d.fail(n.Line, "", "%v", err)
		}
	}
	return a
}

// checkApp reports what the worker process cannot run: it sends through
// sarama's async producer, and re-sends only what it read as failed.
func (d *decoder) checkApp(a worker.ClientProfile, at map[string]*yaml.Node, entry *yaml.Node) {
	fail := func(field, format string, args ...any) { d.fail(lineOf(at, field, entry), field, format, args...) }
	if a.Mode != schema.Async && slices.Contains(modes, string(a.Mode)) {
		fail("producer.mode", "an application sends through the async producer, not %s (app.results says whether it reads the results): remove mode, or set mode: async", a.Mode)
	}
	if at["producer.linger"] != nil {
		fail("producer.linger", "an application's linger is app.linger, which replaces this one: move it there")
	}
	d.refuseTransactions(at, "producer apps", "make it a profile (under profiles:), whose producer runs in the harness's process")
	switch {
	case at["app.results"] == nil:
		fail("app.results", "missing: say what the application does with a send's result: checked (read, failures logged) or ignored (never read, every send believed)")
	case !slices.Contains(resultHandlings, string(a.Results)):
		fail("app.results", "%s", oneOf(string(a.Results), resultHandlings))
	}
	switch {
	case at["app.exit"] == nil:
		fail("app.exit", "missing: say how the process ends: close (Close, then every result read) or no-close (returns right after its last send)")
	case !slices.Contains(exits, string(a.Exit)):
		fail("app.exit", "%s", oneOf(string(a.Exit), exits))
	}
	if a.Resend && (a.Results != worker.Checked || a.Exit != worker.CloseAndDrain) {
		fail("app.resend", "re-sending answers a failure the application read, and waits for every result before it exits: set results: checked and exit: close, or remove resend")
	}
}
