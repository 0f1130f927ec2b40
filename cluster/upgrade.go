package cluster

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// stateDir holds everything a node keeps across restarts: its data log
// directory, its metadata log when that has a directory of its own, and
// the lossy filesystem's backing directory.
var stateDir = path.Dir(logDir)

// UpgradeNode gives stopped node n Kafka release version, as an operator
// upgrades a node in place: a new container of that release's image
// (ImagesFromEnv, as at start) with the node's name, networks, aliases,
// labels and server.properties, the logging config of that release
// (log4j2 since 4.0, reload4j before), the image's class archive, and the
// node's state directory copied over from the old container with Docker's
// archive API, which reads a stopped container and writes a created one.
// The old container is kept, stopped and renamed, for its log until
// Close. Nodes.Restart starts the new one.
func (c *Cluster) UpgradeNode(ctx context.Context, n int, version string) error {
	if err := c.upgradeNode(ctx, n, version); err != nil {
		return fmt.Errorf("upgrade node %d to Kafka %s: %w", n, version, err)
	}
	c.logf("node %d: container replaced by one of Kafka %s (%s), state copied over", n, version, c.info.Upgrade.Image)
	return nil
}

func (c *Cluster) upgradeNode(ctx context.Context, n int, version string) error {
	if err := c.checkStopped(ctx, n); err != nil {
		return err
	}
	if _, err := saramaVersion(version); err != nil {
		return err
	}
	img, err := ImagesFromEnv(version)
	if err != nil {
		return err
	}
	img.Toxiproxy = c.cfg.Images.Toxiproxy
	missing, archive, err := checkImages(ctx, c.docker, img)
	if err != nil {
		return err
	}
	for name := range missing {
		c.missing[name] = true
	}
	retired := fmt.Sprintf("%s-kafka-%s", c.nodeName(n), c.NodeKafkaVersion(n))
	old := c.nodes[n-1].GetContainerID()
	if err := c.swapNode(ctx, n, retired, img.Kafka, version, withArchive(c.jvmBase, archive), old); err != nil {
		return err
	}
	if c.info.Upgrade == nil || c.info.Upgrade.To != version {
		c.info.Upgrade = &schema.Upgrade{From: c.cfg.KafkaVersion, To: version, Image: img.Kafka}
	}
	c.info.Upgrade.Nodes = append(c.info.Upgrade.Nodes, n)
	return nil
}

// swapNode puts a new, created container in stopped node n's place:
// the old one is renamed retired and kept for its log until Close.
func (c *Cluster) swapNode(ctx context.Context, n int, retired, image, version, jvmOpts, from string) error {
	old := c.nodes[n-1]
	if _, err := c.docker.ContainerRename(ctx, old.GetContainerID(), client.ContainerRenameOptions{NewName: retired}); err != nil {
		return fmt.Errorf("rename the old container: %w", err)
	}
	ctr, err := c.createNode(ctx, n, image, version, jvmOpts, from)
	if err != nil {
		// The node is left as it was: the old container, under its name.
		_, rerr := c.docker.ContainerRename(context.WithoutCancel(ctx), old.GetContainerID(), client.ContainerRenameOptions{NewName: c.nodeName(n)})
		return errors.Join(err, rerr)
	}
	if c.retired == nil {
		c.retired = map[int][]testcontainers.Container{}
	}
	c.retired[n] = append(c.retired[n], old)
	c.nodes[n-1] = ctr
	return nil
}

// createNode creates, without starting it, node n's container of image,
// Kafka release version, whose JVMs take jvmOpts, with the state
// directory of container from, or empty when from is "".
func (c *Cluster) createNode(ctx context.Context, n int, image, version, jvmOpts, from string) (testcontainers.Container, error) {
	req := c.nodeRequest(n, image, version, jvmOpts, c.nodeProperties(n))
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{ContainerRequest: req})
	if err == nil && from != "" {
		err = c.copyState(ctx, from, ctr.GetContainerID())
	}
	if err != nil && ctr != nil {
		err = errors.Join(err, ctr.Terminate(context.WithoutCancel(ctx)))
	}
	if err != nil {
		return nil, c.startError(fmt.Sprintf("kafka node %d", n), image, err)
	}
	return ctr, nil
}

// copyState copies stateDir from one container into another, as a tar
// stream that never touches the host's disk.
func (c *Cluster) copyState(ctx context.Context, from, to string) error {
	res, err := c.docker.CopyFromContainer(ctx, from, client.CopyFromContainerOptions{SourcePath: stateDir})
	if err != nil {
		return fmt.Errorf("read %s: %w", stateDir, err)
	}
	defer res.Content.Close()
	if _, err := c.docker.CopyToContainer(ctx, to, client.CopyToContainerOptions{DestinationPath: path.Dir(stateDir), Content: res.Content}); err != nil {
		return fmt.Errorf("copy %s into the new container: %w", stateDir, err)
	}
	return nil
}

// checkStopped refuses a node that runs.
func (c *Cluster) checkStopped(ctx context.Context, n int) error {
	running, err := c.Running(ctx, n)
	if err == nil && running {
		err = fmt.Errorf("node %d runs: stop it first", n)
	}
	return err
}

// NodeKafkaVersion returns the Kafka release node n's container is of.
func (c *Cluster) NodeKafkaVersion(n int) string {
	if u := c.info.Upgrade; u != nil && slices.Contains(u.Nodes, n) {
		return u.To
	}
	return c.cfg.KafkaVersion
}

// versionLine is the line every Kafka process logs at start (AppInfoParser).
var versionLine = regexp.MustCompile(`Kafka version: ([0-9A-Za-z.\-]+)`)

