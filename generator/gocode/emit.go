package gocode

import (
	"bytes"
	"errors"
	"fmt"
	"go/build/constraint"
	"strconv"
	"strings"
	"unicode"

	"github.com/dave/jennifer/jen"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/internal/gofmt"
	"github.com/cpcgen/cpcgen/internal/parallel"
)

// File is one output file in memory; the writer's type.
type File = writer.File

// Emit renders the package's Go files: one per table, the store and the
// enums. It is pure; the files come back sorted by path. The
// files are rendered in parallel on GOMAXPROCS workers (gofmt'ing them is
// most of the cost of generation), the largest single files first so
// that they do not finish last; the output does not depend on the order
// they finish in.
func Emit(pkg *ir.Package) ([]File, error) {
	var jobs []func() (File, error)
	for _, j := range Jobs(pkg) {
		jobs = append(jobs, j.Render)
	}
	files, err := runJobs(jobs)
	if err != nil {
		return nil, err
	}
	writer.SortFiles(files)
	return files, nil
}

// Job is one Go file of the package, rendered on demand, so that the
// pipeline can take the file from its cache instead.
type Job struct {
	// Name is the file's name within the package directory.
	Name string
	// Table is the table the file is for, nil for the store and the
	// enums. A table's file is rendered from the table (and what its
	// fields point to) and the package's name, import path and
	// directory: nothing else of the package.
	Table *ir.Table
	// Render renders the file.
	Render func() (File, error)
}

// Jobs lists the package's Go files, the largest single files first
// (the store, then the enums, then the tables in order).
func Jobs(pkg *ir.Package) []Job {
	var jobs []Job
	jobs = append(jobs, Job{Name: "store.gen.go", Render: func() (File, error) {
		f := newFile(pkg, pkg.Sources)
		genStore(f, pkg)
		return renderFile(pkg, "store.gen.go", f)
	}})
	if len(pkg.Enums) > 0 {
		jobs = append(jobs, Job{Name: "enums.gen.go", Render: func() (File, error) {
			f := newFile(pkg, enumSources(pkg))
			for _, e := range pkg.Enums {
				genEnum(f, e)
			}
			return renderFile(pkg, "enums.gen.go", f)
		}})
	}
	for _, t := range pkg.Tables {
		jobs = append(jobs, Job{Name: t.File, Table: t, Render: func() (File, error) {
			f := newFile(pkg, []string{t.Source})
			genTable(f, t)
			return renderFile(pkg, t.File, f)
		}})
	}
	for _, t := range pkg.Views {
		jobs = append(jobs, Job{Name: t.File, Table: t, Render: func() (File, error) {
			f := newFile(pkg, []string{t.Source})
			genView(f, t)
			return renderFile(pkg, t.File, f)
		}})
	}
	return jobs
}

// runJobs runs jobs on GOMAXPROCS workers, taking them in order, and
// returns their files in the same order; the errors are joined.
func runJobs(jobs []func() (File, error)) ([]File, error) {
	files := make([]File, len(jobs))
	errs := make([]error, len(jobs))
	parallel.For(len(jobs), func(i int) { files[i], errs[i] = jobs[i]() })
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return files, nil
}

// renderFile formats a jennifer file as the package's file name; a
// failure names the output file. jennifer renders the source without
// formatting it, the imports are grouped in that source, and package
// gofmt (go/format's output, faster) runs once on the result: the same
// bytes as formatting first and grouping the formatted block after
// (gofmt keeps a blank line between two groups of imports and sorts
// each, already sorted here), without a second pass over the file and a
// copy of it.
func renderFile(pkg *ir.Package, name string, f *jen.File) (File, error) {
	var buf bytes.Buffer
	f.NoFormat = true
	if err := f.Render(&buf); err != nil {
		return File{}, fmt.Errorf("render %s: %w", pkg.Path(name), err)
	}
	src := groupImports(buf.Bytes())
	out, err := gofmt.Source(src)
	if err != nil {
		return File{}, fmt.Errorf("render %s: %w while formatting source:\n%s", pkg.Path(name), err, src)
	}
	return File{Path: pkg.Path(name), Data: out}, nil
}

