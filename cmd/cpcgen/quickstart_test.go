package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// cloneMarker is the clone's path in the README's quickstart; the test
// puts the repository's path there.
const cloneMarker = "/path/to/cpcgen"

// block is a fenced code block of the README.
type block struct {
	lang string
	text string
}

// quickstartBlocks returns the fenced blocks of the README's Quickstart
// section, in order.
func quickstartBlocks(t *testing.T) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	i := strings.Index(s, "\n## Quickstart\n")
	if i < 0 {
		t.Fatal("README has no Quickstart section")
	}
	s = s[i+1:]
	if j := strings.Index(s[3:], "\n## "); j >= 0 {
		s = s[:j+3]
	}
	var out []block
	for _, m := range regexp.MustCompile("(?ms)^```([a-z]*)\n(.*?)^```$").FindAllStringSubmatch(s, -1) {
		out = append(out, block{lang: m[1], text: m[2]})
	}
	return out
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// shell runs command lines the way a newcomer types them, one at a
// time, following cd.
type shell struct {
	t   *testing.T
	dir string
	env []string
}

func newShell(t *testing.T) *shell {
	// The quickstart builds cpcgen from the clone through a go.work file,
	// which rules out -mod=mod; anything else in GOFLAGS stays.
	var goflags []string
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if !strings.HasPrefix(f, "-mod=") {
			goflags = append(goflags, f)
		}
	}
	return &shell{t: t, dir: t.TempDir(), env: append(os.Environ(),
		"GOFLAGS="+strings.Join(goflags, " "),
		// Offline: the module cache holds every dependency, as building
		// this package's tests put them there, and the clone's go.sum
		// vouches for them; nothing is downloaded or looked up.
		"GOPROXY=off",
		"GOWORK=",
		"GOTOOLCHAIN=local",
		"PATH="+filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
	)}
}

// run runs one line and returns its exit status and output.
func (sh *shell) run(line string) (int, string) {
	sh.t.Helper()
	pwdFile := filepath.Join(sh.t.TempDir(), "pwd")
	cmd := exec.Command("sh", "-c", line+"\nstatus=$?\npwd > '"+pwdFile+"'\nexit $status")
	cmd.Dir = sh.dir
	cmd.Env = sh.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			sh.t.Fatalf("%s: %v", line, err)
		}
		code = ee.ExitCode()
	}
	if pwd, err := os.ReadFile(pwdFile); err == nil {
		sh.dir = strings.TrimSpace(string(pwd))
	}
	return code, out.String()
}

// runBlock runs every line of a shell block and checks each exit status:
// 0, or what a trailing "# exit status N" comment says.
func (sh *shell) runBlock(b block, replace ...string) string {
	sh.t.Helper()
	var all strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(b.text), "\n") {
		line = strings.NewReplacer(replace...).Replace(line)
		want := 0
		if m := regexp.MustCompile(`# exit status (\d)`).FindStringSubmatch(line); m != nil {
			want = int(m[1][0] - '0')
		}
		code, out := sh.run(line)
		if code != want {
			sh.t.Fatalf("$ %s\nexit status %d, want %d\n%s", line, code, want, out)
		}
		all.WriteString(out)
	}
	return all.String()
}

