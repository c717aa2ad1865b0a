package doccheck_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/internal/doccheck"
	"github.com/cpcgen/cpcgen/internal/testfile"
)

// TestRepository checks every Markdown file of the repository: each
// relative link names a file that exists, each anchor a heading of its
// target, each excerpt matches its file.
func TestRepository(t *testing.T) {
	root := filepath.Join("..", "..")
	files, err := doccheck.Files(root)
	if err != nil {
		t.Fatal(err)
	}
	// Guard against a walk that finds nothing and so passes.
	for _, want := range []string{"README.md", "CONTRIBUTING.md", "docs/spec.md", "docs/cli.md"} {
		if !slices.Contains(files, want) {
			t.Errorf("Files(%s) lacks %s; it found %v", root, want, files)
		}
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(doccheck.Links(readme)); n < 10 {
		t.Errorf("README.md has %d links; the parser finds too few", n)
	}
	problems, err := doccheck.Check(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ heading, want string }{
		{"Quickstart", "quickstart"},
		{"1. Read replicas", "1-read-replicas"},
		{"Generated repositories against hand-written pgx, GORM and ent", "generated-repositories-against-hand-written-pgx-gorm-and-ent"},
		{"`check`", "check"},
		{"UserRepo.ByEmail", "userrepobyemail"},
		{"ledger_entries", "ledger_entries"},
		{"What was tested on real servers, and what was not", "what-was-tested-on-real-servers-and-what-was-not"},
		{"A → B", "a--b"},
		{"Sessions: reading your own writes", "sessions-reading-your-own-writes"},
		{"Straße über Ärger", "straße-über-ärger"},
		{"C++ & Go (1.26)?", "c--go-126"},
	} {
		if got := doccheck.Slug(tc.heading); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.heading, got, tc.want)
		}
	}
}

func TestAnchors(t *testing.T) {
	md := strings.Join([]string{
		"# Title",
		"## Usage",
		"## Usage",
		"### Usage ##",
		"## Usage-1", // taken by the second Usage: GitHub numbers on
		"## [Linked](other.md) `code` *stress*",
		"#NotAHeading",
		"```yaml",
		"# inside a code block",
		"```",
		"Setext heading",
		"==============",
		"| a | b |",
		"|---|---|",
		`| <a id="enum-kind"></a>kind | x |`,
		"<!-- ## commented out -->",
	}, "\n")
	var got []string
	for a := range doccheck.Anchors([]byte(md)) {
		got = append(got, a)
	}
	slices.Sort(got)
	want := []string{"enum-kind", "linked-code-stress", "setext-heading", "title", "usage", "usage-1", "usage-1-1", "usage-2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Anchors (-want +got):\n%s", diff)
	}
}

func TestLinks(t *testing.T) {
	md := strings.Join([]string{
		"See [the spec](docs/spec.md#queries) and",
		"[a link whose text",
		"wraps](docs/cli.md).",
		"![diagram](er.png \"title\")",
		"`[not a link](code.md)` and ``a `[nor this](x.md)` span``",
		"```",
		"[nor in a block](block.md)",
		"```",
		`<img src="logo.png"> <a href="page.md#top">x</a>`,
		"[ref]: <ref.md>",
		"<!-- [hidden](hidden.md) -->",
	}, "\n")
	got := doccheck.Links([]byte(md))
	want := []doccheck.Link{
		{Line: 1, Target: "docs/spec.md#queries"},
		{Line: 3, Target: "docs/cli.md"},
		{Line: 4, Target: "er.png"},
		{Line: 9, Target: "logo.png"},
		{Line: 9, Target: "page.md#top"},
		{Line: 10, Target: "ref.md"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Links (-want +got):\n%s", diff)
	}
}

// TestCheck runs the check on a small tree with one good and one broken
// link of every kind, and an excerpt that matches and one that does not.
func TestCheck(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		testfile.Write(t, root, name, text)
	}
	write("README.md", strings.Join([]string{
		"# Project",
		"## Install",
		"[good](docs/guide.md), [good anchor](docs/guide.md#second-step), [here](#install),",
		"[dir](docs), [source](main.go#L3), [web](https://example.com/x.md#nope).",
		"[missing file](docs/gone.md), [missing anchor](docs/guide.md#second-stpe),",
		"[missing here](#usage), [outside](../elsewhere.md).",
		"",
		"<!-- excerpt: main.go -->",
		"```go",
		"package main",
		"// …",
		"func main() {}",
		"```",
		"",
		"<!-- excerpt: main.go -->",
		"```go",
		"func main() {}",
		"package main",
		"```",
	}, "\n"))
	write("docs/guide.md", "# Guide\n\n## Second step\n\nBack to [the start](../README.md#project).\n")
	write("main.go", "package main\n\nimport \"fmt\"\n\nfunc main() {}\n")

	files, err := doccheck.Files(root)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"README.md", "docs/guide.md"}, files); diff != "" {
		t.Fatalf("Files (-want +got):\n%s", diff)
	}
	problems, err := doccheck.Check(root, files)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.String())
	}
	want := []string{
		`README.md:5: link "docs/gone.md": no file docs/gone.md`,
		`README.md:5: link "docs/guide.md#second-stpe": no heading "second-stpe" in docs/guide.md; did you mean #second-step?`,
		`README.md:6: link "#usage": no heading "usage" in README.md`,
		`README.md:6: link "../elsewhere.md": leaves the repository`,
		`README.md:18: excerpt line not in main.go (after its line 5): "package main"; update the excerpt`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
