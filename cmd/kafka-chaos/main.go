// Command kafka-chaos holds the harness's helpers that run outside the
// suite: removing leftover containers and networks, naming the images,
// starting a cluster by hand, verifying and rendering runs.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kafka-chaos/kafka-chaos/cluster"
)

const usage = `usage: kafka-chaos <command>

commands:
  up [-hold d]   start a cluster, print how to reach it, remove it on
                 Ctrl-C (or after -hold)
  sweep [-all]   remove containers, volumes and networks left by harness runs whose
                 process is gone; with -all, every harness resource
  images [version ...]
                 print the Kafka image of each version (default: the one
                 to run), then the toxiproxy image and the JDK image, as
                 the environment selects them
  verify <dir>   recompute every verdict from the histories stored in
                 <dir>, without a cluster; exit 1 when any differs from
                 <dir>/results.json
` + reportUsage

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "sweep":
		err = sweep(ctx, os.Args[2:])
	case "report", "compare", "merge":
		err = reportCommands[os.Args[1]](os.Args[2:])
	case "images":
		err = imagesCmd(os.Args[2:], os.Stdout)
	case "verify":
		err = verifyCmd(os.Args[2:], os.Stdout)
	case "up":
		err = up(ctx, os.Args[2:])
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kafka-chaos:", err)
		os.Exit(1)
	}
}

func sweep(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	all := fs.Bool("all", false, "remove every harness container and network, also those of running runs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n, err := cluster.Sweep(ctx, *all)
	if err != nil {
		return err
	}
	fmt.Printf("removed %d harness containers, volumes and networks\n", n)
	return nil
}
