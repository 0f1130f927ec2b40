package worker

import "syscall"

// sysProcAttr puts a worker in its own process group, so a Ctrl-C on
// the harness's terminal reaches the harness, which stops its workers in
// order, and not the workers directly; Pdeathsig kills a worker whose
// harness died even while the worker is stopped (SIGSTOP) and cannot see
// its stdin close. Pdeathsig follows the thread that started the child;
// Start forks from a thread that lives as long as the harness.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
