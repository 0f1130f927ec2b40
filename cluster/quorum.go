package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// QuorumDynamic is ClusterInfo.Quorum of a cluster whose controllers were
// formatted as a dynamic quorum.
const QuorumDynamic = "dynamic"

// ErrStaticQuorum means a node replacement was asked of a cluster whose
// controllers are static voters: a fresh node's empty metadata log
// cannot safely rejoin a static voter set, so the cluster must be
// started with Config.DynamicQuorum.
var ErrStaticQuorum = errors.New("the controllers are static voters: set Config.DynamicQuorum to replace a node")

// Kafka's tools, run as upstream's kafka-metadata-quorum.sh and
// kafka-cluster.sh run them (the offline image has neither script).
const (
	quorumTool  = "org.apache.kafka.tools.MetadataQuorumCommand"
	clusterTool = "org.apache.kafka.tools.ClusterTool"
)

// quorumFormat is the storage format's quorum option for node n: none
// for static voters; for a dynamic quorum, the initial voters with their
// directory ids, the same on every node, or for a fresh replacement node
// none at all (it joins as an observer until added).
func (c *Cluster) quorumFormat(n int) string {
	switch {
	case !c.cfg.DynamicQuorum:
		return ""
	case slices.Contains(c.info.Replaced, n):
		return " --no-initial-controllers"
	}
	voters := make([]string, 0, Nodes)
	for i := 1; i <= Nodes; i++ {
		voters = append(voters, fmt.Sprintf("%d@%s:%s", i, controllerAddress(i), c.controllerDirs[i]))
	}
	return " --initial-controllers " + strings.Join(voters, ",")
}

// ReplaceNode replaces stopped node n by a fresh machine in its place, as
// an operator replaces a failed or retired server: a new container of the
// same image, name, address and settings, with empty disks, whose first
// start formats them with the cluster's id and no initial controllers, so
// that its controller has a new directory id and joins the quorum as an
// observer (AddController makes it a voter again). The old container is
// kept, stopped and renamed, for its log until Close; Nodes.Restart starts
// the new one.
func (c *Cluster) ReplaceNode(ctx context.Context, n int) error {
	err := c.replaceNode(ctx, n)
	if err != nil {
		return fmt.Errorf("replace node %d: %w", n, err)
	}
	c.logf("node %d: replaced by a fresh container, empty disks", n)
	return nil
}

func (c *Cluster) replaceNode(ctx context.Context, n int) error {
	if !c.cfg.DynamicQuorum {
		return ErrStaticQuorum
	}
	if c.NodeKafkaVersion(n) != c.cfg.KafkaVersion {
		return fmt.Errorf("node %d runs Kafka %s, upgraded from the cluster's %s: a replacement would start on the old release", n, c.NodeKafkaVersion(n), c.cfg.KafkaVersion)
	}
	// Recorded first: the new container's launch script formats it as a
	// replaced node's.
	c.info.Replaced = append(c.info.Replaced, n)
	retired := fmt.Sprintf("%s-replaced-%d", c.nodeName(n), len(c.retired[n])+1)
	if err := c.swapNode(ctx, n, retired, c.cfg.Images.Kafka, c.cfg.KafkaVersion, c.cfg.JVMOpts, ""); err != nil {
		c.info.Replaced = c.info.Replaced[:len(c.info.Replaced)-1]
		return err
	}
	return nil
}

// controllerBootstrap is every node's controller but except's, as the
// nodes dial them.
func controllerBootstrap(except int) string {
	var out []string
	for i := 1; i <= Nodes; i++ {
		if i != except {
			out = append(out, controllerAddress(i))
		}
	}
	return strings.Join(out, ",")
}

// tool runs one of Kafka's tools (its main class) in node n and returns
// its output; name says which in errors.
func (c *Cluster) tool(ctx context.Context, n int, name, class string, args ...string) (string, error) {
	cmd := append([]string{"env", "KAFKA_OPTS=" + DefaultJVMOpts, "KAFKA_HEAP_OPTS=-Xmx256m",
		"/opt/kafka/bin/kafka-run-class.sh", class}, args...)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	code, out, err := c.Exec(ctx, n, cmd...)
	if err == nil && code != 0 {
		err = fmt.Errorf("%s %s exited %d: %s", name, strings.Join(args, " "), code, lastLines(out, 5))
	}
	return out, err
}

