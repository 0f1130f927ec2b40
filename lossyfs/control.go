//go:build linux

package lossyfs

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Controller is what the control socket drives; *FS implements it.
type Controller interface {
	Drop() error
	SyncAll() error
	SetFull(full bool) error
	Tear(frac float64) (int, error)
	UnsyncedBytes() int64
}

// Control protocol: a client connects to the unix socket, writes one
// command line and reads one reply line, "ok[ <value>]" or "err <message>".
//
//	drop            power cut: discard everything not durable
//	unsynced        unsynced bytes, as a decimal number
//	sync-all        make everything durable
//	tear [frac]     persist torn last writes (frac of the last write kept,
//	                default 0.5); replies with the number of files torn
//	ping            liveness check
const defaultTearFrac = 0.5

// ListenControl opens the control socket, replacing a stale socket file
// left by a previous run.
func ListenControl(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	return net.Listen("unix", path)
}

// ServeControl answers control connections until l is closed. Connections
// are served one at a time: control operations are rare and must not
// interleave anyway.
func ServeControl(l net.Listener, c Controller) error {
	for {
		conn, err := l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		handleControl(conn, c)
	}
}

func handleControl(conn net.Conn, c Controller) {
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && line == "" {
		return
	}
	val, err := runCommand(c, strings.Fields(line))
	reply := "ok"
	if err != nil {
		reply = "err " + strings.ReplaceAll(err.Error(), "\n", "; ")
	} else if val != "" {
		reply += " " + val
	}
	_, _ = fmt.Fprintln(conn, reply)
}

func runCommand(c Controller, args []string) (string, error) {
	if len(args) == 0 {
		return "", errors.New("empty command")
	}
	switch args[0] {
	case "ping":
		return "", nil
	case "drop":
		return "", c.Drop()
	case "sync-all":
		return "", c.SyncAll()
	case "full":
		if len(args) != 2 || (args[1] != "on" && args[1] != "off") {
			return "", errors.New("full: want full on|off")
		}
		return "", c.SetFull(args[1] == "on")
	case "unsynced":
		return strconv.FormatInt(c.UnsyncedBytes(), 10), nil
	case "tear":
		frac := defaultTearFrac
		if len(args) > 1 {
			f, err := strconv.ParseFloat(args[1], 64)
			if err != nil || f < 0 || f >= 1 {
				return "", fmt.Errorf("tear: fraction must be in [0,1), got %q", args[1])
			}
			frac = f
		}
		n, err := c.Tear(frac)
		return strconv.Itoa(n), err
	}
	return "", fmt.Errorf("unknown command %q (want drop, unsynced, sync-all, full on|off, tear [frac], ping)", args[0])
}

// Control sends one command to the control socket at path and returns the
// reply's value. An "err" reply becomes an error.
func Control(path string, args ...string) (string, error) {
	conn, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// drop and sync-all can take a while on a big overlay.
	_ = conn.SetDeadline(time.Now().Add(10 * time.Minute))
	if _, err := fmt.Fprintln(conn, strings.Join(args, " ")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("control reply: %w", err)
	}
	line = strings.TrimSpace(line)
	switch {
	case line == "ok":
		return "", nil
	case strings.HasPrefix(line, "ok "):
		return line[3:], nil
	case strings.HasPrefix(line, "err "):
		return "", errors.New(line[4:])
	}
	return "", fmt.Errorf("malformed control reply %q", line)
}
