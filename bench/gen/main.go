// Command gen measures what cpcgen costs at generation time and what its
// output costs to compile. It writes synthetic projects with
// internal/synth (N tables of about ten columns, two foreign keys, two
// indexes and two queries each — a keyset-paginated structured query with
// an optional filter and a raw SQL aggregate) and times, as real
// processes under /usr/bin/time -v (wall time, user+sys CPU time of the
// process and its children, peak RSS):
//
//   - generate, no cache: an empty output directory and an empty cache
//     of rendered files (a new CPCGEN_CACHE directory each run): every
//     file rendered;
//   - generate, cache warm: an empty output directory, the cache filled
//     by an earlier run: every file written, none rendered;
//   - generate, nothing changed: output and cache up to date;
//   - generate, one table edited: a new comment on one table each run
//     (a state the cache has never seen), the rest unchanged;
//   - check, no cache: generated code and migrations up to date, an
//     empty cache;
//   - check: the same with the cache warm;
//   - migrate diff: the first migration of the whole schema;
//   - go build of the generated package alone, its dependencies already
//     in the build cache: a file with a new constant is added to the
//     package before each run, so that it, and only it, is compiled again.
//
// With -sqlc PATH it also writes the same tables and queries for sqlc (the
// schema.sql cpcgen generates and the equivalent queries in sqlc's
// syntax), and times sqlc generate and the build of its package, sqlc
// and cpcgen runs alternating.
//
//	cd bench && go run ./gen -sizes 100,200,1000,5000 -sqlc "$(command -v sqlc)"
//
// With -methods '[]' the projects' cpcgen.yaml says methods: [], so that
// cpcgen generates what sqlc does for the same spec (the models and the
// queries, no CRUD, batch, upsert or relation methods): the like-for-like
// comparison of generation and compile cost (docs/spec.md, "Method
// families").
//
// It prints Markdown tables; every figure is the median of -runs runs
// (-large-runs for 5,000 tables and more).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cpcgen/cpcgen/internal/numfmt"
	"github.com/cpcgen/cpcgen/internal/synth"
	"github.com/cpcgen/cpcgen/spec"
)