// Quorum returns the KRaft quorum's voters and observers as `kafka-
// metadata-quorum describe --replication`, run in node n against the
// other nodes' controllers, reports them.
func (c *Cluster) Quorum(ctx context.Context, n int) ([]schema.QuorumMember, error) {
	out, err := c.tool(ctx, n, "kafka-metadata-quorum", quorumTool, "--bootstrap-controller", controllerBootstrap(n), "describe", "--replication")
	if err != nil {
		return nil, err
	}
	return parseReplication(out)
}

// parseReplication reads the table of `kafka-metadata-quorum describe
// --replication`: a header naming NodeId, DirectoryId and Status, then a
// row per voter and observer.
func parseReplication(out string) ([]schema.QuorumMember, error) {
	var cols []string
	var members []schema.QuorumMember
	for line := range strings.Lines(out) {
		fields := strings.Fields(line)
		if cols == nil {
			if slices.Contains(fields, "NodeId") && slices.Contains(fields, "DirectoryId") {
				cols = fields
			}
			continue
		}
		if m, ok := replicationRow(cols, fields); ok {
			members = append(members, m)
		}
	}
	if cols == nil {
		return nil, fmt.Errorf("kafka-metadata-quorum describe --replication printed no table: %s", lastLines(out, 5))
	}
	return members, nil
}

// replicationRow reads one row of the table, refusing a line that is
// not one (a log line the tool printed with as many fields): its node id
// a number, its status a voter's or an observer's.
func replicationRow(cols, fields []string) (schema.QuorumMember, bool) {
	if len(fields) != len(cols) {
		return schema.QuorumMember{}, false
	}
	m := schema.QuorumMember{Node: -1}
	for i, col := range cols {
		switch col {
		case "NodeId":
			if n, err := strconv.Atoi(fields[i]); err == nil {
				m.Node = n
			}
		case "DirectoryId":
			m.DirectoryID = fields[i]
		case "Status":
			m.Status = fields[i]
		}
	}
	ok := m.Node >= 0 && (m.Voter() || m.Status == "Observer")
	return m, ok
}

// RemoveController takes node n's controller, with its directory id, out
// of the voter set, asking the other nodes' controllers from node from.
func (c *Cluster) RemoveController(ctx context.Context, from, n int, directoryID string) error {
	_, err := c.tool(ctx, from, "kafka-metadata-quorum", quorumTool, "--bootstrap-controller", controllerBootstrap(n),
		"remove-controller", "--controller-id", strconv.Itoa(n), "--controller-directory-id", directoryID)
	if err != nil {
		return fmt.Errorf("remove controller %d: %w", n, err)
	}
	c.logf("controller %d (directory %s) removed from the voters", n, directoryID)
	return nil
}

// AddController adds node n's controller, an observer, to the voter set,
// as `kafka-metadata-quorum add-controller` run on the node with its own
// configuration does: the tool reads the node's id, listener and
// metadata directory id from it.
func (c *Cluster) AddController(ctx context.Context, n int) error {
	_, err := c.tool(ctx, n, "kafka-metadata-quorum", quorumTool, "--command-config", propsPath, "--bootstrap-controller", controllerBootstrap(n), "add-controller")
	if err != nil {
		return fmt.Errorf("add controller %d: %w", n, err)
	}
	c.logf("controller %d added to the voters", n)
	return nil
}

// UnregisterBroker removes stopped broker n's registration, as `kafka-
// cluster unregister` run in node from does.
func (c *Cluster) UnregisterBroker(ctx context.Context, from, n int) error {
	_, err := c.tool(ctx, from, "kafka-cluster", clusterTool, "unregister", "--bootstrap-server", InternalAddress(from), "--id", strconv.Itoa(n))
	if err != nil {
		return fmt.Errorf("unregister broker %d: %w", n, err)
	}
	c.logf("broker %d unregistered", n)
	return nil
}
