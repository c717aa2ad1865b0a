package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// secretWindows returns the password and every run of four or more
// characters of it: what no text may show.
func secretWindows(password string) []string {
	var starts []int
	for i := range password {
		starts = append(starts, i)
	}
	starts = append(starts, len(password))
	out := []string{password}
	for i := 0; i+4 < len(starts); i++ {
		out = append(out, password[starts[i]:starts[i+4]])
	}
	return out
}

// textVariants returns s and the forms an escaped secret would take back
// in it: without backslashes (strconv.Quote, keyword escapes) and, for
// JSON, every string it holds, decoded.
func textVariants(s string) []string {
	out := []string{s, strings.ReplaceAll(s, `\`, "")}
	var v any
	if json.Unmarshal([]byte(s), &v) == nil {
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				out = append(out, v)
			case map[string]any:
				for k, e := range v {
					out = append(out, k)
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(v)
	}
	for _, line := range strings.Split(s, "\n") {
		if json.Unmarshal([]byte(line), &v) == nil {
			if m, ok := v.(map[string]any); ok {
				for _, e := range m {
					if str, ok := e.(string); ok {
						out = append(out, str)
					}
				}
			}
		}
	}
	return out
}

// leak returns the first text that shows password or a run of four or
// more of its characters, and the run, or "" when none does.
func leak(password string, texts map[string]string) (where, shown string) {
	windows := secretWindows(password)
	for name, text := range texts {
		for _, v := range textVariants(text) {
			for _, w := range windows {
				if w != "" && strings.Contains(v, w) {
					return name + ": " + text, w
				}
			}
		}
	}
	return "", ""
}

// errorTextsOf returns the text of err and of every error it wraps, and
// the messages of the fields of a *runtime.DbError.
func errorTextsOf(name string, err error, texts map[string]string) {
	for i, s := range errorTexts(err) {
		texts[name+"["+strconv.Itoa(i)+"]"] = s
	}
	var de *runtime.DbError
	if errors.As(err, &de) {
		for i, f := range de.Fields {
			texts[name+".Fields["+strconv.Itoa(i)+"]"] = f.Message
		}
		if de.Err != nil {
			texts[name+".Err"] = de.Err.Error()
		}
	}
}

// formattingTexts returns every way a Config is shown: its methods, each
// fmt verb, encoders, log/slog, and structs that hold it.
func formattingTexts(cfg runtime.Config) map[string]string {
	texts := map[string]string{
		"String":   cfg.String(),
		"GoString": cfg.GoString(),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%t", "%10.3v"} {
		texts[verb] = fmt.Sprintf(verb, cfg)
		texts["&"+verb] = fmt.Sprintf(verb, &cfg)
	}
	texts["Sprint"] = fmt.Sprint(cfg)
	texts["Sprintln"] = fmt.Sprintln(&cfg)
	type holder struct {
		Config  runtime.Config
		Pointer *runtime.Config
		List    []runtime.Config
		Map     map[string]runtime.Config
	}
	h := holder{Config: cfg, Pointer: &cfg, List: []runtime.Config{cfg}, Map: map[string]runtime.Config{"c": cfg}}
	texts["holder %+v"] = fmt.Sprintf("%+v", h)
	texts["holder %#v"] = fmt.Sprintf("%#v", h)
	texts["holder %x"] = fmt.Sprintf("%x", h)
	for name, v := range map[string]any{"json": cfg, "json&": &cfg, "json holder": h} {
		data, err := json.Marshal(v)
		texts[name] = string(data) + fmt.Sprint(err)
	}
	text, _ := cfg.MarshalText()
	texts["MarshalText"] = string(text)
	var logs bytes.Buffer
	// Without the time, whose digits could match a fragment of the
	// password by chance.
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	slog.New(slog.NewJSONHandler(&logs, opts)).Info("config", "cfg", cfg, "ptr", &cfg, "holder", h)
	slog.New(slog.NewTextHandler(&logs, opts)).Info("config", "cfg", cfg, "ptr", &cfg, "holder", h)
	slog.New(slog.NewTextHandler(&logs, opts)).Info("config", slog.Any("cfg", cfg), slog.Group("g", "cfg", cfg))
	texts["slog"] = logs.String()
	texts["RedactDSN"] = runtime.RedactDSN(cfg.URL)
	return texts
}

// closedPort returns a local TCP port nothing listens on.
func closedPort(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// dsnShapes are ways of writing a password into a connection string,
// right and wrong: raw in a URL (where '@', '/', '?', '#', '%', ':' and
// spaces break it), escaped, in URL parameters, in the keyword/value form
// with and without quotes and escapes, as PGPASSWORD, and the whole
// string being the password. {pw} is the password, {port} a port.
var dsnShapes = []func(pw, port string) (dsn string, env map[string]string){
	func(pw, port string) (string, map[string]string) {
		return "postgres://app:" + pw + "@127.0.0.1:" + port + "/appdb", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgresql://app:" + pw + "@127.0.0.1:" + port + "/appdb?sslmode=disable&connect_timeout=2", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app:" + pw + "@127.0.0.1:" + port, nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app:" + pw + "@127.0.0.1:" + port + ",127.0.0.1:" + port + "/appdb", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app:" + pw + "@[::1]:" + port + "/appdb", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://:" + pw + "@127.0.0.1:" + port + "/appdb", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app:" + pw + "@/appdb?host=127.0.0.1&port=" + port, nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app@127.0.0.1:" + port + "/appdb?password=" + pw, nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app@127.0.0.1:" + port + "/appdb?sslmode=disable&password=" + pw + "&connect_timeout=2", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app@127.0.0.1:" + port + "/appdb?sslpassword=" + pw + "&sslmode=disable", nil
	},
	func(pw, port string) (string, map[string]string) {
		u := url.URL{Scheme: "postgres", User: url.UserPassword("app", pw), Host: "127.0.0.1:" + port, Path: "/appdb"}
		return u.String(), nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app@127.0.0.1:" + port + "/appdb?password=" + url.QueryEscape(pw), nil
	},
	func(pw, port string) (string, map[string]string) {
		return "host=127.0.0.1 port=" + port + " user=app password=" + pw + " dbname=appdb", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "host=127.0.0.1 port=" + port + " user=app password='" + pw + "' dbname=appdb", nil
	},
	func(pw, port string) (string, map[string]string) {
		esc := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(pw)
		return "host=127.0.0.1 port=" + port + " user=app password='" + esc + "' dbname=appdb", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "password=" + pw + " host=127.0.0.1 port=" + port, nil
	},
	func(pw, port string) (string, map[string]string) {
		return "host=127.0.0.1 port=" + port + " password = " + pw, nil
	},
	func(pw, port string) (string, map[string]string) {
		return "host=127.0.0.1 port=" + port + " sslpassword=" + pw + " user=app", nil
	},
	func(pw, port string) (string, map[string]string) {
		return "postgres://app@127.0.0.1:" + port + "/appdb", map[string]string{"PGPASSWORD": pw}
	},
	func(pw, port string) (string, map[string]string) {
		return "host=127.0.0.1 port=" + port + " user=app", map[string]string{"PGPASSWORD": pw}
	},
}

// checkNoSecret shows a Config of dsn in every way, validates it and
// opens it (against a port nothing listens on, so the connection is
// refused), and reports any text that shows the password or a part of
// it.
func checkNoSecret(t *testing.T, password, dsn string, replica bool) {
	t.Helper()
	cfg := runtime.Config{URL: dsn, MaxConns: 2, ConnectTimeout: 2 * time.Second}
	if replica {
		cfg = runtime.Config{URL: "postgres://app@127.0.0.1:1/appdb", ReplicaURLs: []string{dsn}, MaxConns: 2, ConnectTimeout: 2 * time.Second}
	}
	texts := formattingTexts(cfg)
	errorTextsOf("Validate", cfg.Validate(), texts)
	_, perr := pgconn.ParseConfig(dsn)
	errorTextsOf("RedactError", runtime.RedactError(perr, dsn), texts)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := runtime.Open(ctx, cfg)
	if err == nil {
		db.Close()
		t.Fatalf("Open of a closed port succeeded: %s", cfg)
	}
	errorTextsOf("Open", err, texts)
	texts["Open %+v"] = fmt.Sprintf("%+v", err)
	if where, shown := leak(password, texts); where != "" {
		t.Errorf("password %q: DSN %q: %q shows in %s", password, dsn, shown, where)
	}
}

// tablePasswords are passwords that break connection strings written by
// hand, each with enough letters of its own that any run of four of its
// characters is unlike anything else in a message.
var tablePasswords = []string{
	"?HorseQuota9", "#StapleQuota9", "Bat@HorseQ9", "Bat@Ho@rseQ9", "Pa/ss/WoQrd7",
	"1234/HoQrse", "50%offQuota", "50%4QuotaZ", "sp ace QuoZta", `quo'te"QuZo`,
	"ünï-cødé-Жß9", `back\slash\QZ`, "amp&eq=QuoZ", "colon:Quo:taZ",
	"Z:9@h/x?y#Q", "Q Zhost=ZQ", "Q bZcdJef=ZQ", "'QuoteZ'", "", "ZQ\tJ\nQ",
	strings.Repeat("QZJ", 40),
}

// TestSecretsNeverShown writes each password into each connection
// string shape and checks every formatting path and every error.
func TestSecretsNeverShown(t *testing.T) {
	clearEnv(t)
	port := closedPort(t)
	for _, pw := range tablePasswords {
		if pw == "" {
			continue
		}
		for i, shape := range dsnShapes {
			dsn, env := shape(pw, port)
			t.Run(fmt.Sprintf("%d/%s", i, pw), func(t *testing.T) {
				for k, v := range env {
					t.Setenv(k, v)
				}
				checkNoSecret(t, pw, dsn, false)
				checkNoSecret(t, pw, dsn, true)
			})
		}
	}
}

// fuzzMarkers are characters that appear in no message the runtime
// writes, mixed into fuzzed passwords so that every run of four of their
// characters holds one: a match is a leak, not a coincidence.
var fuzzMarkers = []rune{'Q', 'Ж', 'ß', '¶', 'Z'}

// fuzzPassword turns fuzzer input into a password: the input with a
// marker after every two characters, without NUL bytes (which no
// connection string can hold) and at most 200 bytes long.
func fuzzPassword(raw string) string {
	raw = strings.ReplaceAll(raw, "\x00", "")
	var b strings.Builder
	n := 0
	for i, r := range raw {
		if b.Len() > 200 {
			break
		}
		width := utf8.RuneLen(r)
		if r == utf8.RuneError {
			width = 1
		}
		b.WriteString(raw[i : i+max(width, 1)])
		n++
		if n%2 == 0 {
			b.WriteRune(fuzzMarkers[int(r)%len(fuzzMarkers)])
		}
	}
	b.WriteRune('Q')
	return b.String()
}

// malformedPasswords returns n passwords made at random (with a fixed
// seed) from the characters that break connection strings.
func malformedPasswords(n int) []string {
	const chars = "?#@/%: '\"\\=&,;[]{}~abcdefghABCDEFGH0123456789ü€\t"
	r := rand.New(rand.NewPCG(21, 4))
	out := make([]string, n)
	for i := range out {
		raw := make([]rune, 1+r.IntN(16))
		for j := range raw {
			raw[j] = []rune(chars)[r.IntN(utf8.RuneCountInString(chars))]
		}
		out[i] = fuzzPassword(string(raw))
	}
	return out
}

// TestMalformedDSNsNeverShowPassword is the fuzz of 3,000
// malformed connection strings, made deterministic: no formatting path
// and no error shows any part of the password.
func TestMalformedDSNsNeverShowPassword(t *testing.T) {
	clearEnv(t)
	port := closedPort(t)
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i, pw := range malformedPasswords(n) {
		shape := dsnShapes[i%len(dsnShapes)]
		dsn, env := shape(pw, port)
		for k, v := range env {
			t.Setenv(k, v)
		}
		checkNoSecret(t, pw, dsn, i%7 == 0)
		for k := range env {
			t.Setenv(k, "")
		}
		if t.Failed() {
			return
		}
	}
}

// FuzzSecretsNeverShown checks, for any password in any connection
// string shape, that no formatting path of a Config and no error of
// Validate or Open shows the password or four or more of its characters
// in a row. Run it with go test -fuzz FuzzSecretsNeverShown ./runtime.
func FuzzSecretsNeverShown(f *testing.F) {
	for i := range dsnShapes {
		for _, pw := range []string{"?Horse", "#Horse", "Bat@Horse", "Bat/Horse", "12/Horse", "50%off", "Bat Horse",
			"q'uote", `d"q`, `b\s`, "a&b=c", "a:b:c", "ünï", "h=x y", "a b=c", "@@//??##", "%zz%41", "[::1]", "x,y"} {
			f.Add(uint8(i), pw, false)
		}
	}
	port := closedPort(f)
	f.Fuzz(func(t *testing.T, shape uint8, raw string, replica bool) {
		pw := fuzzPassword(raw)
		dsn, env := dsnShapes[int(shape)%len(dsnShapes)](pw, port)
		for k, v := range env {
			if strings.ContainsRune(v, 0) {
				t.Skip()
			}
			old, had := os.LookupEnv(k)
			os.Setenv(k, v)
			defer func() {
				if had {
					os.Setenv(k, old)
				} else {
					os.Unsetenv(k)
				}
			}()
		}
		checkNoSecret(t, pw, dsn, replica)
	})
}

// TestRedactDSN shows what RedactDSN keeps of well-formed connection
// strings and that it hides ambiguous ones altogether.
func TestRedactDSN(t *testing.T) {
	clearEnv(t)
	for dsn, want := range map[string]string{
		"postgres://app:pw@db:5432/app?sslmode=require":        "postgres://app:xxxxx@db:5432/app?sslmode=require",
		"postgres://app:?Horse@db/app":                         "postgres://app:xxxxx@db/app",
		"postgres://app:%40Horse%2F@db/app":                    "postgres://app:xxxxx@db/app",
		"postgres://app@db/app?password=Horse&sslmode=disable": "postgres://app@db/app?password=xxxxx&sslmode=disable",
		"postgres://app@db/app?pass%77ord=Horse":               "postgres://app@db/app?pass%77ord=xxxxx",
		"postgres://db1:5432,db2:5433/app":                     "postgres://db1:5432,db2:5433/app",
		"postgres://app:Bat@Horse@db/app":                      "(connection string not shown: it does not parse unambiguously)",
		"postgres://app:12/Horse@db/app":                       "(connection string not shown: it does not parse unambiguously)",
		"postgres://app:Bat/Horse@db/app":                      "(connection string not shown: it does not parse unambiguously)",
		"host=db password=Horse dbname=app":                    "host=db password=xxxxx dbname=app",
		"host=db password='Bat Horse' dbname=app":              "host=db password=xxxxx dbname=app",
		`host=db password='it\'s' dbname=app`:                  "host=db password=xxxxx dbname=app",
		"host=db password=Bat Horse dbname=app":                "(connection string not shown: it does not parse unambiguously)",
		"host=db password='Bat Horse dbname=app":               "(connection string not shown: it does not parse unambiguously)",
		"host=db  application_name='my app'   sslmode=disable": "host=db application_name='my app' sslmode=disable",
		"":                        "",
		"not a connection string": "(connection string not shown: it does not parse unambiguously)",
		"postgres://app:secretpassword@db/secretpassword_database": "postgres://app:xxxxx@db/xxxxx_database",
	} {
		if got := runtime.RedactDSN(dsn); got != want {
			t.Errorf("RedactDSN(%q) =\n%s\nwant\n%s", dsn, got, want)
		}
	}
}

// TestConfigRefusesAmbiguousURL checks that a URL whose password holds
// an unescaped '@' or '/' is refused before any connection, with advice
// and without the password, rather than failing later with a host name
// made of the password's rest (`lookup Horse@127.0.0.1`).
func TestConfigRefusesAmbiguousURL(t *testing.T) {
	clearEnv(t)
	for _, dsn := range []string{
		"postgres://app:Bat@Horse@127.0.0.1:5432/app",
		"postgres://app:1234/Horse@127.0.0.1:5432/app",
		"postgres://app:pw@127.0.0.1:5432/app?application_name=a@b",
	} {
		for _, cfg := range []runtime.Config{{URL: dsn}, {URL: "postgres://127.0.0.1/app", ReplicaURLs: []string{dsn}}} {
			_, err := runtime.Open(context.Background(), cfg)
			var de *runtime.DbError
			if !errors.As(err, &de) || de.Kind != runtime.KindValidation {
				t.Fatalf("%s: Open = %v, want a validation error", dsn, err)
			}
			if !strings.Contains(err.Error(), "percent-encode '@' as %40") || strings.Contains(err.Error(), "Horse") {
				t.Errorf("%s: %v", dsn, err)
			}
		}
	}
	// A password beginning with '?' or '#' is not ambiguous: libpq and
	// pgx read the user information up to the first '@'.
	if err := (runtime.Config{URL: "postgres://app:?Horse@127.0.0.1/app"}).Validate(); err != nil {
		t.Errorf("?Horse: %v", err)
	}
}

// TestRedactError masks the password in a pgx error and keeps errors.Is.
func TestRedactError(t *testing.T) {
	clearEnv(t)
	const dsn = "postgres://app:Bat@Horse@127.0.0.1:1/app"
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := pgx.Connect(ctx, dsn)
	if err == nil {
		t.Fatal("connected")
	}
	if !strings.Contains(err.Error(), "Horse") {
		t.Fatalf("pgx's error no longer shows the password's rest, the test needs another case: %v", err)
	}
	red := runtime.RedactError(err, dsn)
	if strings.Contains(red.Error(), "Horse") || !strings.Contains(red.Error(), "xxxxx") {
		t.Errorf("RedactError: %v", red)
	}
	if errors.Unwrap(red) != nil {
		t.Errorf("RedactError unwraps to the original")
	}
	canceled := runtime.RedactError(fmt.Errorf("connect: %w", context.Canceled), dsn)
	if !errors.Is(canceled, context.Canceled) {
		t.Errorf("errors.Is lost: %v", canceled)
	}
	if runtime.RedactError(nil, dsn) != nil {
		t.Error("RedactError(nil) is not nil")
	}
}

// TestRedactText masks every run of four bytes of the passwords of the
// DSNs given, and of PGPASSWORD, in any text; other text is left alone.
func TestRedactText(t *testing.T) {
	clearEnv(t)
	const dsn = "postgres://app:Bat@Horse%2Fstaple@127.0.0.1:1/app"
	text := "cannot parse `postgres://app:xxxxx@Horse/staple@127.0.0.1:1/app`: near \"aple@127\" (Bat@Horse/staple)"
	got := runtime.RedactText(text, dsn)
	for _, piece := range []string{"Horse", "aple", "Bat@"} {
		if strings.Contains(got, piece) {
			t.Errorf("RedactText left %q: %s", piece, got)
		}
	}
	if !strings.Contains(got, "127.0.0.1:1/app") || !strings.HasPrefix(got, "cannot parse") {
		t.Errorf("RedactText masked more than the password: %s", got)
	}
	t.Setenv("PGPASSWORD", "Quokka-Envy")
	if got := runtime.RedactText("password authentication failed (Quokka-Envy)"); strings.Contains(got, "Quokka") || !strings.Contains(got, "authentication failed") {
		t.Errorf("RedactText with PGPASSWORD: %s", got)
	}
}

// weirdPasswords are real passwords, set on a server, that connection
// strings written by hand get wrong.
var weirdPasswords = []string{
	"?HorseQuota9", "#StapleQuota9", "Bat@HorseQ9", "Pa/ss/WoQrd7", "50%offQuota", "sp ace QuoZta",
	`quo'te"QuZo`, "ünï-cødé-Жß9", `back\slash\QZ`, "amp&eq=QuoZ", "colon:Quo:taZ",
}

// TestSecretsOnRealServer sets each weird password on a server that
// requires passwords, then connects with it written every way: escaped
// (which must authenticate), raw (which may or may not), wrong, through
// PGPASSWORD and through a password file. No text of any of it shows the
// password, not even once the server is gone.
func TestSecretsOnRealServer(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	clearEnv(t)
	ctx := testContext(t)
	c, admin := passwordCluster(t, ctx, "CREATE ROLE app LOGIN")
	defer admin.Close(ctx)
	base, err := pgconn.ParseConfig(c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	hostPort := net.JoinHostPort(base.Host, strconv.Itoa(int(base.Port)))
	for _, pw := range weirdPasswords {
		t.Run(pw, func(t *testing.T) {
			var stmt string
			if err := admin.QueryRow(ctx, "SELECT format('ALTER ROLE app PASSWORD %L', $1::text)", pw).Scan(&stmt); err != nil {
				t.Fatal(err)
			}
			if _, err := admin.Exec(ctx, stmt); err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{}
			logger, logs := newLogger(slog.LevelDebug)
			try := func(name, dsn string, env map[string]string, mustWork bool) {
				for k, v := range env {
					t.Setenv(k, v)
				}
				defer func() {
					for k := range env {
						t.Setenv(k, "")
					}
				}()
				cfg := runtime.Config{URL: dsn, MaxConns: 2, Logger: logger, LogArgs: true, Metrics: true, ConnectTimeout: 5 * time.Second}
				for k, v := range formattingTexts(cfg) {
					texts[name+" "+k] = v
				}
				errorTextsOf(name+" Validate", cfg.Validate(), texts)
				db, err := runtime.Open(ctx, cfg)
				if err != nil {
					if mustWork {
						t.Errorf("%s: %v", name, err)
					}
					errorTextsOf(name+" Open", err, texts)
					return
				}
				defer db.Close()
				var user string
				if err := db.QueryRow(ctx, "-- name: roles.Current\nSELECT current_user").Scan(&user); err != nil || user != "app" {
					t.Errorf("%s: current_user = %q, %v", name, user, err)
				}
				_, err = db.Exec(ctx, "-- name: roles.Broken\nSELECT * FROM nowhere")
				errorTextsOf(name+" Exec", err, texts)
				texts[name+" db %+v"] = fmt.Sprintf("%+v", db)
				texts[name+" *db %+v"] = fmt.Sprintf("%+v", *db)
				texts[name+" db %#v"] = fmt.Sprintf("%#v", struct{ DB *runtime.DB }{db})
				health, _ := json.Marshal(db.Health(ctx))
				texts[name+" health"] = string(health)
				stats, _ := json.Marshal(db.Stats())
				texts[name+" stats"] = string(stats)
			}
			escaped := (&url.URL{Scheme: "postgres", User: url.UserPassword("app", pw), Host: hostPort, Path: "/postgres"}).String() + "?sslmode=disable"
			kwEscaped := fmt.Sprintf("host=%s port=%d user=app dbname=postgres sslmode=disable password='%s'",
				base.Host, base.Port, strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(pw))
			try("escaped URL", escaped, nil, true)
			try("keyword", kwEscaped, nil, true)
			try("raw URL", "postgres://app:"+pw+"@"+hostPort+"/postgres?sslmode=disable", nil, false)
			try("raw keyword", fmt.Sprintf("host=%s port=%d user=app dbname=postgres sslmode=disable password=%s", base.Host, base.Port, pw), nil, false)
			noPassword := fmt.Sprintf("postgres://app@%s/postgres?sslmode=disable", hostPort)
			try("PGPASSWORD", noPassword, map[string]string{"PGPASSWORD": pw}, true)
			try("wrong PGPASSWORD", noPassword, map[string]string{"PGPASSWORD": pw + "-wrong"}, false)
			passfile := filepath.Join(t.TempDir(), "pgpass")
			line := fmt.Sprintf("*:*:*:app:%s\n", strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(pw))
			if err := os.WriteFile(passfile, []byte(line), 0o600); err != nil {
				t.Fatal(err)
			}
			try("PGPASSFILE", noPassword, map[string]string{"PGPASSFILE": passfile}, true)
			try("wrong password", strings.Replace(escaped, "app:", "app:x", 1), nil, false)
			texts["log"] = logs.String()
			if where, shown := leak(pw, texts); where != "" {
				t.Errorf("%q shows in %s", shown, where)
			}
		})
	}

	// With the server gone, the errors of statements and of health
	// checks still show no password.
	pw := weirdPasswords[2]
	escaped := (&url.URL{Scheme: "postgres", User: url.UserPassword("app", pw), Host: hostPort, Path: "/postgres"}).String() + "?sslmode=disable"
	var stmt string
	if err := admin.QueryRow(ctx, "SELECT format('ALTER ROLE app PASSWORD %L', $1::text)", pw).Scan(&stmt); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, stmt); err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(ctx, runtime.Config{URL: escaped, HealthTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	admin.Close(ctx)
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	r := db.Health(ctx)
	if r.OK {
		t.Fatal("healthy without a server")
	}
	texts["health"] = r.Error
	_, err = db.Exec(ctx, "SELECT 1")
	errorTextsOf("Exec", runtime.Wrap(err, "roles.Gone", ""), texts)
	if where, shown := leak(pw, texts); where != "" {
		t.Errorf("%q shows in %s", shown, where)
	}
}
