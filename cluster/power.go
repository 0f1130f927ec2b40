package cluster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// ErrNoLossyFS means a power-loss primitive was used on a cluster started
// without the lossy filesystem, where a killed node keeps its page cache.
var ErrNoLossyFS = errors.New("cluster runs without the lossy filesystem: set Config.LossyFS to simulate power loss")

// nodeFile reads a file as node n's processes see it. On the lossy
// filesystem that takes a process inside the node: Docker's copy API reads
// the container's root filesystem beneath the FUSE mount.
func (c *Cluster) nodeFile(ctx context.Context, n int, path string) ([]byte, error) {
	if c.cfg.LossyFS == "" {
		return c.readFile(ctx, n, path)
	}
	code, out, err := c.Exec(ctx, n, "cat", path)
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, fmt.Errorf("read %s in node %d: exit %d: %s", path, n, code, strings.TrimSpace(out))
	}
	return []byte(out), nil
}

// UnsyncedBytes returns how many bytes node n's log directory holds that
// were written but not fsynced: what a power cut would take.
func (c *Cluster) UnsyncedBytes(ctx context.Context, n int) (int64, error) {
	if c.cfg.LossyFS == "" {
		return 0, ErrNoLossyFS
	}
	code, out, err := c.Exec(ctx, n, lossyBin, "ctl", "-socket", lossySocket, "unsynced")
	if err != nil {
		return 0, err
	}
	out = strings.TrimSpace(out)
	if code != 0 {
		return 0, fmt.Errorf("unsynced bytes of node %d: exit %d: %s", n, code, out)
	}
	v, err := strconv.ParseInt(out, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("unsynced bytes of node %d: parse %q: %w", n, out, err)
	}
	return v, nil
}

// PowerOff cuts the power of the nodes at the same instant: each container
// is killed, and with it the filesystem process holding every write the
// node had not fsynced. It returns each node's unsynced bytes, read just
// before the cut.
func (c *Cluster) PowerOff(ctx context.Context, nodes ...int) (map[int]int64, error) {
	if c.cfg.LossyFS == "" {
		return nil, ErrNoLossyFS
	}
	unsynced := make(map[int]int64, len(nodes))
	for _, n := range nodes {
		b, err := c.UnsyncedBytes(ctx, n)
		if err != nil {
			return nil, err
		}
		unsynced[n] = b
	}
	var wg sync.WaitGroup
	errs := make([]error, len(nodes))
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Kill(ctx, n, schema.SIGKILL, 30*time.Second)
		}()
	}
	wg.Wait()
	return unsynced, errors.Join(errs...)
}

// SetDiskFull fills node n's log directory (every write and allocation then
// fails with ENOSPC, after what was written so far is made durable) or frees
// it again.
func (c *Cluster) SetDiskFull(ctx context.Context, n int, full bool) error {
	if c.cfg.LossyFS == "" {
		return ErrNoLossyFS
	}
	state := map[bool]string{true: "on", false: "off"}[full]
	code, out, err := c.Exec(ctx, n, lossyBin, "ctl", "-socket", lossySocket, "full", state)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("disk full %s on node %d: exit %d: %s", state, n, code, strings.TrimSpace(out))
	}
	return nil
}
