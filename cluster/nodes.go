package cluster

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
)

func (c *Cluster) containerID(n int) (string, error) {
	if n < 1 || n > len(c.nodes) || c.nodes[n-1] == nil {
		return "", fmt.Errorf("no node %d: the cluster has nodes 1..%d", n, len(c.nodes))
	}
	return c.nodes[n-1].GetContainerID(), nil
}

// Kill sends a signal to node n's Kafka process (PID 1 of its container)
// and waits up to timeout for the container to stop. SIGKILL leaves the
// page cache (the container's filesystem) intact; SIGTERM is a clean
// shutdown that Kafka handles by moving leadership away first.
func (c *Cluster) Kill(ctx context.Context, n int, signal string, timeout time.Duration) error {
	id, err := c.containerID(n)
	if err != nil {
		return err
	}
	if _, err := c.docker.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: signal}); err != nil {
		return fmt.Errorf("kill node %d with %s: %w", n, signal, err)
	}
	deadline := time.Now().Add(timeout)
	for {
		running, err := c.Running(ctx, n)
		if err != nil {
			return err
		}
		if !running {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kill node %d with %s: still running after %s", n, signal, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Restart starts a stopped node again with its data: the container, and
// with it the log directory, is the same one.
func (c *Cluster) Restart(ctx context.Context, n int) error {
	id, err := c.containerID(n)
	if err != nil {
		return err
	}
	if _, err := c.docker.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("restart node %d: %w", n, err)
	}
	return nil
}

// Pause freezes every process of node n (cgroup freezer): connections stay
// open but nothing answers, like a long GC pause or a hung VM. The freezer
// gives up when a thread does not stop in time (runc: "unable to freeze",
// seen on a busy machine) and thaws the rest; Pause then tries again, up
// to three times.
func (c *Cluster) Pause(ctx context.Context, n int) error {
	id, err := c.containerID(n)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		_, err = c.docker.ContainerPause(ctx, id, client.ContainerPauseOptions{})
		if err == nil || attempt == 3 || !strings.Contains(err.Error(), "unable to freeze") {
			break
		}
		c.logf("pause node %d, attempt %d: %v; trying again", n, attempt, err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("pause node %d: %w", n, err)
	}
	return nil
}

// Unpause thaws node n.
func (c *Cluster) Unpause(ctx context.Context, n int) error {
	id, err := c.containerID(n)
	if err != nil {
		return err
	}
	if _, err := c.docker.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}); err != nil {
		return fmt.Errorf("unpause node %d: %w", n, err)
	}
	return nil
}

// Running reports whether node n's container is running (paused counts as
// running).
func (c *Cluster) Running(ctx context.Context, n int) (bool, error) {
	id, err := c.containerID(n)
	if err != nil {
		return false, err
	}
	res, err := c.docker.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return false, fmt.Errorf("inspect node %d: %w", n, err)
	}
	return res.Container.State != nil && res.Container.State.Running, nil
}

// Exec runs a command in node n and returns its exit code and output.
func (c *Cluster) Exec(ctx context.Context, n int, cmd ...string) (int, string, error) {
	if _, err := c.containerID(n); err != nil {
		return 0, "", err
	}
	code, r, err := c.nodes[n-1].Exec(ctx, cmd, tcexec.Multiplexed())
	if err != nil {
		return code, "", fmt.Errorf("exec %q in node %d: %w", strings.Join(cmd, " "), n, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return code, "", fmt.Errorf("read output of %q in node %d: %w", strings.Join(cmd, " "), n, err)
	}
	return code, string(out), nil
}

// Logs returns node n's whole log (stdout and stderr) across restarts,
// and across upgrades: the containers it ran in before come first.
func (c *Cluster) Logs(ctx context.Context, n int) (string, error) {
	if _, err := c.containerID(n); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, ctr := range append(slices.Clone(c.retired[n]), c.nodes[n-1]) {
		logs, err := containerLogs(ctx, ctr)
		if err != nil {
			return "", fmt.Errorf("logs of node %d: %w", n, err)
		}
		b.WriteString(logs)
	}
	return b.String(), nil
}

// containerLogs returns a container's whole log.
func containerLogs(ctx context.Context, ctr testcontainers.Container) (string, error) {
	r, err := ctr.Logs(ctx)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

// readFile copies one file out of node n's container without running a
// process in it, so it works while the broker is stopped.
func (c *Cluster) readFile(ctx context.Context, n int, path string) ([]byte, error) {
	if _, err := c.containerID(n); err != nil {
		return nil, err
	}
	r, err := c.nodes[n-1].CopyFileFromContainer(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("read %s from node %d: %w", path, n, err)
	}
	defer r.Close()
	return io.ReadAll(r)
}
