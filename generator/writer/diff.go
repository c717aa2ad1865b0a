package writer

import (
	"fmt"
	"strings"
)

// contextLines is the number of unchanged lines around each hunk.
const contextLines = 3

// Unified returns a unified diff from old to new for the file at path, in
// the format of `diff -u` and git (a/ and b/ prefixes), or "" when they
// are equal. A nil side means the file does not exist.
func Unified(path string, old, new []byte) string {
	a, b := splitLines(string(old)), splitLines(string(new))
	ops := diffLines(a, b)
	var hunks strings.Builder
	// Group the edit script into hunks with context.
	type span struct{ start, end int } // indexes into ops
	var spans []span
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		start := max(i-contextLines, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// Count the run of equal lines; a short run joins two hunks.
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*contextLines {
				end = min(end+contextLines, len(ops))
				break
			}
			end = run
		}
		if len(spans) > 0 && start <= spans[len(spans)-1].end {
			spans[len(spans)-1].end = end
		} else {
			spans = append(spans, span{start, end})
		}
		i = end - 1
	}
	if len(spans) == 0 {
		return ""
	}
	for _, s := range spans {
		aStart, bStart := ops[s.start].a, ops[s.start].b
		var aLen, bLen int
		for _, op := range ops[s.start:s.end] {
			if op.kind != '+' {
				aLen++
			}
			if op.kind != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&hunks, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
		for _, op := range ops[s.start:s.end] {
			hunks.WriteByte(op.kind)
			hunks.WriteString(op.text)
			if !strings.HasSuffix(op.text, "\n") {
				hunks.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	from, to := "a/"+path, "b/"+path
	if old == nil {
		from = "/dev/null"
	}
	if new == nil {
		to = "/dev/null"
	}
	return "--- " + from + "\n+++ " + to + "\n" + hunks.String()
}

// hunkRange formats a hunk's start and length: 1-based start, and "0,0"
// style ranges for empty sides, as diff -u does.
func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits s after each newline, keeping the newlines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineOp is one line of an edit script: ' ' kept, '-' removed, '+' added;
// a and b are the line's index (or the insertion point) in old and new.
type lineOp struct {
	kind byte
	text string
	a, b int
}

// maxEdits bounds the edit distance diffLines searches for (memory grows
// with its square); beyond it the diff replaces the whole file.
const maxEdits = 4000

// diffLines computes a shortest edit script from a to b with Myers'
// algorithm, in O((N+M)·D) time and O(D²) memory; for D > maxEdits it
// returns the script that removes all of a and adds all of b.
func diffLines(a, b []string) []lineOp {
	n, m := len(a), len(b)
	maxD := n + m
	offset := maxD + 1
	v := make([]int, 2*maxD+4)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		if d > maxEdits {
			return replaceAll(a, b)
		}
		// Keep only the diagonals -d..d that the backtrack reads.
		snapshot := make([]int, 2*d+3)
		copy(snapshot, v[offset-d-1:offset+d+2])
		trace = append(trace, snapshot)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[offset+k-1] < v[offset+k+1] {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d)
			}
		}
	}
	return nil
}

// replaceAll is the edit script removing every line of a, then adding
// every line of b.
func replaceAll(a, b []string) []lineOp {
	ops := make([]lineOp, 0, len(a)+len(b))
	for i, l := range a {
		ops = append(ops, lineOp{'-', l, i, 0})
	}
	for j, l := range b {
		ops = append(ops, lineOp{'+', l, len(a), j})
	}
	return ops
}

func backtrack(a, b []string, trace [][]int, d int) []lineOp {
	x, y := len(a), len(b)
	var rev []lineOp
	for ; d > 0; d-- {
		// trace[d] holds v[-d-1 .. d+1] before step d.
		v := trace[d]
		at := func(k int) int { return v[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || k != d && at(k-1) < at(k+1) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, lineOp{' ', a[x], x, y})
		}
		if x == prevX {
			y--
			rev = append(rev, lineOp{'+', b[y], x, y})
		} else {
			x--
			rev = append(rev, lineOp{'-', a[x], x, y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, lineOp{' ', a[x], x, y})
	}
	ops := make([]lineOp, len(rev))
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
	}
	return ops
}
