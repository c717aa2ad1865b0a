package names

import (
	"crypto/sha256"
	"encoding/hex"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// initialisms are the words written in capitals in Go names, as Go's own
// style and golint have it.
var initialisms = map[string]bool{
	"acl": true, "api": true, "ascii": true, "cpu": true, "css": true, "dns": true,
	"eof": true, "guid": true, "html": true, "http": true, "https": true, "id": true,
	"ip": true, "json": true, "lhs": true, "qps": true, "ram": true, "rhs": true,
	"rpc": true, "sla": true, "smtp": true, "sql": true, "ssh": true, "tcp": true,
	"tls": true, "ttl": true, "udp": true, "ui": true, "uid": true, "uuid": true,
	"uri": true, "url": true, "utf8": true, "vm": true, "xml": true, "xmpp": true,
	"xsrf": true, "xss": true, "iban": true, "vat": true, "sku": true, "ssn": true,
}

// GoName turns an SQL name into an exported Go name: words split at
// underscores (and at other non-alphanumeric runes), each capitalised,
// initialisms in capitals, a leading digit prefixed with "X".
//
//	user_id       → UserID
//	http_url      → HTTPURL
//	order_items   → OrderItems
//	2fa_enabled   → X2faEnabled
//	in progress   → InProgress
//
// It returns "" when the name has no letter or digit at all.
func GoName(sql string) string {
	var b strings.Builder
	for _, w := range words(sql) {
		if up, ok := initialism(w); ok {
			b.WriteString(up)
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(w[n:])
	}
	s := b.String()
	if s == "" {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsLetter(r) {
		s = "X" + s
	}
	return s
}

// initialism returns the Go spelling of a word that is an initialism or
// the plural of one: id → ID, ids → IDs, url → URL.
func initialism(w string) (string, bool) {
	lw := strings.ToLower(w)
	if initialisms[lw] {
		return strings.ToUpper(lw), true
	}
	if strings.HasSuffix(lw, "s") && initialisms[lw[:len(lw)-1]] {
		return strings.ToUpper(lw[:len(lw)-1]) + "s", true
	}
	return "", false
}

func isInitialism(w string) bool {
	_, ok := initialism(w)
	return ok
}

// apostrophes removes the apostrophes that join words.
var apostrophes = strings.NewReplacer("'", "", "’", "")

// words splits a name into its words: runs of letters and digits.
// Apostrophes join (it's → its).
func words(s string) []string {
	s = apostrophes.Replace(s)
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		// camelCase and PascalCase names ("authorId", as ORMs that keep
		// their models' spelling write them) are words too: a capital
		// after a lower-case letter or a digit starts one.
		start := 0
		var prev rune
		for i, r := range f {
			if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
				out = append(out, f[start:i])
				start = i
			}
			prev = r
		}
		out = append(out, f[start:])
	}
	return out
}

// FileName is the base of a Go file named after an SQL name: the name
// itself when it is lower-case, else its words in lower-case joined
// with underscores (OrderLine → order_line); without leading
// underscores, as the go command ignores files whose names start with
// one (_variable → variable, Prisma's _CategoryToPost →
// category_to_post); "table" for a name of underscores only; with
// "_table" added when the go command would read the name as a build
// constraint (maintenance_windows.gen.go builds only on Windows: the
// go command reads the name up to its first dot).
func FileName(sql string) string {
	name := sql
	if strings.ToLower(sql) != sql {
		name = strings.ToLower(strings.Join(words(sql), "_"))
	}
	if name = strings.TrimLeft(name, "_"); name == "" {
		return "table"
	}
	if constrains(name) {
		name += "_table"
	}
	return name
}

// constrains reports whether the go command reads a file name starting
// with name and a dot as a build constraint: after its first underscore,
// its last word (before a last "test") is an operating system or an
// architecture (see go/build's goodOSArchFile).
func constrains(name string) bool {
	i := strings.IndexByte(name, '_')
	if i < 0 {
		return false
	}
	l := strings.Split(name[i:], "_")
	if l[len(l)-1] == "test" {
		l = l[:len(l)-1]
	}
	last := l[len(l)-1]
	return knownOS[last] || knownArch[last]
}

// knownOS and knownArch are the operating systems and architectures the
// go command knows in file names (go/build's list).
var knownOS = map[string]bool{
	"aix":       true,
	"android":   true,
	"darwin":    true,
	"dragonfly": true,
	"freebsd":   true,
	"hurd":      true,
	"illumos":   true,
	"ios":       true,
	"js":        true,
	"linux":     true,
	"nacl":      true,
	"netbsd":    true,
	"openbsd":   true,
	"plan9":     true,
	"solaris":   true,
	"wasip1":    true,
	"windows":   true,
	"zos":       true,
}

var knownArch = map[string]bool{
	"386":         true,
	"amd64":       true,
	"amd64p32":    true,
	"arm":         true,
	"armbe":       true,
	"arm64":       true,
	"arm64be":     true,
	"loong64":     true,
	"mips":        true,
	"mipsle":      true,
	"mips64":      true,
	"mips64le":    true,
	"mips64p32":   true,
	"mips64p32le": true,
	"ppc":         true,
	"ppc64":       true,
	"ppc64le":     true,
	"riscv":       true,
	"riscv64":     true,
	"s390":        true,
	"s390x":       true,
	"sparc":       true,
	"sparc64":     true,
	"wasm":        true,
}

// LowerName turns an SQL name into an unexported Go name for parameters
// and locals: user_id → userID, id → id, url → url, type → type_. Names
// that are Go keywords or that the generated code uses for its own
// variables get a trailing underscore.
func LowerName(sql string) string {
	ws := words(sql)
	if len(ws) == 0 {
		return "v_"
	}
	var b strings.Builder
	for i, w := range ws {
		switch {
		case i == 0:
			b.WriteString(strings.ToLower(w))
		case isInitialism(w):
			up, _ := initialism(w)
			b.WriteString(up)
		default:
			r, n := utf8.DecodeRuneInString(w)
			b.WriteRune(unicode.ToUpper(r))
			b.WriteString(w[n:])
		}
	}
	s := b.String()
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsLetter(r) {
		s = "v" + s
	}
	if token.IsKeyword(s) || reservedLocals[s] {
		s += "_"
	}
	return s
}

// LowerGoName turns an exported Go name into an unexported one for
// parameters and locals, as LowerName does for SQL names: ShopID →
// shopID, URL → url, IDs → ids, Type → type_.
func LowerGoName(name string) string {
	runes := []rune(name)
	n := 0
	for n < len(runes) && unicode.IsUpper(runes[n]) {
		n++
	}
	if n > 1 && n < len(runes) && unicode.IsLower(runes[n]) && string(runes[n:]) != "s" {
		n-- // the last capital starts the next word: URLPath → urlPath
	}
	if n == 0 {
		n = 1
	}
	for i := 0; i < n && i < len(runes); i++ {
		runes[i] = unicode.ToLower(runes[i])
	}
	s := string(runes)
	if token.IsKeyword(s) || reservedLocals[s] {
		s += "_"
	}
	return s
}

// reservedLocals are the names generated methods use for their own
// receivers, parameters and variables, plus the predeclared identifiers and
// imported package names a parameter must not shadow.
var reservedLocals = map[string]bool{
	"ctx": true, "r": true, "s": true, "err": true, "rows": true, "row": true,
	"n": true, "v": true, "tag": true, "args": true, "page": true, "limit": true,
	"after": true, "items": true, "yield": true, "tx": true, "fn": true, "opts": true,
	"db": true, "cursor": true, "ok": true, "i": true, "out": true, "u": true,
	"bool": true, "string": true, "int": true, "error": true, "nil": true,
	"true": true, "false": true, "len": true, "cap": true, "new": true, "make": true,
	"append": true, "copy": true, "delete": true, "panic": true, "any": true,
	"byte": true, "rune": true, "iota": true, "min": true, "max": true, "clear": true,
	"uuid": true, "decimal": true, "time": true, "json": true, "pgx": true,
	"pgconn": true, "runtime": true, "context": true, "iter": true, "netip": true,
	"pgtype": true, "errors": true, "fmt": true, "slices": true,
}

// Singular returns the Singular form of an English plural noun, for model
// names: users → user, categories → category, addresses → address,
// people → person, status → status. Words it does not know as plurals
// are returned unchanged.
func Singular(w string) string {
	lw := strings.ToLower(w)
	if s, ok := irregularSingular[lw]; ok {
		return s
	}
	if uncountable[lw] {
		return w
	}
	for _, r := range singularRules {
		if strings.HasSuffix(lw, r.suffix) && len(lw) > len(r.suffix) {
			return w[:len(w)-len(r.suffix)] + r.repl
		}
	}
	return w
}

var irregularSingular = map[string]string{
	"people": "person", "men": "man", "women": "woman", "children": "child",
	"teeth": "tooth", "feet": "foot", "mice": "mouse", "geese": "goose",
	"data": "data", "criteria": "criterion", "phenomena": "phenomenon",
	"indices": "index", "matrices": "matrix", "vertices": "vertex",
	"analyses": "analysis", "bases": "base", "crises": "crisis", "theses": "thesis",
	"leaves": "leaf", "lives": "life", "wives": "wife", "knives": "knife",
	"halves": "half", "shelves": "shelf", "wolves": "wolf", "movies": "movie",
	"cookies": "cookie", "quizzes": "quiz", "buses": "bus", "statuses": "status",
	"aliases": "alias", "axes": "axis", "oxen": "ox", "caches": "cache",
	"avatars": "avatar", "invoices": "invoice", "prices": "price", "devices": "device",
	"services": "service", "sources": "source", "resources": "resource",
	"responses": "response", "licenses": "license", "purchases": "purchase",
	"databases": "database", "releases": "release", "courses": "course",
	"houses": "house", "cases": "case", "phases": "phase", "uses": "use",
	"clauses": "clause", "causes": "cause", "expenses": "expense", "horses": "horse",
	"promises": "promise", "responsibilities": "responsibility",
}

var uncountable = map[string]bool{
	"news": true, "series": true, "species": true, "chaos": true, "gas": true,
	"canvas": true, "atlas": true, "lens": true, "yes": true, "this": true,
	"sheep": true, "fish": true, "deer": true, "info": true, "metadata": true,
}

var singularRules = []struct{ suffix, repl string }{
	{"ies", "y"},
	{"sses", "ss"},
	{"shes", "sh"},
	{"ches", "ch"},
	{"xes", "x"},
	{"zzes", "zz"},
	{"oes", "o"},
	{"ouses", "ouse"},
	{"ses", "s"},
	{"ss", "ss"},
	{"us", "us"},
	{"is", "is"},
	{"s", ""},
}

// Plural returns the plural of an English Singular noun written as a Go
// name, for the names of methods that return many rows: Customer →
// Customers, Category → Categories, Address → Addresses, Person → People,
// Status → Statuses, LedgerEntry → LedgerEntries. Only the last word (from
// the last upper-case letter) changes; uncountable words stay.
func Plural(name string) string {
	i := len(name)
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(name[:i])
		i -= n
		if unicode.IsUpper(r) {
			break
		}
	}
	head, w := name[:i], name[i:]
	lw := strings.ToLower(w)
	if w == "" || uncountable[lw] || irregularSingular[lw] == lw {
		return name
	}
	if p, ok := irregularPlural[lw]; ok {
		return head + w[:1] + p[1:]
	}
	switch {
	case strings.HasSuffix(lw, "y") && len(lw) > 1 && !strings.ContainsRune("aeiou", rune(lw[len(lw)-2])):
		return head + w[:len(w)-1] + "ies"
	case strings.HasSuffix(lw, "s"), strings.HasSuffix(lw, "x"), strings.HasSuffix(lw, "z"),
		strings.HasSuffix(lw, "ch"), strings.HasSuffix(lw, "sh"):
		return head + w + "es"
	}
	return head + w + "s"
}

