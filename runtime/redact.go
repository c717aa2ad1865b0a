package runtime

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
)

// redacted replaces a secret, or any part of one, in text meant for
// people.
const redacted = "xxxxx"

// hiddenDSN stands for a connection string that is not shown at all: it
// does not parse the way pgx and libpq read it, so where its password
// starts and ends is uncertain.
const hiddenDSN = "(connection string not shown: it does not parse unambiguously)"

// minFragment is the length from which a piece of a secret counts as
// showing it: every run of this many bytes of a secret is masked
// wherever it appears, in any case.
const minFragment = 4

// RedactDSN returns the connection string dsn fit for logs and messages.
// A URL or keyword/value string that parses unambiguously (the way pgx
// and libpq read it) is shown with its password and sslpassword replaced
// by xxxxx; any other string is not shown at all. In either case every
// run of four or more bytes of anything that may be a password (in any
// spelling the string allows: as written, percent-decoded, unescaped,
// and PGPASSWORD) is masked too, wherever it appears.
func RedactDSN(dsn string) string {
	return redactDSN(dsn)
}

// RedactError returns err with every part of the passwords of dsns (and
// of PGPASSWORD) masked in its text, as RedactDSN masks them; nil for
// nil. The result matches what err matches with errors.Is, but does not
// unwrap to err, whose text may show a password: errors.As cannot reach
// the errors inside. Use it for an error of pgx.Connect, pgxpool.New or
// pgconn.ParseConfig before printing it.
func RedactError(err error, dsns ...string) error {
	if err == nil {
		return nil
	}
	return newMaskedError(err, secretsOfDSNs(dsns))
}

// RedactText returns text with every part of the passwords of dsns (and
// of PGPASSWORD, whether dsns are given or not) masked, as RedactError
// masks an error's text: for output that is not an error, such as what a
// command prints about the databases it was given.
func RedactText(text string, dsns ...string) string {
	return maskSecrets(text, secretsOfDSNs(dsns))
}

// secretsOfDSNs returns the secrets of dsns (dsnSecrets, which counts
// PGPASSWORD with each), or PGPASSWORD alone when there is no dsn.
func secretsOfDSNs(dsns []string) []string {
	var secrets []string
	for _, dsn := range dsns {
		secrets = append(secrets, dsnSecrets(dsn)...)
	}
	if pw := os.Getenv("PGPASSWORD"); len(dsns) == 0 && pw != "" {
		secrets = append(secrets, pw)
	}
	return secrets
}

// maskedError is an error whose text had its secrets masked. It matches
// what the original matches with errors.Is, but does not unwrap to it.
type maskedError struct {
	msg   string
	cause error
}

func newMaskedError(err error, secrets []string) *maskedError {
	msg := err.Error()
	var pce *pgconn.ParseConfigError
	if errors.As(err, &pce) {
		msg = cleanParseError(msg)
	}
	return &maskedError{msg: maskSecrets(msg, secrets), cause: err}
}

func (e *maskedError) Error() string { return e.msg }

// Is reports whether the original error matches target.
func (e *maskedError) Is(target error) bool { return errors.Is(e.cause, target) }

// writeFormatted writes s for a fmt verb: quoted for %q, as is
// otherwise. The Format methods of the types that hold secrets use it,
// so that no verb reaches their fields.
func writeFormatted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// secretSet holds the secrets a DB masks in the messages it builds. It
// is kept behind a pointer, so that printing a DB with fmt, even field
// by field, never reaches the strings.
type secretSet struct{ list []string }

// mask masks s's secrets in text.
func (s *secretSet) mask(text string) string {
	if s == nil {
		return text
	}
	return maskSecrets(text, s.list)
}

// isURL reports whether pgx reads dsn as a URL.
func isURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// redactDSN implements RedactDSN.
func redactDSN(dsn string) string {
	if dsn == "" {
		return ""
	}
	var shown string
	var ok bool
	if isURL(dsn) {
		shown, ok = redactURL(dsn)
	} else {
		shown, ok = redactKeywords(dsn)
	}
	if !ok {
		return hiddenDSN
	}
	return maskSecrets(shown, dsnSecrets(dsn))
}

// splitURL splits a connection URL the way pgx (and libpq) do: the user
// information runs up to the first '@', provided no '/' comes before it.
// rest is what follows it (or everything after the scheme).
func splitURL(dsn string) (scheme, user, password string, hasUserinfo, hasPassword bool, rest string) {
	i := strings.Index(dsn, "://")
	scheme, rest = dsn[:i+3], dsn[i+3:]
	if j := strings.IndexAny(rest, "@/"); j >= 0 && rest[j] == '@' {
		user, password, hasPassword = strings.Cut(rest[:j], ":")
		return scheme, user, password, true, hasPassword, rest[j+1:]
	}
	return scheme, "", "", false, false, rest
}

