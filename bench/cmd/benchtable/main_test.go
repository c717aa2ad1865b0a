package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// twoPasses is the output of two go test processes; cpcgen's CPU ratio
// to pgx is 1.10 in the first and 1.00 in the second.
const twoPasses = `goos: linux
goarch: amd64
BenchmarkOps/op=FindByID/tool=pgx-2     100  40000 ns/op  20000 cpu-ns/op  1 params/op  1 stmts/op  900 B/op  12 allocs/op
BenchmarkOps/op=FindByID/tool=cpcgen-2  100  44000 ns/op  22000 cpu-ns/op  1 params/op  1 stmts/op  950 B/op  17 allocs/op
BenchmarkOps/op=Update/tool=pgx-2       100  40000 ns/op  20000 cpu-ns/op  3 params/op  1 stmts/op  900 B/op  11 allocs/op
BenchmarkOps/op=Update/tool=cpcgen-2    100  40000 ns/op  20000 cpu-ns/op  3 params/op  1 stmts/op  900 B/op  12 allocs/op
BenchmarkOps/op=CreateMany10k/tool=pgx-2     1  9000000 ns/op  3000000 cpu-ns/op  0 params/op  1 stmts/op  300000 B/op  45 allocs/op
BenchmarkOps/op=CreateMany10k/tool=cpcgen-2  1  9000000 ns/op  6000000 cpu-ns/op  0 params/op  1 stmts/op  1000000 B/op  45050 allocs/op
PASS
goos: linux
goarch: amd64
BenchmarkOps/op=FindByID/tool=cpcgen-2  100  30000 ns/op  20000 cpu-ns/op  1 params/op  1 stmts/op  950 B/op  17 allocs/op
BenchmarkOps/op=FindByID/tool=pgx-2     100  30000 ns/op  20000 cpu-ns/op  1 params/op  1 stmts/op  900 B/op  12 allocs/op
BenchmarkOps/op=Update/tool=pgx-2       100  40000 ns/op  20000 cpu-ns/op  3 params/op  1 stmts/op  900 B/op  11 allocs/op
BenchmarkOps/op=Update/tool=cpcgen-2    100  40000 ns/op  20400 cpu-ns/op  8 params/op  1 stmts/op  900 B/op  12 allocs/op
BenchmarkOps/op=CreateMany10k/tool=pgx-2     1  9000000 ns/op  3000000 cpu-ns/op  0 params/op  1 stmts/op  300000 B/op  45 allocs/op
BenchmarkOps/op=CreateMany10k/tool=cpcgen-2  1  9000000 ns/op  3200000 cpu-ns/op  0 params/op  1 stmts/op  1000000 B/op  45050 allocs/op
PASS
`

// passesOf returns the passes of go test output text.
func passesOf(t *testing.T, text string) []pass {
	t.Helper()
	passes, err := readPasses(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return passes
}

// checkLines checks that out, the named table, holds every line of want.
func checkLines(t *testing.T, name, out string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: no line\n%s\ngot:\n%s", name, w, out)
		}
	}
}

func TestPassesAndRatios(t *testing.T) {
	passes := passesOf(t, twoPasses)
	if len(passes) != 2 {
		t.Fatalf("%d passes, want 2", len(passes))
	}
	s := summarize(ratios(passes, opsName("FindByID", "cpcgen"), opsName("FindByID", "pgx"), "cpu-ns/op"))
	if s.n != 2 || s.lo != 1.0 || s.hi != 1.1 || s.med != 1.05 {
		t.Fatalf("CPU ratio %+v, want median 1.05 over 1.00–1.10", s)
	}
	if got := ratioText(s); got != "1.05 (1.00–1.10)" {
		t.Fatalf("ratio text %q", got)
	}
}

func TestTargets(t *testing.T) {
	var b bytes.Buffer
	writeTargets(&b, passesOf(t, twoPasses))
	checkLines(t, "targets", b.String(), []string{
		"| FindByID | client CPU ≤ 1.05× | 20.0 µs | 21.0 µs | 1.05 (1.00–1.10)× (passes) | met |",
		"| FindByID | allocations ≤ reference + 1 per call | 12 | 17 | +5 | **missed** |",
		"| Update | allocations ≤ reference + 1 per call | 11 | 12 | +1 | met |",
		"| Update | sends only what changed (2 of 6 columns; parameters bound) | 3 | 5.5 | +2 | **missed** |",
		"| CreateMany10k | client CPU ≤ 1.10× | 3,000 µs | 4,600 µs | 1.53 (1.07–2.00)× (passes) | **missed** |",
		"| CreateMany10k | allocations per row < 0.1 | 0.0045 | 4.5050 | 4.5050 | **missed** |",
	})
}

