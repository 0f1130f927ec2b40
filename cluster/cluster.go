// Package cluster starts a three-node KRaft Kafka cluster in containers with
// every client→broker and broker→broker link passing through its own
// toxiproxy proxy, and offers the node- and link-level primitives faults are
// built from, with the reads of Kafka's state that show their effect: it is
// the Docker backend behind the interfaces package faults defines, and
// knows nothing of faults itself. It returns errors and never fails a test
// itself.
package cluster

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"
	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/network"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Nodes is the cluster size. Every node is a combined broker and controller.
const Nodes = 3

const (
	logDir = "/var/lib/kafka/data"
	// metadataDir holds the KRaft metadata log when Config.SeparateMetadataDir
	// is set; otherwise it lives in logDir, as Kafka puts it by default.
	metadataDir = "/var/lib/kafka/metadata"
	// configDir holds the files the harness copies into every node.
	configDir = "/etc/kafka-chaos"
	propsPath = configDir + "/server.properties"
)

// DefaultJVMOpts keep the brokers' JIT at its first tier (C1). A broker
// restarted by a fault otherwise spends its first seconds, on a machine
// already busy with the other brokers and the producers, compiling with
// C2, and slows the other brokers too: 16 network, process and baseline
// scenarios of the matrix took 532 s with C1 and 691 s with the full JIT
// (rolling-restart alone 63 s and 132 s). Brokers then run
// slower for good; every profile of a scenario shares them, and the option
// is recorded with the cluster. KAFKA_CHAOS_JVM_OPTS replaces it, e.g. with
// -XX:TieredStopAtLevel=4 for the full JIT.
const DefaultJVMOpts = "-XX:TieredStopAtLevel=1"

// EnvJVMOpts, when set, replaces DefaultJVMOpts.
const EnvJVMOpts = "KAFKA_CHAOS_JVM_OPTS"

// Config describes one cluster.
type Config struct {
	// RunID labels every container and network of the run.
	RunID        string
	KafkaVersion string
	Images       schema.Images
	// Settings are merged over DefaultBrokerSettings.
	Settings map[string]string
	// HeapOpts sizes each broker JVM (KAFKA_HEAP_OPTS).
	HeapOpts string
	// JVMOpts are further options of each broker JVM (KAFKA_OPTS); empty
	// means $KAFKA_CHAOS_JVM_OPTS, or DefaultJVMOpts when that is unset.
	// The image's class archive, when it has one, is added to them.
	JVMOpts string
	// ReadyTimeout bounds Start's wait for registered brokers.
	ReadyTimeout time.Duration
	// LossyFS, when set, is the path of a static lossyfs binary on this
	// host: every node then keeps its log directory on that filesystem, so
	// killing a node's container loses what Kafka had not fsynced, as a
	// power cut does. Without it a killed node keeps its page cache.
	LossyFS string
	// SeparateMetadataDir keeps each node's KRaft metadata log (and the
	// node's identity with it) in a directory of its own, metadata.log.dir,
	// apart from the data log directory, log.dirs: the layout of a node
	// whose metadata log has a disk of its own, whose data disk
	// ReplaceDisk can then replace. With LossyFS only the data log
	// directory is on the lossy filesystem.
	SeparateMetadataDir bool
	// DynamicQuorum formats the controllers as a dynamic quorum (KIP-853)
	// instead of naming static voters: its voter set changes with
	// `kafka-metadata-quorum add-controller` and `remove-controller`, so a
	// node can be replaced by a fresh one (ReplaceNode).
	DynamicQuorum bool
	// Logf receives progress lines; nil discards them.
	Logf func(format string, args ...any)
}

// Cluster is a running cluster. Close removes every container and network
// it made, whatever state Start or a fault left them in.
type Cluster struct {
	cfg      Config
	info     schema.ClusterInfo
	docker   *testcontainers.DockerClient
	networks []*testcontainers.DockerNetwork
	// clients is the network of client containers (LaunchClient): on it
	// toxiproxy carries every node's alias, kafka-n.
	clients *testcontainers.DockerNetwork
	// launched are the client containers, removed with the cluster if a
	// run did not remove them itself.
	launchMu sync.Mutex
	launched []testcontainers.Container
	toxiC    testcontainers.Container
	mesh     *mesh
	nodes    []testcontainers.Container // index n-1
	// retired are the containers upgraded or replaced nodes ran in
	// before, by node, kept stopped for their logs until Close.
	retired map[int][]testcontainers.Container
	// controllerDirs are the directory ids of the dynamic quorum's
	// initial voters, by node, given to the storage format.
	controllerDirs map[int]string
	// jvmBase are the brokers' JVM options without an image's class
	// archive.
	jvmBase   string
	bindIP    netip.Addr // every published port's address (publishedOn)
	host      string     // the engine's machine in host-side addresses
	kclient   sarama.Client
	admin     sarama.ClusterAdmin
	saramaVer sarama.KafkaVersion
	probeMu   sync.Mutex
	probes    map[int]*sarama.Broker
	// missing are images that were not present locally at start.
	missing map[string]bool
	// appImage is the Java application's image once AppImage has it.
	appMu    sync.Mutex
	appImage string
}

