// Command benchtable summarizes the output of the bench/ benchmarks as
// Markdown: per operation and tool the median over the passes of wall
// time, client CPU time, allocations, bytes, statements and parameters
// per op, with the ratio to the hand-written pgx reference computed in
// each pass and reported as its median and min–max; the paired pgx/cpcgen
// runs; and the performance targets for the generated code, each marked
// met or missed with its number.
//
//	for k in 0 1 2 3 4; do BENCH_PASS=$k go test -run '^$' -bench . -benchmem -count 1; done | tee raw.txt
//	go run ./cmd/benchtable raw.txt > table.md
//
// A pass is the output of one go test process: each "goos:" header line
// starts one. With no file it reads standard input.
//
// With -before, it compares two builds of the benchmarks: the file named
// by -before holds the passes of the binary built at a base revision, the
// other files those of the working tree, run alternately pass by pass
// (bench/run.sh with BASE=<revision> does this). It writes the generated
// code's ratios to the reference before and after (each computed within
// its own binary's pass), its allocations, the reference itself on both
// sides, and the targets met or missed after beside the numbers before;
// then the tables of all tools for the after side.
//
//	go run ./cmd/benchtable -before base.txt -before-name d5e7376 -after-name 'working tree' after.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/internal/numfmt"
)

// opOrder and toolOrder are the table's order; names not listed follow,
// sorted.
var (
	opOrder   = []string{"Create", "FindByID", "Update", "List100", "Query2Filters", "CreateMany10k", "CreateLoop10k", "Delete", "Tx3Writes"}
	toolOrder = []string{"pgx", "cpcgen", "gorm", "gorm-tuned", "ent", "pgx-textfallback"}
)

// The reference every ratio is computed against, and the tool the
// targets are for.
const (
	refTool = "pgx"
	genTool = "cpcgen"
)

// targets are the performance targets for the generated code against the reference.
const (
	maxCPURatio     = 1.05 // client CPU per call
	extraAllocs     = 1    // allocations per call above the reference's
	maxCopyCPURatio = 1.10 // client CPU of COPY
	maxCopyAllocRow = 0.1  // allocations per row of COPY
)

// rowsOf is the number of rows an operation reads or writes, for the
// per-row figures.
var rowsOf = map[string]float64{"List100": 100, "Query2Filters": 25, "CreateMany10k": 10_000, "CreateLoop10k": 10_000}

// metrics are the values of one benchmark result line, by unit.
type metrics map[string]float64

// pass is the results of one go test process, by benchmark name (without
// the -GOMAXPROCS suffix).
type pass map[string]metrics

func main() {
	before := flag.String("before", "", "output of the benchmarks built at the base revision: write the before/after tables, the positional files being the after")
	beforeName := flag.String("before-name", "before", "what the before side is (a revision)")
	afterName := flag.String("after-name", "after", "what the after side is")
	refNote := flag.String("ref", "", "whether the reference is the same code before and after (printed above the tables)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: benchtable [file …]\n       benchtable -before base.txt [-before-name rev] [-after-name name] [-ref note] after.txt …")
		flag.PrintDefaults()
	}
	flag.Parse()
	passes, err := readFiles(flag.Args())
	if err != nil {
		fail(2, err)
	}
	if len(passes) == 0 {
		fail(1, fmt.Errorf("no results of BenchmarkOps, BenchmarkPaired or BenchmarkCreateManyVsLoop in the input"))
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	if *before == "" {
		writeOps(w, passes)
		writePaired(w, passes)
		writeTargets(w, passes)
		writeVsLoop(w, passes)
		return
	}
	if len(flag.Args()) == 0 {
		fail(2, fmt.Errorf("-before %s: name the output of the after side too (the files after the flags)", *before))
	}
	base, err := readFiles([]string{*before})
	if err != nil {
		fail(2, err)
	}
	if len(base) == 0 {
		fail(1, fmt.Errorf("-before %s: no benchmark results in it", *before))
	}
	writeComparison(w, comparison{before: base, after: passes, beforeName: *beforeName, afterName: *afterName, refNote: *refNote})
	fmt.Fprintf(w, "All tools, after (%s):\n\n", *afterName)
	writeOps(w, passes)
	writePaired(w, passes)
	writeVsLoop(w, passes)
}

func fail(code int, err error) {
	fmt.Fprintln(os.Stderr, "benchtable:", err)
	os.Exit(code)
}

