// Package srcpos holds the position of a place in a spec file, which the
// spec loader records and the IR carries to the emitters' messages; both
// name this one type.
package srcpos

import "strconv"

// Pos is a position in an input file: the file's path relative to the
// project root (slash-separated), and a 1-based line and column. The zero
// Pos means "no position".
type Pos struct {
	File string
	Line int
	Col  int
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