func (c *Cluster) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

// Start brings up toxiproxy, then the three nodes, and returns once every
// broker is registered and a controller is elected. On error everything
// already created is removed.
func Start(ctx context.Context, cfg Config) (c *Cluster, err error) {
	began := time.Now()
	if cfg, err = withDefaults(cfg); err != nil {
		return nil, err
	}
	if c, err = newCluster(ctx, cfg); err != nil {
		return nil, err
	}
	// Registered before the first container exists, so a half-started
	// cluster is torn down too.
	defer func() {
		if err != nil {
			err = errors.Join(err, c.Close(context.WithoutCancel(ctx)))
			c = nil
		}
	}()
	if err := c.createNetworks(ctx); err != nil {
		return c, err
	}
	if err := c.startMesh(ctx); err != nil {
		return c, err
	}
	if err := c.startNodes(ctx); err != nil {
		return c, err
	}
	if err := c.waitRegistered(ctx, c.cfg.ReadyTimeout); err != nil {
		return c, err
	}
	if err := c.checkAdvertised(); err != nil {
		return c, err
	}
	c.info.Bootstrap = c.Bootstrap()
	c.info.StartSeconds = time.Since(began).Seconds()
	c.logf("cluster %s: %d brokers registered, Kafka %s, ready in %.1fs", c.cfg.RunID, Nodes, c.cfg.KafkaVersion, c.info.StartSeconds)
	return c, nil
}

// withDefaults fills in what cfg leaves unset.
func withDefaults(cfg Config) (Config, error) {
	if cfg.KafkaVersion == "" {
		cfg.KafkaVersion = KafkaVersionFromEnv()
	}
	if cfg.Images.Kafka == "" {
		var err error
		if cfg.Images, err = ImagesFromEnv(cfg.KafkaVersion); err != nil {
			return cfg, err
		}
	}
	if cfg.RunID == "" {
		cfg.RunID = newID(6)
	}
	if cfg.HeapOpts == "" {
		cfg.HeapOpts = "-Xms256m -Xmx512m"
	}
	if cfg.JVMOpts == "" {
		cfg.JVMOpts = DefaultJVMOpts
		if v, ok := os.LookupEnv(EnvJVMOpts); ok {
			cfg.JVMOpts = v
		}
	}
	if cfg.ReadyTimeout == 0 {
		// Three JVMs on two busy cores have been seen to need two minutes.
		cfg.ReadyTimeout = 180 * time.Second
	}
	return cfg, nil
}

// newCluster checks what a start needs before anything is created (the
// protocol version, the Docker engine, the images, Docker's disk, the
// engine's address) and returns the cluster with its recorded
// configuration and no container yet.
func newCluster(ctx context.Context, cfg Config) (*Cluster, error) {
	settings := DefaultBrokerSettings()
	for k, v := range cfg.Settings {
		settings[k] = v
	}
	ver, err := saramaVersion(cfg.KafkaVersion)
	if err != nil {
		return nil, err
	}
	docker, err := dockerClient(ctx)
	if err != nil {
		return nil, err
	}
	missing, archive, err := checkImages(ctx, docker, cfg.Images)
	if err == nil {
		err = checkDockerDisk(ctx, docker)
	}
	var host string
	if err == nil {
		host, err = daemonHost(ctx)
	}
	if err != nil {
		docker.Close()
		return nil, err
	}
	jvmBase := cfg.JVMOpts
	cfg.JVMOpts = withArchive(jvmBase, archive)
	c := &Cluster{cfg: cfg, jvmBase: jvmBase, docker: docker, saramaVer: ver, probes: map[int]*sarama.Broker{}, missing: missing}
	c.bindIP, c.host = publishedOn(host)
	c.info = schema.ClusterInfo{
		KafkaVersion:        cfg.KafkaVersion,
		ClusterID:           newClusterID(),
		Images:              cfg.Images,
		Nodes:               Nodes,
		HeapOpts:            cfg.HeapOpts,
		JVMOpts:             cfg.JVMOpts,
		Settings:            settings,
		LossyFS:             cfg.LossyFS != "",
		SeparateMetadataDir: cfg.SeparateMetadataDir,
	}
	if cfg.DynamicQuorum {
		c.info.Quorum = QuorumDynamic
		c.controllerDirs = map[int]string{}
		for n := 1; n <= Nodes; n++ {
			c.controllerDirs[n] = newDirectoryID()
		}
	}
	return c, nil
}

