package main

import (
	"bytes"
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

func TestPassesAndRatios(t *testing.T) {
	passes, err := readPasses(strings.NewReader(twoPasses))
	if err != nil {
		t.Fatal(err)
	}
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
	passes, err := readPasses(strings.NewReader(twoPasses))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	writeTargets(&b, passes)
	out := b.String()
	for _, want := range []string{
		"| FindByID | client CPU ≤ 1.05× | 20.0 µs | 21.0 µs | 1.05 (1.00–1.10)× (passes) | met |",
		"| FindByID | allocations ≤ reference + 1 per call | 12 | 17 | +5 | **missed** |",
		"| Update | allocations ≤ reference + 1 per call | 11 | 12 | +1 | met |",
		"| Update | sends only what changed (2 of 6 columns; parameters bound) | 3 | 5.5 | +2 | **missed** |",
		"| CreateMany10k | client CPU ≤ 1.10× | 3,000 µs | 4,600 µs | 1.53 (1.07–2.00)× (passes) | **missed** |",
		"| CreateMany10k | allocations per row < 0.1 | 0.0045 | 4.5050 | 4.5050 | **missed** |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("targets lack\n%s\ngot:\n%s", want, out)
		}
	}
}