// groupImports puts the standard library's imports of a Go file as
// jennifer renders it (one sorted block, one import a line) in a group
// of their own before the others, as goimports does.
func groupImports(src []byte) []byte {
	start := bytes.Index(src, []byte("\nimport (\n"))
	if start < 0 {
		return src
	}
	start += len("\nimport (\n")
	end := bytes.Index(src[start:], []byte("\n)\n"))
	if end < 0 {
		return src
	}
	end += start + 1
	var std, other [][]byte
	for line := range bytes.Lines(src[start:end]) {
		path := line[bytes.IndexByte(line, '"')+1:]
		if first, _, _ := bytes.Cut(path, []byte("/")); bytes.IndexByte(first, '.') >= 0 {
			other = append(other, line)
		} else {
			std = append(std, line)
		}
	}
	if len(std) == 0 || len(other) == 0 {
		return src
	}
	out := make([]byte, 0, len(src)+1)
	out = append(out, src[:start]...)
	for _, line := range std {
		out = append(out, line...)
	}
	out = append(out, '\n')
	for _, line := range other {
		out = append(out, line...)
	}
	return append(out, src[end:]...)
}

// newFile starts a Go file of the package with the generated-code header.
func newFile(pkg *ir.Package, sources []string) *jen.File {
	var f *jen.File
	if pkg.ImportPath != "" {
		f = jen.NewFilePathName(pkg.ImportPath, pkg.Name)
	} else {
		f = jen.NewFile(pkg.Name)
	}
	for _, path := range ir.ImportPaths {
		f.ImportName(path, ir.ImportNames[path])
	}
	f.HeaderComment(writer.Header)
	f.HeaderComment(commentLine("source: " + strings.Join(sources, ", ")))
	return f
}

func enumSources(pkg *ir.Package) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range pkg.Enums {
		if !seen[e.Source] {
			seen[e.Source] = true
			out = append(out, e.Source)
		}
	}
	return out
}

// typeCode renders a GoType.
func typeCode(g ir.GoType) *jen.Statement {
	if g.Null {
		return jen.Qual(ir.PathRuntime, "Null").Types(typeCode(g.Elem()))
	}
	s := &jen.Statement{}
	if g.Ptr {
		s.Op("*")
	}
	if g.Slice {
		s.Index()
	}
	switch {
	case g.Name == "[]byte":
		s.Index().Byte()
	case g.Path != "":
		s.Qual(g.Path, g.Name)
	default:
		s.Id(g.Name)
	}
	if g.ArgName != "" {
		// A generic type's argument: pgtype.Range[int32].
		s.Types(typeCode(ir.GoType{Path: g.ArgPath, Name: g.ArgName}))
	}
	return s
}

// sqlConst renders an SQL constant as a raw string literal when it can,
// so that golden files and generated code stay readable.
func sqlConst(sql string) jen.Code {
	if strings.Contains(sql, "`") || strings.Contains(sql, "\r") {
		return jen.Lit(sql)
	}
	return jen.Id("`" + sql + "`")
}

// strLit renders a string constant as a raw string literal when it can
// (quoted identifiers stay readable), or an interpreted one.
func strLit(s string) jen.Code {
	if strings.ContainsAny(s, "`\r\n") {
		return jen.Lit(s)
	}
	return jen.Id("`" + s + "`")
}

// bitsLit renders a set of column positions as a runtime.Bits literal,
// a word per 64 columns: runtime.Bits{1<<i | 1<<j, 0, 1<<k}.
func bitsLit(cols []int) jen.Code {
	var words [][]string
	for _, i := range cols {
		for len(words) <= i/64 {
			words = append(words, nil)
		}
		words[i/64] = append(words[i/64], "1<<"+strconv.Itoa(i%64))
	}
	lits := make([]jen.Code, len(words))
	for k, parts := range words {
		if len(parts) == 0 {
			lits[k] = jen.Lit(0)
		} else {
			lits[k] = jen.Op(strings.Join(parts, " | "))
		}
	}
	return jen.Qual(ir.PathRuntime, "Bits").Values(lits...)
}

// docComment joins a doc comment's first sentence and the spec's comment
// as a separate paragraph.
func docComment(first, extra string) string {
	if extra = strings.TrimSpace(extra); extra != "" {
		return first + "\n\n" + extra
	}
	return first
}