// createNetworks creates the per-node networks: node n joins only the
// n-th, toxiproxy joins every one.
func (c *Cluster) createNetworks(ctx context.Context) error {
	for n := 1; n <= Nodes; n++ {
		nw, err := network.New(ctx, network.WithLabels(labels(c.cfg.RunID)))
		if err != nil {
			return fmt.Errorf("create network for node %d: %w", n, err)
		}
		c.networks = append(c.networks, nw)
	}
	nw, err := network.New(ctx, network.WithLabels(labels(c.cfg.RunID)))
	if err != nil {
		return fmt.Errorf("create the clients network: %w", err)
	}
	c.clients = nw
	return nil
}

// startNodes starts the nodes together: a KRaft quorum needs a majority
// before any of them is ready, and three JVMs starting at once finish
// sooner than three in a row.
func (c *Cluster) startNodes(ctx context.Context) error {
	c.nodes = make([]testcontainers.Container, Nodes)
	errs := make([]error, Nodes)
	var wg sync.WaitGroup
	for n := 1; n <= Nodes; n++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[n-1] = c.startNode(ctx, n)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (c *Cluster) startNode(ctx context.Context, n int) error {
	req := c.nodeRequest(n, c.cfg.Images.Kafka, c.cfg.KafkaVersion, c.cfg.JVMOpts, c.nodeProperties(n))
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{ContainerRequest: req, Started: true})
	c.nodes[n-1] = ctr
	if err != nil {
		return c.startError(fmt.Sprintf("kafka node %d", n), c.cfg.Images.Kafka, err)
	}
	return nil
}

// nodeProperties renders node n's server.properties: the cluster's
// settings, with those a rolling restart changed on n over them.
func (c *Cluster) nodeProperties(n int) string {
	settings := maps.Clone(c.info.Settings)
	maps.Copy(settings, c.info.NodeSettings[n])
	return nodeProperties(n, Nodes, c.host, c.mesh.clientHostPort[n], c.metadataLogDir(), c.cfg.DynamicQuorum, settings)
}

// nodeName is the name of node n's container.
func (c *Cluster) nodeName(n int) string {
	return fmt.Sprintf("kafka-chaos-%s-kafka-%d", c.cfg.RunID, n)
}

