package main

import (
	"strings"
	"testing"

	"github.com/kafka-chaos/kafka-chaos/cluster"
)

func TestImagesNamesEachVersionThenToxiproxyAndJDK(t *testing.T) {
	for _, env := range []string{cluster.EnvOffline, cluster.EnvKafkaImage, cluster.EnvToxiproxyImage, cluster.EnvJDKImage, cluster.EnvKafkaVersion} {
		t.Setenv(env, "")
	}
	var b strings.Builder
	if err := imagesCmd([]string{"4.4.0", "3.9.1"}, &b); err != nil {
		t.Fatal(err)
	}
	want := "apache/kafka:4.4.0\napache/kafka:3.9.1\nghcr.io/shopify/toxiproxy:" + cluster.ToxiproxyVersion + "\n" + cluster.JDKImage + "\n"
	if b.String() != want {
		t.Errorf("images 4.4.0 3.9.1 printed\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	t.Setenv(cluster.EnvOffline, "1")
	if err := imagesCmd(nil, &b); err != nil {
		t.Fatal(err)
	}
	want = "kafka-chaos/kafka:" + cluster.DefaultKafkaVersion + "\nkafka-chaos/toxiproxy:" + cluster.ToxiproxyVersion + "\nkafka-chaos/kafka:" + cluster.DefaultKafkaVersion + "\n"
	if b.String() != want {
		t.Errorf("images offline printed\n%s\nwant\n%s", b.String(), want)
	}
}
