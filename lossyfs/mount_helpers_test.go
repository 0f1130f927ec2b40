//go:build linux

package lossyfs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestMain doubles as a helper process: mmap must not fault on pages of a
// FUSE mount served by the same process (the faulting thread keeps its P and
// can deadlock the Go runtime), so mapped I/O runs in a child.
func TestMain(m *testing.M) {
	if h := os.Getenv("LOSSYFS_TEST_HELPER"); h != "" {
		if err := runHelper(h, os.Args[len(os.Args)-1]); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runHelper: "mmap-msync" writes LOSSYFS_DATA at LOSSYFS_OFF through a
// shared mapping and msyncs; "mmap-exit" writes and exits without any sync
// (the kernel writes the page back when the mapping goes away, like a
// SIGKILLed broker); "mmap-hold" writes, prints "ready" and keeps the page
// dirty in a live mapping until stdin closes; "cat" prints the file.
func runHelper(mode, path string) error {
	if mode == "cat" {
		b, err := os.ReadFile(path)
		os.Stdout.Write(b)
		return err
	}
	off, err := strconv.Atoi(os.Getenv("LOSSYFS_OFF"))
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, int(fi.Size()), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return err
	}
	copy(mem[off:], os.Getenv("LOSSYFS_DATA"))
	switch mode {
	case "mmap-msync":
		return unix.Msync(mem, unix.MS_SYNC)
	case "mmap-exit":
		return nil
	case "mmap-hold":
		fmt.Println("ready")
		_, err := io.Copy(io.Discard, os.Stdin)
		return err
	}
	return fmt.Errorf("unknown helper %q", mode)
}

// holdMapping starts a "mmap-hold" helper and returns a func that ends it.
func holdMapping(t *testing.T, path, off, data string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", path)
	cmd.Env = append(os.Environ(), "LOSSYFS_TEST_HELPER=mmap-hold", "LOSSYFS_OFF="+off, "LOSSYFS_DATA="+data)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		in.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("mmap-hold helper: %v", err)
		}
	}
	t.Cleanup(release)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("mmap-hold helper: %q, %v", line, err)
	}
	return release
}

func helper(t *testing.T, mode, path string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", path)
	cmd.Env = append(os.Environ(), append(env, "LOSSYFS_TEST_HELPER="+mode)...)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("helper %s: %v: %s", mode, err, ee.Stderr)
		}
		t.Fatalf("helper %s: %v", mode, err)
	}
	return string(out)
}

type mountT struct {
	t        *testing.T
	fs       *FS
	backing  string
	mnt      string
	sockPath string
}

// mountFS mounts a fresh lossyfs and registers its unmount, so a failing
// test never leaves a mount behind.
func mountFS(t *testing.T) *mountT {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs /dev/fuse and root: not running as root")
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		t.Skipf("needs /dev/fuse and root: %v", err)
	}
	m := &mountT{t: t, backing: t.TempDir(), mnt: t.TempDir()}
	f, err := Mount(Config{Backing: m.backing, Mountpoint: m.mnt})
	if err != nil {
		t.Fatalf("mount: %v", err)
	}
	m.fs = f
	t.Cleanup(func() {
		if err := f.Unmount(); err != nil {
			t.Errorf("unmount: %v", err)
		}
	})
	return m
}

func (m *mountT) path(p string) string { return filepath.Join(m.mnt, p) }

// writeFile writes p through the mount, fsyncing the file if sync.
func (m *mountT) writeFile(p, data string, sync bool) {
	m.t.Helper()
	m.write(p, data, os.O_RDWR|os.O_CREATE|os.O_TRUNC, sync)
}

func (m *mountT) appendFile(p, data string, sync bool) {
	m.t.Helper()
	m.write(p, data, os.O_WRONLY|os.O_APPEND, sync)
}

// write opens p with flag, writes data and fsyncs the file if sync.
func (m *mountT) write(p, data string, flag int, sync bool) {
	m.t.Helper()
	f, err := os.OpenFile(m.path(p), flag, 0o644)
	if err != nil {
		m.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		m.t.Fatal(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			m.t.Fatal(err)
		}
	}
}

// syncDir fsyncs a directory the way Kafka's Utils.flushDir does.
func (m *mountT) syncDir(p string) {
	m.t.Helper()
	d, err := os.Open(m.path(p))
	if err != nil {
		m.t.Fatal(err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		m.t.Fatalf("fsync dir %s: %v", p, err)
	}
}

func (m *mountT) drop() {
	m.t.Helper()
	if err := m.fs.Drop(); err != nil {
		m.t.Fatalf("drop: %v", err)
	}
}

// want asserts the content of p as seen through the mount.
func (m *mountT) want(p, want string) {
	m.t.Helper()
	b, err := os.ReadFile(m.path(p))
	if errors.Is(err, os.ErrNotExist) {
		if want != absent {
			m.t.Errorf("%s: absent, want %q", p, want)
		}
		return
	}
	if err != nil {
		m.t.Fatal(err)
	}
	if string(b) != want {
		m.t.Errorf("%s: %s", p, diff(string(b), want))
	}
}