// irregularPlural maps the Singular of an irregular noun to its plural:
// the inverse of irregularSingular for the words whose plural is not
// made by the rules of plural.
var irregularPlural = func() map[string]string {
	m := map[string]string{}
	for p, s := range irregularSingular {
		if p != s {
			m[s] = p
		}
	}
	return m
}()

// TableTypes are the package-level Go names generated code declares for
// a table whose row type is Model: what two tables must not share.
type TableTypes struct {
	Model, Repo, NewRepo, NewType, UpdateType string
}

// TypesOf returns the names of the types and constructor of a table
// whose row type is model: Customer, CustomerRepo, NewCustomerRepo,
// NewCustomer, CustomerUpdate.
func TypesOf(model string) TableTypes {
	return TableTypes{Model: model, Repo: model + "Repo", NewRepo: "New" + model + "Repo", NewType: "New" + model, UpdateType: model + "Update"}
}

// All lists the names.
func (t TableTypes) All() []string {
	return []string{t.Model, t.Repo, t.NewRepo, t.NewType, t.UpdateType}
}

// ModelName returns the Go type name of a table's row: the Singular of
// its last word, camel-cased: users → User, order_items → OrderItem,
// account_status → AccountStatus.
func ModelName(table string) string {
	ws := words(table)
	if len(ws) == 0 {
		return GoName(table)
	}
	ws[len(ws)-1] = Singular(ws[len(ws)-1])
	return GoName(strings.Join(ws, "_"))
}

