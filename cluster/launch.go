package cluster

import (
	_ "embed"
	"fmt"

	"github.com/IBM/sarama"
)

const (
	lossyBin     = "/opt/kafka-chaos/lossyfs"
	lossySocket  = "/run/lossyfs.sock"
	lossyBacking = "/var/lib/kafka/durable"
)

// The brokers' logging configs, one per logging library: Kafka 4 logs
// through log4j2, 3.x through reload4j. Every logger goes to stdout, so
// the container's log holds the controller, state-change and request
// loggers that an image's own config (the official one's) sends to files.
var (
	//go:embed logging/log4j2.yaml
	log4j2Config string
	//go:embed logging/log4j.properties
	log4jConfig string
	//go:embed logging/client-log4j2.yaml
	clientLog4j2Config string
	//go:embed logging/client-log4j.properties
	clientLog4jConfig string
)

// nodeEnv is the environment of every node's Kafka scripts, the same on
// both image kinds. Besides heap, JVM options and logging config:
//   - KAFKA_JMX_OPTS blank: upstream's kafka-run-class.sh turns a JMX agent
//     on when the variable is empty, which nothing here reads and which
//     costs every JVM it starts (broker and storage format) half a second
//     (java -version: 50 ms, 590 ms with upstream's JMX options);
//   - KAFKA_GC_LOG_OPTS: GC events go to stdout, into the container's log
//     beside the broker's (a long pause looks like a fault), not to a file
//     that goes with the container; set, it also spares upstream's script
//     the `java -version` it runs to choose GC log options.
func nodeEnv(cfg Config, log4jOpts string) map[string]string {
	return map[string]string{
		"KAFKA_HEAP_OPTS":   cfg.HeapOpts,
		"KAFKA_OPTS":        cfg.JVMOpts,
		"KAFKA_LOG4J_OPTS":  log4jOpts,
		"KAFKA_JMX_OPTS":    " ",
		"KAFKA_GC_LOG_OPTS": "-Xlog:gc:stdout:time,tags",
	}
}

// brokerLogging returns the logging config of a Kafka version's brokers,
// the path it is copied to in every node, and the KAFKA_LOG4J_OPTS that
// name it. Both images' kafka-run-class.sh honour the variable, so the
// image's own config is never read.
func brokerLogging(kafkaVersion string) (config, path, opts string) {
	return logging(kafkaVersion, configDir, log4jConfig, log4j2Config)
}

// clientLogging is brokerLogging for the client containers' tools.
func clientLogging(kafkaVersion string) (config, path, opts string) {
	return logging(kafkaVersion, "/tmp/kafka-chaos-client", clientLog4jConfig, clientLog4j2Config)
}

// logging picks a Kafka version's logging config (log4j before 4.0, log4j2
// since), where it goes under dir, and the KAFKA_LOG4J_OPTS naming it.
func logging(kafkaVersion, dir, log4j, log4j2 string) (config, path, opts string) {
	if v, err := sarama.ParseKafkaVersion(kafkaVersion); err == nil && !v.IsAtLeast(sarama.V4_0_0_0) {
		path = dir + "/log4j.properties"
		return log4j, path, "-Dlog4j.configuration=file:" + path
	}
	path = dir + "/log4j2.yaml"
	return log4j2, path, "-Dlog4j2.configurationFile=" + path
}

// launchScript is the command of every node, the same on the official and
// the offline image. Storage is formatted only on first start: a restart
// keeps its data, and the format tool is a JVM of its own that costs
// seconds. With the lossy filesystem, it is mounted over the log directory
// first; the backing directory holds only what Kafka fsynced, so after the
// container is killed the next start sees exactly the durable state. With
// the metadata log in a directory of its own, a start that finds
// ReplaceDisk's marker replaces the disk instead (replaceStep).
func (c *Cluster) launchScript(n int) string {
	// Formatting stands for installation, long before any fault: on the
	// lossy filesystem it is made durable at once, because Kafka 3.9's
	// format does not fsync bootstrap.checkpoint and the filesystem has no
	// background writeback to do it later.
	afterFormat, ignoreFormatted := "", ""
	if c.cfg.LossyFS != "" {
		afterFormat = fmt.Sprintf(" && %s ctl -socket %s sync-all", lossyBin, lossySocket)
	}
	if c.cfg.SeparateMetadataDir {
		// The tool formats every directory of log.dirs and metadata.log.dir:
		// after a disk replacement the metadata one is formatted already.
		ignoreFormatted = " --ignore-formatted"
	}
	format := fmt.Sprintf("if [ ! -f %[1]s/meta.properties ]; then { /opt/kafka/bin/kafka-storage.sh format -t %[2]s -c %[3]s%[4]s%[5]s%[6]s; } || exit 1; fi; ",
		logDir, c.info.ClusterID, propsPath, c.quorumFormat(n), ignoreFormatted, afterFormat)
	start := "exec /opt/kafka/bin/kafka-server-start.sh " + propsPath
	mount := ""
	if c.cfg.LossyFS != "" {
		mount = fmt.Sprintf("mkdir -p %[1]s %[2]s && %[3]s mount -backing %[1]s -mount %[2]s -socket %[4]s & "+
			"i=0; until %[3]s ctl -socket %[4]s ping >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 100 ] && echo 'lossyfs did not mount' && exit 1; sleep 0.1; done; ",
			lossyBacking, logDir, lossyBin, lossySocket)
	}
	if !c.cfg.SeparateMetadataDir {
		return mount + format + start
	}
	return c.replaceStep() + mount + format + "[ -z \"$replaced\" ] || exit 0; " + start
}

// replaceMarker, in a stopped node, makes its next start a disk
// replacement (ReplaceDisk).
const replaceMarker = configDir + "/replace-disk"

// replaceStep is where a start that finds replaceMarker removes it and
// empties the data log directory (on the lossy filesystem its backing
// directory, the durable state), before the usual format step formats
// the empty directory and the script exits instead of starting Kafka.
func (c *Cluster) replaceStep() string {
	return fmt.Sprintf("replaced=; if [ -f %[1]s ]; then rm -f %[1]s && find %[2]s -mindepth 1 -delete || exit 1; replaced=1; fi; ", replaceMarker, c.diskDir())
}

// diskDir is the directory that holds a node's data log directory for
// good: the log directory itself, or on the lossy filesystem its backing
// directory.
func (c *Cluster) diskDir() string {
	if c.cfg.LossyFS != "" {
		return lossyBacking
	}
	return logDir
}