func main() {
	sizes := flag.String("sizes", "100,200,1000,5000", "comma-separated numbers of tables")
	queries := flag.Int("queries", 2, "queries per table (1 to 3; sqlc is compared at 2)")
	runs := flag.Int("runs", 3, "runs of each step; the median is reported")
	largeRuns := flag.Int("large-runs", 1, "runs of each step at 5,000 tables and more")
	buildSizes := flag.String("build-sizes", "100,200,1000", "sizes at which go build of the generated package is measured (empty: none)")
	cpcgen := flag.String("cpcgen", "", "cpcgen binary (default: build ../cmd/cpcgen)")
	sqlc := flag.String("sqlc", "", "sqlc binary; when set, sqlc is measured on the same tables and queries")
	sqlcSizes := flag.String("sqlc-sizes", "200,1000", "sizes of the sqlc comparison of generate (each must be in -sizes; sqlc's package is built at those also in -build-sizes)")
	keep := flag.Bool("keep", false, "keep the temporary projects")
	methods := flag.String("methods", "", "methods: of the projects' cpcgen.yaml, as YAML (\"[]\": the queries only, sqlc's footprint); default every family")
	flag.Parse()

	if _, err := os.Stat("/usr/bin/time"); err != nil {
		fail(fmt.Errorf("/usr/bin/time is missing (apt-get install -y time): %w", err))
	}
	root, err := repoRoot()
	check(err)
	tmp, err := os.MkdirTemp("", "cpcgen-gen-")
	check(err)
	if !*keep {
		defer os.RemoveAll(tmp)
	} else {
		fmt.Fprintln(os.Stderr, "projects in", tmp)
	}
	if *cpcgen == "" {
		*cpcgen = filepath.Join(tmp, "cpcgen")
		build := exec.Command("go", "build", "-o", *cpcgen, "./cmd/cpcgen")
		build.Dir = root
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		check(build.Run())
	}
	ns := parseSizes(*sizes)
	builds := parseSizes(*buildSizes)
	var sqlcNs []int
	if *sqlc != "" {
		sqlcNs = parseSizes(*sqlcSizes)
	}

	steps := []string{"generate, no cache", "generate, cache warm", "generate, nothing changed", "generate, one table edited",
		"check, no cache", "check", "migrate diff"}
	results := map[string][]measure{} // step → one per size
	type buildResult struct {
		n                int
		cpcgen, sqlc     measure
		sqlcGen          measure
		cold, warm, same measure // cpcgen generate beside sqlc
		hasSQLC          bool
	}
	var buildResults []buildResult
	for _, n := range ns {
		r := *runs
		if n >= 5000 {
			r = *largeRuns
		}
		dir := filepath.Join(tmp, fmt.Sprintf("n%d", n))
		writeProject(dir, synth.FilesWithQueries(n, *queries), *methods)
		ms := measureProject(*cpcgen, dir, r)
		for i, s := range steps {
			results[s] = append(results[s], ms[i])
		}
		fmt.Fprintf(os.Stderr, "%d tables: generate %.2fs (nothing changed %.2fs), check %.2fs (no cache %.2fs), migrate diff %.2fs\n",
			n, ms[0].wall, ms[2].wall, ms[5].wall, ms[4].wall, ms[6].wall)

		withSQLC := slices.Contains(sqlcNs, n)
		if !slices.Contains(builds, n) && !withSQLC {
			continue
		}
		br := buildResult{n: n}
		if withSQLC {
			writeSQLC(dir, n)
			br.hasSQLC = true
			// cpcgen and sqlc alternate, so that a busy spell weighs on both.
			var cold, warm, same, sqs []measure
			for range r {
				check(os.RemoveAll(filepath.Join(dir, "out")))
				cold = append(cold, timedCache(dir, emptyCache(dir), *cpcgen, "generate"))
				check(os.RemoveAll(filepath.Join(dir, "sqlcout")))
				sqs = append(sqs, timed(dir, *sqlc, "generate"))
				check(os.RemoveAll(filepath.Join(dir, "out")))
				warm = append(warm, timedCache(dir, cacheDir(dir), *cpcgen, "generate"))
				same = append(same, timedCache(dir, cacheDir(dir), *cpcgen, "generate"))
			}
			br.sqlcGen = median(sqs)
			br.sqlcGen.files, br.sqlcGen.lines = countFiles(filepath.Join(dir, "sqlcout"))
			br.cold, br.warm, br.same = median(cold), median(warm), median(same)
			br.cpcgen.files, br.cpcgen.lines = countFiles(filepath.Join(dir, "out"))
		}
		if slices.Contains(builds, n) {
			check(prepareModule(dir, root))
			br.cpcgen = measureBuild(dir, "out", "synthdb", r)
			br.cpcgen.files, br.cpcgen.lines = countFiles(filepath.Join(dir, "out"))
			if withSQLC {
				br.sqlc = measureBuild(dir, "sqlcout", "synthdb", r)
				br.sqlc.files, br.sqlc.lines = br.sqlcGen.files, br.sqlcGen.lines
			}
			fmt.Fprintf(os.Stderr, "%d tables: go build of the generated package %.2fs\n", n, br.cpcgen.wall)
		}
		buildResults = append(buildResults, br)
	}

	families := "every method family"
	if *methods != "" {
		families = "methods: " + *methods
	}
	fmt.Printf("cpcgen at scale: synthetic projects of N tables (about 10 columns, 2 foreign keys, 2 indexes and %d queries each; %s); "+
		"median of %d runs (%d at 5,000 tables and more), each a process under /usr/bin/time -v. "+
		"CPU = user+sys; growth = (time at N ÷ time at the previous N) ÷ (N ÷ previous N): 1.00 is linear.\n\n", *queries, families, *runs, *largeRuns)
	fmt.Println("| step | N | files | lines | wall s | CPU s | max RSS MB | growth (wall) | growth (CPU) |")
	fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
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
			fmt.Printf("| %s | %d | %d | %s | %.2f | %.2f | %.0f | %s | %s |\n", s, n, m.files, numfmt.Thousands(m.lines), m.wall, m.cpu, m.rssMB, gw, gc)
		}
	}

	if len(builds) > 0 && len(buildResults) > 0 {
		fmt.Printf("\nCompile cost of the generated package alone (go build, its dependencies already built; a new constant added before each run makes the compiler redo that package only); median of the runs.\n\n")
		fmt.Println("| N | package | files | lines | wall s | CPU s | max RSS MB |")
		fmt.Println("|--:|---|--:|--:|--:|--:|--:|")
		for _, br := range buildResults {
			if br.cpcgen.wall > 0 {
				fmt.Printf("| %d | cpcgen | %d | %s | %.2f | %.2f | %.0f |\n", br.n, br.cpcgen.files, numfmt.Thousands(br.cpcgen.lines), br.cpcgen.wall, br.cpcgen.cpu, br.cpcgen.rssMB)
			}
			if br.hasSQLC && br.sqlc.wall > 0 {
				fmt.Printf("| %d | sqlc | %d | %s | %.2f | %.2f | %.0f |\n", br.n, br.sqlc.files, numfmt.Thousands(br.sqlc.lines), br.sqlc.wall, br.sqlc.cpu, br.sqlc.rssMB)
			}
		}
	}

	if len(sqlcNs) > 0 {
		fmt.Printf("\nThe same tables and queries (%d per table) through sqlc (%s): cpcgen from the YAML specs, sqlc from the schema.sql cpcgen generates and the equivalent SQL queries; generate into an empty directory (cpcgen with an empty cache, then with the cache of the previous run; then again with nothing to write), the runs of the two alternating; median of the runs.\n\n", *queries, sqlcVersion(*sqlc))
		fmt.Println("| N | tool | files | lines | wall s | CPU s | max RSS MB |")
		fmt.Println("|--:|---|--:|--:|--:|--:|--:|")
		for _, br := range buildResults {
			if !br.hasSQLC {
				continue
			}
			for _, g := range []struct {
				name string
				m    measure
			}{{"cpcgen generate, no cache", br.cold}, {"cpcgen generate, cache warm", br.warm}, {"cpcgen generate, nothing changed", br.same}} {
				fmt.Printf("| %d | %s | %d | %s | %.2f | %.2f | %.0f |\n", br.n, g.name, br.cpcgen.files, numfmt.Thousands(br.cpcgen.lines), g.m.wall, g.m.cpu, g.m.rssMB)
			}
			fmt.Printf("| %d | sqlc generate | %d | %s | %.2f | %.2f | %.0f |\n", br.n, br.sqlcGen.files, numfmt.Thousands(br.sqlcGen.lines), br.sqlcGen.wall, br.sqlcGen.cpu, br.sqlcGen.rssMB)
		}
	}
}

