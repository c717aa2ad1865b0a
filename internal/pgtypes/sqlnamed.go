package pgtypes

import (
	"fmt"
	"regexp"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// SQLNamed returns the row of a type a spec names by its SQL, as type:
// {sql: …} (of the elements, for an array: {sql: "point[]"}): one cpcgen has no row of, such as an extension's
// (PostGIS's geometry(Point,4326), pgvector's vector(3)), a composite
// type an sql object creates, or one of PostgreSQL's own it does not
// model (xml, point, timetz). Its values are Go strings in the type's
// text form: reads cast the column to text and writes cast text to the
// type, so pgx needs no codec of it, whatever it is. No literal, rule or
// filter but is_null applies, and it cannot be a key (equality is the
// type's own, when it has one). written is the spelling as the spec
// gives it; the error says what is wrong with it.
func SQLNamed(written string) (*Type, error) {
	spelling, catalog, err := parseSQLName(written)
	if err != nil {
		return nil, err
	}
	return &Type{
		Name:       spelling,
		Literal:    noLiteral,
		Go:         GoType{Name: "string"},
		Unnest:     true,
		Codec:      "none: its text form, read as column::text and written as $n::text::type",
		Catalog:    catalog,
		AtlasName:  spelling,
		atlas:      atlasSQLNamed,
		Docs:       "a type named by its SQL, moved as text",
		SQLNamed:   true,
		Check:      "CheckText",
		ArrayCheck: "CheckTexts",
		NoEquality: true,
	}, nil
}

// SQLNamedArray returns the row of the elements of an array of a type
// named by its SQL (the spelling without its []), or why there is none:
// SQLNamed's, or an element spelled with modifiers or quotes, which
// Atlas's array types lower-case or drop (geometry(Point,4326)[] would
// become an array of geometry; "Address"[] of address).
func SQLNamedArray(elem string) (*Type, error) {
	t, err := SQLNamed(elem)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(t.Name, `"(`) {
		return nil, fmt.Errorf("type {sql: %q}: an array of a type with modifiers or a quoted name is not supported; keep the column's table as an sql object", Clip(t.Name+"[]"))
	}
	return t, nil
}

// sqlNameRE matches a type name as type: {sql: …} may write it: a name
// of one or more words or one quoted identifier ("Address"), optionally
// qualified by its schema, optionally with modifiers that are numbers or
// words, which may come before the name's last words as format_type
// writes them: geometry(Point,4326), public.vector(3), xml, time(3) with
// time zone.
var sqlNameRE = regexp.MustCompile(`^(?:("[^"]+"|[a-zA-Z_][a-zA-Z0-9_$]*)\s*\.\s*)?("[^"]+"|[a-zA-Z_][a-zA-Z0-9_$]*(?:\s+[a-zA-Z_][a-zA-Z0-9_$]*)*)\s*(?:\(\s*([a-zA-Z0-9_]+(?:\s*,\s*[a-zA-Z0-9_]+)*)\s*\))?((?:\s+[a-zA-Z_][a-zA-Z0-9_$]*)*)$`)

// foldName is a name as PostgreSQL reads it: a quoted identifier as
// written, any other in lower case with single spaces.
func foldName(s string) string {
	if strings.HasPrefix(s, `"`) {
		return s
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// parseSQLName checks a type: {sql: …} spelling and returns it in the
// canonical form (unquoted names in lower case, single spaces, no space
// in the modifiers) and the type's pg_type name.
func parseSQLName(written string) (spelling, catalog string, err error) {
	s := strings.TrimSpace(written)
	if strings.HasSuffix(s, "]") {
		return "", "", fmt.Errorf("type {sql: %q}: write the element type alone here; an array of it is {sql: \"name[]\"} in a spec", Clip(written))
	}
	m := sqlNameRE.FindStringSubmatch(s)
	if m == nil {
		return "", "", fmt.Errorf("type {sql: %q} is not a type name: write a name, optionally schema.name, optionally with modifiers of numbers or words, such as geometry(Point,4326) or vector(3)", Clip(written))
	}
	schemaName, name := foldName(m[1]), foldName(m[2]+m[4])
	if strings.HasPrefix(m[2], `"`) {
		if m[4] != "" {
			return "", "", fmt.Errorf("type {sql: %q} is not a type name: a quoted name takes no words after it", Clip(written))
		}
		name = m[2]
	}
	if schemaName == "" || schemaName == "pg_catalog" {
		if t := Lookup(name); t != nil {
			return "", "", fmt.Errorf("type {sql: %q}: %s is a type cpcgen supports; write type: %s", Clip(written), name, t.Name)
		}
	}
	if advice, ok := Unsupported[name]; ok && strings.Contains(name, "serial") {
		return "", "", fmt.Errorf("type {sql: %q}: %s is not a type; %s", Clip(written), name, advice)
	}
	spelling = foldName(m[2])
	if schemaName != "" {
		spelling = schemaName + "." + spelling
	}
	if m[3] != "" {
		mods := strings.Split(m[3], ",")
		for i := range mods {
			mods[i] = strings.TrimSpace(mods[i])
		}
		spelling += "(" + strings.Join(mods, ",") + ")"
	}
	if tail := foldName(m[4]); tail != "" {
		spelling += " " + tail
	}
	return spelling, strings.Trim(name, `"`), nil
}

// atlasSQLNamed is the Atlas type of a type named by its SQL: the one
// Atlas reads the spelling as (so that a snapshot read back and a
// database inspected compare equal), unless Atlas's type would lose the
// modifiers (it drops geometry's), which stays a user-defined type of
// the spelling.
func atlasSQLNamed(spelling string, _ []int) schema.Type {
	if t, err := postgres.ParseType(spelling); err == nil {
		back, err := postgres.FormatType(t)
		mods := ""
		if i, j := strings.IndexByte(spelling, '('), strings.IndexByte(spelling, ')'); i >= 0 && j > i {
			mods = spelling[i : j+1]
		}
		if err == nil && strings.Contains(back, mods) {
			return t
		}
	}
	return &postgres.UserDefinedType{T: spelling}
}
