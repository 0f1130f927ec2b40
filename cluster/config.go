package cluster

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// DefaultKafkaVersion is the Kafka release the harness pins. It is the one
// setting that names a version: the official image tag, the offline image tag
// and the client protocol version all derive from it.
const DefaultKafkaVersion = "4.4.0"

// ToxiproxyVersion is the toxiproxy release of both image paths.
const ToxiproxyVersion = "2.12.0"

// JDKImage is the official image that compiles the kafka-chaos Java
// application on the default path. Offline, the offline Kafka image
// compiles it: Debian's JRE carries the compiler and jar modules.
const JDKImage = "eclipse-temurin:17-jdk"

// Environment variables that select images. The official images are the
// default; KAFKA_CHAOS_OFFLINE=1 switches both to the locally built ones
// (make images-offline), and the IMAGE variables override each.
const (
	EnvKafkaVersion   = "KAFKA_CHAOS_KAFKA_VERSION"
	EnvKafkaImage     = "KAFKA_CHAOS_KAFKA_IMAGE"
	EnvToxiproxyImage = "KAFKA_CHAOS_TOXIPROXY_IMAGE"
	EnvJDKImage       = "KAFKA_CHAOS_JDK_IMAGE"
	EnvOffline        = "KAFKA_CHAOS_OFFLINE"
)

// kafkaVersion is the version in the Kafka image's tag.
func kafkaVersion(img schema.Images) string {
	if i := strings.LastIndexByte(img.Kafka, ':'); i >= 0 {
		return img.Kafka[i+1:]
	}
	return DefaultKafkaVersion
}

// KafkaVersionFromEnv returns the Kafka version to run.
func KafkaVersionFromEnv() string {
	if v := os.Getenv(EnvKafkaVersion); v != "" {
		return v
	}
	return DefaultKafkaVersion
}

// VersionPlaceholder, in KAFKA_CHAOS_KAFKA_IMAGE, stands for the Kafka
// version of each scenario.
const VersionPlaceholder = "{version}"

// ImagesFromEnv resolves the images for a Kafka version from the environment.
func ImagesFromEnv(kafkaVersion string) (schema.Images, error) {
	offline := os.Getenv(EnvOffline) == "1"
	img := schema.Images{
		Kafka:     "apache/kafka:" + kafkaVersion,
		Toxiproxy: "ghcr.io/shopify/toxiproxy:" + ToxiproxyVersion,
		JDK:       JDKImage,
		Offline:   offline,
	}
	if offline {
		img.Kafka = "kafka-chaos/kafka:" + kafkaVersion
		img.Toxiproxy = "kafka-chaos/toxiproxy:" + ToxiproxyVersion
		img.JDK = img.Kafka
	}
	if v := os.Getenv(EnvKafkaImage); v != "" {
		kafka, err := kafkaImageOverride(v, kafkaVersion)
		if err != nil {
			return schema.Images{}, err
		}
		img.Kafka = kafka
	}
	if v := os.Getenv(EnvToxiproxyImage); v != "" {
		img.Toxiproxy = v
	}
	if v := os.Getenv(EnvJDKImage); v != "" {
		img.JDK = v
	}
	return img, nil
}

// kafkaImageOverride resolves KAFKA_CHAOS_KAFKA_IMAGE for one Kafka
// version. The variable applies to every scenario whatever version it asks
// for, so an image whose tag does not name that version is refused:
// otherwise a 3.9.1 scenario would run another release while its result
// records 3.9.1.
func kafkaImageOverride(image, version string) (string, error) {
	if strings.Contains(image, VersionPlaceholder) {
		return strings.ReplaceAll(image, VersionPlaceholder, version), nil
	}
	if !strings.Contains(imageTag(image), version) {
		return "", fmt.Errorf("%s=%s does not name Kafka %s, the version to run: use %s, e.g. %s=apache/kafka:%s",
			EnvKafkaImage, image, version, VersionPlaceholder, EnvKafkaImage, VersionPlaceholder)
	}
	return image, nil
}

// imageTag returns the tag of an image reference, "" when it has none: the
// text after the colon of its last path element (a colon before a slash
// is a registry's port), without any digest.
func imageTag(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	name := ref[strings.LastIndexByte(ref, '/')+1:]
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return ""
}

// Ports of node n (9n92, 9n93, 9n94, 9n95): every listener in the cluster has its
// own port, so a proxy can stand in for any node on any network without
// clashing. They stay below Linux's ephemeral range (32768-60999): a port in
// it can be taken by an outgoing connection while a node restarts, and the
// broker then fails to bind.
func internalPort(n int) int   { return 9000 + n*100 + 92 }
func controllerPort(n int) int { return 9000 + n*100 + 93 }
func clientPort(n int) int     { return 9000 + n*100 + 94 }

// controllerAddress is node n's CONTROLLER listener as the nodes dial it,
// through toxiproxy like the INTERNAL one.
func controllerAddress(n int) string { return fmt.Sprintf("%s:%d", nodeAlias(n), controllerPort(n)) }

// containerPort is node n's CONTAINERS listener: the client listener of
// clients that run in containers of their own (Kafka's Java tools), which
// reach it by name through toxiproxy on the clients network.
func containerPort(n int) int { return 9000 + n*100 + 95 }

