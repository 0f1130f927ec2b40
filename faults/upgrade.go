package faults

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// RollingUpgrade upgrades the cluster's Kafka release node by node under
// load, the way an operator does: as rolling-restart rolls it (SIGTERM,
// the followers first and the pinned leader last, full ISRs awaited
// between nodes), except that each node, while down, gets the new
// release with its data, metadata log and settings kept. Once every node
// runs it, the cluster's feature levels are raised to the release's
// (`kafka-features upgrade --release-version`), metadata.version with
// them.
//
// Each node took effect when, back, its broker reports the new release
// and it is in the ISR of every scenario partition again; the roll when
// the finalized metadata.version, read back, is the new release's.
type RollingUpgrade struct {
	// To is the release to upgrade to, x.y.z; scenario files leave it out
	// for the pinned release.
	To string `json:"to"`
	// StepTimeout bounds each node's stop, and its return to a healthy
	// cluster.
	StepTimeout time.Duration `json:"step_timeout_ns"`
	// Pause is how long a node stays down once it has its new release.
	Pause time.Duration `json:"pause_ns"`
	// FeatureTimeout bounds the features upgrade and its read-back.
	FeatureTimeout time.Duration `json:"feature_timeout_ns"`

	// from is the release each node reported before the roll.
	from map[int]string
}

// NewRollingUpgrade returns the rolling upgrade to the pinned release
// (To set by whoever knows it: the scenario loader).
func NewRollingUpgrade() *RollingUpgrade {
	return &RollingUpgrade{StepTimeout: 2 * time.Minute, Pause: time.Second, FeatureTimeout: 2 * time.Minute}
}

// Name implements Fault.
func (f *RollingUpgrade) Name() string { return "rolling-upgrade" }

// CheckCluster implements ClusterChecker: an unset To becomes the pinned
// release, and To must be newer than the cluster's.
func (f *RollingUpgrade) CheckCluster(version, pinned string) error {
	if f.To == "" {
		f.To = pinned
	}
	return checkUpgrade(version, f.To, pinned)
}

// checkUpgrade says why a cluster on Kafka release from cannot be
// upgraded to release to, as a *ParamError of the to parameter.
func checkUpgrade(from, to, pinned string) error {
	t, err := parseRelease(to)
	if err != nil {
		return &ParamError{Param: "to", Err: fmt.Errorf("%w, e.g. to: %q, or leave it out for the pinned %s", err, pinned, pinned)}
	}
	f, err := parseRelease(from)
	if err != nil {
		// The cluster's version is checked where it is written.
		return nil
	}
	if compareReleases(t, f) <= 0 {
		return &ParamError{Param: "to", Err: fmt.Errorf("Kafka %s is not newer than %s, the release the cluster starts on (cluster.kafka_version): name a newer release, e.g. the pinned %s, or start the cluster on an older one", to, from, pinned)}
	}
	return nil
}

// parseRelease reads a full Kafka release, x.y.z.
func parseRelease(v string) ([3]int, error) {
	var out [3]int
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return out, fmt.Errorf("%q is not a full Kafka release: write x.y.z", v)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return out, fmt.Errorf("%q is not a full Kafka release: write x.y.z", v)
		}
		out[i] = n
	}
	return out, nil
}

// compareReleases orders two releases: -1, 0 or 1.
func compareReleases(a, b [3]int) int {
	for i := range a {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}

// featureRelease is the release name kafka-features takes for a full
// release: 4.4 for 4.4.0.
func featureRelease(version string) string {
	major, rest, _ := strings.Cut(version, ".")
	minor, _, _ := strings.Cut(rest, ".")
	return major + "." + minor
}

// Prepare records the release every node reports and refuses a roll that
// would upgrade none of them.
func (f *RollingUpgrade) Prepare(ctx context.Context, env Env) error {
	if f.To == "" {
		return fmt.Errorf("rolling upgrade: no release to upgrade to: set to, e.g. to: \"4.4.0\"")
	}
	f.from = map[int]string{}
	for _, n := range env.Nodes.IDs() {
		v, err := env.Maint.KafkaVersion(ctx, n)
		if err == nil && v == "" {
			err = fmt.Errorf("node %d reports no Kafka version", n)
		}
		if err == nil {
			err = checkUpgrade(v, f.To, f.To)
		}
		if err != nil {
			return fmt.Errorf("rolling upgrade: node %d: %w", n, err)
		}
		f.from[n] = v
	}
	return nil
}

// Inject upgrades every node in turn, then the feature levels.
func (f *RollingUpgrade) Inject(ctx context.Context, env Env) (schema.FaultEffect, error) {
	roll := &RollingRestart{Signal: schema.SIGTERM, StepTimeout: f.StepTimeout, Pause: f.Pause}
	from := f.from[env.Nodes.IDs()[0]]
	what := fmt.Sprintf("rolling upgrade from Kafka %s to %s: %s, new release with the node's data, metadata log and settings, and start", from, f.To, roll.Signal)
	eff, err := roll.roll(ctx, env, what, f.step())
	if err != nil {
		return eff, fmt.Errorf("rolling upgrade: %w", err)
	}
	leader := eff.Target[len(eff.Target)-1]
	release := featureRelease(f.To)
	fctx, cancel := context.WithTimeout(ctx, f.FeatureTimeout)
	defer cancel()
	before, after, err := env.Maint.UpgradeFeatures(fctx, leader, release)
	if err != nil {
		return eff, fmt.Errorf("rolling upgrade: features to release %s: %w", release, err)
	}
	eff.Description += fmt.Sprintf("; then every feature raised to release %s (kafka-features upgrade --release-version %s)", release, release)
	eff.Observed = append(eff.Observed, fmt.Sprintf("finalized metadata.version %s before the features upgrade, %s after", before, after))
	if after == before || !strings.HasPrefix(after, release) {
		return eff, fmt.Errorf("rolling upgrade: %w: finalized metadata.version %s after the features upgrade to release %s (before: %s)", ErrNoEffect, after, release, before)
	}
	env.logf("fault %s: metadata.version %s -> %s", f.Name(), before, after)
	return eff, nil
}

// step gives a stopped node the new release and checks that, back, it
// reports it and is in the ISR of every scenario partition.
func (f *RollingUpgrade) step() rollStep {
	return rollStep{
		change: func(ctx context.Context, env Env, n int) error { return env.Maint.UpgradeNode(ctx, n, f.To) },
		check: func(ctx context.Context, env Env, n int) (string, error) {
			v, err := env.Maint.KafkaVersion(ctx, n)
			if err != nil {
				return "", err
			}
			if v != f.To {
				return "", fmt.Errorf("%w: node %d reports Kafka %q after its upgrade to %s", ErrNoEffect, n, v, f.To)
			}
			ps, err := partitions(env)
			if err != nil {
				return "", err
			}
			for _, p := range ps {
				if !containsNode(p.ISR, n) {
					return "", fmt.Errorf("%w: node %d, upgraded, is not in the ISR of %s", ErrNoEffect, n, partitionKey(p))
				}
			}
			return fmt.Sprintf("reports Kafka %s (was %s), in the ISR of all %d scenario partitions", v, f.from[n], len(ps)), nil
		},
	}
}

// Heal starts any node a failed roll left stopped.
func (f *RollingUpgrade) Heal(ctx context.Context, env Env) error {
	if err := startStopped(ctx, env); err != nil {
		return fmt.Errorf("rolling upgrade: %w", err)
	}
	return nil
}