// measure is what one timed process cost, or the median of several.
type measure struct {
	wall, cpu, rssMB float64
	files, lines     int
}

// measureProject runs the cpcgen steps on the project in dir, runs
// times each, and returns their medians, in the order of steps.
func measureProject(cpcgen, dir string, runs int) []measure {
	out := filepath.Join(dir, "out")
	migrations := filepath.Join(dir, "migrations")
	cold := medianOf(runs, func() measure {
		check(os.RemoveAll(out))
		return timedCache(dir, emptyCache(dir), cpcgen, "generate")
	})
	cold.files, cold.lines = countFiles(out)
	// The shared cache is filled once before the warm runs are timed:
	// with one run (5,000 tables), the first would otherwise fill it.
	timedCache(dir, cacheDir(dir), cpcgen, "generate")
	warm := medianOf(runs, func() measure {
		check(os.RemoveAll(out))
		return timedCache(dir, cacheDir(dir), cpcgen, "generate")
	})
	same := medianOf(runs, func() measure { return timedCache(dir, cacheDir(dir), cpcgen, "generate") })
	edits := 0
	edited := medianOf(runs, func() measure {
		edits++
		editComment(dir, edits)
		return timedCache(dir, cacheDir(dir), cpcgen, "generate")
	})
	editComment(dir, 0)
	timedCache(dir, cacheDir(dir), cpcgen, "generate")
	for _, m := range []*measure{&warm, &same, &edited} {
		m.files, m.lines = cold.files, cold.lines
	}
	diff := medianOf(runs, func() measure {
		check(os.RemoveAll(migrations))
		return timedCache(dir, cacheDir(dir), cpcgen, "migrate", "diff", "init")
	})
	diff.files, diff.lines = countFiles(migrations)
	chkCold := medianOf(runs, func() measure { return timedCache(dir, emptyCache(dir), cpcgen, "check") })
	// The same for check's migrations report, after migrate diff.
	timedCache(dir, cacheDir(dir), cpcgen, "check")
	chk := medianOf(runs, func() measure { return timedCache(dir, cacheDir(dir), cpcgen, "check") })
	chkCold.files, chkCold.lines = cold.files, cold.lines
	chk.files, chk.lines = cold.files, cold.lines
	return []measure{cold, warm, same, edited, chkCold, chk, diff}
}

