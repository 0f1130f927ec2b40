package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
)

// volume returns the name of the run's volume for store, creating it with
// the run's labels (so Close and Sweep find it) the first time.
func (c *Cluster) volume(ctx context.Context, store string) (string, error) {
	name := fmt.Sprintf("kafka-chaos-%s-%s", c.cfg.RunID, store)
	if _, err := c.docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: labels(c.cfg.RunID)}); err != nil {
		return "", fmt.Errorf("create volume %s: %w", name, err)
	}
	return name, nil
}

// removeVolumes removes the run's volumes, once its containers are gone.
func (c *Cluster) removeVolumes(ctx context.Context) error {
	if c.docker == nil {
		return nil
	}
	vs, err := c.docker.VolumeList(ctx, client.VolumeListOptions{Filters: client.Filters{}.Add("label", LabelRun+"="+c.cfg.RunID)})
	if err != nil {
		return fmt.Errorf("list volumes: %w", err)
	}
	var errs []error
	for _, v := range vs.Items {
		if _, err := c.docker.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}); err != nil {
			errs = append(errs, fmt.Errorf("remove volume %s: %w", v.Name, err))
		}
	}
	return errors.Join(errs...)
}
