package migration

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// sequenceDef is what a CREATE SEQUENCE statement says of a sequence,
// each option with the value PostgreSQL gives it when the statement
// leaves it out (which depends on the data type and on the sign of the
// increment), so that an option written out with its default value
// compares equal to one left out.
type sequenceDef struct {
	// name is the sequence's name as written.
	name string
	// typ is the data type: smallint, integer or bigint.
	typ                   string
	inc, min, max, start  int64
	cache                 int64
	cycle, unlogged, temp bool
	// ownedBy is the OWNED BY column, normalized (normSQL), and
	// ownedByText as written; "" for none.
	ownedBy, ownedByText string
	// comments are the COMMENT ON statements after the CREATE SEQUENCE.
	comments string
}

// sequenceTypes maps the names of the integer types a sequence may
// have to the name ALTER SEQUENCE … AS is written with, and seqRange
// gives each its smallest and largest value.
var (
	sequenceTypes = map[string]string{
		"smallint": "smallint", "int2": "smallint",
		"integer": "integer", "int": "integer", "int4": "integer",
		"bigint": "bigint", "int8": "bigint",
	}
	seqRange = map[string][2]int64{
		"smallint": {math.MinInt16, math.MaxInt16},
		"integer":  {math.MinInt32, math.MaxInt32},
		"bigint":   {math.MinInt64, math.MaxInt64},
	}
)

// parseSequence reads sql, the Create of an object of kind sequence,
// when it is CREATE [TEMP | UNLOGGED] SEQUENCE [IF NOT EXISTS] name with
// PostgreSQL 15's options (AS, INCREMENT [BY], [NO] MINVALUE, [NO]
// MAXVALUE, START [WITH], CACHE, [NO] CYCLE, OWNED BY, in any order),
// followed by COMMENT ON statements only. ok is false for anything else:
// another statement, an option it does not know or given twice.
func parseSequence(sql string) (s sequenceDef, ok bool) {
	toks, err := sqllex.Lex(sql)
	if err != nil || len(toks) < 3 || !toks[0].Is("create") {
		return s, false
	}
	end := len(toks)
	for j, t := range toks {
		if t.IsPunct(";") {
			end = j
			break
		}
	}
	comments, ok := trailingComments(sql, toks[end:])
	if !ok {
		return s, false
	}
	s.comments = comments
	toks = toks[:end]
	i := 1
	if i < len(toks) && (toks[i].Is("local") || toks[i].Is("global")) {
		i++
	}
	switch {
	case i < len(toks) && (toks[i].Is("temp") || toks[i].Is("temporary")):
		s.temp = true
		i++
	case i == 1 && i < len(toks) && toks[i].Is("unlogged"):
		s.unlogged = true
		i++
	}
	if i >= len(toks) || !toks[i].Is("sequence") {
		return s, false
	}
	i++
	if i+2 < len(toks) && toks[i].Is("if") && toks[i+1].Is("not") && toks[i+2].Is("exists") {
		i += 3
	}
	// The name: up to three identifiers joined by dots.
	start := i
	for parts := 0; ; parts++ {
		if i >= len(toks) || toks[i].Ident() == "" || parts == 3 {
			return s, false
		}
		i++
		if i < len(toks) && toks[i].IsPunct(".") {
			i++
			continue
		}
		break
	}
	s.name = sql[toks[start].Off:toks[i-1].End()]
	// number reads an integer constant, with its sign, at toks[i].
	number := func() (int64, bool) {
		sign := ""
		if i < len(toks) && (toks[i].IsPunct("-") || toks[i].IsPunct("+")) {
			sign = toks[i].Text
			i++
		}
		if i >= len(toks) || toks[i].Kind != sqllex.Number {
			return 0, false
		}
		v, err := strconv.ParseInt(sign+toks[i].Text, 10, 64)
		i++
		return v, err == nil
	}
	seen := map[string]bool{}
	var haveMin, haveMax, haveStart, haveCache bool
	s.typ, s.inc = "bigint", 1
	for i < len(toks) {
		t := toks[i]
		opt := strings.ToLower(t.Text)
		if t.Is("no") && i+1 < len(toks) {
			opt = strings.ToLower(toks[i+1].Text)
		}
		if t.Kind != sqllex.Word || seen[opt] {
			return s, false
		}
		seen[opt] = true
		switch {
		case t.Is("as"):
			i++
			if i+2 < len(toks) && toks[i].Ident() == "pg_catalog" && toks[i+1].IsPunct(".") {
				i += 2
			}
			if i >= len(toks) || sequenceTypes[toks[i].Ident()] == "" {
				return s, false
			}
			s.typ = sequenceTypes[toks[i].Ident()]
			i++
		case t.Is("increment"):
			i++
			if i < len(toks) && toks[i].Is("by") {
				i++
			}
			if s.inc, ok = number(); !ok || s.inc == 0 {
				return s, false
			}
		case t.Is("minvalue"):
			i++
			if s.min, ok = number(); !ok {
				return s, false
			}
			haveMin = true
		case t.Is("maxvalue"):
			i++
			if s.max, ok = number(); !ok {
				return s, false
			}
			haveMax = true
		case t.Is("start"):
			i++
			if i < len(toks) && toks[i].Is("with") {
				i++
			}
			if s.start, ok = number(); !ok {
				return s, false
			}
			haveStart = true
		case t.Is("cache"):
			i++
			if s.cache, ok = number(); !ok {
				return s, false
			}
			haveCache = true
		case t.Is("cycle"):
			s.cycle = true
			i++
		case t.Is("no") && i+1 < len(toks) && (toks[i+1].Is("minvalue") || toks[i+1].Is("maxvalue") || toks[i+1].Is("cycle")):
			i += 2
		case t.Is("owned") && i+2 < len(toks) && toks[i+1].Is("by"):
			i += 2
			if toks[i].Is("none") {
				i++
				continue
			}
			from := i
			if toks[i].Ident() == "" {
				return s, false
			}
			for i++; i+1 < len(toks) && toks[i].IsPunct(".") && toks[i+1].Ident() != ""; i += 2 {
			}
			s.ownedByText = sql[toks[from].Off:toks[i-1].End()]
			s.ownedBy = normSQL(s.ownedByText)
		default:
			return s, false
		}
	}
	r := seqRange[s.typ]
	if !haveMax {
		s.max = r[1]
		if s.inc < 0 {
			s.max = -1
		}
	}
	if !haveMin {
		s.min = 1
		if s.inc < 0 {
			s.min = r[0]
		}
	}
	if !haveStart {
		s.start = s.min
		if s.inc < 0 {
			s.start = s.max
		}
	}
	if !haveCache {
		s.cache = 1
	}
	return s, true
}

