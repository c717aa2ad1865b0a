package spec

import (
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cpcgen/cpcgen/generator/names"
)

// MaxIdentLen is PostgreSQL's limit on identifiers, in bytes; longer
// names are silently truncated by the server, so the loader rejects them.
const MaxIdentLen = names.MaxIdent

// sqlIdentRE matches the names a spec may give (names.IdentPattern).
var sqlIdentRE = regexp.MustCompile(names.IdentPattern)

// checkIdent reports whether name is a valid SQL name for what ("table",
// "column", …), adding an error at pos that says why not and suggests a
// fixed name. Reserved words are allowed: generated SQL quotes every
// identifier.
func checkIdent(errs *ErrorList, pos Pos, what, name string) bool {
	label := what + " name" // "table name"; a key that says it, "primary_key_name", as it is
	if strings.HasSuffix(what, "_name") {
		label = what
	}
	if name == "" {
		errs.Add(pos, "%s is empty", label)
		return false
	}
	if !sqlIdentRE.MatchString(name) {
		errs.Add(pos, "%s %q is not a plain SQL name (letters, digits and underscores, not starting with a digit); use %q",
			label, clip(name), fixIdent(name))
		return false
	}
	if len(name) > MaxIdentLen {
		errs.Add(pos, "%s %q is %d bytes; PostgreSQL truncates names to %d bytes; use %q",
			label, clip(name), len(name), MaxIdentLen, fixIdent(name))
		return false
	}
	return true
}

// fixIdent turns name into a valid SQL name: camelCase becomes
// snake_case, other characters become underscores, a leading digit gets
// an underscore, and the result is cut to 63 bytes.
//
//	userID → user_id, "Order Items" → order_items, 2fa → _2fa
func fixIdent(name string) string {
	var b strings.Builder
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case unicode.IsUpper(r):
			if i > 0 && (unicode.IsLower(runes[i-1]) || unicode.IsDigit(runes[i-1]) ||
				(i+1 < len(runes) && unicode.IsUpper(runes[i-1]) && unicode.IsLower(runes[i+1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
			if r < utf8.RuneSelf {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	for strings.Contains(s, "__") {
		s = strings.ReplaceAll(s, "__", "_")
	}
	if t := strings.Trim(s, "_"); t != "" {
		s = t
	}
	if s == "" || s == "_" {
		s = "x"
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = "_" + s
	}
	if len(s) > MaxIdentLen {
		s = strings.TrimRight(s[:MaxIdentLen], "_")
	}
	return s
}

// goExportedRE matches exported Go identifiers of ASCII letters, digits
// and underscores.
var goExportedRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)

// goExportedName suggests an exported Go name for s: for_user → ForUser,
// forUser → ForUser.
func goExportedName(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r == '_' || r == ' ' || r == '-' || r == '.':
			up = true
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if b.Len() == 0 && unicode.IsDigit(r) {
				b.WriteString("Q")
			}
			if up {
				r = unicode.ToUpper(r)
				up = false
			}
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Query"
	}
	return b.String()
}

// goPredeclared are Go's predeclared identifiers, which a package name
// must not shadow.
var goPredeclared = map[string]bool{
	"any": true, "bool": true, "byte": true, "comparable": true, "complex64": true,
	"complex128": true, "error": true, "float32": true, "float64": true, "int": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "rune": true,
	"string": true, "uint": true, "uint8": true, "uint16": true, "uint32": true,
	"uint64": true, "uintptr": true, "true": true, "false": true, "iota": true,
	"nil": true, "append": true, "cap": true, "clear": true, "close": true,
	"complex": true, "copy": true, "delete": true, "imag": true, "len": true,
	"make": true, "max": true, "min": true, "new": true, "panic": true,
	"print": true, "println": true, "real": true, "recover": true,
}

var goPackageRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// checkPackageName reports whether name can be the generated package's
// name, adding an error at pos when not.
func checkPackageName(errs *ErrorList, pos Pos, name string) bool {
	switch {
	case name == "":
		errs.Add(pos, "package.name is empty")
	case !goPackageRE.MatchString(name):
		errs.Add(pos, "package name %q is not a lower-case Go identifier; use %q", clip(name), fixIdent(name))
	case name == "_":
		errs.Add(pos, "package name must not be the blank identifier _")
	case token.IsKeyword(name):
		errs.Add(pos, "package name %q is a Go keyword; use %q", name, name+"db")
	case goPredeclared[name]:
		errs.Add(pos, "package name %q shadows a predeclared Go identifier; use %q", name, name+"db")
	case name == "main":
		errs.Add(pos, "package name \"main\" is for commands; use a library name such as \"db\"")
	default:
		return true
	}
	return false
}

// suggest returns the candidate closest to name by edit distance, when
// it is within max(1, len(name)/3) edits; otherwise "". Ties go to the
// earlier candidate.
func suggest(name string, cands []string) string {
	if len(cands) > maxSuggestCands {
		return "" // not worth the time on huge inputs
	}
	ra := []rune(strings.ToLower(name))
	limit := max(1, len(ra)/3)
	best, bestD := "", limit+1
	for _, c := range cands {
		if c == name {
			continue
		}
		rb := []rune(strings.ToLower(c))
		if d := len(ra) - len(rb); d > limit || -d > limit {
			continue
		}
		if d := distance(ra, rb, bestD-1); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// maxSuggestCands bounds the work of one suggestion.
const maxSuggestCands = 2000

// didYouMean formats the suggestion suffix of a message, or "".
func didYouMean(name string, cands []string) string {
	if s := suggest(name, cands); s != "" {
		return "; did you mean " + strconv.Quote(s) + "?"
	}
	return ""
}

// distance is the edit distance between a and b, where swapping two
// adjacent runes counts as one edit (the "optimal string alignment"
// variant, so "emial" is one edit from "email"); it gives up once the
// distance must exceed limit, returning limit+1.
func distance(a, b []rune, limit int) int {
	if len(a) > 256 || len(b) > 256 {
		return limit + 1 // long inputs are never typos of short names
	}
	var rows [3][257]int
	prev2, prev, cur := rows[0][:len(b)+1], rows[1][:len(b)+1], rows[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
