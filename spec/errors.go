package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in the input, at a position.
type Error struct {
	Pos Pos
	Msg string
}

// Error formats the problem as "file:line:col: message".
func (e *Error) Error() string {
	if !e.Pos.IsValid() {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is every problem found in one run, sorted by position. Load
// and the generator's Build return one instead of stopping at the first
// problem.
type ErrorList []*Error

// Add appends a problem at pos.
func (l *ErrorList) Add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by file, line and column, keeping the order of
// problems at the same position, and drops exact duplicates.
func (l ErrorList) Sort() ErrorList {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Compare(l[j].Pos) < 0 })
	out := make(ErrorList, 0, len(l))
	for _, e := range l {
		if n := len(out); n > 0 && e.Pos == out[n-1].Pos && e.Msg == out[n-1].Msg {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sort()
}

// Error joins the problems, one per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}