// urlAmbiguity says why the connection URL dsn may be read otherwise
// than its writer meant, or returns "" when it cannot: an '@' after the
// one that ends the user information means a user name or password with
// an unescaped '@' or '/', whose rest pgx takes for the host, port or
// database, and a port that is not a number may be a password's rest.
func urlAmbiguity(dsn string) string {
	if !isURL(dsn) {
		return ""
	}
	_, _, _, _, _, rest := splitURL(dsn)
	if strings.Contains(rest, "@") {
		return "has an '@' after the one that ends the user name and password, so part of a password may be read as the host, port or database: " +
			"percent-encode '@' as %40, '/' as %2F and ':' as %3A in the user name and password (url.UserPassword does), or use the keyword/value form with the password in single quotes"
	}
	for _, port := range urlPorts(rest) {
		for i := 0; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				return "has a port that is not a number, which may be part of a password: percent-encode ':' as %3A and '/' as %2F in the user name and password"
			}
		}
	}
	return ""
}

// urlPorts returns the port of each host of a URL's rest (after the user
// information), "" where none is given.
func urlPorts(rest string) []string {
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	var ports []string
	for _, hp := range strings.Split(rest[:end], ",") {
		if strings.HasPrefix(hp, "[") {
			if k := strings.IndexByte(hp, ']'); k >= 0 {
				hp = hp[k+1:]
			}
		}
		_, port, _ := strings.Cut(hp, ":")
		ports = append(ports, strings.TrimSpace(port))
	}
	return ports
}

// redactURL returns a connection URL with its password and the values of
// password and sslpassword parameters masked, and false when the URL is
// ambiguous (see urlAmbiguity), so that it cannot be shown.
func redactURL(dsn string) (string, bool) {
	if urlAmbiguity(dsn) != "" || strings.IndexByte(dsn, 0) >= 0 {
		return "", false
	}
	scheme, user, _, hasUserinfo, hasPassword, rest := splitURL(dsn)
	var b strings.Builder
	b.WriteString(scheme)
	if hasUserinfo {
		b.WriteString(user)
		if hasPassword {
			b.WriteString(":" + redacted)
		}
		b.WriteByte('@')
	}
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		b.WriteString(rest)
		return b.String(), true
	}
	b.WriteString(rest[:q+1])
	for i, pair := range strings.Split(rest[q+1:], "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		key, value, hasValue := strings.Cut(pair, "=")
		if !hasValue || strings.Contains(value, "=") {
			// pgx refuses it: a pair needs exactly one '='.
			return "", false
		}
		if isPasswordKey(key) {
			b.WriteString(key + "=" + redacted)
			continue
		}
		b.WriteString(pair)
	}
	return b.String(), true
}

// isPasswordKey reports whether a connection string key, as written,
// names a secret.
func isPasswordKey(key string) bool {
	if k, err := url.QueryUnescape(key); err == nil {
		key = k
	}
	key = strings.ToLower(strings.TrimSpace(key))
	return key == "password" || key == "sslpassword"
}

// asciiSpace reports whether c separates keyword/value pairs.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// keywordPair is one key=value of a keyword/value connection string, as
// written.
type keywordPair struct {
	key, rawValue string
}

// scanKeywords splits a keyword/value connection string as pgx does, and
// returns false where pgx would refuse it.
func scanKeywords(s string) ([]keywordPair, bool) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, false
	}
	var pairs []keywordPair
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	for len(s) > 0 {
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return nil, false
		}
		key := strings.Trim(s[:eq], " \t\n\r\v\f")
		if key == "" || strings.ContainsAny(key, " \t\n\r\v\f") {
			return nil, false
		}
		s = strings.TrimLeft(s[eq+1:], " \t\n\r\v\f")
		end := 0
		switch {
		case len(s) == 0:
		case s[0] != '\'':
			for ; end < len(s) && !asciiSpace(s[end]); end++ {
				if s[end] == '\\' {
					end++
					if end == len(s) {
						break
					}
				}
			}
			end = min(end, len(s))
		default:
			end = 1
			for ; end < len(s) && s[end] != '\''; end++ {
				if s[end] == '\\' {
					end++
				}
			}
			if end >= len(s) {
				return nil, false
			}
			end++ // the closing quote
		}
		pairs = append(pairs, keywordPair{key: key, rawValue: s[:end]})
		s = strings.TrimLeft(s[end:], " \t\n\r\v\f")
	}
	return pairs, true
}

