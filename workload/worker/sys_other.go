//go:build !linux

package worker

import "syscall"

// sysProcAttr: see the Linux version. Elsewhere only stdin EOF
// (-orphan-exit) ends a worker whose harness died.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