// readFiles reads the passes of the named files, in order, or of
// standard input when there are none.
func readFiles(files []string) ([]pass, error) {
	if len(files) == 0 {
		return readPasses(os.Stdin)
	}
	var passes []pass
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		ps, err := readPasses(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		passes = append(passes, ps...)
	}
	return passes, nil
}

// readPasses reads go test -bench output; each "goos:" line starts a new
// pass.
func readPasses(r io.Reader) ([]pass, error) {
	var passes []pass
	cur := pass{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "goos:") && len(cur) > 0 {
			passes = append(passes, cur)
			cur = pass{}
		}
		if name, m, ok := parseLine(line); ok {
			cur[name] = m
		}
	}
	if len(cur) > 0 {
		passes = append(passes, cur)
	}
	return passes, sc.Err()
}

// parseLine splits a benchmark result line into its name (without the
// -GOMAXPROCS suffix) and its metrics by unit.
func parseLine(line string) (string, metrics, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return "", nil, false
	}
	name := f[0]
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return "", nil, false
	}
	m := metrics{}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", nil, false
		}
		m[f[i+1]] = v
	}
	return name, m, true
}

func opsName(op, tool string) string { return "BenchmarkOps/op=" + op + "/tool=" + tool }

// values returns the metric of the benchmark in every pass that has it.
func values(passes []pass, name, unit string) []float64 {
	var v []float64
	for _, p := range passes {
		if m, ok := p[name]; ok {
			if x, ok := m[unit]; ok {
				v = append(v, x)
			}
		}
	}
	return v
}

// ratios returns, for every pass that has both, the metric of name over
// the metric of ref.
func ratios(passes []pass, name, ref, unit string) []float64 {
	var v []float64
	for _, p := range passes {
		a, ok1 := p[name][unit]
		b, ok2 := p[ref][unit]
		if ok1 && ok2 && b > 0 {
			v = append(v, a/b)
		}
	}
	return v
}

// stat is the median, minimum and maximum of some samples.
type stat struct {
	med, lo, hi float64
	n           int
}

func summarize(v []float64) stat {
	if len(v) == 0 {
		return stat{}
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{med: med, lo: s[0], hi: s[len(s)-1], n: len(s)}
}

// ratioText formats a ratio as its median and its min–max over passes.
func ratioText(s stat) string {
	if s.n == 0 {
		return "–"
	}
	if s.n == 1 {
		return fmt.Sprintf("%.2f", s.med)
	}
	return fmt.Sprintf("%.2f (%.2f–%.2f)", s.med, s.lo, s.hi)
}

// names returns the operations and tools of BenchmarkOps in the input.
func names(passes []pass) (ops, tools []string) {
	for _, p := range passes {
		for name := range p {
			parts := strings.Split(name, "/")
			if parts[0] != "BenchmarkOps" || len(parts) != 3 {
				continue
			}
			ops = appendNew(ops, strings.TrimPrefix(parts[1], "op="))
			tools = appendNew(tools, strings.TrimPrefix(parts[2], "tool="))
		}
	}
	return ordered(ops, opOrder), ordered(tools, toolOrder)
}

func writeOps(w io.Writer, passes []pass) {
	ops, tools := names(passes)
	if len(ops) == 0 {
		return
	}
	fmt.Fprintf(w, "%d passes (one go test process each; the tools take turns first from pass to pass). Medians over the passes; "+
		"wall = ns/op; CPU = user+sys time of the benchmark process per op (the client's own cost); "+
		"× %s = the ratio to the hand-written reference in the same pass, median (min–max) over the passes; "+
		"stmts = statements per op (BEGIN/COMMIT included); params = parameters bound per op.\n\n", len(passes), refTool)
	fmt.Fprintf(w, "| operation | tool | wall µs/op | × %s | CPU µs/op | × %s | allocs/op | B/op | stmts/op | params/op |\n", refTool, refTool)
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, op := range ops {
		ref := opsName(op, refTool)
		for _, tool := range tools {
			name := opsName(op, tool)
			wall := summarize(values(passes, name, "ns/op"))
			if wall.n == 0 {
				continue
			}
			cpu := summarize(values(passes, name, "cpu-ns/op"))
			allocs := summarize(values(passes, name, "allocs/op"))
			bytes := summarize(values(passes, name, "B/op"))
			stmts := summarize(values(passes, name, "stmts/op"))
			params := summarize(values(passes, name, "params/op"))
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				op, tool, micros(wall.med), ratioText(summarize(ratios(passes, name, ref, "ns/op"))),
				cond(cpu.n > 0, micros(cpu.med), "–"), ratioText(summarize(ratios(passes, name, ref, "cpu-ns/op"))),
				count(allocs.med), count(bytes.med), trimFloat(stmts.med), cond(params.n > 0, trimFloat(params.med), "–"))
		}
	}
	fmt.Fprintln(w)
}