// redactKeywords returns a keyword/value connection string with the
// values of password and sslpassword masked, and false when it does not
// parse.
func redactKeywords(dsn string) (string, bool) {
	pairs, ok := scanKeywords(dsn)
	if !ok {
		return "", false
	}
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		if isPasswordKey(p.key) {
			parts[i] = p.key + "=" + redacted
			continue
		}
		parts[i] = p.key + "=" + p.rawValue
	}
	return strings.Join(parts, " "), true
}

// connKeywords are the keys of libpq and pgx connection strings. A
// password written without quotes in the keyword/value form ends, as far
// as masking is concerned, only where one of them follows: a space in it
// makes the rest look like further pairs, which may be echoed.
var connKeywords = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "database": true, "user": true,
	"password": true, "passfile": true, "require_auth": true, "channel_binding": true,
	"connect_timeout": true, "client_encoding": true, "options": true, "application_name": true,
	"fallback_application_name": true, "keepalives": true, "keepalives_idle": true,
	"keepalives_interval": true, "keepalives_count": true, "tcp_user_timeout": true,
	"replication": true, "gssencmode": true, "sslmode": true, "sslnegotiation": true,
	"sslcompression": true, "sslcert": true, "sslkey": true, "sslpassword": true,
	"sslcertmode": true, "sslrootcert": true, "sslcrl": true, "sslcrldir": true, "sslsni": true,
	"sslinline": true, "requirepeer": true, "ssl_min_protocol_version": true,
	"ssl_max_protocol_version": true, "min_protocol_version": true, "max_protocol_version": true,
	"krbsrvname": true, "gsslib": true, "gssdelegation": true, "service": true, "servicefile": true,
	"target_session_attrs": true, "load_balance_hosts": true, "default_query_exec_mode": true,
	"statement_cache_capacity": true, "description_cache_capacity": true, "search_path": true,
}

// isConnKeyword reports whether key is a known connection string key.
func isConnKeyword(key string) bool {
	return connKeywords[key] || strings.HasPrefix(key, "pool_")
}

// passwordKeyRE finds password= and sslpassword= anywhere, in any case.
var passwordKeyRE = regexp.MustCompile(`(?i)(?:ssl)?password\s*=\s*`)

// followingKeyRE matches a space and a key= at the start of the text
// after a password written without quotes.
var followingKeyRE = regexp.MustCompile(`[ \t\n\r\v\f]+([A-Za-z_][A-Za-z0-9_]*)[ \t\n\r\v\f]*=`)

