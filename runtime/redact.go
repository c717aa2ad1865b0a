package runtime

import (
	"net/url"
	"os"
	"regexp"
	"strings"
)

const redacted = "xxxxx"

// passwordKeys are the connection-string keys whose values are secrets.
var passwordKeys = []string{"password", "sslpassword"}

// keywordPassword matches password=… in the keyword/value form, quoted or
// not.
var keywordPassword = regexp.MustCompile(`\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s]*)`)

// redactDSN returns dsn with its passwords replaced, for display. URLs
// that parse are rebuilt with the password and password parameters
// masked; anything else has every recognizable secret masked.
func redactDSN(dsn string) string {
	if dsn == "" {
		return ""
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), redacted)
			}
			if q := u.Query(); hasPasswordParam(q) {
				for _, k := range passwordKeys {
					if q.Has(k) {
						q.Set(k, redacted)
					}
				}
				u.RawQuery = q.Encode()
			}
			return u.String()
		}
		return redactSecrets(dsn, dsnSecrets(dsn))
	}
	return keywordPassword.ReplaceAllString(dsn, "${1}="+redacted)
}

func hasPasswordParam(q url.Values) bool {
	for _, k := range passwordKeys {
		if q.Has(k) {
			return true
		}
	}
	return false
}

// dsnSecrets returns every substring of dsn that may be a password, in
// raw and unescaped form, whether or not dsn is well formed; PGPASSWORD is
// included since pgx reads it too.
func dsnSecrets(dsn string) []string {
	var out []string
	add := func(s string) {
		s = strings.Trim(s, "'")
		if s == "" {
			return
		}
		out = append(out, s)
		if u, err := url.PathUnescape(s); err == nil && u != s {
			out = append(out, u)
		}
		if u, err := url.QueryUnescape(s); err == nil && u != s {
			out = append(out, u)
		}
	}
	if _, rest, ok := strings.Cut(dsn, "://"); ok {
		// The user info ends at the last '@': a password may hold '/', '?'
		// or '@' when it is not escaped.
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				add(pw)
			}
		}
	}
	for _, m := range keywordPassword.FindAllStringSubmatch(dsn, -1) {
		add(m[2])
	}
	for _, k := range passwordKeys {
		for rest := dsn; ; {
			i := strings.Index(rest, k+"=")
			if i < 0 {
				break
			}
			rest = rest[i+len(k)+1:]
			end := strings.IndexAny(rest, "& ")
			if end < 0 {
				end = len(rest)
			}
			add(rest[:end])
		}
	}
	if pw := os.Getenv("PGPASSWORD"); pw != "" {
		add(pw)
	}
	return out
}

// redactSecrets masks every occurrence of each secret in s.
func redactSecrets(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

// parseErrorReason returns the reason of a pgconn.ParseConfigError without
// the connection string it quotes, with any secret masked.
func parseErrorReason(err error, dsn string) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "cannot parse `"); ok {
		if i := strings.Index(rest, "`: "); i >= 0 {
			msg = rest[i+3:]
		}
	}
	return redactSecrets(msg, dsnSecrets(dsn))
}