// commentWidth is the width doc comments are wrapped at.
const commentWidth = 80

// commenter is what takes comments: a *jen.File or a *jen.Group.
type commenter interface {
	Comment(string) *jen.Statement
}

// comment writes text as // lines wrapped at commentWidth, paragraphs
// separated by an empty // line. The text may come from a spec's or a
// database's comments: each line is written as commentLine makes it, so
// that no text can be more than a comment.
func comment(c commenter, text string) {
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			c.Comment("")
		}
		for _, line := range wrap(para, commentWidth) {
			c.Comment(commentLine(line))
		}
	}
}

// commentLine returns "// " and text, which jennifer writes as it is (a
// comment starting with // is not formatted): a text line that starts
// with // itself then stays a comment's text, never a directive
// (//go:generate, //go:build, //line, //export). What the Go toolchain
// would still read in such a line is defused: a +build line, which gofmt
// moves to the file's header, where it would exclude the file from
// builds, is put in parentheses, and a control character, a byte order
// mark (which does not compile but at the start of a file) or a
// bidirectional formatting character (which can make code read otherwise
// than it compiles) is written as its \u escape.
func commentLine(text string) string {
	if strings.IndexFunc(text, hiddenRune) >= 0 {
		var b strings.Builder
		for _, r := range text {
			if hiddenRune(r) {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
		text = b.String()
	}
	if constraint.IsPlusBuild("// " + text) {
		text = "(" + text + ")"
	}
	return "// " + text
}

// hiddenRune reports whether r is a control character but a tab, the
// byte order mark or a bidirectional formatting character.
func hiddenRune(r rune) bool {
	switch {
	case r == '\t':
		return false
	case unicode.IsControl(r), r == '\ufeff', r == '\u061c', r == '\u200e', r == '\u200f',
		r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// wrap breaks text into lines of at most width bytes at spaces (a longer
// word gets a line of its own); single newlines are kept.
func wrap(text string, width int) []string {
	var lines []string
	for _, src := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(src) {
			switch {
			case line == "":
				line = w
			case len(line)+1+len(w) <= width:
				line += " " + w
			default:
				lines = append(lines, line)
				line = w
			}
		}
		lines = append(lines, line)
	}
	return lines
}

var (
	ctxParam = jen.Id("ctx").Qual(ir.PathContext, "Context")
)

// wrapErr renders errs.Wrap(err, "table.Method", "table"): the error as a
// *runtime.DbError naming a violated constraint of the package as the
// spec does (errs, see genErrorHelpers).
func wrapErr(t *ir.Table, method string) *jen.Statement {
	return wrapErrOf(t, method, jen.Err())
}

// wrapErrOf is wrapErr of another error expression.
func wrapErrOf(t *ir.Table, method string, err jen.Code) *jen.Statement {
	return jen.Id("errs").Dot("Wrap").Call(err, jen.Lit(t.Op+"."+method), jen.Lit(t.SQLName))
}

// pageFields are the fields of a runtime.Keyset or runtime.Offset that
// name the method, on one line: its op and table, and the tenant of the
// call when the method is scoped to one.
func pageFields(t *ir.Table, method string, scoped bool) jen.Code {
	kv := []jen.Code{field("Op", jen.Lit(t.Op+"."+method)), field("Table", jen.Lit(t.SQLName))}
	if scoped {
		kv = append(kv, field("Tenant", jen.Id("tenant")))
	}
	return jen.Custom(jen.Options{Separator: ", "}, kv...)
}

// inline renders a block on one line, for short function literals:
// func(n *NewUser) any { return &n.Email }.
func inline(code ...jen.Code) *jen.Statement {
	return jen.Custom(jen.Options{Open: "{", Close: "}", Separator: ";"}, code...)
}

// literal renders a composite literal's fields, key: value, one per
// line in the order given (jen.Dict would sort them).
func literal(typ *jen.Statement, kv ...jen.Code) *jen.Statement {
	return typ.Custom(jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}, kv...)
}

// field renders key: value in a composite literal.
func field(key string, value jen.Code) jen.Code { return jen.Id(key).Op(":").Add(value) }
