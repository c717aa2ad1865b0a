package main

import (
	"fmt"
	"io"
)

// comparison is the input of the before/after tables: the passes of the
// benchmark binary built at a base revision and of the one built from
// the working tree, run alternately pass by pass on one server.
type comparison struct {
	before, after         []pass
	beforeName, afterName string
	// refNote says whether the reference is the same code on both sides.
	refNote string
}

// writeComparison writes the before/after tables: the generated code's
// ratios to the reference and its allocations, the paired runs, the
// reference itself on both sides, and the targets, before and after.
func writeComparison(w io.Writer, c comparison) {
	fmt.Fprintf(w, "Before: %s (%s); after: %s (%s). The two benchmark binaries, each built with its own runtime and generated code, ran alternately pass by pass on one PostgreSQL server. "+
		"× %s = %s ÷ %s in the same pass of the same binary, median (min–max) over the passes; allocations, bytes and parameters: medians; – = not measured on that side.\n\n",
		c.beforeName, passCount(len(c.before)), c.afterName, passCount(len(c.after)), refTool, genTool, refTool)
	if c.refNote != "" {
		fmt.Fprintf(w, "Reference: %s\n\n", c.refNote)
	}
	writeOpsComparison(w, c)
	writePairedComparison(w, c)
	writeRefComparison(w, c)
	writeTargetsComparison(w, c)
}

// bothOps returns the operations of BenchmarkOps on either side.
func bothOps(c comparison) []string {
	ops, _ := names(append(append([]pass(nil), c.before...), c.after...))
	return ops
}

// median formats the median of a metric of the benchmark, or "–".
func median(passes []pass, name, unit string, format func(float64) string) string {
	s := summarize(values(passes, name, unit))
	if s.n == 0 {
		return "–"
	}
	return format(s.med)
}

func writeOpsComparison(w io.Writer, c comparison) {
	ops := bothOps(c)
	if len(ops) == 0 {
		return
	}
	fmt.Fprintf(w, "| operation | CPU × %[1]s before | CPU × %[1]s after | wall × %[1]s before | wall × %[1]s after | allocs/op before | allocs/op after | B/op before | B/op after | params/op before | params/op after |\n", refTool)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, op := range ops {
		ref, gen := opsName(op, refTool), opsName(op, genTool)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", op,
			ratioText(summarize(ratios(c.before, gen, ref, "cpu-ns/op"))), ratioText(summarize(ratios(c.after, gen, ref, "cpu-ns/op"))),
			ratioText(summarize(ratios(c.before, gen, ref, "ns/op"))), ratioText(summarize(ratios(c.after, gen, ref, "ns/op"))),
			median(c.before, gen, "allocs/op", count), median(c.after, gen, "allocs/op", count),
			median(c.before, gen, "B/op", count), median(c.after, gen, "B/op", count),
			median(c.before, gen, "params/op", trimFloat), median(c.after, gen, "params/op", trimFloat))
	}
	fmt.Fprintln(w)
}

func writePairedComparison(w io.Writer, c comparison) {
	ops := pairedOps(append(append([]pass(nil), c.before...), c.after...))
	if len(ops) == 0 {
		return
	}
	fmt.Fprintf(w, "Paired: %s and %s alternating call by call within each binary; the ratio %s ÷ %s of each pass, median (min–max).\n\n", refTool, genTool, genTool, refTool)
	fmt.Fprintln(w, "| operation | CPU ratio before | CPU ratio after | wall ratio before | wall ratio after |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, op := range ops {
		name := "BenchmarkPaired/op=" + op
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", op,
			ratioText(summarize(values(c.before, name, "cpu-ratio"))), ratioText(summarize(values(c.after, name, "cpu-ratio"))),
			ratioText(summarize(values(c.before, name, "ratio"))), ratioText(summarize(values(c.after, name, "ratio"))))
	}
	fmt.Fprintln(w)
}

// crossRatios returns, for every pass number that both sides have, the
// metric of the benchmark after over the metric before.
func crossRatios(before, after []pass, name, unit string) []float64 {
	var v []float64
	for k := 0; k < len(before) && k < len(after); k++ {
		a, ok1 := after[k][name][unit]
		b, ok2 := before[k][name][unit]
		if ok1 && ok2 && b > 0 {
			v = append(v, a/b)
		}
	}
	return v
}

// writeRefComparison shows the reference on both sides: when it is the
// same code, its CPU time after ÷ before is about 1 and its allocations
// equal, and the ratios of the first table compare like with like.
func writeRefComparison(w io.Writer, c comparison) {
	ops := bothOps(c)
	if len(ops) == 0 {
		return
	}
	fmt.Fprintf(w, "The reference %s in both binaries (after ÷ before: pass k of one binary against pass k of the other, median (min–max)).\n\n", refTool)
	fmt.Fprintln(w, "| operation | CPU µs/op before | CPU µs/op after | after ÷ before | allocs/op before | allocs/op after |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|")
	for _, op := range ops {
		ref := opsName(op, refTool)
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", op,
			median(c.before, ref, "cpu-ns/op", micros), median(c.after, ref, "cpu-ns/op", micros),
			ratioText(summarize(crossRatios(c.before, c.after, ref, "cpu-ns/op"))),
			median(c.before, ref, "allocs/op", count), median(c.after, ref, "allocs/op", count))
	}
	fmt.Fprintln(w)
}

// writeTargetsComparison writes the targets of the after side, each met or
// missed with its number, beside the number and verdict before.
func writeTargetsComparison(w io.Writer, c comparison) {
	after := targetRows(c.after)
	if len(after) == 0 {
		return
	}
	before := map[[2]string]targetRow{}
	for _, r := range targetRows(c.before) {
		before[[2]string{r.op, r.target}] = r
	}
	fmt.Fprintf(w, "Targets for %s against the reference %s, after (%s), beside the number before (%s). CPU: median (min–max) of the paired runs, or of the passes where there are none; allocations: medians.\n\n", genTool, refTool, c.afterName, c.beforeName)
	fmt.Fprintln(w, "| operation | target | before | met before | reference | cpcgen | after | met |")
	fmt.Fprintln(w, "|---|---|--:|:-:|--:|--:|--:|:-:|")
	for _, r := range after {
		num, met := "–", "–"
		if b, ok := before[[2]string{r.op, r.target}]; ok {
			num, met = b.number, check(b.met)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.op, r.target, num, met, r.ref, r.gen, r.number, check(r.met))
	}
	fmt.Fprintln(w)
}

// passCount says how many passes, "1 pass" or "n passes".
func passCount(n int) string {
	if n == 1 {
		return "1 pass"
	}
	return fmt.Sprintf("%d passes", n)
}