// TestQuickstart plays the README's quickstart in a temporary directory,
// command by command: a new module that builds against this repository
// through a go.work file, cpcgen as a Go tool, init, go generate,
// go build, the first migration, check; then the spec edit the README
// describes, check failing with the README's lines, regeneration, a
// migration, check passing. It then runs go vet and a test of the app's
// own against PostgreSQL, through the generated package.
func TestQuickstart(t *testing.T) {
	blocks := quickstartBlocks(t)
	var sh1, edit, sh2, output, sh3 block
	for i, want := range []string{"sh", "yaml", "sh", "", "sh"} {
		if i >= len(blocks) || blocks[i].lang != want {
			t.Fatalf("quickstart block %d: want a %q block; the test follows the README's shape: commands, the edit, check, its output, commands", i+1, want)
		}
	}
	sh1, edit, sh2, output, sh3 = blocks[0], blocks[1], blocks[2], blocks[3], blocks[4]
	if !strings.Contains(sh1.text, cloneMarker) {
		t.Fatalf("the quickstart does not mention %s", cloneMarker)
	}

	downloadModules(t)

	sh := newShell(t)
	out := sh.runBlock(sh1, cloneMarker, repoRoot(t))
	for _, want := range []string{"wrote cpcgen.yaml", "wrote schema/example.yaml", "wrote internal/appdb/generate.go",
		"wrote migrations/000001_init.up.sql", "generated code is up to date", "migrations cover the spec"} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart output lacks %q:\n%s", want, out)
		}
	}

	// The edit: the README's line, under users' name column.
	specPath := filepath.Join(sh.dir, "schema", "example.yaml")
	data, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	spec := string(data)
	i := strings.Index(spec, "\n      name:")
	if i < 0 {
		t.Fatal("schema/example.yaml has no name column")
	}
	j := i + 1 + strings.Index(spec[i+1:], "\n")
	spec = spec[:j+1] + edit.text + spec[j+1:]
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}

	out = sh.runBlock(sh2)
	// The README's lines, except the line numbers in generated files,
	// which move as the generator evolves.
	genLine := regexp.MustCompile(`(\\\.(?:go|sql)):\d+:`)
	for _, want := range strings.Split(strings.TrimSpace(output.text), "\n") {
		re := regexp.MustCompile(genLine.ReplaceAllString(regexp.QuoteMeta(want), `$1:\d+:`))
		if !re.MatchString(out) {
			t.Errorf("check output lacks the README's line\n%s\ngot:\n%s", want, out)
		}
	}
	out = sh.runBlock(sh3)
	for _, want := range []string{"add column \"users\".\"bio\"", "migrations/000002_add_bio.up.sql", "generated code is up to date", "migrations cover the spec"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if t.Failed() {
		return
	}

	// The app's own test of the generated code, against PostgreSQL.
	appTest := filepath.Join(sh.dir, "internal", "appdb", "app_test.go")
	if err := os.WriteFile(appTest, []byte(appTestSource), 0o644); err != nil {
		t.Fatal(err)
	}
	sh.env = append(sh.env, "CPCGEN_TEST_DATABASE_URL="+pgtest.Current(t).AdminURL())
	for _, line := range []string{"go vet ./...", "go test -count=1 -v ./..."} {
		code, out := sh.run(line)
		if code != 0 {
			t.Fatalf("$ %s\nexit status %d\n%s", line, code, out)
		}
		if strings.HasPrefix(line, "go test") && !strings.Contains(out, "--- PASS: TestProjects") {
			t.Fatalf("$ %s: the app's test did not run:\n%s", line, out)
		}
	}
}

// appTestSource is a test an app would write: migrations applied with
// the runtime's runner, then the generated repositories.
const appTestSource = `package appdb_test

import (
	"context"
	"os"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"

	"example.com/app/internal/appdb"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestProjects(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	m, err := migrate.New(pool, os.DirFS("../../migrations"), migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	store := appdb.NewStore(pool)
	bio := "Wrote the first program."
	u, err := store.Users.Create(ctx, appdb.NewUser{Email: "ada@example.com", Bio: runtime.NullOf(bio)})
	if err != nil {
		t.Fatal(err)
	}
	if u.Plan != appdb.PlanFree || u.Bio.V != bio {
		t.Fatalf("user = %+v", u)
	}
	for _, title := range []string{"Engine", "Notes"} {
		if _, err := store.Projects.Create(ctx, appdb.NewProject{OwnerID: u.ID, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := store.Projects.ActiveForOwner(ctx, u.ID)
	if err != nil || len(ps) != 2 || ps[0].Title != "Engine" {
		t.Fatalf("ActiveForOwner = %+v, %v", ps, err)
	}
	busiest, err := store.Projects.BusiestOwners(ctx, 10)
	if err != nil || len(busiest) != 1 || busiest[0].Projects != 2 {
		t.Fatalf("BusiestOwners = %+v, %v", busiest, err)
	}
}
`

var (
	downloadOnce sync.Once
	downloadErr  error
)

// downloadModules puts every module the repository's go.mod lists in the
// module cache, once per test binary. A workspace that uses the
// repository loads the go.mod of each of them, some of which building
// this package never needed (cobra's Windows-only mousetrap): fetched
// from the module proxy as go.sum vouches for them, the offline builds
// of the quickstart and of imported projects work on a fresh machine
// too.
func downloadModules(t *testing.T) {
	t.Helper()
	downloadOnce.Do(func() {
		download := exec.Command("go", "mod", "download")
		download.Dir = repoRoot(t)
		if out, err := download.CombinedOutput(); err != nil {
			downloadErr = fmt.Errorf("go mod download in the repository: %v\n%s", err, out)
		}
	})
	if downloadErr != nil {
		t.Fatal(downloadErr)
	}
}