// pairedOps returns the operations of BenchmarkPaired in the input.
func pairedOps(passes []pass) []string {
	var ops []string
	for _, p := range passes {
		for name := range p {
			if op, ok := strings.CutPrefix(name, "BenchmarkPaired/op="); ok {
				ops = appendNew(ops, op)
			}
		}
	}
	return ordered(ops, opOrder)
}

func writePaired(w io.Writer, passes []pass) {
	ops := pairedOps(passes)
	if len(ops) == 0 {
		return
	}
	fmt.Fprintf(w, "Paired: %s and %s alternating call by call on the same connections, each call timed (wall, and this process's CPU); the ratio %s ÷ %s of each pass, median (min–max) over %d passes.\n\n", refTool, genTool, genTool, refTool, len(passes))
	fmt.Fprintf(w, "| operation | %s µs/op | %s µs/op | wall ratio | %s CPU µs/op | %s CPU µs/op | CPU ratio |\n", refTool, genTool, refTool, genTool)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, op := range ops {
		name := "BenchmarkPaired/op=" + op
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", op,
			micros(summarize(values(passes, name, "pgx-ns/op")).med),
			micros(summarize(values(passes, name, "cpcgen-ns/op")).med),
			ratioText(summarize(values(passes, name, "ratio"))),
			micros(summarize(values(passes, name, "pgx-cpu-ns/op")).med),
			micros(summarize(values(passes, name, "cpcgen-cpu-ns/op")).med),
			ratioText(summarize(values(passes, name, "cpu-ratio"))))
	}
	fmt.Fprintln(w)
}

// cpuRatio returns the CPU ratio of the generated code to the reference
// for op and the median CPU time per op of each: from the paired runs
// when there are some (the two alternate call by call, so load weighs on
// both alike), else from the passes of BenchmarkOps; and where they come
// from.
func cpuRatio(passes []pass, op string) (ratio, ref, gen stat, src string) {
	paired := "BenchmarkPaired/op=" + op
	if s := summarize(values(passes, paired, "cpu-ratio")); s.n > 0 {
		return s, summarize(values(passes, paired, "pgx-cpu-ns/op")), summarize(values(passes, paired, "cpcgen-cpu-ns/op")), "paired"
	}
	refName, genName := opsName(op, refTool), opsName(op, genTool)
	return summarize(ratios(passes, genName, refName, "cpu-ns/op")), summarize(values(passes, refName, "cpu-ns/op")), summarize(values(passes, genName, "cpu-ns/op")), "passes"
}

// targetRow is one performance target of the generated code for one
// operation: what the reference and the generated code measured, the
// number the target is judged on, and whether it is met.
type targetRow struct {
	op, target, ref, gen, number string
	met                          bool
}

