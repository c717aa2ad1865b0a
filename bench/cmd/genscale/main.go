// Command genscale measures cpcgen at scale: it writes synthetic projects
// (internal/synth: N tables of about ten columns, two foreign keys, two
// indexes and three queries each) and times the cpcgen commands on them
// as real processes, reading wall time, CPU time and peak memory from
// /usr/bin/time:
//
//   - generate (fresh): an empty output directory;
//   - generate (no-op): again, nothing to write;
//   - migrate diff: the first migration of the whole schema;
//   - check: generated code and migrations up to date.
//
// It prints a Markdown table with the growth of each step from one size to
// the next, relative to the growth of N (1.00 = linear).
//
//	cd bench && go run ./cmd/genscale -sizes 100,1000,5000
//
// With -sqlc PATH it also times `sqlc generate` on the same schema with
// two queries per table, beside cpcgen on the same project
// (-sqlc-tables, default 200).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/internal/synth"
	"github.com/cpcgen/cpcgen/spec"
)

func main() {
	sizes := flag.String("sizes", "100,1000,5000", "comma-separated numbers of tables")
	runs := flag.Int("runs", 3, "runs of each step; the median is reported")
	cpcgen := flag.String("cpcgen", "", "cpcgen binary (default: build ../cmd/cpcgen)")
	sqlc := flag.String("sqlc", "", "sqlc binary; when set, compare with sqlc generate")
	sqlcTables := flag.Int("sqlc-tables", 200, "tables of the sqlc comparison (two queries each)")
	keep := flag.Bool("keep", false, "keep the temporary projects")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "cpcgen-genscale-")
	check(err)
	if !*keep {
		defer os.RemoveAll(tmp)
	} else {
		fmt.Fprintln(os.Stderr, "projects in", tmp)
	}
	if *cpcgen == "" {
		*cpcgen = filepath.Join(tmp, "cpcgen")
		build := exec.Command("go", "build", "-o", *cpcgen, "github.com/cpcgen/cpcgen/cmd/cpcgen")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		check(build.Run())
	}

	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		ns = append(ns, n)
	}

	steps := []string{"generate (fresh)", "generate (no-op)", "migrate diff", "check"}
	results := map[string][]measure{} // step → one per size
	for _, n := range ns {
		dir := filepath.Join(tmp, fmt.Sprintf("n%d", n))
		writeProject(dir, synth.Files(n))
		ms := measureProject(*cpcgen, dir, *runs)
		for i, s := range steps {
			results[s] = append(results[s], ms[i])
		}
		fmt.Fprintf(os.Stderr, "%d tables: generate %.2fs, check %.2fs\n", n, ms[0].wall, ms[3].wall)
	}

	fmt.Printf("cpcgen at scale: synthetic projects of N tables (about 10 columns, 2 foreign keys, 2 indexes and 3 queries each); median of %d runs. "+
		"CPU = user+sys; growth = (time at N ÷ time at the previous N) ÷ (N ÷ previous N): 1.00 is linear.\n\n", *runs)
	fmt.Println("| step | N | files | wall s | CPU s | max RSS MB | growth (wall) | growth (CPU) |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, s := range steps {
		for i, n := range ns {
			m := results[s][i]
			gw, gc := "–", "–"
			if i > 0 {
				prev := results[s][i-1]
				scale := float64(n) / float64(ns[i-1])
				gw = fmt.Sprintf("%.2f", m.wall/prev.wall/scale)
				gc = fmt.Sprintf("%.2f", m.cpu/prev.cpu/scale)
			}
			fmt.Printf("| %s | %d | %d | %.2f | %.2f | %.0f | %s | %s |\n", s, n, m.files, m.wall, m.cpu, m.rssMB, gw, gc)
		}
	}

	if *sqlc != "" {
		n := *sqlcTables
		dir := filepath.Join(tmp, fmt.Sprintf("sqlc%d", n))
		writeProject(dir, synth.FilesWithQueries(n, 2))
		gen := medianOf(*runs, func() measure {
			check(os.RemoveAll(filepath.Join(dir, "out")))
			return timed(dir, *cpcgen, "generate")
		})
		writeSQLC(dir, n)
		sq := medianOf(*runs, func() measure {
			check(os.RemoveAll(filepath.Join(dir, "sqlcout")))
			return timed(dir, *sqlc, "generate")
		})
		fmt.Printf("\nThe same %d tables with 2 queries each (%d queries): cpcgen from the YAML specs, sqlc from the schema cpcgen generates and equivalent SQL queries; median of %d runs.\n\n", n, 2*n, *runs)
		fmt.Println("| tool | wall s | CPU s | max RSS MB |")
		fmt.Println("|---|--:|--:|--:|")
		fmt.Printf("| cpcgen generate | %.2f | %.2f | %.0f |\n", gen.wall, gen.cpu, gen.rssMB)
		fmt.Printf("| sqlc generate | %.2f | %.2f | %.0f |\n", sq.wall, sq.cpu, sq.rssMB)
	}
}