// alterSequence returns the statements that change the sequence of the
// object o into that of n in place, keeping its value, and back, when
// only its options (AS, INCREMENT, MINVALUE, MAXVALUE, START, CACHE,
// CYCLE, OWNED BY), its persistence (UNLOGGED or not) or its comments
// differ: one ALTER SEQUENCE with the options whose values differ (with
// AS, MINVALUE and MAXVALUE always, which PostgreSQL would otherwise
// move to the new type's bounds where they were the old type's), ALTER
// SEQUENCE … SET LOGGED or SET UNLOGGED, and the comments set or taken
// away when they differ. START changes only what RESTART goes back to;
// the value is never restarted. ok is false for any other change (its
// name or schema, TEMP, another statement after it), which drops the
// sequence and creates it again; a rename is renamedSequence's. notes
// say, for the up and the down statement, when it shrinks the
// sequence's range, that PostgreSQL refuses it while the value is
// outside the new range; "" otherwise.
func alterSequence(o, n *ir.Object) (up, down string, notes [2]string, ok bool) {
	was, ok1 := parseSequence(o.Create)
	now, ok2 := parseSequence(n.Create)
	if !ok1 || !ok2 || normSQL(was.name) != normSQL(now.name) || was.temp || now.temp {
		return "", "", notes, false
	}
	var upComments, downComments string
	if normSQL(was.comments) != normSQL(now.comments) {
		upComments = uncomment(o.Create, n.Create) + now.comments
		downComments = uncomment(n.Create, o.Create) + was.comments
	}
	up = joinStatements(sequenceChanges(was, now), persistenceChange(was, now), upComments)
	down = joinStatements(sequenceChanges(now, was), persistenceChange(now, was), downComments)
	return up, down, rangeNotes(was, now), true
}

// rangeNotes are alterSequence's notes of a change from was to now.
func rangeNotes(was, now sequenceDef) (notes [2]string) {
	if now.min > was.min || now.max < was.max {
		notes[0] = fmt.Sprintf("PostgreSQL refuses it while the value is outside the new range, %d to %d", now.min, now.max)
	}
	if was.min > now.min || was.max < now.max {
		notes[1] = fmt.Sprintf("the down migration's statement fails while the value is outside the old range, %d to %d", was.min, was.max)
	}
	return notes
}

// sequenceRenames returns, by the key of each of the package's
// sequences whose renamed_from names a sequence object after the last
// migration (curObjs) that the package no longer declares, while no
// object after the last migration has its key, that object, where
// renamedSequence can rename it (else the old one is dropped and the
// new one created, as without the hint).
func sequenceRenames(pkg *ir.Package, curObjs []*ir.Object) map[string]*ir.Object {
	cur := map[string]*ir.Object{}
	for _, o := range curObjs {
		cur[o.Key] = o
	}
	want := map[string]bool{}
	for _, n := range pkg.Objects {
		want[n.Key] = true
	}
	out := map[string]*ir.Object{}
	for _, n := range pkg.Objects {
		if n.Kind != "sequence" || n.RenamedFrom == "" || cur[n.Key] != nil {
			continue
		}
		o := cur["sequence "+n.RenamedFrom]
		if o == nil || o.Kind != "sequence" || want[o.Key] {
			continue
		}
		if _, _, _, ok := renamedSequence(o, n); ok {
			out[n.Key] = o
		}
	}
	return out
}

