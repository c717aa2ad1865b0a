// Command pgserver starts a throwaway PostgreSQL cluster (runtime/pgtest,
// the same settings the benchmarks use for their own) and keeps it
// running until it gets SIGINT or SIGTERM; then it stops the cluster and
// removes its directory. It prints the cluster's admin URL on one line of
// standard output: the value of CPCGEN_TEST_DATABASE_URL that makes test
// binaries use this server instead of starting one each.
//
// bench/run.sh uses it when BASE is set, so that the benchmarks of the
// base revision and of the working tree run on one server.
//
//	go run ./cmd/pgserver > url.txt &
//	CPCGEN_TEST_DATABASE_URL=$(cat url.txt) ./bench.test -test.bench .
//	kill %1
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cluster, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgserver: start a throwaway PostgreSQL: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(cluster.AdminURL())
	<-ctx.Done()
	if err := cluster.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "pgserver: stop the cluster: %v\n", err)
		os.Exit(1)
	}
}
