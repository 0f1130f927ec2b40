package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// ErrSharedMetadataDir means a disk replacement was asked of a cluster
// whose metadata log shares the data log directory: emptying it would
// also take the node's copy of the metadata log and its meta.properties,
// which a replaced data disk leaves alone.
var ErrSharedMetadataDir = errors.New("the metadata log shares the data log directory: set Config.SeparateMetadataDir to replace a data disk")

// replaceTimeout bounds a replacement run: a shell, a find and one JVM.
const replaceTimeout = 2 * time.Minute

// ReplaceDisk gives stopped node n a new, empty data log directory, as an
// operator does after replacing the disk under log.dirs: everything in it
// is deleted (on the lossy filesystem, in its backing directory), and
// `kafka-storage.sh format --ignore-formatted` formats it again with the
// cluster's id, which formats only the directories that lack a
// meta.properties and gives the new one a new directory.id (KIP-858). The
// metadata log, in its own directory, is kept. The node's container
// cannot run a process while it is stopped, so the node's own launch
// script does the work on a start that finds a marker file (replaceStep)
// and exits when done; ReplaceDisk waits for that run, checks that the
// directory has a new directory.id, and leaves the node stopped for
// Restart.
func (c *Cluster) ReplaceDisk(ctx context.Context, n int) error {
	if !c.cfg.SeparateMetadataDir {
		return ErrSharedMetadataDir
	}
	id, err := c.containerID(n)
	if err != nil {
		return err
	}
	running, err := c.Running(ctx, n)
	if err == nil && running {
		err = fmt.Errorf("node %d runs: stop it first", n)
	}
	if err != nil {
		return fmt.Errorf("replace the disk of node %d: %w", n, err)
	}
	old, err := c.directoryID(ctx, n)
	if err != nil {
		return err
	}
	if err := c.replaceRun(ctx, n, id); err != nil {
		return fmt.Errorf("replace the disk of node %d: %w", n, err)
	}
	now, err := c.directoryID(ctx, n)
	if err == nil && (now == "" || now == old) {
		err = fmt.Errorf("directory.id %q after formatting, %q before: the directory was not formatted anew", now, old)
	}
	if err != nil {
		return fmt.Errorf("replace the disk of node %d: %w", n, err)
	}
	c.logf("node %d: data disk replaced: %s emptied and formatted, directory.id %s -> %s; metadata log kept in %s", n, logDir, old, now, metadataDir)
	return nil
}

// replaceRun starts stopped node n with replaceMarker in place and waits
// for its launch script to empty and format the data log directory and
// exit.
func (c *Cluster) replaceRun(ctx context.Context, n int, id string) error {
	// Docker's copy API writes into a stopped container too.
	if err := c.nodes[n-1].CopyToContainer(ctx, []byte("kafka-chaos: the next start replaces the data disk\n"), replaceMarker, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", replaceMarker, err)
	}
	if _, err := c.docker.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start the replacement run: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, replaceTimeout)
	defer cancel()
	wait := c.docker.ContainerWait(wctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case res := <-wait.Result:
		if res.StatusCode != 0 {
			return fmt.Errorf("the replacement run exited %d; its log ends: %s", res.StatusCode, c.logTail(ctx, n, 20))
		}
		return nil
	case err := <-wait.Error:
		if wctx.Err() != nil {
			err = errors.Join(err, c.Kill(context.WithoutCancel(ctx), n, schema.SIGKILL, 30*time.Second))
		}
		return fmt.Errorf("wait for the replacement run: %w", err)
	}
}

// directoryID returns the directory.id of stopped node n's data log
// directory, as its meta.properties on disk holds it.
func (c *Cluster) directoryID(ctx context.Context, n int) (string, error) {
	b, err := c.readFile(ctx, n, c.diskDir()+"/meta.properties")
	if err != nil {
		return "", err
	}
	return propertyValue(string(b), "directory.id"), nil
}

// propertyValue returns the value of key in a properties file, "" when it
// has none.
func propertyValue(props, key string) string {
	for _, line := range strings.Split(props, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && k == key {
			return v
		}
	}
	return ""
}

// logTail returns the last lines of node n's log, or why it cannot.
func (c *Cluster) logTail(ctx context.Context, n, lines int) string {
	logs, err := c.Logs(ctx, n)
	if err != nil {
		return err.Error()
	}
	return lastLines(logs, lines)
}
