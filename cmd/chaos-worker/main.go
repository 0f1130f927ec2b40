// Command chaos-worker runs one client application of a scenario as an OS
// process of its own: a producer application (so that exiting right after
// the last send is a real process exit) or one member of a consumer group
// (so that a crash is a real SIGKILL and a stall a real SIGSTOP). The
// harness starts it with a spec file; the worker writes its ledger as JSON
// lines that outlive it.
//
//	chaos-worker -spec worker.json [-orphan-exit]
package main

import (
	"os"

	"github.com/kafka-chaos/kafka-chaos/workload/consumer"
	"github.com/kafka-chaos/kafka-chaos/workload/worker"
)

func main() {
	// os.Exit, not a return through deferred calls: for a producer
	// application that does not close its producer, the process ending
	// here is what drops the messages sarama still buffers.
	os.Exit(worker.Main(os.Args[1:], os.Stderr, map[worker.Role]worker.RunFunc{
		worker.RoleProduce: worker.RunProducerApp,
		worker.RoleConsume: consumer.RunMember,
	}))
}