// measure is one timed process.
type measure struct {
	wall, cpu, rssMB float64
	files            int
}

// measureProject runs the four steps on the project in dir, runs times
// each, and returns their medians.
func measureProject(cpcgen, dir string, runs int) []measure {
	out := filepath.Join(dir, "out")
	migrations := filepath.Join(dir, "migrations")
	fresh := medianOf(runs, func() measure {
		check(os.RemoveAll(out))
		return timed(dir, cpcgen, "generate")
	})
	fresh.files = countFiles(out)
	noop := medianOf(runs, func() measure { return timed(dir, cpcgen, "generate") })
	noop.files = fresh.files
	diff := medianOf(runs, func() measure {
		check(os.RemoveAll(migrations))
		return timed(dir, cpcgen, "migrate", "diff", "init")
	})
	diff.files = countFiles(migrations)
	chk := medianOf(runs, func() measure { return timed(dir, cpcgen, "check") })
	chk.files = fresh.files
	return []measure{fresh, noop, diff, chk}
}

func medianOf(runs int, fn func() measure) measure {
	ms := make([]measure, runs)
	for i := range ms {
		ms[i] = fn()
	}
	pick := func(get func(measure) float64) float64 {
		v := make([]float64, len(ms))
		for i, m := range ms {
			v[i] = get(m)
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	return measure{
		wall:  pick(func(m measure) float64 { return m.wall }),
		cpu:   pick(func(m measure) float64 { return m.cpu }),
		rssMB: pick(func(m measure) float64 { return m.rssMB }),
	}
}

// timed runs the command in dir under /usr/bin/time and returns what it
// measured. The command must succeed.
func timed(dir, name string, args ...string) measure {
	report := filepath.Join(dir, ".time")
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%e %U %S %M", "-o", report, name}, args...)...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, tail(out.String()))
		os.Exit(1)
	}
	data, err := os.ReadFile(report)
	check(err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != 4 {
		fmt.Fprintf(os.Stderr, "unexpected /usr/bin/time output %q\n", data)
		os.Exit(1)
	}
	v := make([]float64, 4)
	for i := range f {
		v[i], err = strconv.ParseFloat(f[i], 64)
		check(err)
	}
	return measure{wall: v[0], cpu: v[1] + v[2], rssMB: v[3] / 1024}
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// writeProject writes a synthetic project: cpcgen.yaml, go.mod and the
// spec files.
func writeProject(dir string, files []spec.File) {
	check(os.MkdirAll(dir, 0o755))
	check(os.WriteFile(filepath.Join(dir, "cpcgen.yaml"), synth.Config(), 0o644))
	check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/synth\n\ngo 1.26\n"), 0o644))
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		check(os.MkdirAll(filepath.Dir(p), 0o755))
		check(os.WriteFile(p, f.Data, 0o644))
	}
}

// writeSQLC writes an sqlc project beside the cpcgen one: the schema
// cpcgen generated (out/schema.sql) and, per table, the queries ByParent
// and Totals in sqlc's syntax.
func writeSQLC(dir string, n int) {
	schema, err := os.ReadFile(filepath.Join(dir, "out", "schema.sql"))
	check(err)
	check(os.WriteFile(filepath.Join(dir, "sqlc_schema.sql"), schema, 0o644))
	var q strings.Builder
	for i := 0; i < n; i++ {
		t := fmt.Sprintf("t%05d", i)
		fmt.Fprintf(&q, "-- name: ByParent%d :many\nSELECT * FROM %s WHERE parent_id = $1 AND (sqlc.narg(state)::state_%04d IS NULL OR state = sqlc.narg(state)) ORDER BY created_at DESC, id LIMIT $2;\n\n", i, t, i/synth.TablesPerFile)
		fmt.Fprintf(&q, "-- name: Totals%d :many\nSELECT parent_id, sum(amount) AS total FROM %s WHERE created_at >= $1 GROUP BY parent_id;\n\n", i, t)
	}
	check(os.WriteFile(filepath.Join(dir, "sqlc_queries.sql"), []byte(q.String()), 0o644))
	cfg := `version: "2"
sql:
  - engine: postgresql
    schema: sqlc_schema.sql
    queries: sqlc_queries.sql
    gen:
      go: {package: synthdb, out: sqlcout, sql_package: pgx/v5}
`
	check(os.WriteFile(filepath.Join(dir, "sqlc.yaml"), []byte(cfg), 0o644))
}

func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "genscale:", err)
		os.Exit(1)
	}
}