// QuoteIdent quotes an SQL identifier: order → "order"; a double quote in
// the name is doubled. Every identifier in generated SQL goes through it.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QualifiedType returns the name of type typ in schema as PostgreSQL's
// format_type writes it where the schema is not on the search_path: the
// schema quoted only when it is not a plain lower-case name
// (extensions.citext, "Ext".citext), so that a type built from the
// specs and one read back from a database compare equal.
func QualifiedType(schema, typ string) string {
	if !IsPlain(schema) {
		schema = QuoteIdent(schema)
	}
	return schema + "." + typ
}

// IsPlain reports whether PostgreSQL reads name unquoted as it is, and
// quote_ident leaves it so (key words aside): lower-case letters,
// digits and underscores, not starting with a digit.
func IsPlain(name string) bool { return plainRE.MatchString(name) }

var plainRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// QuoteLiteral quotes an SQL string literal: s between single quotes,
// each single quote in s doubled. Backslashes need no escape with
// standard_conforming_strings, on since PostgreSQL 9.1.
func QuoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// MaxIdent is PostgreSQL's identifier limit in bytes (NAMEDATALEN - 1).
const MaxIdent = 63

// IdentPattern matches the names a spec may give tables, columns, enums,
// indexes and constraints: letters, digits and underscores, not starting
// with a digit. Generated SQL quotes every name, so one with capitals
// ("User", "createdAt", as ORMs that keep their models' spelling create
// them) is kept as written. The spec loader, its JSON Schema and import
// all read it from here.
const IdentPattern = `^[A-Za-z_][A-Za-z0-9_]*$`

