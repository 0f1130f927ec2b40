package cluster

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// EnvLookalike=1 says the Docker engine holds CI's look-alikes of the
// official images (scripts/images-lookalike.sh).
const EnvLookalike = "KAFKA_CHAOS_LOOKALIKE"

// officialLayout is what an official image looks like to the harness.
type officialLayout struct {
	user       string // Config.User; "" is root
	uid        string // the user's uid in /etc/passwd, when not root
	entrypoint []string
	cmd        []string
	volumes    []string
	files      []string // present in the image
	busyboxSh  bool     // /bin/sh is busybox's, as on Alpine
}

// The look-alikes stand in for the official images on CI's default path,
// so they prove something only while they have the layout the harness
// must cope with there: a Kafka image run as uid 1000 by busybox sh, with
// the data directory on a volume, Temurin's entrypoint and the image's own
// command; a toxiproxy image FROM scratch run as root. Labels of the
// harness's own images (class archive, recipe) would switch on what the
// official image lacks.
func TestLookalikeImagesHaveTheOfficialLayout(t *testing.T) {
	if os.Getenv(EnvLookalike) != "1" {
		t.Skipf("%s=1 not set: no look-alike images on this engine (scripts/images-lookalike.sh, CI only)", EnvLookalike)
	}
	for _, env := range []string{EnvOffline, EnvKafkaImage, EnvToxiproxyImage} {
		t.Setenv(env, "")
	}
	img, err := ImagesFromEnv(KafkaVersionFromEnv())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cli, err := dockerClient(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	for image, want := range map[string]officialLayout{
		img.Kafka: {
			user:       "appuser",
			uid:        "1000",
			entrypoint: []string{"/__cacert_entrypoint.sh"},
			cmd:        []string{"/etc/kafka/docker/run"},
			volumes:    []string{"/etc/kafka/secrets", "/mnt/shared/config", logDir},
			files:      []string{"/opt/kafka/bin/kafka-server-start.sh", "/opt/kafka/bin/kafka-storage.sh", "/opt/kafka/bin/kafka-run-class.sh", "/etc/kafka/docker/run", "/__cacert_entrypoint.sh"},
			busyboxSh:  true,
		},
		img.Toxiproxy: {
			entrypoint: []string{"/toxiproxy"},
			cmd:        []string{"-host=0.0.0.0"},
			files:      []string{"/toxiproxy"},
		},
	} {
		t.Run(image, func(t *testing.T) { checkOfficialLayout(ctx, t, cli, image, want) })
	}
}

func checkOfficialLayout(ctx context.Context, t *testing.T, cli *testcontainers.DockerClient, image string, want officialLayout) {
	res, err := cli.ImageInspect(ctx, image)
	if err != nil {
		t.Fatalf("inspect %s: %v", image, err)
	}
	cfg := res.Config
	if cfg == nil {
		t.Fatalf("%s has no config", image)
	}
	if cfg.User != want.user {
		t.Errorf("User = %q, want %q", cfg.User, want.user)
	}
	if !slices.Equal(cfg.Entrypoint, want.entrypoint) {
		t.Errorf("Entrypoint = %q, want %q", cfg.Entrypoint, want.entrypoint)
	}
	if !slices.Equal(cfg.Cmd, want.cmd) {
		t.Errorf("Cmd = %q, want %q", cfg.Cmd, want.cmd)
	}
	var volumes []string
	for v := range cfg.Volumes {
		volumes = append(volumes, v)
	}
	slices.Sort(volumes)
	if !slices.Equal(volumes, want.volumes) {
		t.Errorf("Volumes = %q, want %q", volumes, want.volumes)
	}
	for k := range cfg.Labels {
		if strings.HasPrefix(k, LabelHarness) {
			t.Errorf("label %s: the official image has no kafka-chaos labels", k)
		}
	}

	// Files are read from a container created, never started, from the
	// image: the toxiproxy image has nothing to run a command with.
	// Labelled, so that a sweep removes it should the test die here.
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: &container.Config{Image: image, Labels: labels("lookalike-test")},
	})
	if err != nil {
		t.Fatalf("create a container of %s: %v", image, err)
	}
	defer func() {
		if _, err := cli.ContainerRemove(ctx, created.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			t.Errorf("remove the container of %s: %v", image, err)
		}
	}()
	for _, f := range want.files {
		st, err := cli.ContainerStatPath(ctx, created.ID, client.ContainerStatPathOptions{Path: f})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if st.Stat.Mode.IsDir() || st.Stat.Mode&0o111 == 0 {
			t.Errorf("%s is not an executable file (mode %v)", f, st.Stat.Mode)
		}
	}
	if want.busyboxSh {
		st, err := cli.ContainerStatPath(ctx, created.ID, client.ContainerStatPathOptions{Path: "/bin/sh"})
		if err != nil {
			t.Errorf("/bin/sh: %v", err)
		} else if path.Base(st.Stat.LinkTarget) != "busybox" {
			t.Errorf("/bin/sh links to %q, want busybox", st.Stat.LinkTarget)
		}
	}
	if want.uid != "" {
		passwd, err := fileOf(ctx, cli, created.ID, "/etc/passwd")
		if err != nil {
			t.Fatal(err)
		}
		if uid := passwdUID(passwd, want.user); uid != want.uid {
			t.Errorf("user %s has uid %q in /etc/passwd, want %s", want.user, uid, want.uid)
		}
	}
}

// fileOf returns one file of a container: the copy API sends a tar stream.
func fileOf(ctx context.Context, cli *testcontainers.DockerClient, id, name string) (string, error) {
	res, err := cli.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: name})
	if err != nil {
		return "", err
	}
	defer res.Content.Close()
	tr := tar.NewReader(res.Content)
	if _, err := tr.Next(); err != nil {
		return "", err
	}
	b, err := io.ReadAll(tr)
	return string(b), err
}

// passwdUID returns user's uid in an /etc/passwd, "" when it has none.
func passwdUID(passwd, user string) string {
	for _, line := range strings.Split(passwd, "\n") {
		f := strings.Split(line, ":")
		if len(f) > 2 && f[0] == user {
			return f[2]
		}
	}
	return ""
}
