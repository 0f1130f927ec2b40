package runner

import (
	"github.com/kafka-chaos/kafka-chaos/cluster"
	"github.com/kafka-chaos/kafka-chaos/faults"
)

// faultEnv is what a scenario's fault acts on: the Docker cluster in every
// role. Building it is also the compile-time check that *cluster.Cluster
// implements each of the faults' interfaces; a second backend gets an
// Env of its own here and no fault changes.
func faultEnv(c *cluster.Cluster, topics []string, logf func(format string, args ...any)) faults.Env {
	return faults.Env{
		Nodes: c, Disks: c, Links: c, State: c, Admin: c, Groups: c, Txns: c, Probe: c, Maint: c,
		Topics: topics, Logf: logf,
	}
}
