package main

import (
	"fmt"
	"io"

	"github.com/kafka-chaos/kafka-chaos/cluster"
)

// imagesCmd prints the images a run uses for each Kafka version (default:
// the one to run), as the environment selects them: for each version its
// Kafka image, then the toxiproxy image and the JDK image that compiles
// the Java application, one per line. With no override
// these are the images testcontainers pulls, e.g. for `docker pull`
// beforehand; scripts/images-lookalike.sh tags its images with them.
func imagesCmd(args []string, w io.Writer) error {
	versions := args
	if len(versions) == 0 {
		versions = []string{cluster.KafkaVersionFromEnv()}
	}
	var toxiproxy, jdk string
	for _, v := range versions {
		img, err := cluster.ImagesFromEnv(v)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, img.Kafka)
		toxiproxy, jdk = img.Toxiproxy, img.JDK
	}
	fmt.Fprintln(w, toxiproxy)
	fmt.Fprintln(w, jdk)
	return nil
}