// nodeRequest is node n's container: image, of Kafka release version,
// whose JVMs take jvmOpts, with props as its server.properties.
func (c *Cluster) nodeRequest(n int, image, version, jvmOpts, props string) testcontainers.ContainerRequest {
	nw := c.networks[n-1].Name
	logging, loggingPath, log4jOpts := brokerLogging(version)
	cfg := c.cfg
	cfg.JVMOpts = jvmOpts
	req := testcontainers.ContainerRequest{
		Image:          image,
		Name:           c.nodeName(n),
		Entrypoint:     []string{"/bin/sh", "-c"},
		Cmd:            []string{c.launchScript(n)},
		Env:            nodeEnv(cfg, log4jOpts),
		Labels:         labels(c.cfg.RunID),
		Networks:       []string{nw},
		NetworkAliases: map[string][]string{nw: {nodeAlias(n), nodeRealAlias(n)}},
		Files: []testcontainers.ContainerFile{
			{Reader: strings.NewReader(props), ContainerFilePath: propsPath, FileMode: 0o644},
			{Reader: strings.NewReader(logging), ContainerFilePath: loggingPath, FileMode: 0o644},
		},
		// Root on both images: the official one runs as appuser (uid
		// 1000), which cannot mount the lossy filesystem. As root, neither
		// the copied files nor the log directory (on the official image's
		// volume) need an owner of their own.
		ConfigModifier: func(cc *container.Config) {
			cc.User = "0"
			cc.Hostname = nodeAlias(n)
		},
	}
	// A request without ports has every port its image exposes published
	// on every address; the node's client port is published instead, on
	// bindIP like toxiproxy's. The harness never dials it: clients reach
	// the node through its proxy.
	exposed, bindings := published(c.bindIP, clientPort(n))
	req.ExposedPorts = exposed
	lossy := c.cfg.LossyFS != ""
	if lossy {
		req.Files = append(req.Files, testcontainers.ContainerFile{HostFilePath: c.cfg.LossyFS, ContainerFilePath: lossyBin, FileMode: 0o755})
	}
	req.HostConfigModifier = func(hc *container.HostConfig) {
		hc.PortBindings = bindings
		if lossy {
			hc.Devices = append(hc.Devices, container.DeviceMapping{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"})
			hc.CapAdd = append(hc.CapAdd, "SYS_ADMIN")
			hc.SecurityOpt = append(hc.SecurityOpt, "apparmor:unconfined")
		}
	}
	return req
}

// withArchive adds a Kafka image's class archive, if it has one, to the
// brokers' JVM options.
func withArchive(jvmOpts, archive string) string {
	if archive == "" {
		return jvmOpts
	}
	return strings.TrimSpace(jvmOpts + " -XX:SharedArchiveFile=" + archive)
}

// metadataLogDir is where every node keeps its KRaft metadata log.
func (c *Cluster) metadataLogDir() string {
	if c.cfg.SeparateMetadataDir {
		return metadataDir
	}
	return logDir
}

// Info returns the cluster's recorded configuration, as it runs now.
func (c *Cluster) Info() schema.ClusterInfo {
	info := c.info
	if u := c.info.Upgrade; u != nil {
		clone := *u
		clone.Nodes = slices.Clone(u.Nodes)
		info.Upgrade = &clone
	}
	if c.info.NodeSettings != nil {
		info.NodeSettings = map[int]map[string]string{}
		for n, s := range c.info.NodeSettings {
			info.NodeSettings[n] = maps.Clone(s)
		}
	}
	return info
}

// RunID returns the label value shared by the cluster's resources.
func (c *Cluster) RunID() string { return c.cfg.RunID }

// Bootstrap returns the host-side client addresses, one per node.
func (c *Cluster) Bootstrap() []string {
	addrs := make([]string, 0, Nodes)
	for n := 1; n <= Nodes; n++ {
		addrs = append(addrs, fmt.Sprintf("%s:%d", c.host, c.mesh.clientHostPort[n]))
	}
	return addrs
}

// bootstrapOf returns the host-side client addresses of the given nodes,
// in order.
func (c *Cluster) bootstrapOf(nodes []int) []string {
	all := c.Bootstrap()
	addrs := make([]string, 0, len(nodes))
	for _, n := range nodes {
		addrs = append(addrs, all[n-1])
	}
	return addrs
}

// Close removes every container and network of the cluster. It is safe on a
// partly started cluster and on a cluster whose nodes are killed or paused.
func (c *Cluster) Close(ctx context.Context) error {
	var errs []error
	if c.admin != nil {
		_ = c.admin.Close()
	}
	for _, b := range c.probes {
		_ = b.Close()
	}
	if c.kclient != nil && !c.kclient.Closed() {
		_ = c.kclient.Close()
	}
	c.launchMu.Lock()
	ctrs := append(append(append([]testcontainers.Container(nil), c.launched...), c.nodes...), c.toxiC)
	for _, r := range c.retired {
		ctrs = append(ctrs, r...)
	}
	c.launchMu.Unlock()
	for _, ctr := range ctrs {
		if ctr == nil {
			continue
		}
		// A paused container cannot be stopped; terminate removes it forcibly.
		if err := ctr.Terminate(ctx, testcontainers.StopTimeout(0)); err != nil {
			errs = append(errs, fmt.Errorf("remove container: %w", err))
		}
	}
	errs = append(errs, c.removeVolumes(ctx))
	for _, nw := range c.allNetworks() {
		if err := nw.Remove(ctx); err != nil {
			errs = append(errs, fmt.Errorf("remove network %s: %w", nw.Name, err))
		}
	}
	if c.docker != nil {
		_ = c.docker.Close()
	}
	return errors.Join(errs...)
}

func (c *Cluster) allNetworks() []*testcontainers.DockerNetwork {
	if c.clients == nil {
		return c.networks
	}
	return append(append([]*testcontainers.DockerNetwork(nil), c.networks...), c.clients)
}

func newID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// newClusterID returns a KRaft cluster id: 16 random bytes, base64url.
func newClusterID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newDirectoryID returns a log directory id as Kafka's Uuid.randomUuid
// makes one: a cluster id that does not start with "-" (which Kafka's
// tools would read as an option).
func newDirectoryID() string {
	for {
		if id := newClusterID(); id[0] != '-' {
			return id
		}
	}
}
