package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// profileYAML is a profile file whose topic section holds two lines (4 and
// 5) and whose producer lines start at line 7.
func profileYAML(topic, producer string) string {
	return "profiles:\n  - name: mine\n    topic:\n" + indentYAML(topic, 6) + "    producer:\n" + indentYAML(producer, 6)
}

const stdTopic = "replication_factor: 3\nmin_insync_replicas: 2"

// scenarioYAML is a scenario file with the fault on line 4, profiles on 5,
// expect on 6, and further lines from 7.
func scenarioYAML(fault, profiles, expect string, more ...string) string {
	return "scenarios:\n  - name: mine\n    labels: [process]\n    fault: " + fault + "\n    profiles: " + profiles +
		"\n    expect: " + expect + "\n" + indentYAML(strings.Join(more, "\n"), 4)
}

func indentYAML(lines string, n int) string {
	if lines == "" {
		return ""
	}
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(lines, "\n", "\n"+pad) + "\n"
}

const (
	twoProfiles    = "[acks1-async, safe-idempotent]"
	safeExpectYAML = "{safe-idempotent: [no-acked-loss]}"
	killFaultYAML  = "{type: leader-kill}"
)

// TestValidationErrors: each broken file is reported at the right line,
// naming the field, with a fix.
func TestValidationErrors(t *testing.T) {
	for _, c := range slices.Concat(validationCases, clientValidationCases, javaValidationCases, txnValidationCases, groupTxnValidationCases) {
		t.Run(c.name, func(t *testing.T) {
			err := loadOne(t, c.scenario, c.yaml)
			path := "scenarios/profiles/mine.yaml"
			if c.scenario {
				path = "scenarios/mine.yaml"
			}
			want := fmt.Sprintf("%s:%d: ", path, c.line)
			if c.line == 0 {
				want = path + ": "
			}
			if c.field != "" {
				want += fmt.Sprintf("field %q: ", c.field)
			}
			assertErrorContains(t, err, want, c.fix)
		})
	}
}

// validationCase is a broken file and the error it must get; the cases
// are also seeds of FuzzLoadScenario.
type validationCase struct {
	name, yaml string
	scenario   bool // a scenario file, else a file under profiles/
	line       int
	field      string
	fix        string
}

