//go:build linux

// Command lossyfs mounts a power-loss-simulating filesystem over a
// directory and drives it.
//
//	lossyfs mount -backing DIR -mount DIR [-socket PATH] [-on-exit sync|drop]
//	lossyfs ctl -socket PATH drop|unsynced|sync-all|full on|off|tear [frac]|ping
//
// mount runs in the foreground until SIGTERM/SIGINT. On those signals it
// syncs everything first by default, because a clean shutdown of a real
// machine flushes its page cache; killing the process with SIGKILL is a
// power cut: whatever was not durable is simply gone from the backing dir.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/kafka-chaos/kafka-chaos/lossyfs"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lossyfs:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  lossyfs mount -backing DIR -mount DIR [-socket PATH] [-allow-other=true] [-on-exit sync|drop] [-debug]
  lossyfs ctl -socket PATH drop|unsynced|sync-all|full on|off|tear [frac]|ping`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "mount":
		return mountCmd(args[1:], stderr)
	case "ctl":
		return ctlCmd(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown subcommand %q\n%s", args[0], usage)
}

func mountCmd(args []string, stderr io.Writer) error {
	fl := flag.NewFlagSet("mount", flag.ContinueOnError)
	fl.SetOutput(stderr)
	backing := fl.String("backing", "", "durable directory (required)")
	mnt := fl.String("mount", "", "mount point (required; created if missing)")
	sock := fl.String("socket", "", "control socket path (optional)")
	allowOther := fl.Bool("allow-other", true, "let every user use the mount")
	onExit := fl.String("on-exit", "sync", "on SIGTERM/SIGINT: sync (clean shutdown) or drop (power cut)")
	debug := fl.Bool("debug", false, "log FUSE requests")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *backing == "" || *mnt == "" {
		return errors.New("mount: -backing and -mount are required")
	}
	if *onExit != "sync" && *onExit != "drop" {
		return fmt.Errorf("mount: -on-exit must be sync or drop, got %q", *onExit)
	}
	if err := os.MkdirAll(*mnt, 0o755); err != nil {
		return err
	}
	f, err := lossyfs.Mount(lossyfs.Config{Backing: *backing, Mountpoint: *mnt, AllowOther: *allowOther, Debug: *debug})
	if err != nil {
		return err
	}
	if *sock != "" {
		l, err := lossyfs.ListenControl(*sock)
		if err != nil {
			return errors.Join(err, f.Unmount())
		}
		defer l.Close()
		go func() {
			if err := lossyfs.ServeControl(l, f); err != nil {
				fmt.Fprintln(stderr, "lossyfs: control socket:", err)
			}
		}()
	}
	fmt.Fprintf(stderr, "lossyfs: %s mounted on %s\n", *backing, *mnt)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	go func() { f.Wait(); close(done) }()
	select {
	case <-done: // unmounted from outside (umount, fusermount -u)
		return nil
	case s := <-sig:
		fmt.Fprintf(stderr, "lossyfs: %v: %s and unmount\n", s, *onExit)
	}
	var serr error
	if *onExit == "sync" {
		serr = f.SyncAll()
	}
	return errors.Join(serr, f.Unmount())
}

func ctlCmd(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("ctl", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sock := fl.String("socket", "", "control socket path (required)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *sock == "" || fl.NArg() == 0 {
		return errors.New("ctl: -socket and a command are required\n" + usage)
	}
	val, err := lossyfs.Control(*sock, fl.Args()...)
	if err != nil {
		return err
	}
	if val != "" {
		fmt.Fprintln(stdout, val)
	}
	return nil
}