// containerClientAddress is node n's CONTAINERS listener as a client
// container dials it: kafka-n on the clients network is toxiproxy.
func containerClientAddress(n int) string {
	return fmt.Sprintf("%s:%d", nodeAlias(n), containerPort(n))
}

// toxiproxyAPIPort is the port of toxiproxy's HTTP API.
const toxiproxyAPIPort = 8474

// InternalAddress is node n's INTERNAL listener as the nodes dial it: from
// inside node m's container it reaches node n through toxiproxy's m→n
// replication proxy, the path m's follower fetches take, and node m
// itself directly.
func InternalAddress(n int) string { return fmt.Sprintf("%s:%d", nodeAlias(n), internalPort(n)) }

// Host names on the per-node networks. kafka-n is what every node dials
// (on net-i, i≠n, it is toxiproxy); kafka-n-real is node n itself, the
// proxies' upstream.
func nodeAlias(n int) string     { return fmt.Sprintf("kafka-%d", n) }
func nodeRealAlias(n int) string { return fmt.Sprintf("kafka-%d-real", n) }

// DefaultBrokerSettings are the cluster-wide settings the harness applies on
// top of Kafka's defaults. Detection timeouts are lowered so that a fault is
// noticed and healed in seconds, not minutes; they change what is lost, so
// every value is recorded in the result.
func DefaultBrokerSettings() map[string]string {
	return map[string]string{
		// The controller fences a silent broker after this long; Kafka's
		// default is 9 s.
		"broker.session.timeout.ms":    "3000",
		"broker.heartbeat.interval.ms": "500",
		// A follower that has not caught up for this long leaves the ISR.
		// Long enough that a follower slowed by injected latency stays in
		// the ISR, so acks=all keeps waiting for it.
		"replica.lag.time.max.ms": "10000",
		// Unclean election stays off unless a profile's topic turns it on.
		"unclean.leader.election.enable": "false",
		// When unclean election is turned on for a partition that is
		// already offline, the controller elects on this timer (internal;
		// Kafka's default is 5 min). Fencing a broker elects at once
		// whatever it says, so only isr-shrink-unclean-timer depends on it.
		"unclean.leader.election.interval.ms":      "1000",
		"auto.create.topics.enable":                "false",
		"offsets.topic.replication.factor":         "3",
		"offsets.topic.num.partitions":             "6",
		"transaction.state.log.replication.factor": "3",
		"transaction.state.log.min.isr":            "2",
		"group.initial.rebalance.delay.ms":         "0",
		// The consumer protocol's (KIP-848) floors on a group's session
		// and heartbeat (45s and 5s by default), lowered to the classic
		// protocol's: its groups then run with the 6s session and 1s
		// heartbeat their profiles give, like the classic ones.
		"group.consumer.min.session.timeout.ms":    "6000",
		"group.consumer.min.heartbeat.interval.ms": "1000",
		// Kafka's defaults: no fsync; durability comes from replication.
		// Written out so that the result shows them.
		"log.flush.interval.messages": "9223372036854775807",
		"num.partitions":              "1",
		"default.replication.factor":  "3",
	}
}

// nodeProperties renders server.properties for node n, whose KRaft
// metadata log goes in metaDir: metadata.log.dir is written only when that
// is not the log directory, where Kafka keeps it by default. A static
// quorum names its voters (controller.quorum.voters); a dynamic one
// (KIP-853) names only where to find the controllers, and each
// controller advertises its own listener, which the voter set records
// when it joins.
func nodeProperties(n, nodes int, clientHost string, clientHostPort int, metaDir string, dynamic bool, settings map[string]string) string {
	voters := make([]string, 0, nodes)
	controllers := make([]string, 0, nodes)
	for i := 1; i <= nodes; i++ {
		voters = append(voters, fmt.Sprintf("%d@%s", i, controllerAddress(i)))
		controllers = append(controllers, controllerAddress(i))
	}
	advertised := fmt.Sprintf("CLIENT://%s:%d,CONTAINERS://%s,INTERNAL://%s:%d", clientHost, clientHostPort, containerClientAddress(n), nodeAlias(n), internalPort(n))
	props := map[string]string{
		"process.roles":                  "broker,controller",
		"node.id":                        fmt.Sprint(n),
		"controller.quorum.voters":       strings.Join(voters, ","),
		"controller.listener.names":      "CONTROLLER",
		"inter.broker.listener.name":     "INTERNAL",
		"listener.security.protocol.map": "CLIENT:PLAINTEXT,CONTAINERS:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
		"listeners":                      fmt.Sprintf("CLIENT://0.0.0.0:%d,CONTAINERS://0.0.0.0:%d,INTERNAL://0.0.0.0:%d,CONTROLLER://0.0.0.0:%d", clientPort(n), containerPort(n), internalPort(n), controllerPort(n)),
		"advertised.listeners":           advertised,
		"log.dirs":                       logDir,
	}
	if dynamic {
		delete(props, "controller.quorum.voters")
		props["controller.quorum.bootstrap.servers"] = strings.Join(controllers, ",")
		props["advertised.listeners"] = advertised + ",CONTROLLER://" + controllerAddress(n)
	}
	if metaDir != logDir {
		props["metadata.log.dir"] = metaDir
	}
	for k, v := range settings {
		props[k] = v
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\n", k, props[k])
	}
	return b.String()
}
