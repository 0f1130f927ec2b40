package cluster

import (
	"context"
	"fmt"
	"syscall"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// MinDockerFreeBytes is the free space a run needs under Docker's root:
// three brokers' logs, a matrix's worth of topics and the containers'
// layers fit in well under this.
const MinDockerFreeBytes = 2 << 30

// checkDockerDisk refuses to start a cluster when the disk under Docker's
// root directory is nearly full: brokers would fail mid-scenario with
// errors that look like a fault's effect. An engine whose root is not on
// this machine (Docker Desktop, a remote host) is not checked.
func checkDockerDisk(ctx context.Context, cli *testcontainers.DockerClient) error {
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil || info.Info.DockerRootDir == "" {
		return nil
	}
	var st syscall.Statfs_t
	if syscall.Statfs(info.Info.DockerRootDir, &st) != nil {
		return nil
	}
	return diskProblem(info.Info.DockerRootDir, st.Bavail*uint64(st.Bsize), MinDockerFreeBytes)
}

// diskProblem says what to do when free bytes under dir are below need.
func diskProblem(dir string, free, need uint64) error {
	if free >= need {
		return nil
	}
	return fmt.Errorf("docker's disk is nearly full: %d MiB free under %s, a run needs %d MiB: remove old images and containers (`docker system prune`, `make clean`) or free space on that filesystem",
		free>>20, dir, need>>20)
}
