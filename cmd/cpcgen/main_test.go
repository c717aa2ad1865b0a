package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
)

// cpcgen runs the command line in process and returns its exit code and
// output streams.
func cpcgen(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// newProject writes a small project into a temporary directory.
func newProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	testfile.Write(t, dir, "go.mod", "module example.com/app\n\ngo 1.25\n")
	testfile.Write(t, dir, "cpcgen.yaml", "version: 1\npackage: {name: appdb, dir: ./internal/appdb}\nspecs: [./schema/*.yaml]\n")
	writeUsers(t, dir)
	return dir
}

// writeUsers writes the spec of newProject, a table users with an id and
// an email, followed by the column lines more ("name: {type: text}").
func writeUsers(t *testing.T, dir string, more ...string) {
	t.Helper()
	spec := `tables:
  users:
    columns:
      id:    {type: uuid, primary_key: true, default: gen_random_uuid()}
      email: {type: varchar(255), unique: true}
`
	for _, c := range more {
		spec += "      " + c + "\n"
	}
	testfile.Write(t, dir, "schema/app.yaml", spec)
}

func TestGenerateThenCheck(t *testing.T) {
	dir := newProject(t)
	code, out, errOut := cpcgen(t, "-C", dir, "check")
	if code != exitProblems || !strings.Contains(out, "internal/appdb/users.gen.go: missing file") {
		t.Fatalf("check before generate: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = cpcgen(t, "-C", dir, "generate")
	if code != exitOK || !strings.Contains(out, "internal/appdb/users.gen.go") {
		t.Fatalf("generate: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = cpcgen(t, "-C", dir, "check")
	if code != exitOK || !strings.Contains(out, "up to date") {
		t.Fatalf("check after generate: exit %d\n%s", code, out)
	}
	// A second generate changes nothing.
	code, out, _ = cpcgen(t, "-C", dir, "generate")
	if code != exitOK || !strings.Contains(out, "0 written, 0 removed") {
		t.Fatalf("second generate: exit %d\n%s", code, out)
	}

	// A spec edit makes check fail with a readable diff and write nothing.
	writeUsers(t, dir, "name: {type: text, nullable: true}")
	before, _ := os.ReadFile(filepath.Join(dir, "internal/appdb/users.gen.go"))
	code, out, _ = cpcgen(t, "-C", dir, "check")
	if code != exitProblems {
		t.Fatalf("check after spec edit: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"internal/appdb/users.gen.go:17: stale file: differs from what the specs produce (first difference on this line); run cpcgen generate",
		"--- a/internal/appdb/users.gen.go",
		"+\tName  runtime.Null[string] `json:\"name\"`",
		"2 problems: 2 stale files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	after, _ := os.ReadFile(filepath.Join(dir, "internal/appdb/users.gen.go"))
	if !bytes.Equal(before, after) {
		t.Fatal("check wrote a file")
	}

	// A hand edit of generated code is caught too.
	cpcgen(t, "-C", dir, "generate")
	f := filepath.Join(dir, "internal/appdb/store.gen.go")
	data, _ := os.ReadFile(f)
	os.WriteFile(f, bytes.Replace(data, []byte("Store bundles"), []byte("Store gathers"), 1), 0o644)
	code, out, _ = cpcgen(t, "-C", dir, "check")
	if code != exitProblems || !strings.Contains(out, "internal/appdb/store.gen.go:") || !strings.Contains(out, ": stale file: ") || !strings.Contains(out, "-// Store gathers") {
		t.Fatalf("check after hand edit: exit %d\n%s", code, out)
	}
}

func TestRemovedTableRemovesItsFile(t *testing.T) {
	dir := newProject(t)
	testfile.Write(t, dir, "schema/more.yaml", "tables:\n  tags:\n    columns:\n      name: {type: text, primary_key: true}\n")
	testfile.Write(t, dir, "internal/appdb/handwritten.go", "package appdb\n\n// Extra is hand-written.\nconst Extra = 1\n")
	if code, out, errOut := cpcgen(t, "-C", dir, "generate"); code != exitOK {
		t.Fatalf("generate: %s%s", out, errOut)
	}
	os.Remove(filepath.Join(dir, "schema/more.yaml"))
	code, out, _ := cpcgen(t, "-C", dir, "check")
	if code != exitProblems || !strings.Contains(out, "internal/appdb/tags.gen.go: extra file") {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	code, out, _ = cpcgen(t, "-C", dir, "generate")
	if code != exitOK || !strings.Contains(out, "removed ") || !strings.Contains(out, "internal/appdb/tags.gen.go") {
		t.Fatalf("generate: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "internal/appdb/handwritten.go")); err != nil {
		t.Fatalf("hand-written file: %v", err)
	}
}

func TestSpecErrorsExit2AndWriteNothing(t *testing.T) {
	dir := newProject(t)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  users:
    columns:
      id:    {type: uuid, primary_key: true, defualt: gen_random_uuid()}
      email: {type: varchr(255)}
`)
	code, out, errOut := cpcgen(t, "-C", dir, "generate")
	if code != exitUsage {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		`schema/app.yaml:4:46: unknown key "defualt" in column "id"; did you mean "default"?`,
		`schema/app.yaml:5:21: unknown type "varchr"; did you mean "varchar"?`,
		"nothing was written",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "internal")); !os.IsNotExist(err) {
		t.Fatalf("output directory exists after a failed run: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	code, _, errOut := cpcgen(t, "generat")
	if code != exitUsage || !strings.Contains(errOut, "Did you mean this?") || !strings.Contains(errOut, "generate") {
		t.Fatalf("unknown command: exit %d\n%s", code, errOut)
	}
	code, _, errOut = cpcgen(t, "generate", "--bogus")
	if code != exitUsage || !strings.Contains(errOut, "unknown flag: --bogus") {
		t.Fatalf("unknown flag: exit %d\n%s", code, errOut)
	}
	code, _, errOut = cpcgen(t, "-C", t.TempDir(), "generate")
	if code != exitUsage || !strings.Contains(errOut, "cpcgen.yaml") {
		t.Fatalf("missing config: exit %d\n%s", code, errOut)
	}
	code, out, _ := cpcgen(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "cpcgen ") {
		t.Fatalf("version: exit %d %q", code, out)
	}
}

// TestWarningsDoNotFail checks that generate and check print the build's
// warnings on stderr as file:line:col: warning: …, every run (from the
// cache too), and still succeed; acknowledging silences them.
func TestWarningsDoNotFail(t *testing.T) {
	dir := newProject(t)
	spec := `tables:
  orgs:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
    tenant: id
  events:
    columns:
      id:     {type: bigint, primary_key: true, identity: true}
      org_id: {type: uuid, references: orgs.id}
    tenant: org_id
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	want := "schema/app.yaml:8:7: warning: tenant table events: primary key id is numbered by a sequence all tenants share"
	for _, cmd := range []string{"generate", "generate", "check"} {
		code, out, errOut := cpcgen(t, "-C", dir, cmd)
		if code != exitOK || !strings.Contains(errOut, want) || strings.Contains(out, "warning") {
			t.Fatalf("%s: exit %d, want %d and the warning on stderr only\nstdout:\n%s\nstderr:\n%s", cmd, code, exitOK, out, errOut)
		}
	}
	testfile.Write(t, dir, "schema/app.yaml", strings.Replace(spec, "tenant: org_id", "tenant: {column: org_id, allow_sequential_ids: true}", 1))
	if code, out, errOut := cpcgen(t, "-C", dir, "generate"); code != exitOK || strings.Contains(errOut, "warning") {
		t.Fatalf("generate after acknowledging: exit %d\n%s%s", code, out, errOut)
	}
}

// TestOutputEscapesControls: what cpcgen prints can quote text it does
// not control (a generated file edited on disk, in check's diff; a
// server's message), and none of it may drive the terminal or the CI log
// reading it: a control character but tab and newline is printed as its
// escape.
func TestOutputEscapesControls(t *testing.T) {
	var b bytes.Buffer
	w := controlEscaper{&b}
	in := "a\x1b]0;title\a\x1b[2Jb\r\n\tc\u009bd © é\x7f\n"
	if n, err := w.Write([]byte(in)); err != nil || n != len(in) {
		t.Fatalf("Write: %d, %v", n, err)
	}
	if want := `a\x1b]0;title\a\x1b[2Jb\r` + "\n\t" + `c\u009bd © é\x7f` + "\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}

	dir := newProject(t)
	if code, out, errOut := cpcgen(t, "-C", dir, "generate"); code != exitOK {
		t.Fatalf("generate: exit %d\n%s%s", code, out, errOut)
	}
	file := filepath.Join(dir, "internal/appdb/users.gen.go")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	testfile.Write(t, dir, "internal/appdb/users.gen.go", strings.Replace(string(data), "\n", "\n// \x1b]0;pwned\a\x1b[2J\r::error::injected\n", 3))
	code, out, errOut := cpcgen(t, "-C", dir, "check")
	if code != exitProblems || !strings.Contains(out, `\x1b]0;pwned\a\x1b[2J\r::error::injected`) || strings.ContainsAny(out+errOut, "\x1b\a\r") {
		t.Errorf("check: exit %d\n%q", code, out+errOut)
	}
}