// reportedVersion returns the version in the last version line of a log,
// "" when it has none.
func reportedVersion(logs string) string {
	all := versionLine.FindAllStringSubmatch(logs, -1)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1][1]
}

// KafkaVersion returns the Kafka release node n's broker reports in its
// own log ("Kafka version: 4.4.0") since its container was created, ""
// before it logged one.
func (c *Cluster) KafkaVersion(ctx context.Context, n int) (string, error) {
	if _, err := c.containerID(n); err != nil {
		return "", err
	}
	logs, err := containerLogs(ctx, c.nodes[n-1])
	if err != nil {
		return "", fmt.Errorf("logs of node %d: %w", n, err)
	}
	return reportedVersion(logs), nil
}

// featureTool is Kafka's kafka-features tool: upstream's
// kafka-features.sh runs this class, and the offline image has no such
// script.
const featureTool = "org.apache.kafka.tools.FeatureCommand"

// features runs kafka-features in node n against its own INTERNAL
// listener, whose advertised addresses every node reaches, and returns
// its output.
func (c *Cluster) features(ctx context.Context, n int, args ...string) (string, error) {
	return c.tool(ctx, n, "kafka-features", featureTool, append([]string{"--bootstrap-server", InternalAddress(n)}, args...)...)
}

// MetadataVersion returns the cluster's finalized metadata.version
// ("3.9-IV0"), as `kafka-features describe` run in node n reports it.
func (c *Cluster) MetadataVersion(ctx context.Context, n int) (string, error) {
	out, err := c.features(ctx, n, "describe")
	if err != nil {
		return "", err
	}
	v := finalizedLevel(out, "metadata.version")
	if v == "" {
		return "", fmt.Errorf("kafka-features describe named no finalized metadata.version: %s", lastLines(out, 5))
	}
	return v, nil
}

// FinalizedLevel returns a feature's finalized level ("2" for
// transaction.version 2), as `kafka-features describe` run in the first
// node that answers reports it; "" when the cluster finalized none.
func (c *Cluster) FinalizedLevel(ctx context.Context, feature string) (string, error) {
	var errs []error
	for n := 1; n <= Nodes; n++ {
		out, err := c.features(ctx, n, "describe")
		if err == nil {
			return finalizedLevel(out, feature), nil
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("finalized %s: %w", feature, errors.Join(errs...))
}

// UpgradeFeatures sets every feature to the levels of a Kafka release
// ("4.4"), as `kafka-features upgrade --release-version` run in node n
// does, and records the finalized metadata.version before and after.
func (c *Cluster) UpgradeFeatures(ctx context.Context, n int, release string) (before, after string, err error) {
	if before, err = c.MetadataVersion(ctx, n); err != nil {
		return "", "", err
	}
	if _, err := c.features(ctx, n, "upgrade", "--release-version", release); err != nil {
		return before, "", err
	}
	// The tool returns once the controller committed the new levels; a
	// broker answers from its metadata cache, a moment behind.
	for deadline := time.Now().Add(15 * time.Second); ; {
		after, err = c.MetadataVersion(ctx, n)
		if err != nil || after != before || time.Now().After(deadline) {
			break
		}
	}
	if c.info.Upgrade != nil {
		c.info.Upgrade.MetadataVersionBefore, c.info.Upgrade.MetadataVersion = before, after
	}
	c.logf("features upgraded to release %s: metadata.version %s -> %s", release, before, after)
	return before, after, err
}

// finalizedLevel returns a feature's finalized level in the output of
// `kafka-features describe`, "" when it names none.
func finalizedLevel(out, feature string) string {
	for line := range strings.Lines(out) {
		fields := strings.Fields(line)
		if len(fields) < 2 || fields[0] != "Feature:" || fields[1] != feature {
			continue
		}
		for i, f := range fields[:len(fields)-1] {
			if f == "FinalizedVersionLevel:" {
				return fields[i+1]
			}
		}
	}
	return ""
}

// lastLines returns the last lines of a text.
func lastLines(text string, lines int) string {
	all := strings.Split(strings.TrimRight(text, "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

// SetNodeSettings rewrites stopped node n's server.properties with the
// settings over the cluster's (and over those set on n before), as an
// operator edits a node's configuration before restarting it;
// Nodes.Restart starts it with them. The cluster records them.
func (c *Cluster) SetNodeSettings(ctx context.Context, n int, settings map[string]string) error {
	if err := c.checkStopped(ctx, n); err != nil {
		return fmt.Errorf("set settings of node %d: %w", n, err)
	}
	if c.info.NodeSettings == nil {
		c.info.NodeSettings = map[int]map[string]string{}
	}
	if c.info.NodeSettings[n] == nil {
		c.info.NodeSettings[n] = map[string]string{}
	}
	for k, v := range settings {
		c.info.NodeSettings[n][k] = v
	}
	// Docker's copy API writes into a stopped container too.
	if err := c.nodes[n-1].CopyToContainer(ctx, []byte(c.nodeProperties(n)), propsPath, 0o644); err != nil {
		return fmt.Errorf("set settings of node %d: write %s: %w", n, propsPath, err)
	}
	c.logf("node %d: server.properties rewritten with %v", n, settings)
	return nil
}

// Altered reports whether a scenario changed what the cluster runs (a
// node's release, its settings, or the node itself): the cluster then no longer matches the
// configuration it was started for.
func (c *Cluster) Altered() bool {
	return c.info.Upgrade != nil || len(c.info.NodeSettings) > 0 || len(c.info.Replaced) > 0
}
