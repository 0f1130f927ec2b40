// Package javaapp holds the kafka-chaos Java application (src/), what
// Kafka's Java client does in scenarios where Kafka's own verifiable tools
// cannot (a consumer whose processing fails, retries, dead-letters and
// dedupes), and the Dockerfile that compiles it into the cluster's Kafka
// image, so a user needs nothing beyond Docker.
package javaapp

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"time"
)

//go:embed Dockerfile src
var files embed.FS

// MainClass is the application's entry point, on the image's classpath.
const MainClass = "kafkachaos.App"

// Context returns the image's build context as a tar archive, and a
// digest of its content that changes with any file of it.
func Context() (archive []byte, digest string, err error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	h := sha256.New()
	err = fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(data))
		h.Write(data)
		// A fixed time and mode: the same sources make the same archive.
		hdr := &tar.Header{Name: path, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0)}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if err != nil {
		return nil, "", fmt.Errorf("java application build context: %w", err)
	}
	return buf.Bytes(), hex.EncodeToString(h.Sum(nil)), nil
}
