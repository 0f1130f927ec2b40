//go:build linux

package lossyfs

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

type fakeCtl struct {
	calls []string
	frac  float64
}

func (f *fakeCtl) Drop() error    { f.calls = append(f.calls, "drop"); return nil }
func (f *fakeCtl) SyncAll() error { return errors.New("disk on fire\nreally") }
func (f *fakeCtl) Tear(frac float64) (int, error) {
	f.frac = frac
	return 3, nil
}
func (f *fakeCtl) UnsyncedBytes() int64 { return 42 }
func (f *fakeCtl) SetFull(full bool) error {
	f.calls = append(f.calls, "full="+map[bool]string{true: "on", false: "off"}[full])
	return nil
}

func TestControlProtocol(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ListenControl(sock)
	if err != nil {
		t.Fatal(err)
	}
	c := &fakeCtl{}
	go ServeControl(l, c)
	defer l.Close()

	for _, tc := range []struct {
		args    []string
		want    string
		wantErr string
	}{
		{[]string{"ping"}, "", ""},
		{[]string{"unsynced"}, "42", ""},
		{[]string{"drop"}, "", ""},
		{[]string{"tear"}, "3", ""},
		{[]string{"tear", "0.25"}, "3", ""},
		{[]string{"tear", "2"}, "", "fraction"},
		{[]string{"sync-all"}, "", "disk on fire; really"},
		{[]string{"reboot"}, "", "unknown command"},
	} {
		got, err := Control(sock, tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: err = %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%v = %q, %v; want %q", tc.args, got, err, tc.want)
		}
	}
	if c.frac != 0.25 || len(c.calls) != 1 {
		t.Errorf("controller saw frac %v, calls %v", c.frac, c.calls)
	}
	// A stale socket file from a crashed run is replaced.
	l.Close()
	l2, err := ListenControl(sock)
	if err != nil {
		t.Fatalf("relisten over stale socket: %v", err)
	}
	l2.Close()
}

func TestControlDrivesMount(t *testing.T) {
	m := mountFS(t)
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	l, err := ListenControl(sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go ServeControl(l, m.fs)

	m.writeFile("x.log", "12345", false)
	if got, err := Control(sock, "unsynced"); got != "5" || err != nil {
		t.Errorf("unsynced = %q, %v", got, err)
	}
	if _, err := Control(sock, "drop"); err != nil {
		t.Fatal(err)
	}
	m.want("x.log", absent)
	m.writeFile("y.log", "kept", false)
	if _, err := Control(sock, "sync-all"); err != nil {
		t.Fatal(err)
	}
	wantBacking(t, m.backing, "y.log", "kept")
}