// dsnSecrets returns every piece of dsn that may be a password, however
// malformed dsn is, in each spelling it may be shown in (as written,
// percent-decoded, with its backslash escapes resolved), and PGPASSWORD,
// which pgx reads too. It errs on the side of masking too much.
func dsnSecrets(dsn string) []string {
	var out []string
	add := func(s string) {
		for _, v := range []string{s, strings.Trim(s, "'")} {
			if v == "" {
				continue
			}
			out = append(out, v)
			if u, err := url.PathUnescape(v); err == nil && u != v {
				out = append(out, u)
			}
			if u, err := url.QueryUnescape(v); err == nil && u != v {
				out = append(out, u)
			}
			if strings.Contains(v, `\`) {
				out = append(out, unescapeKeyword(v))
			}
			// As %q shows it, which pgx uses to quote input.
			if q := strconv.Quote(v); q[1:len(q)-1] != v {
				out = append(out, q[1:len(q)-1])
			}
		}
	}
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		// What pgx takes for the password: up to the first '@'.
		if j := strings.IndexAny(rest, "@/"); j >= 0 && rest[j] == '@' {
			if _, pw, ok := strings.Cut(rest[:j], ":"); ok {
				add(pw)
			}
		}
		// What the writer may have meant: from the first ':' to the
		// last '@', when the password holds an unescaped '@' or '/'.
		if at := strings.LastIndexByte(rest, '@'); at >= 0 {
			if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
				add(rest[c+1 : at])
			}
		}
	}
	for _, loc := range passwordKeyRE.FindAllStringIndex(dsn, -1) {
		value := dsn[loc[1]:]
		// What pgx takes: up to the closing quote (or the end, when there
		// is none), or, unquoted, up to a space or, in a URL, a '&'.
		if strings.HasPrefix(value, "'") {
			end := 1
			for ; end < len(value) && value[end] != '\''; end++ {
				if value[end] == '\\' {
					end++
				}
			}
			add(value[:min(end+1, len(value))])
		} else if end := strings.IndexAny(value, "& \t\n\r\v\f"); end >= 0 {
			add(value[:end])
		} else {
			add(value)
		}
		// What the writer may have meant: everything up to the next known
		// key, since an unescaped quote, space or '&' ends it early.
		add(value[:generousEnd(value, isURL(dsn))])
	}
	if pw := os.Getenv("PGPASSWORD"); pw != "" {
		add(pw)
	}
	return out
}

// followingParamRE matches a '&' and a key= in the text after a password
// in a URL's parameters.
var followingParamRE = regexp.MustCompile(`&([^&=]*)=`)

// generousEnd returns where a password value that starts value may end
// at the latest: before the next known key of the keyword/value form, or
// of a URL's parameters.
func generousEnd(value string, inURL bool) int {
	re := followingKeyRE
	if inURL {
		re = followingParamRE
	}
	for _, m := range re.FindAllStringSubmatchIndex(value, -1) {
		key := value[m[2]:m[3]]
		if k, err := url.QueryUnescape(key); err == nil && inURL {
			key = k
		}
		if isConnKeyword(strings.ToLower(strings.TrimSpace(key))) {
			return m[0]
		}
	}
	return len(value)
}

// unescapeKeyword resolves the backslash escapes of a keyword/value
// connection string's value.
func unescapeKeyword(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			if i == len(s) {
				break
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// lowerASCII returns s with ASCII letters in lower case, byte for byte.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// maskSecrets returns s with every run of minFragment or more bytes that
// also occurs in one of secrets replaced by xxxxx, comparing ASCII
// letters in any case; a secret shorter than minFragment is masked where
// it occurs whole. The masked spans are widened to whole UTF-8
// characters. It takes time linear in len(s) plus the secrets' length.
func maskSecrets(s string, secrets []string) string {
	if s == "" || len(secrets) == 0 {
		return s
	}
	folded := lowerASCII(s)
	var mark []bool
	markSpan := func(from, to int) {
		if mark == nil {
			mark = make([]bool, len(s))
		}
		for k := from; k < to; k++ {
			mark[k] = true
		}
	}
	windows := make(map[string]struct{})
	for _, secret := range secrets {
		secret = lowerASCII(secret)
		if len(secret) < minFragment {
			// A short secret is masked where it stands alone, not inside
			// every word that happens to hold its letters.
			if secret == "" {
				continue
			}
			for from := 0; ; {
				i := strings.Index(folded[from:], secret)
				if i < 0 {
					break
				}
				start, end := from+i, from+i+len(secret)
				alone := (!wordByteAt(secret, 0) || !wordByteAt(folded, start-1)) &&
					(!wordByteAt(secret, len(secret)-1) || !wordByteAt(folded, end))
				if alone {
					markSpan(start, end)
				}
				from = start + 1
			}
			continue
		}
		for i := 0; i+minFragment <= len(secret); i++ {
			windows[secret[i:i+minFragment]] = struct{}{}
		}
	}
	if len(windows) > 0 {
		for i := 0; i+minFragment <= len(folded); i++ {
			if _, ok := windows[folded[i:i+minFragment]]; ok {
				markSpan(i, i+minFragment)
			}
		}
	}
	if mark == nil {
		return s
	}
	// Widen the masked spans to whole UTF-8 characters.
	for i := 0; i < len(s); i++ {
		if mark[i] {
			for k := i; k > 0 && !utf8.RuneStart(s[k]); k-- {
				mark[k-1] = true
			}
		}
	}
	for i := 1; i < len(s); i++ {
		if mark[i-1] && !utf8.RuneStart(s[i]) {
			mark[i] = true
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if !mark[i] {
			b.WriteByte(s[i])
			i++
			continue
		}
		for i < len(s) && mark[i] {
			i++
		}
		b.WriteString(redacted)
	}
	return b.String()
}

// wordByteAt reports whether s[i] is a letter or digit (of ASCII, or any
// byte of a multi-byte character); false outside s.
func wordByteAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= 0x80 || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// quotedRE matches a double-quoted part of a message.
var quotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// cleanParseError returns the text of an error that holds a
// pgconn.ParseConfigError without the connection string pgx quotes
// ("cannot parse `…`: ", masked by pgx on a best-effort basis only) and
// without any double-quoted part longer than three bytes: pgx quotes
// pieces of the input, which may be pieces of a password.
func cleanParseError(msg string) string {
	const prefix = "cannot parse `"
	if i := strings.Index(msg, prefix); i >= 0 {
		if j := strings.LastIndex(msg, "`: "); j > i {
			msg = msg[:i] + "cannot parse the connection string: " + msg[j+3:]
		} else {
			msg = msg[:i] + "cannot parse the connection string"
		}
	}
	return quotedRE.ReplaceAllStringFunc(msg, func(q string) string {
		if len(q) <= 5 {
			return q
		}
		return `"…"`
	})
}

// parseErrorReason returns why pgx could not parse a connection string
// (see cleanParseError), without the connection string and with every
// secret of dsn masked.
func parseErrorReason(err error, dsn string) string {
	msg := strings.TrimPrefix(cleanParseError(err.Error()), "cannot parse the connection string: ")
	return maskSecrets(msg, dsnSecrets(dsn))
}
