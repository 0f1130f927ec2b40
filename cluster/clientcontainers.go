package cluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"golang.org/x/sys/unix"
)

// ClientContainer is a client process (Kafka's own Java tools) running in a
// container of its own from the cluster's Kafka image, on the clients
// network: every connection it makes to a broker crosses the same client
// link proxy as the harness's own clients, so a client fault hits both.
type ClientContainer struct {
	ctr     testcontainers.Container
	cluster *Cluster
	name    string
}

// clientJVM is how a client container's JVM runs: a small heap, and the
// quick-starting C1 compiler only, as the brokers run by default
// (DefaultJVMOpts). A client starting on two cores busy with three brokers
// otherwise takes over ten seconds to its first send result, and the
// clients at a few hundred messages a second never need the full JIT.
var clientJVM = map[string]string{
	"KAFKA_HEAP_OPTS":            "-Xms64m -Xmx256m",
	"KAFKA_JVM_PERFORMANCE_OPTS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true",
}

// ContainerBootstrap is the bootstrap list as a client container dials it.
func (c *Cluster) ContainerBootstrap() string {
	addrs := make([]string, Nodes)
	for n := 1; n <= Nodes; n++ {
		addrs[n-1] = containerClientAddress(n)
	}
	return strings.Join(addrs, ",")
}

// LaunchClient starts cmd in a new container from the cluster's Kafka
// image, with files (path: content) copied in before it starts; name is
// unique within the run. The process runs as the image's entrypoint would
// run it (PID 1 is the JVM once kafka-run-class.sh execs it), so a signal
// sent to the container reaches the client itself.
func (c *Cluster) LaunchClient(ctx context.Context, name string, cmd []string, files map[string]string) (*ClientContainer, error) {
	return c.launch(ctx, name, c.cfg.Images.Kafka, cmd, files, nil)
}

// StoreDir is where a container LaunchApp starts mounts its store volume.
const StoreDir = "/var/lib/kafka-chaos/store"

// LaunchApp starts the kafka-chaos Java application as LaunchClient
// starts a tool, from AppImage, with the volume named store (created on
// first use, and shared by every container launched with that name)
// mounted at StoreDir; store "" mounts none. The process runs as root,
// which owns the volume.
func (c *Cluster) LaunchApp(ctx context.Context, name string, cmd []string, files map[string]string, store string) (*ClientContainer, error) {
	image, err := c.AppImage(ctx)
	if err != nil {
		return nil, err
	}
	var mounts []mount.Mount
	if store != "" {
		vol, err := c.volume(ctx, store)
		if err != nil {
			return nil, err
		}
		mounts = append(mounts, mount.Mount{Type: mount.TypeVolume, Source: vol, Target: StoreDir})
	}
	return c.launch(ctx, name, image, cmd, files, func(req *testcontainers.ContainerRequest) {
		req.User = "0"
		req.HostConfigModifier = func(hc *container.HostConfig) {
			hc.AutoRemove = false
			hc.Mounts = append(hc.Mounts, mounts...)
		}
	})
}

// launch starts a client container from image; modify, when set, adjusts
// the request.
func (c *Cluster) launch(ctx context.Context, name, image string, cmd []string, files map[string]string, modify func(*testcontainers.ContainerRequest)) (*ClientContainer, error) {
	logging, loggingPath, log4jOpts := clientLogging(c.cfg.KafkaVersion)
	env := maps.Clone(clientJVM)
	env["KAFKA_LOG4J_OPTS"] = log4jOpts
	files = maps.Clone(files)
	if files == nil {
		files = map[string]string{}
	}
	files[loggingPath] = logging
	req := testcontainers.ContainerRequest{
		Image:      image,
		Name:       fmt.Sprintf("kafka-chaos-%s-%s", c.cfg.RunID, name),
		Entrypoint: cmd[:1],
		Cmd:        cmd[1:],
		Env:        env,
		Labels:     labels(c.cfg.RunID),
		Networks:   []string{c.clients.Name},
		HostConfigModifier: func(hc *container.HostConfig) {
			// Keep the container after its process exits: its output is
			// the client's ledger, read once it stopped.
			hc.AutoRemove = false
		},
	}
	for path, content := range files {
		req.Files = append(req.Files, testcontainers.ContainerFile{Reader: strings.NewReader(content), ContainerFilePath: path, FileMode: 0o644})
	}
	if modify != nil {
		modify(&req)
	}
	ctr, err := testcontainers.GenericContainer(ctx, testcontainers.GenericContainerRequest{ContainerRequest: req, Started: true})
	if err != nil {
		if ctr != nil {
			_ = ctr.Terminate(context.WithoutCancel(ctx), testcontainers.StopTimeout(0))
		}
		return nil, c.startError("client "+name, image, err)
	}
	c.launchMu.Lock()
	c.launched = append(c.launched, ctr)
	c.launchMu.Unlock()
	return &ClientContainer{ctr: ctr, cluster: c, name: name}, nil
}

