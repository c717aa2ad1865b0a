// Command benchtable summarizes the output of the bench/ benchmarks
// (go test -bench -benchmem -count N) as Markdown: the median of each
// metric per operation and tool, with the ratio to hand-written pgx, and
// the medians of the paired pgx/cpcgen runs with the targets checked.
//
//	go test -run '^$' -bench . -benchmem -count 6 | tee raw.txt
//	go run ./cmd/benchtable raw.txt > table.md
//
// With no file it reads standard input.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// opOrder and toolOrder are the table's order; names not listed follow,
// sorted.
var (
	opOrder   = []string{"Create", "FindByID", "Update", "List100", "Query2Filters", "CreateMany10k", "CreateLoop10k", "Delete", "Tx3Writes"}
	toolOrder = []string{"pgx", "cpcgen", "gorm", "gorm-tuned", "ent", "pgx-textfallback"}
)

// Targets of the generated code.
const (
	maxTimeRatio = 1.05 // wall and CPU time, cpcgen over pgx
	extraAllocs  = 1    // allocations per op above pgx's
)

// samples holds every value of every metric of one benchmark.
type samples map[string][]float64

func main() {
	var in []io.Reader
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(2)
		}
		defer f.Close()
		in = append(in, f)
	}
	if len(in) == 0 {
		in = append(in, os.Stdin)
	}
	ops := map[[2]string]samples{} // (op, tool)
	paired := map[string]samples{} // op
	vsLoop := samples{}            // BenchmarkCreateManyVsLoop
	var header []string
	for _, r := range in {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			for _, k := range []string{"goos:", "goarch:", "cpu:"} {
				if strings.HasPrefix(line, k) && !contains(header, line) {
					header = append(header, line)
				}
			}
			name, metrics, ok := parseLine(line)
			if !ok {
				continue
			}
			parts := strings.Split(name, "/")
			switch {
			case parts[0] == "BenchmarkOps" && len(parts) == 3:
				key := [2]string{strings.TrimPrefix(parts[1], "op="), strings.TrimPrefix(parts[2], "tool=")}
				if ops[key] == nil {
					ops[key] = samples{}
				}
				add(ops[key], metrics)
			case parts[0] == "BenchmarkCreateManyVsLoop":
				add(vsLoop, metrics)
			case parts[0] == "BenchmarkPaired" && len(parts) == 2:
				op := strings.TrimPrefix(parts[1], "op=")
				if paired[op] == nil {
					paired[op] = samples{}
				}
				add(paired[op], metrics)
			}
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(2)
		}
	}
	if len(ops) == 0 && len(paired) == 0 && vsLoop.count() == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no results of BenchmarkOps, BenchmarkPaired or BenchmarkCreateManyVsLoop in the input")
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	writeOps(w, ops)
	writePaired(w, paired, ops)
	writeVsLoop(w, vsLoop)
}

// writeVsLoop reports how many times faster CreateMany of 10,000 rows is
// than a loop of Create, both generated, measured alternately.
func writeVsLoop(w io.Writer, s samples) {
	if s.count() == 0 {
		return
	}
	loop, _ := s.median("loop-ns/op")
	many, _ := s.median("many-ns/op")
	speedup, _ := s.median("speedup")
	cpu, _ := s.median("cpu-speedup")
	fmt.Fprintf(w, "CreateMany of 10,000 rows against a loop of 10,000 Create calls, generated code, alternating (median of %d runs; target ≥ 10× faster).\n\n", s.count())
	fmt.Fprintln(w, "| loop of Create ms | CreateMany ms | faster (wall) | faster (CPU) | target |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|:-:|")
	fmt.Fprintf(w, "| %s | %s | %.1f× | %.1f× | %s |\n\n", count(loop/1e6), fmt.Sprintf("%.1f", many/1e6), speedup, cpu, check(speedup >= 10))
}

// parseLine splits a benchmark result line into its name (without the
// -GOMAXPROCS suffix) and its metrics by unit.
func parseLine(line string) (string, map[string]float64, bool) {
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
	m := map[string]float64{}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", nil, false
		}
		m[f[i+1]] = v
	}
	return name, m, true
}

func add(s samples, m map[string]float64) {
	for unit, v := range m {
		s[unit] = append(s[unit], v)
	}
}

