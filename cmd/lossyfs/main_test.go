//go:build linux

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the lossyfs binary, so these tests exercise
// the real command line, signals and process death.
func TestMain(m *testing.M) {
	if os.Getenv("LOSSYFS_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func lossyfsCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	// No PATH: as root the mount must not need fusermount.
	cmd.Env = append(os.Environ(), "LOSSYFS_RUN_MAIN=1", "PATH=/nonexistent")
	return cmd
}

type daemon struct {
	cmd                *exec.Cmd
	backing, mnt, sock string
}

func startDaemon(t *testing.T, backing, mnt string) *daemon {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs /dev/fuse and root: not running as root")
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		t.Skipf("needs /dev/fuse and root: %v", err)
	}
	d := &daemon{backing: backing, mnt: mnt, sock: filepath.Join(t.TempDir(), "ctl.sock")}
	d.cmd = lossyfsCmd("mount", "-backing", backing, "-mount", mnt, "-socket", d.sock)
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			d.cmd.Wait()
		}
		syscall.Unmount(mnt, syscall.MNT_DETACH) // a killed daemon leaves a dead mount
	})
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil || !strings.Contains(line, "mounted") {
		t.Fatalf("daemon did not mount: %q, %v", line, err)
	}
	go func() { _, _ = bufio.NewReader(stderr).WriteTo(os.Stderr) }()
	return d
}

func (d *daemon) ctl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := lossyfsCmd(append([]string{"ctl", "-socket", d.sock}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ctl %v: %v: %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, p, data string, sync bool) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
	}
}

func mounted(t *testing.T, mnt string) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(b), " "+mnt+" fuse.lossyfs ")
}

// SIGKILL of the daemon is a power cut: only fsynced data is in the backing
// directory, and a new mount over it shows just that.
func TestDaemonKillIsPowerCut(t *testing.T) {
	backing, mnt := t.TempDir(), t.TempDir()
	d := startDaemon(t, backing, mnt)
	writeFile(t, filepath.Join(mnt, "synced"), "durable", true)
	writeFile(t, filepath.Join(mnt, "lost"), "volatile", false)
	if got := d.ctl(t, "unsynced"); got != "8" {
		t.Errorf("unsynced = %q, want 8", got)
	}
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
	syscall.Unmount(mnt, syscall.MNT_DETACH)

	startDaemon(t, backing, mnt)
	if b, err := os.ReadFile(filepath.Join(mnt, "synced")); err != nil || string(b) != "durable" {
		t.Errorf("synced = %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(mnt, "lost")); !os.IsNotExist(err) {
		t.Errorf("unsynced file survived the power cut: %v", err)
	}
}

// SIGTERM is a clean shutdown: everything is synced, then unmounted.
func TestDaemonTermSyncsAndUnmounts(t *testing.T) {
	backing, mnt := t.TempDir(), t.TempDir()
	d := startDaemon(t, backing, mnt)
	writeFile(t, filepath.Join(mnt, "f"), "flushed at shutdown", false)
	if got := d.ctl(t, "ping"); got != "" {
		t.Errorf("ping = %q", got)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("daemon did not exit on SIGTERM")
	}
	if mounted(t, mnt) {
		t.Error("still mounted after SIGTERM")
	}
	if b, err := os.ReadFile(filepath.Join(backing, "f")); err != nil || string(b) != "flushed at shutdown" {
		t.Errorf("backing f = %q, %v", b, err)
	}
}

func TestDaemonCtlDrop(t *testing.T) {
	backing, mnt := t.TempDir(), t.TempDir()
	d := startDaemon(t, backing, mnt)
	writeFile(t, filepath.Join(mnt, "f"), "gone", false)
	d.ctl(t, "drop")
	if _, err := os.Stat(filepath.Join(mnt, "f")); !os.IsNotExist(err) {
		t.Errorf("file survived ctl drop: %v", err)
	}
	if out, err := lossyfsCmd("ctl", "-socket", d.sock, "bogus").CombinedOutput(); err == nil {
		t.Errorf("bogus command succeeded: %s", out)
	}
}
