package cluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"

	"github.com/kafka-chaos/kafka-chaos/images/javaapp"
)

// appImageRepo is the repository of the images AppImage builds.
const appImageRepo = "kafka-chaos/java-app"

// AppImage returns the image that runs the kafka-chaos Java application
// (images/javaapp) on the cluster's Kafka image, building it the first
// time: the application compiled, in the JDK image, against that image's
// own client jars. The tag is a digest of the sources, the Kafka image's
// id and the JDK image's name, so an image is built once per change of
// any of them and then found again.
func (c *Cluster) AppImage(ctx context.Context) (string, error) {
	c.appMu.Lock()
	defer c.appMu.Unlock()
	if c.appImage != "" {
		return c.appImage, nil
	}
	archive, digest, err := javaapp.Context()
	if err != nil {
		return "", err
	}
	kafka, err := c.docker.ImageInspect(ctx, c.cfg.Images.Kafka)
	if err != nil {
		return "", fmt.Errorf("java application image: inspect %s: %w", c.cfg.Images.Kafka, err)
	}
	sum := sha256.Sum256([]byte(digest + "\n" + kafka.ID + "\n" + c.cfg.Images.JDK))
	tag := appImageRepo + ":" + hex.EncodeToString(sum[:8])
	if _, err := c.docker.ImageInspect(ctx, tag); err == nil {
		c.appImage = tag
		return tag, nil
	}
	if _, err := c.docker.ImageInspect(ctx, c.cfg.Images.JDK); err != nil {
		if c.cfg.Images.Offline {
			return "", fmt.Errorf("java application image: the JDK image %s is missing: build it with `make images-offline KAFKA_VERSIONS=%s` (no registry is used when %s=1)", c.cfg.Images.JDK, kafkaVersion(c.cfg.Images), EnvOffline)
		}
		c.logf("java application image: %s is pulled to compile it", c.cfg.Images.JDK)
	}
	began := time.Now()
	if err := c.buildImage(ctx, archive, tag, map[string]string{"KAFKA_IMAGE": c.cfg.Images.Kafka, "JDK_IMAGE": c.cfg.Images.JDK}); err != nil {
		return "", fmt.Errorf("java application image (Kafka %s, JDK %s): %w", c.cfg.Images.Kafka, c.cfg.Images.JDK, err)
	}
	c.logf("java application image %s built in %s", tag, time.Since(began).Round(time.Second))
	c.appImage = tag
	return tag, nil
}

// buildImage builds a Dockerfile context with the engine's classic
// builder, which takes a local image as a FROM without asking a registry
// and pulls one that is missing.
func (c *Cluster) buildImage(ctx context.Context, archive []byte, tag string, args map[string]string) error {
	buildArgs := map[string]*string{}
	for k, v := range args {
		buildArgs[k] = &v
	}
	res, err := c.docker.ImageBuild(ctx, bytes.NewReader(archive), client.ImageBuildOptions{
		Tags: []string{tag}, BuildArgs: buildArgs, Remove: true, ForceRemove: true, Version: build.BuilderV1,
	})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return buildOutcome(res.Body)
}

// buildOutcome reads the engine's build progress, JSON messages, to its
// end: an error message fails the build, with the last lines of its
// output, which name the step that failed.
func buildOutcome(r io.Reader) error {
	dec := json.NewDecoder(r)
	var tail []string
	for {
		var m struct {
			Stream string `json:"stream"`
			Error  string `json:"error"`
		}
		if err := dec.Decode(&m); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read build output: %w", err)
		}
		if s := strings.TrimSpace(m.Stream); s != "" {
			tail = append(tail, s)
			if len(tail) > 20 {
				tail = tail[1:]
			}
		}
		if m.Error != "" {
			return errors.New(m.Error + "\n" + strings.Join(tail, "\n"))
		}
	}
}
