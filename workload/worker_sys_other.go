//go:build !linux

package workload

import "syscall"

// workerSysProcAttr: see the Linux version. Elsewhere only stdin EOF
// (-orphan-exit) ends a worker whose harness died.
func workerSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