// cacheDir is the cache of rendered files the runs on the project in
// dir share.
func cacheDir(dir string) string { return filepath.Join(dir, ".cache") }

// emptyCache returns a new, empty cache directory for one run.
func emptyCache(dir string) string {
	d := filepath.Join(dir, ".cache-empty")
	check(os.RemoveAll(d))
	return d
}

// editComment rewrites the comment of the project's table t00005: a
// comment no run has seen for n > 0, the original for 0.
func editComment(dir string, n int) {
	name := filepath.Join(dir, "schema", "part_0000.yaml")
	data, err := os.ReadFile(name)
	check(err)
	re := regexp.MustCompile(`Synthetic table 5\.[^\n]*`)
	if !re.Match(data) {
		fail(fmt.Errorf("%s: no comment of table t00005 to edit", name))
	}
	comment := "Synthetic table 5."
	if n > 0 {
		comment += fmt.Sprintf(" Edit %d of %d.", n, time.Now().UnixNano())
	}
	check(os.WriteFile(name, re.ReplaceAll(data, []byte(comment)), 0o644))
}

// prepareModule makes dir a module that builds the generated packages
// against this checkout's runtime, and builds them once, so that their
// dependencies are in the build cache.
func prepareModule(dir, root string) error {
	gomod := fmt.Sprintf("module example.com/synth\n\ngo 1.26\n\nrequire github.com/cpcgen/cpcgen v0.0.0\n\nreplace github.com/cpcgen/cpcgen => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return err
	}
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = goEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args, " "), dir, err, tail(string(out)))
		}
	}
	return nil
}

// measureBuild times go build of the package in dir/pkg alone, runs
// times: before each run a file with a new constant is written into the
// package, so that it is compiled again while its dependencies come from
// the build cache.
func measureBuild(dir, pkg, name string, runs int) measure {
	nonce := filepath.Join(dir, pkg, "zz_bench_nonce.go")
	defer os.Remove(nonce)
	return medianOf(runs, func() measure {
		src := fmt.Sprintf("package %s\n\nconst benchNonce = %q\n", name, strconv.FormatInt(time.Now().UnixNano(), 36))
		check(os.WriteFile(nonce, []byte(src), 0o644))
		return timedEnv(dir, goEnv(), "go", "build", "./"+pkg)
	})
}

