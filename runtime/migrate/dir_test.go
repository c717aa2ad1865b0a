package migrate

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// withSum adds an atlas.sum to fsys listing its .sql files in name order
// and then the extra files, the way cpcgen migrate diff writes it.
func withSum(fsys fstest.MapFS, extra ...string) fstest.MapFS {
	var names []string
	for n := range fsys {
		if strings.HasSuffix(n, ".sql") {
			names = append(names, n)
		}
	}
	sortStrings(names)
	names = append(names, extra...)
	h := sha256.New()
	all := sha256.New()
	var lines strings.Builder
	for _, n := range names {
		h.Write([]byte(n))
		h.Write(fsys[n].Data)
		sum := base64.StdEncoding.EncodeToString(h.Sum(nil))
		fmt.Fprintf(&lines, "%s h1:%s\n", n, sum)
		all.Write([]byte(n))
		all.Write([]byte(sum))
	}
	fsys[SumFile] = &fstest.MapFile{Data: []byte("h1:" + base64.StdEncoding.EncodeToString(all.Sum(nil)) + "\n" + lines.String())}
	return fsys
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// formatDirs holds the same two migrations in every format.
var formatDirs = map[string]fstest.MapFS{
	FormatGolangMigrate: {
		"000001_users.up.sql":   file("CREATE TABLE users (id int);\n"),
		"000001_users.down.sql": file("DROP TABLE users;\n"),
		"000002_index.up.sql":   file("-- cpcgen:no-transaction\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n"),
		"000002_index.down.sql": file("DROP INDEX users_id_idx;\n"),
	},
	FormatGoose: {
		"000001_users.sql": file("-- +goose Up\nCREATE TABLE users (id int);\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS 'SELECT 1; SELECT 2' LANGUAGE sql;\n-- +goose StatementEnd\n\n-- +goose Down\nDROP FUNCTION f;\nDROP TABLE users;\n"),
		"000002_index.sql": file("-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n-- +goose Down\nDROP INDEX users_id_idx;\n"),
	},
	FormatFlyway: {
		"V1__users.sql": file("CREATE TABLE users (id int);\n"),
		"U1__users.sql": file("DROP TABLE users;\n"),
		"V2__index.sql": file("-- cpcgen:no-transaction\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n"),
		"U2__index.sql": file("DROP INDEX users_id_idx;\n"),
	},
	FormatDbmate: {
		"000001_users.sql": file("-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n"),
		"000002_index.sql": file("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n\n-- migrate:down\nDROP INDEX users_id_idx;\n"),
	},
	FormatAtlas: {
		"000001_users.sql": file("CREATE TABLE users (id int);\n"),
		"000002_index.sql": file("-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n"),
	},
}

func TestLoadFormats(t *testing.T) {
	for format, fsys := range formatDirs {
		t.Run(format, func(t *testing.T) {
			for _, f := range []string{format, ""} {
				ms, err := Load(withSum(fsys), f)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) != 2 || ms[0].Version != 1 || ms[1].Version != 2 || ms[0].Name != "users" || ms[1].Name != "index" {
					t.Fatalf("format %q: got %+v", f, ms)
				}
				if ms[0].Up.NoTransaction || !ms[1].Up.NoTransaction {
					t.Errorf("format %q: no-transaction flags %v %v", f, ms[0].Up.NoTransaction, ms[1].Up.NoTransaction)
				}
				if len(ms[1].Up.Statements) != 1 || !strings.HasPrefix(ms[1].Up.Statements[0].SQL, "CREATE INDEX CONCURRENTLY") {
					t.Errorf("format %q: up of 2: %+v", f, ms[1].Up.Statements)
				}
				if format == FormatAtlas {
					if ms[0].HasDown {
						t.Error("atlas migration with a down part")
					}
					continue
				}
				if !ms[0].HasDown || len(ms[0].Down.Statements) == 0 || !strings.HasPrefix(ms[0].Down.Statements[len(ms[0].Down.Statements)-1].SQL, "DROP TABLE users") {
					t.Errorf("format %q: down of 1: %+v", f, ms[0].Down)
				}
			}
		})
	}
	goose, _ := Load(formatDirs[FormatGoose], FormatGoose)
	if got := goose[0].Up.Statements; len(got) != 2 || !strings.Contains(got[1].SQL, "SELECT 1; SELECT 2") || got[1].Line != 4 {
		t.Errorf("goose statement block: %+v", got)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"duplicate version", fstest.MapFS{"1_a.up.sql": file("SELECT 1;"), "01_b.up.sql": file("SELECT 1;")}, "same version 1"},
		{"down without up", fstest.MapFS{"1_a.down.sql": file("SELECT 1;")}, "has no up file"},
		{"bad name", fstest.MapFS{"1_a.up.sql": file("SELECT 1;"), "latest.sql": file("SELECT 1;")}, "does not follow"},
		{"unterminated", fstest.MapFS{"1_a.sql": file("SELECT 'x;")}, "unterminated string"},
		{"goose without up", fstest.MapFS{"1_a.sql": file("-- +goose Down\nSELECT 1;")}, "-- +goose Up"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			format := ""
			if c.name == "goose without up" {
				format = FormatGoose
			}
			_, err := Load(c.fsys, format)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestSum(t *testing.T) {
	fsys := withSum(fstest.MapFS{
		"000001_a.up.sql":     file("CREATE TABLE a (x int);"),
		"000002_b.up.sql":     file("CREATE TABLE b (x int);"),
		"cpcgen.snapshot.hcl": file("schema \"public\" {}\n"),
	}, "cpcgen.snapshot.hcl")
	if _, err := Load(fsys, ""); err != nil {
		t.Fatalf("matching sum: %v", err)
	}
	// The snapshot, listed last, may be left out of an embedded copy.
	noSnap := fstest.MapFS{}
	for k, v := range fsys {
		if k != "cpcgen.snapshot.hcl" {
			noSnap[k] = v
		}
	}
	if _, err := Load(noSnap, ""); err != nil {
		t.Fatalf("without the snapshot: %v", err)
	}
	edit := func(name, data string) fstest.MapFS {
		out := fstest.MapFS{}
		for k, v := range fsys {
			out[k] = v
		}
		if data == "" {
			delete(out, name)
		} else {
			out[name] = file(data)
		}
		return out
	}
	for _, c := range []struct {
		name string
		fsys fstest.MapFS
		file string
	}{
		{"edited", edit("000001_a.up.sql", "CREATE TABLE a (x bigint);"), "000001_a.up.sql"},
		{"added", edit("000003_c.up.sql", "SELECT 1;"), "000003_c.up.sql"},
		{"removed", edit("000001_a.up.sql", ""), "000001_a.up.sql"},
		{"edited snapshot", edit("cpcgen.snapshot.hcl", "x"), "cpcgen.snapshot.hcl"},
		{"damaged sum", edit(SumFile, strings.Replace(string(fsys[SumFile].Data), "000002", "000009", 1)), ""},
	} {
		_, err := Load(c.fsys, "")
		var se *SumError
		if !errors.As(err, &se) || se.File != c.file {
			t.Errorf("%s: got %v, want a SumError on %q", c.name, err, c.file)
		}
	}
}
