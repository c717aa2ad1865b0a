package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// StartInLanguage starts a server whose messages are in the language of
// locale (lc_messages <locale>.UTF-8, "de_DE" say, compiled with
// localedef into a directory of the test's own that the server finds
// through LOCPATH), for code that must not depend on the server's
// English. It skips t where the machine lacks the locale's source
// (package locales), localedef or PostgreSQL's translation. The server
// is stopped when t ends.
func StartInLanguage(t testing.TB, locale string) *Cluster {
	t.Helper()
	if _, err := os.Stat(filepath.Join("/usr/share/i18n/locales", locale)); err != nil {
		t.Skip("no " + locale + " locale source (package locales)")
	}
	localedef, err := exec.LookPath("localedef")
	if err != nil {
		t.Skip("no localedef")
	}
	lang, _, _ := strings.Cut(locale, "_")
	if m, _ := filepath.Glob(filepath.Join("/usr/share/locale", lang, "LC_MESSAGES", "postgres-*.mo")); len(m) == 0 {
		t.Skip("no " + lang + " translation of PostgreSQL's messages")
	}
	dir, err := NewServerDir("locale")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	name := locale + ".UTF-8"
	if out, err := exec.Command(localedef, "-i", locale, "-f", "UTF-8", filepath.Join(dir, name)).CombinedOutput(); err != nil {
		t.Fatalf("localedef: %v\n%s", err, out)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LOCPATH", dir)
	c, err := Start(Context(t), Options{Settings: map[string]string{"lc_messages": name}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