// Constraint joins parts into a constraint or index name the way
// PostgreSQL names them (users_email_key). A name longer than 63 bytes is
// cut and given a hash of the whole name, so that two long names never
// end up equal the way PostgreSQL's own truncation can make them.
func Constraint(parts ...string) string {
	name := strings.Join(parts, "_")
	if len(name) <= MaxIdent {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "_" + hex.EncodeToString(sum[:4])
	cut := name[:MaxIdent-len(suffix)]
	for len(cut) > 0 && cut[len(cut)-1] == '_' {
		cut = cut[:len(cut)-1]
	}
	return cut + suffix
}

// JoinAnd writes words as an English list: "a", "a and b", "a, b and
// c"; "" for none.
func JoinAnd(words []string) string { return joinList(words, " and ") }

// JoinOr is JoinAnd with "or".
func JoinOr(words []string) string { return joinList(words, " or ") }

func joinList(words []string, last string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + last + words[len(words)-1]
}

// PrimaryKey is the name PostgreSQL gives the primary key of table when
// CREATE TABLE does not name it (and the name is free): <table>_pkey, the
// table's name cut to fit 63 bytes (makeObjectName), where Constraint
// would give a hash.
func PrimaryKey(table string) string {
	return ObjectName(table, "", "pkey")
}

// ObjectName is PostgreSQL's makeObjectName: name1, name2 (when not "")
// and label joined by underscores in at most 63 bytes, the longer of
// the two names cut first, each cut at a character boundary.
func ObjectName(name1, name2, label string) string {
	overhead := len(label) + 1
	if name2 != "" {
		overhead++
	}
	n1, n2 := len(name1), len(name2)
	for avail := MaxIdent - overhead; n1+n2 > avail; {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	out := clip(name1, n1)
	if name2 != "" {
		out += "_" + clip(name2, n2)
	}
	return out + "_" + label
}

// ChooseRelationName is the name PostgreSQL chooses for a relation it
// names itself from name1, name2 and label when the names of taken exist
// (ChooseRelationName): ObjectName's, with a number after the label
// while the name is taken.
func ChooseRelationName(name1, name2, label string, taken map[string]bool) string {
	for pass := 0; ; pass++ {
		l := label
		if pass > 0 {
			l += strconv.Itoa(pass)
		}
		if name := ObjectName(name1, name2, l); !taken[name] {
			return name
		}
	}
}

// IndexNameAddition is the part PostgreSQL puts between a table's name
// and the label of an index it names itself (ChooseIndexNameAddition):
// the index's column names (an expression's "expr") joined by
// underscores, up to the first that makes it longer than 63 bytes.
func IndexNameAddition(columns []string) string {
	var joined string
	for _, col := range columns {
		if joined != "" {
			joined += "_"
		}
		joined += col
		if len(joined) > MaxIdent {
			break
		}
	}
	return joined
}

// PartitionIndexName is the name PostgreSQL chooses for the index it
// makes on partition for an index of the partition's parent, when the
// names of taken exist (ChooseIndexName): for a primary key (constraint
// "p") the partition's name then pkey, else the partition's name and
// the index's column names (IndexColumnNames) joined by underscores,
// then key for a unique constraint ("u"), excl for an exclusion
// constraint ("x") and idx for an index ("").
func PartitionIndexName(partition, constraint string, columns []string, taken map[string]bool) string {
	switch constraint {
	case "p":
		return ChooseRelationName(partition, "", "pkey", taken)
	case "u":
		return ChooseRelationName(partition, IndexNameAddition(columns), "key", taken)
	case "x":
		return ChooseRelationName(partition, IndexNameAddition(columns), "excl", taken)
	}
	return ChooseRelationName(partition, IndexNameAddition(columns), "idx", taken)
}

// IndexColumnNames are the names PostgreSQL gives the columns of an
// index (ChooseIndexColumnNames) from their first choices (a column's
// name, "expr" for an expression; the INCLUDE columns after the key's):
// a name an earlier column has gets the first number after it that
// makes it new, cut to fit 63 bytes.
func IndexColumnNames(columns []string) []string {
	out := make([]string, 0, len(columns))
	for _, name := range columns {
		cur := name
		for i := 1; slices.Contains(out, cur); i++ {
			n := strconv.Itoa(i)
			cur = clip(name, MaxIdent-len(n)) + n
		}
		out = append(out, cur)
	}
	return out
}

// clip cuts s to at most n bytes at a character boundary, as
// PostgreSQL's pg_mbcliplen does with UTF-8.
func clip(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// CollationPattern matches the collation names specs take: those
// PostgreSQL's collations have ("C", und-x-icu, en_US.utf8,
// de-u-co-phonebk-x-icu), up to 63 bytes.
const CollationPattern = `^[A-Za-z0-9_][A-Za-z0-9_.@=-]{0,62}$`

var collationRE = regexp.MustCompile(CollationPattern)

// CollationName reports whether s is a collation name a spec's
// collation: takes; DDL quotes it.
func CollationName(s string) bool { return collationRE.MatchString(s) }