// median returns the median of the metric's samples, and whether there
// are any.
func (s samples) median(unit string) (float64, bool) {
	v := append([]float64(nil), s[unit]...)
	if len(v) == 0 {
		return 0, false
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

// spread returns the difference between the largest and the smallest
// sample of the metric.
func (s samples) spread(unit string) float64 {
	v := s[unit]
	if len(v) == 0 {
		return 0
	}
	lo, hi := v[0], v[0]
	for _, x := range v {
		lo, hi = min(lo, x), max(hi, x)
	}
	return hi - lo
}

func (s samples) count() int {
	n := 0
	for _, v := range s {
		n = max(n, len(v))
	}
	return n
}

func writeOps(w io.Writer, ops map[[2]string]samples) {
	if len(ops) == 0 {
		return
	}
	var opNames, toolNames []string
	for k := range ops {
		opNames = appendNew(opNames, k[0])
		toolNames = appendNew(toolNames, k[1])
	}
	opNames, toolNames = ordered(opNames, opOrder), ordered(toolNames, toolOrder)
	runs := 0
	for _, s := range ops {
		runs = max(runs, s.count())
	}
	fmt.Fprintf(w, "Medians of %d runs. Wall = ns/op; CPU = user+sys time of the benchmark process per op (the client's own cost); × pgx = ratio to hand-written pgx/v5; stmts = statements per op, BEGIN/COMMIT included.\n\n", runs)
	fmt.Fprintln(w, "| operation | tool | wall µs/op | × pgx | CPU µs/op | × pgx | allocs/op | B/op | stmts/op |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|")
	for _, op := range opNames {
		ref := ops[[2]string{op, "pgx"}]
		for _, tool := range toolNames {
			s := ops[[2]string{op, tool}]
			if s == nil {
				continue
			}
			wall, _ := s.median("ns/op")
			cpu, hasCPU := s.median("cpu-ns/op")
			allocs, _ := s.median("allocs/op")
			bytes, _ := s.median("B/op")
			stmts, _ := s.median("stmts/op")
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				op, tool, micros(wall), ratio(s, ref, "ns/op"),
				cond(hasCPU, micros(cpu), "–"), ratio(s, ref, "cpu-ns/op"),
				count(allocs), count(bytes), trimFloat(stmts))
		}
	}
	fmt.Fprintln(w)
}

func writePaired(w io.Writer, paired map[string]samples, ops map[[2]string]samples) {
	if len(paired) == 0 {
		return
	}
	var opNames []string
	for op := range paired {
		opNames = append(opNames, op)
	}
	opNames = ordered(opNames, opOrder)
	fmt.Fprintf(w, "Paired runs (pgx and cpcgen alternating call by call, wall and CPU time of each call; medians of the per-run ratios) and the targets for the generated code: time ≤ %.2f× pgx, allocs/op ≤ pgx + %d.\n\n", maxTimeRatio, extraAllocs)
	fmt.Fprintln(w, "| operation | pgx µs/op | cpcgen µs/op | wall ratio | CPU ratio | allocs pgx → cpcgen | time target | allocs target |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|:-:|:-:|")
	for _, op := range opNames {
		s := paired[op]
		hand, _ := s.median("pgx-ns/op")
		gen, _ := s.median("cpcgen-ns/op")
		r, _ := s.median("ratio")
		cpuRatio, hasCPU := s.median("cpu-ratio")
		if !hasCPU {
			cpuRatio, hasCPU = ratioValue(ops[[2]string{op, "cpcgen"}], ops[[2]string{op, "pgx"}], "cpu-ns/op")
		}
		allocsHand, ok1 := ops[[2]string{op, "pgx"}].median("allocs/op")
		allocsGen, ok2 := ops[[2]string{op, "cpcgen"}].median("allocs/op")
		allocs, allocsOK := "–", "–"
		if ok1 && ok2 {
			allocs = count(allocsHand) + " → " + count(allocsGen)
			allocsOK = check(allocsGen <= allocsHand+extraAllocs)
			// Operations that allocate thousands of times per op vary by a
			// few allocations from run to run (pgx's buffers, the pool's
			// background work): a difference within that spread is noise.
			if spread := ops[[2]string{op, "pgx"}].spread("allocs/op"); allocsGen > allocsHand+extraAllocs && allocsGen <= allocsHand+extraAllocs+spread {
				allocsOK = fmt.Sprintf("✓ (runs vary by %s)", count(spread))
			}
		}
		timeOK := check(r <= maxTimeRatio)
		if hasCPU && r > maxTimeRatio && cpuRatio <= maxTimeRatio {
			timeOK = "wall ✗, CPU ✓"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %.3f | %s | %s | %s | %s |\n",
			op, micros(hand), micros(gen), r, cond(hasCPU, fmt.Sprintf("%.3f", cpuRatio), "–"), allocs, timeOK, allocsOK)
	}
	fmt.Fprintln(w)
}

func ratioValue(s, ref samples, unit string) (float64, bool) {
	if s == nil || ref == nil {
		return 0, false
	}
	a, ok1 := s.median(unit)
	b, ok2 := ref.median(unit)
	if !ok1 || !ok2 || b == 0 {
		return 0, false
	}
	return a / b, true
}

func ratio(s, ref samples, unit string) string {
	r, ok := ratioValue(s, ref, unit)
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.2f", r)
}

func check(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
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
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func trimFloat(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func appendNew(list []string, s string) []string {
	if contains(list, s) {
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