// Stop sends SIGTERM, waits up to grace for the process to exit, then
// kills it. A process that already exited is stopped.
func (cc *ClientContainer) Stop(ctx context.Context, grace time.Duration) error {
	if err := cc.ctr.Stop(ctx, &grace); err != nil {
		return fmt.Errorf("stop client %s: %w", cc.name, err)
	}
	return nil
}

// Signal sends sig to the client process, PID 1 of its container. Sent
// from outside the container's PID namespace, SIGKILL and SIGSTOP reach
// it although a process there could not send them to PID 1. The signal
// goes by name: its number differs between the host (macOS) and the
// container (Linux).
func (cc *ClientContainer) Signal(ctx context.Context, sig syscall.Signal) error {
	name := unix.SignalName(sig)
	if _, err := cc.cluster.docker.ContainerKill(ctx, cc.ctr.GetContainerID(), client.ContainerKillOptions{Signal: name}); err != nil {
		return fmt.Errorf("signal client %s with %s: %w", cc.name, name, err)
	}
	return nil
}

// Exited reports whether the process has ended, and if so its exit code.
func (cc *ClientContainer) Exited(ctx context.Context) (exited bool, code int, err error) {
	res, err := cc.cluster.docker.ContainerInspect(ctx, cc.ctr.GetContainerID(), client.ContainerInspectOptions{})
	if err != nil {
		return false, 0, fmt.Errorf("inspect client %s: %w", cc.name, err)
	}
	st := res.Container.State
	if st == nil || st.Running {
		return false, 0, nil
	}
	return true, st.ExitCode, nil
}

// Output is everything the process printed on stdout so far.
func (cc *ClientContainer) Output(ctx context.Context) (io.ReadCloser, error) {
	var stdout bytes.Buffer
	if err := cc.logs(ctx, &stdout, io.Discard); err != nil {
		return nil, err
	}
	return io.NopCloser(&stdout), nil
}

// Stderr is everything the process printed on stderr so far: its log.
func (cc *ClientContainer) Stderr(ctx context.Context) (string, error) {
	var stderr bytes.Buffer
	err := cc.logs(ctx, io.Discard, &stderr)
	return stderr.String(), err
}

func (cc *ClientContainer) logs(ctx context.Context, stdout, stderr io.Writer) error {
	r, err := cc.cluster.docker.ContainerLogs(ctx, cc.ctr.GetContainerID(), client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return fmt.Errorf("output of client %s: %w", cc.name, err)
	}
	defer r.Close()
	if _, err := stdcopy.StdCopy(stdout, stderr, r); err != nil {
		return fmt.Errorf("output of client %s: %w", cc.name, err)
	}
	return nil
}

// ReadFile returns a file of the container's filesystem or of a volume it
// mounts, running or stopped.
func (cc *ClientContainer) ReadFile(ctx context.Context, path string) ([]byte, error) {
	r, err := cc.ctr.CopyFileFromContainer(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("read %s from client %s: %w", path, cc.name, err)
	}
	defer r.Close()
	return io.ReadAll(r)
}

// Remove deletes the container; the cluster's Close no longer has to.
func (cc *ClientContainer) Remove(ctx context.Context) error {
	if err := cc.ctr.Terminate(ctx); err != nil {
		return fmt.Errorf("remove client %s: %w", cc.name, err)
	}
	c := cc.cluster
	c.launchMu.Lock()
	defer c.launchMu.Unlock()
	c.launched = slices.DeleteFunc(c.launched, func(ctr testcontainers.Container) bool { return ctr == cc.ctr })
	return nil
}
