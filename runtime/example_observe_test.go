package runtime_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// This example turns on the statement log, with argument values, and the
// query metrics. The name line of the statement says which operation it
// is and that its second parameter is bound to a sensitive column, so
// that value is redacted. (The log handler leaves out the time and the
// duration to keep the output stable.)
func ExampleConfig_observe() {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer drop(ctx)

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	db, err := runtime.Open(ctx, runtime.Config{URL: url, Metrics: true})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(ctx, "CREATE TABLE users (email text PRIMARY KEY, password_hash text NOT NULL)"); err != nil {
		log.Fatal(err)
	}
	db.Close()

	db, err = runtime.Open(ctx, runtime.Config{URL: url, Logger: logger, LogArgs: true, Metrics: true})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	const createUser = `-- name: users.Create sensitive=2
INSERT INTO users (email, password_hash) VALUES ($1, $2)`
	for range 2 {
		_, err = db.Exec(ctx, createUser, "ada@example.com", "$argon2id$v=19$…")
	}
	fmt.Println(runtime.KindOf(err).Name())

	q, _ := db.Stats().Query("users.Create")
	fmt.Println(q.Op, q.Count, q.Errors[runtime.KindConflict])
	// Output:
	// level=DEBUG msg=query db.operation=users.Create db.table=users rows=1 args.$1=ada@example.com args.$2=[redacted]
	// level=WARN msg="query failed" db.operation=users.Create db.table=users rows=0 error.kind=conflict error="users.Create: unique conflict on \"users_pkey\": duplicate key value violates unique constraint \"users_pkey\"" args.$1=ada@example.com args.$2=[redacted]
	// conflict
	// users.Create 2 1
}

// This example serves a readiness endpoint: 200 with a JSON report while
// the database answers within HealthTimeout, 503 otherwise.
func ExampleHealthHandler() {
	ctx := context.Background()
	cfg, err := runtime.ConfigFromEnv() // CPCGEN_HEALTH_TIMEOUT=1s, say
	if err != nil {
		log.Fatal(err)
	}
	db, err := runtime.Open(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	mux := http.NewServeMux()
	mux.Handle("GET /readyz", runtime.HealthHandler(db))
	log.Fatal(http.ListenAndServe(":8080", mux))
}
