package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/kafka-chaos/kafka-chaos/cluster"
)

// up starts a cluster for inspection with other Kafka tools, prints how to
// reach it, and removes it on interrupt or after -hold.
func up(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	hold := fs.Duration("hold", 0, "remove the cluster after this long (0: keep it until interrupted)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	began := time.Now()
	c, err := cluster.Start(ctx, cluster.Config{Logf: func(f string, a ...any) { fmt.Printf(f+"\n", a...) }})
	if err != nil {
		return err
	}
	defer func() {
		if err := c.Close(context.WithoutCancel(ctx)); err != nil {
			fmt.Println("remove cluster:", err)
		}
		fmt.Println("cluster removed")
	}()
	info := c.Info()
	fmt.Printf("cluster_start_seconds=%.1f (run %s, Kafka %s, %s)\n", time.Since(began).Seconds(), c.RunID(), info.KafkaVersion, info.Images.Kafka)
	fmt.Printf("bootstrap: %s\n", strings.Join(c.Bootstrap(), ","))
	fmt.Printf("toxiproxy API: %s\n", c.ToxiproxyAPI())
	if *hold == 0 {
		fmt.Println("press Ctrl-C to remove it")
		<-ctx.Done()
		return nil
	}
	select {
	case <-ctx.Done():
	case <-time.After(*hold):
	}
	return nil
}
