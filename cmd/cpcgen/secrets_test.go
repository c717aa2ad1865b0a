package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// secretPassword is the password TestNoCommandPrintsThePassword gives its
// roles: characters a URL must escape, and a run no message would hold by
// chance.
const secretPassword = "Zq7-Hux@Kvj:w/rd%x"

// TestNoCommandPrintsThePassword runs every command that connects to a
// database with URLs holding a password — the right one, a wrong one
// (the server refuses it), one for a port nothing listens on, one that
// does not parse, a keyword/value string, the password in PGPASSWORD
// only and the URL in DATABASE_URL — on a server that asks for the
// password (scram-sha-256): whatever the command prints, on success or
// failure, holds no part of the password.
func TestNoCommandPrintsThePassword(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	ctx := context.Background()
	c, err := pgtest.Start(ctx, pgtest.Options{HBA: []string{
		"host all app 127.0.0.1/32 scram-sha-256",
		"host all dev 127.0.0.1/32 scram-sha-256",
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	admin, err := pgx.Connect(ctx, c.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	quoted := "'" + strings.ReplaceAll(secretPassword, "'", "''") + "'"
	for _, stmt := range []string{
		"CREATE ROLE app LOGIN PASSWORD " + quoted,
		"CREATE ROLE dev LOGIN SUPERUSER PASSWORD " + quoted,
		"CREATE DATABASE appdb OWNER app",
	} {
		if _, err := admin.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	admin.Close(ctx)

	withUser := func(user, password, host, db string) string {
		u := url.URL{Scheme: "postgres", Host: host, Path: "/" + db, RawQuery: "sslmode=disable&connect_timeout=5"}
		if password == "" {
			u.User = url.User(user)
		} else {
			u.User = url.UserPassword(user, password)
		}
		return u.String()
	}
	host := fmt.Sprintf("127.0.0.1:%d", c.Port())
	good := withUser("app", secretPassword, host, "appdb")
	dev := withUser("dev", secretPassword, host, "postgres")
	urls := map[string]string{
		"right password":  good,
		"wrong password":  withUser("app", secretPassword+"-not", host, "appdb"),
		"nothing listens": withUser("app", secretPassword, "127.0.0.1:1", "appdb"),
		"bad port":        "postgres://app:" + url.QueryEscape(secretPassword) + "@127.0.0.1:port/appdb",
		"not a URL":       "postgres://app:" + secretPassword + "@" + host + "/appdb",
		"keyword/value":   fmt.Sprintf("host=127.0.0.1 port=%d user=app password=%s dbname=appdb sslmode=disable", c.Port(), quoted),
	}

	dir := newMigrationsProject(t, "golang-migrate")
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	importDir := t.TempDir()
	testfile.Write(t, importDir, "go.mod", "module example.com/imported\n\ngo 1.25\n")

	commands := [][]string{
		{"migrate", "apply", "--url", "U"},
		{"migrate", "status", "--url", "U"},
		{"migrate", "down", "--url", "U"},
		{"migrate", "baseline", "--url", "U"},
		{"migrate", "diff", "sizes", "--url", "U"},
		{"migrate", "diff", "replayed", "--dev-url", "D"},
		{"migrate", "rebase", "init", "--url", "U", "--dev-url", "D"},
		{"check", "--url", "U", "--dev-url", "D"},
		{"vet", "--url", "U", "--dev-url", "D"},
		{"audit", "verify", "--url", "U"},
		{"tenant-key", "list", "--url", "U"},
		{"import", "--url", "U"},
	}
	// fragments are the pieces of the password a message must not hold:
	// the password escaped, and every run of four of its bytes.
	fragments := []string{url.QueryEscape(secretPassword), url.PathEscape(secretPassword)}
	for i := 0; i+4 <= len(secretPassword); i++ {
		fragments = append(fragments, secretPassword[i:i+4])
	}
	check := func(what, out string) {
		t.Helper()
		for _, f := range fragments {
			if strings.Contains(out, f) {
				t.Errorf("%s prints %q of the password:\n%s", what, f, out)
				return
			}
		}
	}
	for kind, u := range urls {
		for _, args := range commands {
			args = append([]string(nil), args...)
			for i, a := range args {
				switch a {
				case "U":
					args[i] = u
				case "D":
					args[i] = dev
					if kind != "right password" {
						args[i] = u
					}
				}
			}
			at := dir
			if args[0] == "import" {
				at = importDir
				os.RemoveAll(filepath.Join(importDir, "schema"))
				os.Remove(filepath.Join(importDir, "cpcgen.yaml"))
			}
			_, out, errOut := cpcgen(t, append([]string{"-C", at}, args...)...)
			check(fmt.Sprintf("%s with the %s URL", strings.Join(args[:2], " "), kind), out+errOut)
		}
	}

	// The password only in PGPASSWORD, the URL only in DATABASE_URL.
	t.Setenv("PGPASSWORD", secretPassword)
	t.Setenv("DATABASE_URL", withUser("app", "", host, "appdb"))
	for _, args := range [][]string{{"migrate", "status"}, {"migrate", "apply"}, {"migrate", "down"}} {
		code, out, errOut := cpcgen(t, append([]string{"-C", dir}, args...)...)
		check(strings.Join(args, " ")+" with PGPASSWORD", out+errOut)
		if code != exitOK {
			t.Errorf("%s with PGPASSWORD and DATABASE_URL: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	t.Setenv("PGPASSWORD", secretPassword+"-not")
	_, out, errOut := cpcgen(t, "-C", dir, "migrate", "status")
	check("migrate status with a wrong PGPASSWORD", out+errOut)
}
