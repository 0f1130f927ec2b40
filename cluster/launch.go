package cluster

import "fmt"

const (
	lossyBin     = "/opt/kafka-chaos/lossyfs"
	lossySocket  = "/run/lossyfs.sock"
	lossyBacking = "/var/lib/kafka/durable"
)

// launchScript is the command of every node, the same on the official and
// the offline image. Storage is formatted only on first start: a restart
// keeps its data, and the format tool is a JVM of its own that costs
// seconds. With the lossy filesystem, it is mounted over the log directory
// first; the backing directory holds only what Kafka fsynced, so after the
// container is killed the next start sees exactly the durable state.
func (c *Cluster) launchScript() string {
	// Formatting stands for installation, long before any fault: on the
	// lossy filesystem it is made durable at once, because Kafka 3.9's
	// format does not fsync bootstrap.checkpoint and the filesystem has no
	// background writeback to do it later.
	afterFormat := ""
	if c.cfg.LossyFS != "" {
		afterFormat = fmt.Sprintf(" && %s ctl -socket %s sync-all", lossyBin, lossySocket)
	}
	start := fmt.Sprintf("if [ ! -f %[1]s/meta.properties ]; then { /opt/kafka/bin/kafka-storage.sh format -t %[2]s -c %[3]s%[4]s; } || exit 1; fi; exec /opt/kafka/bin/kafka-server-start.sh %[3]s",
		logDir, c.info.ClusterID, propsPath, afterFormat)
	if c.cfg.LossyFS == "" {
		return start
	}
	mount := fmt.Sprintf("mkdir -p %[1]s %[2]s && %[3]s mount -backing %[1]s -mount %[2]s -socket %[4]s & "+
		"i=0; until %[3]s ctl -socket %[4]s ping >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 100 ] && echo 'lossyfs did not mount' && exit 1; sleep 0.1; done; ",
		lossyBacking, logDir, lossyBin, lossySocket)
	return mount + start
}
