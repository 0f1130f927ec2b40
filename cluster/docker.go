package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Labels on every container and network the harness creates. The owner pid
// lets a sweep tell leftovers of a dead run from the resources of a live one.
const (
	LabelHarness = "io.kafka-chaos"
	LabelRun     = "io.kafka-chaos.run"
	LabelPID     = "io.kafka-chaos.pid"
)

// LabelClassArchive, on a Kafka image, names the class-data-sharing archive
// of the broker's classes built into it (the offline image has one; see
// images/kafka/bin/kafka-chaos-class-archive.sh).
const LabelClassArchive = "io.kafka-chaos.class-archive"

// ErrDockerUnavailable means no Docker engine answered.
var ErrDockerUnavailable = errors.New("docker engine not reachable: start Docker (on Debian: sudo scripts/docker-up.sh) and check `docker info`")

func labels(runID string) map[string]string {
	return map[string]string{
		LabelHarness: "1",
		LabelRun:     runID,
		LabelPID:     strconv.Itoa(os.Getpid()),
	}
}

func dockerClient(ctx context.Context) (*testcontainers.DockerClient, error) {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrDockerUnavailable, err)
	}
	return cli, nil
}

// EngineGOARCH returns the Go architecture of the machine the Docker
// engine runs on. A binary copied into a container must be built for Linux
// and this architecture, which is not the host's on a Mac, on an arm64
// machine running amd64 containers, or with a remote engine.
func EngineGOARCH(ctx context.Context) (string, error) {
	cli, err := dockerClient(ctx)
	if err != nil {
		return "", err
	}
	defer cli.Close()
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return "", fmt.Errorf("docker info: %w", err)
	}
	return goarch(info.Info.Architecture)
}

// goarch maps the architecture Docker reports for its machine (uname -m on
// Linux: x86_64, aarch64; Go's own names are accepted too) to Go's name.
// Only the two the Kafka images are published for are known.
func goarch(machine string) (string, error) {
	switch machine {
	case "x86_64", "amd64":
		return "amd64", nil
	case "aarch64", "arm64":
		return "arm64", nil
	}
	return "", fmt.Errorf("docker engine runs on %q: the binaries copied into containers are built for x86_64 and aarch64 engines only", machine)
}

// checkImages returns the images not present locally, and the class
// archive the Kafka image names in its LabelClassArchive label ("" for an
// image without one, such as the official image, or one not pulled yet).
// Offline, a missing image is an error naming the command that builds it;
// online, it is pulled when its container starts.
func checkImages(ctx context.Context, cli *testcontainers.DockerClient, img schema.Images) (missing map[string]bool, archive string, err error) {
	missing = map[string]bool{}
	for _, name := range []string{img.Kafka, img.Toxiproxy} {
		res, err := cli.ImageInspect(ctx, name)
		if err == nil {
			if name == img.Kafka && res.Config != nil {
				archive = res.Config.Labels[LabelClassArchive]
			}
			continue
		}
		if img.Offline {
			return nil, "", fmt.Errorf("image %s is missing: build it with `make images-offline KAFKA_VERSIONS=%s` (no registry is used when %s=1)", name, kafkaVersion(img), EnvOffline)
		}
		missing[name] = true
	}
	return missing, archive, nil
}

// Sweep removes containers, volumes and networks left by harness runs whose process
// is gone (a killed run cannot clean up after itself). With all set, it
// removes every harness resource regardless of owner (make clean).
func Sweep(ctx context.Context, all bool) (removed int, err error) {
	cli, err := dockerClient(ctx)
	if err != nil {
		return 0, err
	}
	defer cli.Close()
	f := client.Filters{}.Add("label", LabelHarness)
	// Containers first: a volume or network still in use cannot go.
	var rs []resource
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return 0, fmt.Errorf("list containers: %w", err)
	}
	for _, c := range cs.Items {
		rs = append(rs, resource{"container " + c.ID[:12], c.Labels, func() error {
			_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			return err
		}})
	}
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return 0, fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vs.Items {
		rs = append(rs, resource{"volume " + v.Name, v.Labels, func() error {
			_, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
			return err
		}})
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return 0, fmt.Errorf("list networks: %w", err)
	}
	for _, n := range ns.Items {
		rs = append(rs, resource{"network " + n.Name, n.Labels, func() error {
			_, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			return err
		}})
	}
	var errs []error
	for _, r := range rs {
		if !all && ownerAlive(r.labels[LabelPID]) {
			continue
		}
		if err := r.remove(); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", r.name, err))
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// resource is a harness resource a sweep may remove: its kind and name,
// its labels, and how to remove it.
type resource struct {
	name   string
	labels map[string]string
	remove func() error
}

// ownerAlive reports whether the process that labelled a resource still runs
// on this host. Signal 0 checks existence without touching the process.
func ownerAlive(pid string) bool {
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return false
	}
	if n == os.Getpid() {
		return true
	}
	return syscall.Kill(n, 0) == nil
}

// startError explains a container that did not start; when its image had
// to be pulled, the pull is the likely culprit and the offline path the fix.
func (c *Cluster) startError(what, image string, err error) error {
	if c.missing[image] {
		return fmt.Errorf("start %s: image %s is not present locally and could not be used (%w): without registry access run `make images-offline` and set %s=1", what, image, err, EnvOffline)
	}
	return fmt.Errorf("start %s (%s): %w", what, image, err)
}