// targetRows returns the targets for genTool against refTool, for every
// operation that both ran.
func targetRows(passes []pass) []targetRow {
	ops, tools := names(passes)
	if !slices.Contains(tools, refTool) || !slices.Contains(tools, genTool) {
		return nil
	}
	var rows []targetRow
	add := func(op, target, ref, gen, number string, met bool) {
		rows = append(rows, targetRow{op: op, target: target, ref: ref, gen: gen, number: number, met: met})
	}
	for _, op := range ops {
		ref, gen := opsName(op, refTool), opsName(op, genTool)
		refAllocs := summarize(values(passes, ref, "allocs/op"))
		genAllocs := summarize(values(passes, gen, "allocs/op"))
		if refAllocs.n == 0 || genAllocs.n == 0 {
			continue
		}
		cpu, refCPU, genCPU, src := cpuRatio(passes, op)
		switch op {
		case "CreateLoop10k":
			continue // Create, 10,000 times: covered by Create
		case "CreateMany10k":
			rows := rowsOf[op]
			add(op, fmt.Sprintf("client CPU ≤ %.2f×", maxCopyCPURatio), micros(refCPU.med)+" µs", micros(genCPU.med)+" µs",
				fmt.Sprintf("%s× (%s)", ratioText(cpu), src), cpu.n > 0 && cpu.med <= maxCopyCPURatio)
			add(op, fmt.Sprintf("allocations per row < %.1f", maxCopyAllocRow), fmt.Sprintf("%.4f", refAllocs.med/rows),
				fmt.Sprintf("%.4f", genAllocs.med/rows), fmt.Sprintf("%.4f", genAllocs.med/rows), genAllocs.med/rows < maxCopyAllocRow)
			continue
		}
		add(op, fmt.Sprintf("client CPU ≤ %.2f×", maxCPURatio), micros(refCPU.med)+" µs", micros(genCPU.med)+" µs",
			fmt.Sprintf("%s× (%s)", ratioText(cpu), src), cpu.n > 0 && cpu.med <= maxCPURatio)
		add(op, fmt.Sprintf("allocations ≤ reference + %d per call", extraAllocs), count(refAllocs.med), count(genAllocs.med),
			fmt.Sprintf("%+.0f", genAllocs.med-refAllocs.med), genAllocs.med <= refAllocs.med+extraAllocs)
		if op == "List100" {
			// The nullable column memo is non-NULL in half the rows:
			// an allocation per non-NULL value shows as about 0.5 per row.
			rows := rowsOf[op]
			extra := (genAllocs.med - refAllocs.med) / rows
			add(op, "no allocation per row for nullable columns (memo: half the rows non-NULL)",
				fmt.Sprintf("%.2f/row", refAllocs.med/rows), fmt.Sprintf("%.2f/row", genAllocs.med/rows),
				fmt.Sprintf("%+.2f/row", extra), genAllocs.med <= refAllocs.med+extraAllocs)
		}
		if op == "Update" {
			refParams := summarize(values(passes, ref, "params/op"))
			genParams := summarize(values(passes, gen, "params/op"))
			if refParams.n > 0 && genParams.n > 0 {
				add(op, "sends only what changed (2 of 6 columns; parameters bound)", trimFloat(refParams.med), trimFloat(genParams.med),
					fmt.Sprintf("%+.0f", genParams.med-refParams.med), genParams.med <= refParams.med)
			}
		}
	}
	return rows
}

func writeTargets(w io.Writer, passes []pass) {
	rows := targetRows(passes)
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "Targets for %s against the reference %s (client CPU per op and its ratio: median (min–max) of the paired runs, or of the passes where there are none; allocations: medians).\n\n", genTool, refTool)
	fmt.Fprintln(w, "| operation | target | reference | cpcgen | number | met |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|:-:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.op, r.target, r.ref, r.gen, r.number, check(r.met))
	}
	fmt.Fprintln(w)
}

// writeVsLoop reports how many times faster CreateMany of 10,000 rows is
// than a loop of Create, both generated, measured alternately.
func writeVsLoop(w io.Writer, passes []pass) {
	const name = "BenchmarkCreateManyVsLoop"
	loop := summarize(values(passes, name, "loop-ns/op"))
	if loop.n == 0 {
		return
	}
	many := summarize(values(passes, name, "many-ns/op"))
	speedup := summarize(values(passes, name, "speedup"))
	cpu := summarize(values(passes, name, "cpu-speedup"))
	fmt.Fprintf(w, "CreateMany of 10,000 rows against a loop of 10,000 Create calls, generated code, alternating (median (min–max) of %d passes; target ≥ 10× faster).\n\n", loop.n)
	fmt.Fprintln(w, "| loop of Create ms | CreateMany ms | faster (wall) | faster (CPU) | target |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|:-:|")
	fmt.Fprintf(w, "| %s | %.1f | %s× | %s× | %s |\n\n", count(loop.med/1e6), many.med/1e6, ratioText(speedup), ratioText(cpu), check(speedup.med >= 10))
}

func check(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

func cond(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// micros formats nanoseconds as microseconds.
func micros(ns float64) string {
	us := ns / 1000
	switch {
	case us >= 1000:
		return count(us)
	case us >= 100:
		return fmt.Sprintf("%.0f", us)
	default:
		return fmt.Sprintf("%.1f", us)
	}
}

// count formats a number rounded to an integer with thousands separators.
func count(v float64) string {
	if v < 0 {
		return "-" + numfmt.Thousands(int64(-v+0.5))
	}
	return numfmt.Thousands(int64(v + 0.5))
}

func trimFloat(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// ordered sorts names by their place in order, unknown names last and
// alphabetically.
func ordered(names, order []string) []string {
	rank := func(s string) int {
		for i, v := range order {
			if v == s {
				return i
			}
		}
		return len(order)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	return names
}
