package promexport_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/runtime/promexport"
)

// This example registers a DB's collector, runs two statements of one
// operation and reads the counter back from the /metrics endpoint.
func Example() {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer drop(ctx)
	db, err := runtime.Open(ctx, runtime.Config{URL: url, Metrics: true})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	reg := prometheus.NewRegistry()
	reg.MustRegister(promexport.NewCollector(db, promexport.WithConstLabels(prometheus.Labels{"db": "app"})))
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for range 2 {
		if _, err := db.Exec(ctx, "-- name: clocks.Now\nSELECT now()"); err != nil {
			log.Fatal(err)
		}
	}

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range families["cpcgen_db_queries_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			fmt.Printf("%s=%s ", l.GetName(), l.GetValue())
		}
		fmt.Println(m.GetCounter().GetValue())
	}
	// Output:
	// db=app operation=clocks.Now table=clocks 2
}