// basePasses is the output of the base revision's binary, two passes: it
// has Delete, which the after side (twoPasses) lacks, and lacks Update
// and CreateMany10k, which the after side has.
const basePasses = `goos: linux
BenchmarkOps/op=FindByID/tool=pgx-2     100  40000 ns/op  20000 cpu-ns/op  1 params/op  1 stmts/op  900 B/op  12 allocs/op
BenchmarkOps/op=FindByID/tool=cpcgen-2  100  60000 ns/op  30000 cpu-ns/op  1 params/op  1 stmts/op  1200 B/op  20 allocs/op
BenchmarkOps/op=Delete/tool=pgx-2       100  40000 ns/op  10000 cpu-ns/op  1 params/op  1 stmts/op  300 B/op  4 allocs/op
BenchmarkOps/op=Delete/tool=cpcgen-2    100  40000 ns/op  11000 cpu-ns/op  1 params/op  1 stmts/op  300 B/op  5 allocs/op
PASS
goos: linux
BenchmarkOps/op=FindByID/tool=pgx-2     100  40000 ns/op  25000 cpu-ns/op  1 params/op  1 stmts/op  900 B/op  12 allocs/op
BenchmarkOps/op=FindByID/tool=cpcgen-2  100  40000 ns/op  30000 cpu-ns/op  1 params/op  1 stmts/op  1200 B/op  20 allocs/op
BenchmarkOps/op=Delete/tool=pgx-2       100  40000 ns/op  10000 cpu-ns/op  1 params/op  1 stmts/op  300 B/op  4 allocs/op
BenchmarkOps/op=Delete/tool=cpcgen-2    100  40000 ns/op  12000 cpu-ns/op  1 params/op  1 stmts/op  300 B/op  5 allocs/op
PASS
`

func comparisonOf(t *testing.T) comparison {
	t.Helper()
	return comparison{before: passesOf(t, basePasses), after: passesOf(t, twoPasses), beforeName: "abc1234 (main)", afterName: "working tree", refNote: "the same code before and after."}
}

func TestComparison(t *testing.T) {
	var b bytes.Buffer
	writeComparison(&b, comparisonOf(t))
	out := b.String()
	checkLines(t, "comparison", out, []string{
		"Before: abc1234 (main) (2 passes); after: working tree (2 passes).",
		"Reference: the same code before and after.",
		// FindByID: CPU ratio 1.50 and 1.20 before, 1.10 and 1.00 after;
		// wall 1.50 and 1.00 before, 1.10 and 1.00 after.
		"| FindByID | 1.35 (1.20–1.50) | 1.05 (1.00–1.10) | 1.25 (1.00–1.50) | 1.05 (1.00–1.10) | 20 | 17 | 1,200 | 950 | 1 | 1 |",
		// Ops missing on one side show as –.
		"| Update | – | 1.01 (1.00–1.02) | – | 1.00 (1.00–1.00) | – | 12 | – | 900 | – | 5.5 |",
		"| Delete | 1.15 (1.10–1.20) | – | 1.00 (1.00–1.00) | – | 5 | – | 300 | – | 1 | – |",
		// The reference: pgx FindByID CPU 20000 → 20000 in pass 1,
		// 25000 → 20000 in pass 2.
		"| FindByID | 22.5 | 20.0 | 0.90 (0.80–1.00) | 12 | 12 |",
		"| Delete | 10.0 | – | – | 4 | – |",
		// Targets of the after side beside the number before.
		"| FindByID | client CPU ≤ 1.05× | 1.35 (1.20–1.50)× (passes) | **missed** | 20.0 µs | 21.0 µs | 1.05 (1.00–1.10)× (passes) | met |",
		"| FindByID | allocations ≤ reference + 1 per call | +8 | **missed** | 12 | 17 | +5 | **missed** |",
		"| Update | allocations ≤ reference + 1 per call | – | – | 11 | 12 | +1 | met |",
		"| CreateMany10k | allocations per row < 0.1 | – | – | 0.0045 | 4.5050 | 4.5050 | **missed** |",
	})
	// Delete has no target row after: the after side did not run it.
	if strings.Contains(out, "| Delete | client CPU") {
		t.Errorf("a target row for Delete, which the after side did not run:\n%s", out)
	}
}

func TestCrossRatiosPairPassesByNumber(t *testing.T) {
	c := comparisonOf(t)
	// A third pass after, with no pass before to pair it with, is left out.
	after := append(c.after, passesOf(t, "goos: linux\nBenchmarkOps/op=FindByID/tool=pgx-2 100 40000 ns/op 90000 cpu-ns/op\n")...)
	got := crossRatios(c.before, after, opsName("FindByID", "pgx"), "cpu-ns/op")
	if len(got) != 2 || got[0] != 1 || got[1] != 0.8 {
		t.Fatalf("cross ratios %v, want [1 0.8]", got)
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := dir+"/a.txt", dir+"/b.txt"
	if err := os.WriteFile(a, []byte(basePasses), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(twoPasses), 0o644); err != nil {
		t.Fatal(err)
	}
	passes, err := readFiles([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(passes) != 4 {
		t.Fatalf("%d passes from two files of two, want 4", len(passes))
	}
	if _, err := readFiles([]string{dir + "/missing.txt"}); err == nil {
		t.Fatal("no error for a missing file")
	}
}
