package reports

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// KV is one setting as the report prints it.
type KV struct {
	Key, Value string
}

// flatten turns any JSON-encodable value into sorted dotted keys. Fields
// named *_ns are durations in results.json; they are printed as such.
func flatten(v any) []KV {
	b, err := json.Marshal(v)
	if err != nil {
		return []KV{{"error", err.Error()}}
	}
	var generic any
	d := json.NewDecoder(strings.NewReader(string(b)))
	// Numbers stay exact: seeds and nanosecond values exceed float64's
	// integer range.
	d.UseNumber()
	if err := d.Decode(&generic); err != nil {
		return []KV{{"error", err.Error()}}
	}
	var out []KV
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				walk(join(prefix, k), t[k])
			}
		case []any:
			parts := make([]string, len(t))
			for i, e := range t {
				parts[i] = fmt.Sprint(e)
			}
			out = append(out, KV{prefix, "[" + strings.Join(parts, ", ") + "]"})
		case json.Number:
			out = append(out, numberKV(prefix, t))
		case nil:
		default:
			out = append(out, KV{prefix, fmt.Sprint(t)})
		}
	}
	walk("", generic)
	return out
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func numberKV(key string, n json.Number) KV {
	if base, ok := strings.CutSuffix(key, "_ns"); ok {
		if ns, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return KV{base, time.Duration(ns).String()}
		}
	}
	return KV{key, string(n)}
}

// ClusterGroup is one cluster configuration and the scenarios that ran on
// it. Scenarios share a group when everything but per-start identities
// (cluster id, ports, start time) is equal, so a run on one configuration
// prints it once, and a version comparison prints both.
type ClusterGroup struct {
	Scenarios []string
	Settings  []KV
}

// ClusterGroups groups the run's scenarios by cluster configuration.
func ClusterGroups(r *schema.Run) []ClusterGroup {
	var groups []ClusterGroup
	for _, s := range r.Scenarios {
		kv := slices.DeleteFunc(flatten(s.Cluster), func(kv KV) bool {
			return kv.Key == "cluster_id" || kv.Key == "bootstrap" || kv.Key == "start_seconds"
		})
		i := slices.IndexFunc(groups, func(g ClusterGroup) bool { return slices.Equal(g.Settings, kv) })
		if i < 0 {
			groups = append(groups, ClusterGroup{Settings: kv})
			i = len(groups) - 1
		}
		groups[i].Scenarios = append(groups[i].Scenarios, s.Name)
	}
	return groups
}

// ProfileConfig is a profile's settings: the profile as declared, then
// every client setting it ran with, from the first scenario it ran in.
type ProfileConfig struct {
	Name, Description string
	Profile, Client   []KV
	// Consumer is set for a consumer-group application, whose Profile and
	// Client are those of the producer feeding its input topic.
	Consumer *ConsumerConfig
}

// ConsumerConfig is what a consumer-group application adds to its input
// producer's settings.
type ConsumerConfig struct {
	Description string
	// Group is every group and application setting its members ran with.
	Group []KV
	// Failures is the processing-failure injection, keyed by scenario:
	// its seed is the scenario's, so it differs from one to the next.
	Failures []KV
}

// ProfileConfigs lists every profile's configuration in matrix order.
func ProfileConfigs(r *schema.Run) []ProfileConfig {
	var out []ProfileConfig
	index := map[string]int{}
	for _, s := range r.Scenarios {
		for _, p := range s.Profiles {
			i, seen := index[p.Profile.Name]
			if !seen {
				i = len(out)
				index[p.Profile.Name] = i
				out = append(out, profileConfig(p))
			}
			if c := out[i].Consumer; c != nil && p.Consumer != nil {
				c.Failures = append(c.Failures, KV{s.Name, compact(flatten(p.Consumer.Failures))})
			}
		}
	}
	return out
}

func profileConfig(p schema.ProfileResult) ProfileConfig {
	// An application's behaviour is part of its client configuration,
	// whether or not the runner recorded it there too.
	client := map[string]string{}
	maps.Copy(client, p.ClientConfig)
	if p.App != nil {
		maps.Copy(client, p.App.Behaviour)
	}
	pc := ProfileConfig{
		Name: p.Profile.Name, Description: p.Profile.Description,
		Profile: slices.DeleteFunc(flatten(p.Profile), func(kv KV) bool {
			return kv.Key == "name" || kv.Key == "description"
		}),
		Client: flatten(client),
	}
	if c := p.Consumer; c != nil {
		pc.Consumer = &ConsumerConfig{Description: c.Consumer.Description, Group: flatten(c.ClientConfig)}
	}
	return pc
}

// Timeout is one timeout or timing that shaped a scenario.
type Timeout struct {
	Scenario, Where string
	KV
}

// isTimeout picks the settings that decide how fast a fault is noticed or
// given up on: they change what is lost, so the report lists them apart.
func isTimeout(key string) bool {
	for _, w := range []string{"timeout", "session", "lag", "interval", "backoff"} {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}

// Timeouts lists, per scenario, the fault's timeouts, the workload's
// phases, the broker's detection settings, each profile's client timeouts
// and each consumer group's.
func Timeouts(r *schema.Run) []Timeout {
	var out []Timeout
	add := func(s, where string, kvs []KV, all bool) {
		for _, kv := range kvs {
			if all || isTimeout(kv.Key) {
				out = append(out, Timeout{s, where, kv})
			}
		}
	}
	for _, s := range r.Scenarios {
		add(s.Name, "fault "+s.Fault.Name, flatten(s.Fault.Params), false)
		add(s.Name, "workload", []KV{
			{"warmup", seconds(s.Workload.WarmupSeconds)},
			{"fault hold", seconds(s.Workload.HoldSeconds)},
			{"after heal", seconds(s.Workload.AfterSeconds)},
			{"recovery took", seconds(s.Fault.RecoverySeconds)},
		}, true)
		add(s.Name, "broker", flatten(s.Cluster.Settings), false)
		out = append(out, clientTimeouts(s, "profile", func(p schema.ProfileResult) map[string]string { return p.ClientConfig })...)
		out = append(out, clientTimeouts(s, "consumer group", func(p schema.ProfileResult) map[string]string {
			if p.Consumer == nil {
				return nil
			}
			return p.Consumer.ClientConfig
		})...)
	}
	return out
}

// clientTimeouts lists the timeouts in one client config of each profile
// of a scenario (who names them: "profile", "consumer group"), one row per
// distinct value: most are shared by every profile and would otherwise
// repeat once per profile. config returns nil for a profile without one.
func clientTimeouts(s schema.Scenario, who string, config func(schema.ProfileResult) map[string]string) []Timeout {
	type kv struct{ key, value string }
	users := map[kv][]string{}
	var order []kv
	clients := 0
	for _, p := range s.Profiles {
		cfg := config(p)
		if cfg == nil {
			continue
		}
		clients++
		for _, e := range flatten(cfg) {
			if !isTimeout(e.Key) {
				continue
			}
			k := kv{e.Key, e.Value}
			if _, ok := users[k]; !ok {
				order = append(order, k)
			}
			users[k] = append(users[k], p.Profile.Name)
		}
	}
	slices.SortStableFunc(order, func(a, b kv) int { return strings.Compare(a.key, b.key) })
	var out []Timeout
	for _, k := range order {
		where := who + "s " + strings.Join(users[k], ", ")
		if len(users[k]) == clients {
			where = "every " + who
		}
		out = append(out, Timeout{s.Name, where, KV{k.key, k.value}})
	}
	return out
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 1, 64) + "s" }