// goEnv is the environment of the go commands run on a synthetic
// project: outside any workspace.
func goEnv() []string { return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod") }

func median(ms []measure) measure {
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

func medianOf(runs int, fn func() measure) measure {
	ms := make([]measure, max(runs, 1))
	for i := range ms {
		ms[i] = fn()
	}
	return median(ms)
}

func timed(dir, name string, args ...string) measure {
	return timedEnv(dir, nil, name, args...)
}

// timedCache is timed with CPCGEN_CACHE set to cache.
func timedCache(dir, cache, name string, args ...string) measure {
	return timedEnv(dir, append(os.Environ(), "CPCGEN_CACHE="+cache), name, args...)
}

// timedEnv runs the command in dir under /usr/bin/time -v and returns
// what it measured. The command must succeed.
func timedEnv(dir string, env []string, name string, args ...string) measure {
	report := filepath.Join(dir, ".time")
	cmd := exec.Command("/usr/bin/time", append([]string{"-v", "-o", report, name}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("%s %s in %s: %w\n%s", name, strings.Join(args, " "), dir, err, tail(out.String())))
	}
	data, err := os.ReadFile(report)
	check(err)
	m, err := parseTimeV(data)
	if err != nil {
		fail(fmt.Errorf("read /usr/bin/time -v output of %s: %w\n%s", name, err, data))
	}
	return m
}

// parseTimeV reads wall time, user and system time and peak RSS from the
// report of GNU time -v.
func parseTimeV(data []byte) (measure, error) {
	var m measure
	var found int
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		switch key {
		case "User time (seconds)", "System time (seconds)":
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return m, err
			}
			m.cpu += v
			found++
		case "Elapsed (wall clock) time (h:mm:ss or m:ss)":
			v, err := parseClock(value)
			if err != nil {
				return m, err
			}
			m.wall = v
			found++
		case "Maximum resident set size (kbytes)":
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return m, err
			}
			m.rssMB = v / 1024
			found++
		}
	}
	if found != 4 {
		return m, fmt.Errorf("found %d of the 4 figures", found)
	}
	return m, nil
}

// parseClock parses h:mm:ss or m:ss.ss into seconds.
func parseClock(s string) (float64, error) {
	var total float64
	for _, part := range strings.Split(s, ":") {
		v, err := strconv.ParseFloat(part, 64)
		if err != nil {
			return 0, fmt.Errorf("elapsed time %q: %w", s, err)
		}
		total = total*60 + v
	}
	return total, nil
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// writeProject writes a synthetic project: cpcgen.yaml (with methods: when
// methods is not empty), go.mod and the spec files.
func writeProject(dir string, files []spec.File, methods string) {
	check(os.MkdirAll(dir, 0o755))
	cfg := synth.Config()
	if methods != "" {
		cfg = append(cfg, "methods: "+methods+"\n"...)
	}
	check(os.WriteFile(filepath.Join(dir, "cpcgen.yaml"), cfg, 0o644))
	check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/synth\n\ngo 1.26\n"), 0o644))
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		check(os.MkdirAll(filepath.Dir(p), 0o755))
		check(os.WriteFile(p, f.Data, 0o644))
	}
}

// writeSQLC writes an sqlc project beside the cpcgen one: the schema
// cpcgen generated (out/schema.sql) and, per table, the queries ByParent
// and Totals of internal/synth in sqlc's syntax, generating package
// synthdb into sqlcout/ for pgx/v5.
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

func sqlcVersion(path string) string {
	out, err := exec.Command(path, "version").Output()
	if err != nil {
		return "sqlc"
	}
	return "sqlc " + strings.TrimSpace(string(out))
}

// countFiles returns the number of files under dir and their lines.
func countFiles(dir string) (files, lines int) {
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "zz_bench_nonce.go" {
			return nil
		}
		files++
		if data, err := os.ReadFile(path); err == nil {
			lines += bytes.Count(data, []byte{'\n'})
		}
		return nil
	})
	return files, lines
}

// repoRoot returns the root of the cpcgen checkout: the parent of the
// bench module.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if filepath.Base(filepath.Dir(mod)) != "bench" {
		return "", fmt.Errorf("run gen from the bench module (cd bench; go run ./gen), not from %s", filepath.Dir(mod))
	}
	return filepath.Dir(filepath.Dir(mod)), nil
}

func parseSizes(s string) []int {
	var ns []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			fail(fmt.Errorf("size %q: want a positive number of tables", f))
		}
		ns = append(ns, n)
	}
	return ns
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