var validationCases = []validationCase{
	{"acks value", profileYAML(stdTopic, `acks: "2"`), false, 7, "producer.acks", `"2" is not one of 0, 1, all`},
	{"idempotence with acks=1", profileYAML(stdTopic, "acks: 1\nidempotent: true\nmax_open_requests: 1"), false, 8, "producer.idempotent", "idempotence needs acks: all (this profile has acks: 1): set acks: all, or idempotent: false"},
	{"idempotence with 5 in flight", profileYAML(stdTopic, "acks: all\nidempotent: true"), false, 8, "producer.idempotent", "set max_open_requests: 1, or idempotent: false"},
	{"min ISR above RF", profileYAML("replication_factor: 2\nmin_insync_replicas: 3", "acks: all"), false, 5, "topic.min_insync_replicas", "lower it to at most 2 or raise replication_factor"},
	{"RF above nodes", profileYAML("replication_factor: 4\nmin_insync_replicas: 2", "acks: all"), false, 4, "topic.replication_factor", "is not between 1 and 3"},
	{"negative duration", profileYAML(stdTopic, "retry_backoff: -100ms"), false, 7, "producer.retry_backoff", "-100ms is negative: durations are 0s or more"},
	{"number for a duration", profileYAML(stdTopic, "ack_timeout: 10"), false, 7, "producer.ack_timeout", `"10" is not a duration: write a Go duration such as 1.5s`},
	{"unknown field", profileYAML(stdTopic, "ack: all"), false, 7, "producer.ack", `unknown field (did you mean "acks"?); the fields here are mode, acks, idempotent`},
	{"mode", profileYAML(stdTopic, "mode: fast"), false, 7, "producer.mode", `"fast" is not one of async, sync`},
	{"concurrency on async", profileYAML(stdTopic, "mode: async\nconcurrency: 8"), false, 8, "producer.concurrency", "8 senders only apply to mode: sync (this profile is async, whose sends never wait): remove concurrency, or set mode: sync"},
	{"concurrency too high", profileYAML(stdTopic, "mode: sync\nconcurrency: 1000"), false, 8, "producer.concurrency", "1000 is not between 1 and 256"},
	{"compression", profileYAML(stdTopic, "compression: lz5"), false, 7, "producer.compression", `"lz5" is not one of none, gzip, snappy, lz4, zstd (did you mean "lz4"?)`},
	{"flush bytes without linger", profileYAML(stdTopic, "flush_bytes: 16384"), false, 7, "producer.flush_bytes", "16384 without linger: sarama then holds a partial batch until that much waits, however long it takes; set linger too, e.g. linger: 5ms"},
	{"flush messages without linger", profileYAML(stdTopic, "acks: all\nflush_messages: 100"), false, 8, "producer.flush_messages", "100 without linger"},
	{"flush bytes too large", profileYAML(stdTopic, "linger: 5ms\nflush_bytes: 104857600"), false, 8, "producer.flush_bytes", "104857600 is not below 104857600, sarama's largest request"},
	{"max message bytes zero", profileYAML(stdTopic, "max_message_bytes: 0"), false, 7, "producer.max_message_bytes", "0 would refuse every message: leave it out for sarama's 1048576"},
	{"negative linger", profileYAML(stdTopic, "linger: -5ms"), false, 7, "producer.linger", "-5ms is negative"},
	{"no value", profileYAML(stdTopic, "acks:"), false, 7, "producer.acks", "has no value: write one, or remove the field to take the default"},
	{"not a number", profileYAML(stdTopic, "retry_max: many"), false, 7, "producer.retry_max", `"many" is not a whole number`},
	{"field given twice", profileYAML(stdTopic, "acks: all\nacks: 1"), false, 8, "producer.acks", "given twice (also at line 7): keep one"},
	{"name unusable in a topic", "profiles:\n  - name: my profile\n", false, 2, "name", "it becomes part of a Kafka topic name"},
	{"name missing", "profiles:\n  - topic: {replication_factor: 3}\n", false, 2, "name", "missing: every profile needs a name"},
	{"name taken", "profiles:\n  - name: safe-idempotent\n", false, 2, "name", `profile "safe-idempotent" is already defined at profiles/default.yaml:`},
	{"wrong top-level field", "profile:\n  - name: mine\n", false, 1, "profile", `unknown field: this file holds only profiles:, producer_apps: or consumer_groups: (each a list) (did you mean "profiles"?)`},
	{"empty list", "profiles: []\n", false, 1, "profiles", "write a list with at least one entry"},
	{"empty file", "# nothing yet\n", false, 0, "", "the file is empty"},
	{"syntax", "profiles:\n  - name: mine\n    topic: [\n", false, 3, "", "not valid YAML: did not find expected node content"},
	{"anchor", "profiles:\n  - &p\n    name: mine\n", false, 2, "", "anchors and aliases (&name, *name) are not supported"},
	{"two documents", "profiles:\n  - name: mine\n---\nprofiles:\n  - name: other\n", false, 3, "", "a second YAML document (after ---): keep one document per file"},

	{"fault type", scenarioYAML("{type: leader-kil}", twoProfiles, safeExpectYAML), true, 4, "fault.type", `"leader-kil" is not one of `},
	{"fault type typo hint", scenarioYAML("{type: leader-kil}", twoProfiles, safeExpectYAML), true, 4, "fault.type", `(did you mean "leader-kill"?)`},
	{"fault parameter", scenarioYAML("{type: leader-kill, folower_lag: 1s}", twoProfiles, safeExpectYAML), true, 4, "fault.folower_lag", `leader-kill takes no such parameter: "folower_lag" is not one of follower_lag, move_timeout, signal (did you mean "follower_lag"?)`},
	{"fault duration", scenarioYAML("{type: leader-kill, follower_lag: 1.5}", twoProfiles, safeExpectYAML), true, 4, "fault.follower_lag", `1.5 is not a duration: write a Go duration such as "1.5s"`},
	{"fault negative", scenarioYAML("{type: leader-kill, move_timeout: -1s}", twoProfiles, safeExpectYAML), true, 4, "fault.move_timeout", "-1s is negative: use 0s or more"},
	{"fault signal", scenarioYAML("{type: leader-kill, signal: SIGHUP}", twoProfiles, safeExpectYAML), true, 4, "fault.signal", `"SIGHUP" is not one of SIGKILL, SIGTERM`},
	{"power target", scenarioYAML("{type: power-loss, target: rack}", twoProfiles, safeExpectYAML, "cluster: {lossy_fs: true}"), true, 4, "fault.target", `"rack" is not one of leader, all, last-replica`},
	{"power without lossy fs", scenarioYAML("{type: power-loss, target: all}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "power-loss needs the lossy filesystem: add cluster: {lossy_fs: true}"},
	{"disk replacement without a metadata directory", scenarioYAML("{type: disk-replace}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "disk-replace needs the metadata log in a directory of its own, which the replaced data disk leaves alone: add cluster: {metadata_dir: separate}"},
	{"metadata directory", scenarioYAML("{type: disk-replace}", twoProfiles, safeExpectYAML, "cluster: {metadata_dir: seperate}"), true, 7, "cluster.metadata_dir", `"seperate" is not one of separate (did you mean "separate"?): write separate for the metadata log in a directory of its own, or leave it out to keep it in the log directory`},
	{"upgrade to an older release", scenarioYAML("{type: rolling-upgrade, to: \"3.8.0\"}", twoProfiles, safeExpectYAML, "cluster: {kafka_version: \"3.9.1\"}"), true, 4, "fault.to", "Kafka 3.8.0 is not newer than 3.9.1, the release the cluster starts on (cluster.kafka_version): name a newer release, e.g. the pinned 4.4.0, or start the cluster on an older one"},
	{"upgrade of a cluster on the pinned release", scenarioYAML("{type: rolling-upgrade}", twoProfiles, safeExpectYAML), true, 4, "fault.to", "Kafka 4.4.0 is not newer than 4.4.0"},
	{"upgrade to a short release", scenarioYAML("{type: rolling-upgrade, to: \"4.4\"}", twoProfiles, safeExpectYAML, "cluster: {kafka_version: \"3.9.1\"}"), true, 4, "fault.to", `"4.4" is not a full Kafka release: write x.y.z`},
	{"restart setting", scenarioYAML("{type: rolling-restart, settings: [min.insync.replicas]}", twoProfiles, safeExpectYAML), true, 4, "fault.settings", `item 1, "min.insync.replicas", is not a broker setting: write name=value, e.g. min.insync.replicas=1`},
	{"broker replacement on static voters", scenarioYAML("{type: broker-replace}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "broker-replace replaces a controller, which a static voter set cannot take safely: add cluster: {quorum: dynamic}"},
	{"quorum", scenarioYAML("{type: broker-replace}", twoProfiles, safeExpectYAML, "cluster: {quorum: dynamik}"), true, 7, "cluster.quorum", `"dynamik" is not one of dynamic (did you mean "dynamic"?): write dynamic for a dynamic controller quorum (KIP-853), or leave it out for static voters`},
	{"disk replacement shutdown", scenarioYAML("{type: disk-replace, shutdown: SIGINT}", twoProfiles, safeExpectYAML, "cluster: {metadata_dir: separate}"), true, 4, "fault.shutdown", `"SIGINT" is not one of SIGKILL, SIGTERM`},
	{"disk replacement ISR", scenarioYAML("{type: disk-replace, isr: lone}", twoProfiles, safeExpectYAML, "cluster: {metadata_dir: separate}"), true, 4, "fault.isr", `"lone" is not one of in, out, alone`},
	{"disk replacement election", scenarioYAML("{type: disk-replace, isr: alone, unclean: before}", twoProfiles, safeExpectYAML, "cluster: {metadata_dir: separate}"), true, 4, "fault.unclean", `"before" is not one of after-return, before-return`},
	{"client fault", scenarioYAML("{type: member-crash}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "member-crash acts on consumer group members: add clients: {consumer_groups: [...], input: <profile>}"},
	{"producer fault without java", scenarioYAML("{type: producer-crash}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "producer-crash kills producer processes, and only the Java client's profiles run as processes of their own: add a client: java profile"},
	{"reassign on RF3", scenarioYAML("{type: reassign, mode: full-move}", twoProfiles, safeExpectYAML), true, 5, "profiles", "safe-idempotent: reassign-full-move moves replicas to nodes holding none, and replication factor 3 leaves none of the three: use 1 or 2 (the profiles of profiles/rf2.yaml have 2)"},
	{"fixed parameter", scenarioYAML("{type: split-leader-minority, peers: false}", twoProfiles, safeExpectYAML), true, 4, "fault.peers", "split-leader-minority takes no such parameter"},
	{"fault missing type", scenarioYAML("{signal: SIGKILL}", twoProfiles, safeExpectYAML), true, 4, "fault.type", "missing: use one of"},
	{"fault missing", "scenarios:\n  - name: mine\n    profiles: [acks1-async]\n", true, 2, "fault", "missing: name the fault, e.g. fault: {type: leader-kill}"},
	{"unknown profile", scenarioYAML(killFaultYAML, "[acks1-async, safe-idempotnet]", "{acks1-async: [no-acked-loss]}"), true, 5, "profiles", `(did you mean "safe-idempotent"?): define it in a file under profiles/`},
	{"profile listed twice", scenarioYAML(killFaultYAML, "[acks1-async, acks1-async]", "{acks1-async: [no-acked-loss]}"), true, 5, "profiles", `"acks1-async" is listed twice: keep one`},
	{"profiles missing", "scenarios:\n  - name: mine\n    fault: {type: leader-kill}\n", true, 2, "profiles", "missing: list the profiles to compare"},
	{"expect other profile", scenarioYAML(killFaultYAML, twoProfiles, "{acks0-async: [no-acked-loss]}"), true, 6, "expect.acks0-async", "is not among this scenario's profiles (acks1-async, safe-idempotent): add it to profiles, or remove the entry"},
	{"expect guarantee", scenarioYAML(killFaultYAML, twoProfiles, "{safe-idempotent: [no-loss]}"), true, 6, "expect.safe-idempotent", `"no-loss" is not one of no-acked-loss, no-believed-loss, no-duplicates`},
	{"expect empty", scenarioYAML(killFaultYAML, twoProfiles, "{safe-idempotent: []}"), true, 6, "expect.safe-idempotent", "a profile that promises nothing has no entry"},
	{"negative hold", scenarioYAML(killFaultYAML, twoProfiles, safeExpectYAML, "workload: {hold: -1s}"), true, 7, "workload.hold", "-1s is negative: durations are 0s or more"},
	{"zero hold", scenarioYAML(killFaultYAML, twoProfiles, safeExpectYAML, "workload: {hold: 0s}"), true, 7, "workload.hold", "use e.g. 10s"},
	{"unreachable min_exposure", scenarioYAML(killFaultYAML, twoProfiles, safeExpectYAML, "workload: {rate: 10, hold: 2s, min_exposure: 100}"), true, 7, "workload.min_exposure", "100 can never be reached: a profile at 10 msg/s for 2s attempts at most 20 during the fault; lower min_exposure, or raise rate or hold"},
	{"zero min_exposure", scenarioYAML(killFaultYAML, twoProfiles, safeExpectYAML, "workload: {min_exposure: 0}"), true, 7, "workload.min_exposure", "0 would let a profile the fault never touched pass: use e.g. 100"},
	{"messages too small", scenarioYAML(killFaultYAML, twoProfiles, safeExpectYAML, "workload: {message_bytes: 16}"), true, 7, "workload.message_bytes", "16 bytes cannot hold each message's id (<profile>-<sequence>|): use 32 or more"},
	{"kafka version", scenarioYAML(killFaultYAML, twoProfiles, safeExpectYAML, "cluster: {kafka_version: 3.9}"), true, 7, "cluster.kafka_version", `"3.9" is not a full Kafka version: write x.y.z in quotes`},
	{"broker setting", scenarioYAML(killFaultYAML, twoProfiles, safeExpectYAML, "cluster: {settings: {num.io.threads: [8]}}"), true, 7, "cluster.settings.num.io.threads", "is a list: write a single value"},
	{"label", "scenarios:\n  - name: mine\n    labels: [process, \"a,b\"]\n", true, 3, "labels", `"a,b" cannot be a label`},
	{"scenario name twice", "scenarios:\n  - {name: mine, fault: {type: leader-kill}, profiles: [acks1-async]}\n  - {name: mine, fault: {type: leader-kill}, profiles: [acks1-async]}\n", true, 3, "name", `scenario "mine" is already defined at scenarios/mine.yaml:2`},
}

// TestAcksAllWithoutIdempotence: allowed, it is what acksall-sync-retries
// (profiles/default.yaml) ships.
func TestAcksAllWithoutIdempotence(t *testing.T) {
	if err := loadOne(t, false, profileYAML(stdTopic, "acks: all\nidempotent: false")); err != nil {
		t.Fatal(err)
	}
}

// TestMessageAboveBatchCap: a scenario whose messages cannot fit in a
// profile's batches is refused where its message size is written.
func TestMessageAboveBatchCap(t *testing.T) {
	profiles := []source{{"scenarios/profiles/mine.yaml", []byte(profileYAML(stdTopic, "max_message_bytes: 1024"))}}
	scenario := scenarioYAML(killFaultYAML, "[mine]", "{mine: [no-acked-loss]}", "workload: {message_bytes: 1000}")
	_, _, err := load(profiles, []source{{"scenarios/mine.yaml", []byte(scenario)}})
	assertErrorContains(t, err, "scenarios/mine.yaml:7: ", `field "workload.message_bytes"`,
		"1000 bytes do not fit in profile mine's batches (max_message_bytes 1024, of which a record's header takes up to 64)")
}

// TestEveryProblemAtOnce: one file, three problems, three errors in line
// order.
func TestEveryProblemAtOnce(t *testing.T) {
	err := loadOne(t, false, profileYAML("replication_factor: 4\nmin_insync_replicas: x", "acks: 2\nretry_backoff: 1"))
	var lines []int
	for _, e := range unjoin(err) {
		var le *Error
		if !errors.As(e, &le) {
			t.Fatalf("%v is not an *Error", e)
		}
		lines = append(lines, le.Line)
	}
	if fmt.Sprint(lines) != "[4 5 7 8]" {
		t.Errorf("error lines %v, want [4 5 7 8]; errors:\n%v", lines, err)
	}
}

// loadOne loads a profile file, or a scenario file against the shipped
// profiles, named as Load("scenarios") would name it.
func loadOne(t *testing.T, scenario bool, data string) error {
	t.Helper()
	library := loadLibrary(t)
	if scenario {
		_, err := loadScenarios([]source{{"scenarios/mine.yaml", []byte(data)}}, library)
		return err
	}
	shipped, err := readDir("profiles")
	if err != nil {
		t.Fatal(err)
	}
	_, err = loadProfiles(append(shipped, source{"scenarios/profiles/mine.yaml", []byte(data)}))
	return err
}

// assertErrorContains checks that one of err's joined errors contains every
// part, so that the file:line, the field and the fix belong to one error.
func assertErrorContains(t *testing.T, err error, parts ...string) {
	t.Helper()
	for _, e := range unjoin(err) {
		found := true
		for _, p := range parts {
			found = found && strings.Contains(e.Error(), p)
		}
		if found {
			return
		}
	}
	t.Errorf("no error contains all of %q; got:\n%v", parts, err)
}
