package cluster

import (
	"strings"
	"testing"
)

func TestNodePropertiesGiveEveryListenerItsOwnPort(t *testing.T) {
	props := nodeProperties(2, 3, "127.0.0.1", 32001, logDir, false, map[string]string{"replica.lag.time.max.ms": "10000"})
	for _, want := range []string{
		"node.id=2\n",
		"controller.quorum.voters=1@kafka-1:9193,2@kafka-2:9293,3@kafka-3:9393\n",
		"listeners=CLIENT://0.0.0.0:9294,CONTAINERS://0.0.0.0:9295,INTERNAL://0.0.0.0:9292,CONTROLLER://0.0.0.0:9293\n",
		"advertised.listeners=CLIENT://127.0.0.1:32001,CONTAINERS://kafka-2:9295,INTERNAL://kafka-2:9292\n",
		"replica.lag.time.max.ms=10000\n",
	} {
		if !strings.Contains(props, want) {
			t.Errorf("properties lack %q:\n%s", want, props)
		}
	}
}

// A dynamic quorum names no voters: the nodes find the controllers at
// their addresses, and each advertises its controller listener.
func TestNodePropertiesDynamicQuorum(t *testing.T) {
	props := nodeProperties(2, 3, "127.0.0.1", 32001, logDir, true, nil)
	if strings.Contains(props, "controller.quorum.voters") {
		t.Errorf("a dynamic quorum names its voters:\n%s", props)
	}
	for _, want := range []string{
		"controller.quorum.bootstrap.servers=kafka-1:9193,kafka-2:9293,kafka-3:9393\n",
		"advertised.listeners=CLIENT://127.0.0.1:32001,CONTAINERS://kafka-2:9295,INTERNAL://kafka-2:9292,CONTROLLER://kafka-2:9293\n",
	} {
		if !strings.Contains(props, want) {
			t.Errorf("properties lack %q:\n%s", want, props)
		}
	}
}

// The metadata log goes in a directory of its own only when asked: by
// default Kafka keeps it in the log directory, and no metadata.log.dir is
// written.
func TestNodePropertiesMetadataDir(t *testing.T) {
	if props := nodeProperties(1, 3, "127.0.0.1", 32001, logDir, false, nil); strings.Contains(props, "metadata.log.dir") {
		t.Errorf("metadata.log.dir set in the default layout:\n%s", props)
	}
	props := nodeProperties(1, 3, "127.0.0.1", 32001, metadataDir, false, nil)
	for _, want := range []string{"log.dirs=/var/lib/kafka/data\n", "metadata.log.dir=/var/lib/kafka/metadata\n"} {
		if !strings.Contains(props, want) {
			t.Errorf("properties lack %q:\n%s", want, props)
		}
	}
}

func TestImagesFromEnv(t *testing.T) {
	t.Setenv(EnvOffline, "")
	t.Setenv(EnvKafkaImage, "")
	t.Setenv(EnvToxiproxyImage, "")
	if got, err := ImagesFromEnv("4.4.0"); err != nil || got.Kafka != "apache/kafka:4.4.0" || got.Offline {
		t.Errorf("default images = %+v, %v; want the official ones", got, err)
	}
	t.Setenv(EnvOffline, "1")
	if got, err := ImagesFromEnv("3.9.1"); err != nil || got.Kafka != "kafka-chaos/kafka:3.9.1" || got.Toxiproxy != "kafka-chaos/toxiproxy:"+ToxiproxyVersion {
		t.Errorf("offline images = %+v, %v", got, err)
	}
	t.Setenv(EnvKafkaImage, "my/kafka:{version}-dev")
	if got, err := ImagesFromEnv("3.9.1"); err != nil || got.Kafka != "my/kafka:3.9.1-dev" {
		t.Errorf("override = %+v, %v; want my/kafka:3.9.1-dev", got, err)
	}
}

func TestKafkaImageOverrideMustNameTheVersion(t *testing.T) {
	for _, c := range []struct{ image, version, want string }{
		{"registry:5000/kafka:{version}", "3.9.1", "registry:5000/kafka:3.9.1"},
		{"my/kafka:3.9.1-patched", "3.9.1", "my/kafka:3.9.1-patched"},
		{"my/kafka:4.4.0@sha256:0123", "4.4.0", "my/kafka:4.4.0@sha256:0123"},
	} {
		if got, err := kafkaImageOverride(c.image, c.version); err != nil || got != c.want {
			t.Errorf("kafkaImageOverride(%q, %q) = %q, %v; want %q", c.image, c.version, got, err, c.want)
		}
	}
	for _, c := range []struct{ image, version string }{
		{"my/kafka:dev", "3.9.1"},
		{"my/kafka:4.4.0", "3.9.1"},
		{"registry:5000/kafka", "3.9.1"},
		{"my/kafka@sha256:3.9.1", "3.9.1"},
	} {
		_, err := kafkaImageOverride(c.image, c.version)
		if err == nil {
			t.Errorf("kafkaImageOverride(%q, %q) accepted an image that does not name the version", c.image, c.version)
			continue
		}
		for _, want := range []string{EnvKafkaImage, c.image, c.version, "use {version}, e.g. " + EnvKafkaImage + "=apache/kafka:{version}"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %q", err, want)
			}
		}
	}
}

func TestSaramaVersionCapsAtNewestKnown(t *testing.T) {
	v, err := saramaVersion("99.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if v.String() == "99.0.0" {
		t.Errorf("version %s beyond what the client knows was passed through", v)
	}
	if _, err := saramaVersion("not-a-version"); err == nil {
		t.Error("a malformed version was accepted")
	}
}
