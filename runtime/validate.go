package runtime

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// The named formats a spec column may declare with validate:, each a
// regular expression the whole value must match, except url (see IsURL).
// Generated Validate methods call the Is… functions below; the migration
// schema turns the same expressions into CHECK constraints, so the
// database enforces exactly what the code does. They use only syntax
// RE2 and PostgreSQL's regular expressions share, over ASCII.
const (
	// EmailPattern is the rule of HTML's <input type=email> (WHATWG),
	// with at least one dot in the domain: a local part of letters,
	// digits and !#$%&'*+/=?^_`{|}~.- , an @, and dot-separated labels of
	// letters, digits and inner hyphens, each at most 63 characters.
	EmailPattern = "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
	// UUIDPattern is the canonical text form of a UUID, in either case:
	// 8-4-4-4-12 hexadecimal digits.
	UUIDPattern = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
	// HostnamePattern is an RFC 1123 host name: dot-separated labels of
	// letters, digits and inner hyphens, each 1 to 63 characters. IsHostname
	// also bounds the whole name to 253 characters.
	HostnamePattern = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
	// E164Pattern is an E.164 phone number: a plus sign and 2 to 15
	// digits, the first not 0.
	E164Pattern = "\\+[1-9][0-9]{1,14}"
	// SlugPattern is a URL slug: lower-case ASCII letters and digits in
	// groups joined by single hyphens.
	SlugPattern = "[a-z0-9]+(?:-[a-z0-9]+)*"
	// AlphaPattern is one or more ASCII letters.
	AlphaPattern = "[A-Za-z]+"
	// AlphanumericPattern is one or more ASCII letters and digits.
	AlphanumericPattern = "[A-Za-z0-9]+"
)

// MaxHostnameLength is the longest host name IsHostname accepts.
const MaxHostnameLength = 253

// FormatPattern returns the regular expression of a named format
// ("email", "uuid", "hostname", "e164", "slug", "alpha",
// "alphanumeric"), unanchored, and whether there is one; "url" has none.
func FormatPattern(format string) (string, bool) {
	switch format {
	case "email":
		return EmailPattern, true
	case "uuid":
		return UUIDPattern, true
	case "hostname":
		return HostnamePattern, true
	case "e164":
		return E164Pattern, true
	case "slug":
		return SlugPattern, true
	case "alpha":
		return AlphaPattern, true
	case "alphanumeric":
		return AlphanumericPattern, true
	}
	return "", false
}

// anchored compiles a format pattern to match whole values only.
func anchored(p string) *regexp.Regexp { return regexp.MustCompile("^(?:" + p + ")$") }

var (
	emailRE        = anchored(EmailPattern)
	uuidRE         = anchored(UUIDPattern)
	hostnameRE     = anchored(HostnamePattern)
	e164RE         = anchored(E164Pattern)
	slugRE         = anchored(SlugPattern)
	alphaRE        = anchored(AlphaPattern)
	alphanumericRE = anchored(AlphanumericPattern)
)

// IsEmail reports whether s is an email address by EmailPattern.
func IsEmail(s string) bool { return emailRE.MatchString(s) }

// IsUUID reports whether s is a UUID in canonical text form.
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// IsHostname reports whether s is an RFC 1123 host name of at most 253
// characters.
func IsHostname(s string) bool { return len(s) <= MaxHostnameLength && hostnameRE.MatchString(s) }

// IsE164 reports whether s is a phone number in E.164 form (+14155550123).
func IsE164(s string) bool { return e164RE.MatchString(s) }

// IsSlug reports whether s is a slug such as "hello-world-2".
func IsSlug(s string) bool { return slugRE.MatchString(s) }

// IsAlpha reports whether s is one or more ASCII letters.
func IsAlpha(s string) bool { return alphaRE.MatchString(s) }

// IsAlphanumeric reports whether s is one or more ASCII letters and digits.
func IsAlphanumeric(s string) bool { return alphanumericRE.MatchString(s) }

// IsURL reports whether s is an absolute URL with a scheme and a host,
// such as https://example.com/a?b. It has no CHECK constraint
// counterpart: PostgreSQL cannot parse URLs the way net/url does.
func IsURL(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != "" && u.Opaque == ""
}

// Validator is an insert or update struct of generated code: Validate
// checks its fields against the spec's rules before any SQL is sent.
type Validator interface {
	Validate() error
}

// ValidateAll validates every row of a batch (CreateMany,
// CreateManyReturning) and returns nil, or one *DbError of
// KindValidation listing the failing fields of every failing row, each
// named "[i].field" after the row's index.
func ValidateAll[T any, P interface {
	*T
	Validator
}](rows []T) error {
	var fields []FieldError
	var table string
	for i := range rows {
		err := P(&rows[i]).Validate()
		if err == nil {
			continue
		}
		var de *DbError
		if !errors.As(err, &de) || len(de.Fields) == 0 {
			fields = append(fields, FieldError{Field: "[" + strconv.Itoa(i) + "]", Message: err.Error()})
			continue
		}
		table = de.Table
		for _, f := range de.Fields {
			fields = append(fields, FieldError{Field: "[" + strconv.Itoa(i) + "]." + f.Field, Message: f.Message})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return NewValidationError("", table, fields)
}

// LongerThan reports whether s has more than n characters (runes, as
// PostgreSQL counts the length of varchar(n) and char_length), counting
// only when its bytes could be more.
func LongerThan(s string, n int) bool {
	return len(s) > n && utf8.RuneCountInString(s) > n
}

// ShorterThan reports whether s has fewer than n characters.
func ShorterThan(s string, n int) bool {
	return len(s) < n || utf8.RuneCountInString(s) < n
}