// renamedSequence returns the statements that rename the sequence of the
// object o to the name of n, whose renamed_from names o, and change it
// in place as alterSequence does, keeping its value and what depends on
// it (a column's default takes nextval of the sequence, not of its
// name), and back: ALTER SEQUENCE … RENAME TO first, the options,
// persistence and comments after it, the down migration's in the
// reverse order. ok is false where alterSequence's would be (TEMP, a
// statement other than COMMENT ON after it) and for another schema:
// the sequence is then dropped and created again.
func renamedSequence(o, n *ir.Object) (up, down string, notes [2]string, ok bool) {
	was, ok1 := parseSequence(o.Create)
	now, ok2 := parseSequence(n.Create)
	if !ok1 || !ok2 || was.temp || now.temp || o.Schema != n.Schema {
		return "", "", notes, false
	}
	local := func(name string) string { return name[strings.LastIndexByte(name, '.')+1:] }
	renamed := was
	renamed.name = now.name
	var upComments, downComments string
	if normSQL(strings.ReplaceAll(was.comments, was.name, now.name)) != normSQL(now.comments) {
		upComments = cmp.Or(now.comments, "COMMENT ON SEQUENCE "+now.name+" IS NULL")
		downComments = cmp.Or(was.comments, "COMMENT ON SEQUENCE "+was.name+" IS NULL")
	}
	up = joinStatements("ALTER SEQUENCE "+was.name+" RENAME TO "+local(n.Name),
		sequenceChanges(renamed, now), persistenceChange(renamed, now), upComments)
	down = joinStatements(sequenceChanges(now, renamed), persistenceChange(now, renamed),
		"ALTER SEQUENCE "+now.name+" RENAME TO "+local(o.Name), downComments)
	return up, down, rangeNotes(was, now), true
}

// joinNotes joins the notes alterSequence returns into the comment of
// its statement.
func joinNotes(notes [2]string) string {
	var keep []string
	for _, n := range notes {
		if n != "" {
			keep = append(keep, n)
		}
	}
	return strings.Join(keep, "; ")
}

// narrowedSequence is the finding of a sequence altered in place whose
// range shrinks (note, from alterSequence): PostgreSQL refuses the
// statement, and the migration, while the sequence's value is outside
// the new range.
func narrowedSequence(n *ir.Object, note string) *Finding {
	s, _ := parseSequence(n.Create)
	return &Finding{Kind: DataDependent, Code: "CPC208", Pos: n.Pos,
		Message: fmt.Sprintf("alter %s in place narrows its range: %s", n.Title(), note),
		Hint:    fmt.Sprintf("check its value first (SELECT last_value FROM %s), then run again with --allow-destructive", s.name)}
}

// sequenceChanges returns the ALTER SEQUENCE statement from a to b, or
// "" when their options are the same.
func sequenceChanges(a, b sequenceDef) string {
	var opts []string
	retyped := a.typ != b.typ
	if retyped {
		opts = append(opts, "AS "+b.typ)
	}
	if a.inc != b.inc {
		opts = append(opts, fmt.Sprintf("INCREMENT BY %d", b.inc))
	}
	if retyped || a.min != b.min {
		opts = append(opts, fmt.Sprintf("MINVALUE %d", b.min))
	}
	if retyped || a.max != b.max {
		opts = append(opts, fmt.Sprintf("MAXVALUE %d", b.max))
	}
	if a.start != b.start {
		opts = append(opts, fmt.Sprintf("START WITH %d", b.start))
	}
	if a.cache != b.cache {
		opts = append(opts, fmt.Sprintf("CACHE %d", b.cache))
	}
	if a.cycle != b.cycle {
		if b.cycle {
			opts = append(opts, "CYCLE")
		} else {
			opts = append(opts, "NO CYCLE")
		}
	}
	if a.ownedBy != b.ownedBy {
		opts = append(opts, "OWNED BY "+cmp.Or(b.ownedByText, "NONE"))
	}
	if len(opts) == 0 {
		return ""
	}
	return "ALTER SEQUENCE " + b.name + " " + strings.Join(opts, " ")
}

// persistenceChange returns the ALTER SEQUENCE … SET LOGGED or SET
// UNLOGGED statement from a to b, or "" when both are logged or both
// UNLOGGED.
func persistenceChange(a, b sequenceDef) string {
	switch {
	case a.unlogged == b.unlogged:
		return ""
	case b.unlogged:
		return "ALTER SEQUENCE " + b.name + " SET UNLOGGED"
	}
	return "ALTER SEQUENCE " + b.name + " SET LOGGED"
}
