package srcpos

import (
	"cmp"
	"strconv"
)

// Pos is a position in an input file: the file's path relative to the
// project root (slash-separated), and a 1-based line and column. The zero
// Pos means "no position".
type Pos struct {
	File string
	Line int
	Col  int
}

// Compare orders positions by file, then line, then column: -1 when p
// comes before q, 1 when after, 0 when they are the same place.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(cmp.Compare(p.File, q.File), cmp.Compare(p.Line, q.Line), cmp.Compare(p.Col, q.Col))
}

// IsValid reports whether p names a place in a file.
func (p Pos) IsValid() bool { return p.File != "" }

// String formats p as file:line:col (or file alone when the line is
// unknown), the form compilers and editors recognise.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}
