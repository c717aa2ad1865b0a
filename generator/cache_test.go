package generator_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/gencache"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/internal/synth"
	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/spec"
)

// coldTree is the tree of the project in dir without any cache.
func coldTree(t *testing.T, dir string) writer.Tree {
	t.Helper()
	return generate(t, dir)
}

// cachedTree is the tree of a run with the cache.
func cachedTree(t *testing.T, dir string, c *gencache.Cache) (writer.Tree, generator.Stats) {
	t.Helper()
	proj, err := spec.Load(dir)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	tree, stats, err := generator.NewRun(proj, generator.Options{Cache: c}).Tree()
	if err != nil {
		t.Fatalf("generate with the cache: %v", err)
	}
	return tree, stats
}

// sameTree fails the test unless a and b hold the same files, byte for
// byte, and the same directories.
func sameTree(t *testing.T, what string, want, got writer.Tree) {
	t.Helper()
	if strings.Join(want.Dirs, ",") != strings.Join(got.Dirs, ",") {
		t.Errorf("%s: directories %q, want %q", what, got.Dirs, want.Dirs)
	}
	paths := func(tr writer.Tree) string {
		var ps []string
		for _, f := range tr.Files {
			ps = append(ps, f.Path)
		}
		return strings.Join(ps, "\n")
	}
	if paths(want) != paths(got) {
		t.Fatalf("%s: files\n%s\nwant\n%s", what, paths(got), paths(want))
	}
	for i := range want.Files {
		if !bytes.Equal(want.Files[i].Data, got.Files[i].Data) {
			t.Errorf("%s: %s differs from a run without the cache:\n%s", what, want.Files[i].Path,
				writer.Unified(want.Files[i].Path, want.Files[i].Data, got.Files[i].Data))
		}
	}
}

func openCache(t *testing.T, dir, tool string) *gencache.Cache {
	t.Helper()
	c, err := gencache.Open(dir, tool)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCacheEveryGolden: for every golden case, a first run with an empty
// cache renders everything, a second builds nothing and renders nothing,
// a run after the project's manifest is lost takes every file from the
// IR-level keys; all give the bytes of a run without the cache.
func TestCacheEveryGolden(t *testing.T) {
	cacheDir := t.TempDir()
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cold := coldTree(t, dir)
			c := openCache(t, filepath.Join(cacheDir, filepath.Base(dir)), "tool A")
			first, s1 := cachedTree(t, dir, c)
			sameTree(t, "first run", cold, first)
			if !s1.Built || s1.Cached != 0 || s1.Rendered == 0 {
				t.Errorf("first run: %+v, want everything rendered", s1)
			}
			second, s2 := cachedTree(t, dir, c)
			sameTree(t, "second run", cold, second)
			if s2.Built || s2.Rendered != 0 || s2.Cached == 0 {
				t.Errorf("second run: %+v, want nothing built or rendered", s2)
			}
			third, s3, err := generator.EmitWith(buildCase(t, dir), generator.Options{Cache: c})
			if err != nil {
				t.Fatal(err)
			}
			sameTree(t, "emit from the IR's keys", cold, third)
			if s3.Rendered != 0 {
				t.Errorf("emit from the IR's keys: %+v, want nothing rendered", s3)
			}
		})
	}
}

// copyDir copies the files of a project (not its output) into a new
// temporary directory.
func copyProject(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel == "out" || rel == "docs" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// edit replaces the first match of re in a project file; the edit must
// apply.
func edit(t *testing.T, dir, name, re, repl string) {
	t.Helper()
	old := readFile(t, dir, name)
	loc := regexp.MustCompile(re).FindStringIndex(old)
	if loc == nil {
		t.Fatalf("edit %s: %q not found", name, re)
	}
	testfile.Write(t, dir, name, old[:loc[0]]+regexp.MustCompile(re).ReplaceAllString(old[loc[0]:loc[1]], repl)+old[loc[1]:])
}

// writeSynth writes a synthetic project of n tables into dir.
func writeSynth(t *testing.T, dir string, n int) {
	t.Helper()
	testfile.Write(t, dir, "cpcgen.yaml", string(synth.Config()))
	testfile.Write(t, dir, "go.mod", "module example.com/synth\n\ngo 1.26\n")
	for _, f := range synth.Files(n) {
		testfile.Write(t, dir, f.Name, string(f.Data))
	}
}

// TestCacheNeverDiffers edits projects step by step — the kinds of
// change a spec goes through — and after every step compares a run
// with the cache (which holds every earlier step's files) with a run
// without it: the bytes must be the same. It also checks that the cache
// does its work: after a change to one table, most files come from it.
func TestCacheNeverDiffers(t *testing.T) {
	synthDir := t.TempDir()
	writeSynth(t, synthDir, 30)
	const part = "schema/part_0000.yaml"
	const queries = "schema/queries_0000.yaml"
	type step struct {
		name string
		do   func(t *testing.T, dir string)
		// local is set for a change that touches few files: most must
		// then come from the cache.
		local bool
	}
	synthSteps := []step{
		{"no change", func(t *testing.T, dir string) {}, true},
		{"column type", func(t *testing.T, dir string) {
			edit(t, dir, part, `(?s)(  t00005:.*?)name:       \{type: varchar\(120\)\}`, "${1}name:       {type: varchar(121)}")
		}, true},
		{"column added", func(t *testing.T, dir string) {
			edit(t, dir, part, `(?s)(  t00010:.*?columns:\n)`, "${1}      extra:      {type: bigint, nullable: true}\n")
		}, true},
		{"nullability", func(t *testing.T, dir string) {
			edit(t, dir, part, `(?s)(  t00011:.*?)note:       \{type: text, nullable: true\}`, "${1}note:       {type: text}")
		}, true},
		{"referenced column type", func(t *testing.T, dir string) {
			// t00012.id is referenced by t00013 and t00014: their files change too.
			edit(t, dir, part, `(?s)(  t00012:.*?)id:         \{type: uuid, primary_key: true, default: gen_random_uuid\(\)\}`,
				"${1}id:         {type: uuid, primary_key: true}")
		}, true},
		{"comment", func(t *testing.T, dir string) {
			edit(t, dir, part, `Synthetic table 8\.`, "Synthetic table eight, with a longer comment that wraps in the generated doc comment of the model.")
		}, true},
		{"table renamed", func(t *testing.T, dir string) {
			for _, name := range []string{part, queries} {
				old := readFile(t, dir, name)
				testfile.Write(t, dir, name, strings.ReplaceAll(old, "t00003", "legacy"))
			}
		}, true},
		{"query added", func(t *testing.T, dir string) {
			edit(t, dir, queries, `(  t00007:\n)`, "${1}    - {name: ByName, where: {name: eq}, returns: many}\n")
		}, true},
		{"query changed", func(t *testing.T, dir string) {
			edit(t, dir, queries, `(?s)(  t00007:.*?)order_by: \["created_at desc", id\]`, `${1}order_by: ["created_at", id]`)
		}, true},
		{"index added", func(t *testing.T, dir string) {
			edit(t, dir, part, `(?s)(  t00015:.*?indexes:\n)`, "${1}      - {columns: [email, state], unique: true}\n")
		}, true},
		{"behaviour added", func(t *testing.T, dir string) {
			edit(t, dir, part, `(?s)(  t00016:.*?)    timestamps: true\n`, "${1}    timestamps: true\n    soft_delete: true\n    optimistic_lock: version\n")
		}, true},
		{"enum value added", func(t *testing.T, dir string) {
			edit(t, dir, part, `\[draft, active, archived\]`, "[draft, active, archived, purged]")
		}, false},
		{"lines shifted", func(t *testing.T, dir string) {
			edit(t, dir, part, `^enums:\n`, "# a comment that moves every position below it\n\nenums:\n")
		}, true},
		{"table removed", func(t *testing.T, dir string) {
			// The last table: nothing references it.
			old := readFile(t, dir, part)
			i := strings.Index(old, "  t00029:")
			if i < 0 {
				t.Fatal("t00029 not found")
			}
			testfile.Write(t, dir, part, old[:i])
			q := readFile(t, dir, queries)
			j := strings.Index(q, "  t00029:")
			testfile.Write(t, dir, queries, q[:j])
		}, true},
		{"package renamed", func(t *testing.T, dir string) {
			edit(t, dir, "cpcgen.yaml", `name: synthdb`, "name: otherdb")
		}, false},
		{"import path", func(t *testing.T, dir string) {
			testfile.Write(t, dir, "go.mod", "module example.com/moved\n\ngo 1.26\n")
		}, false},
		{"docs page", func(t *testing.T, dir string) {
			edit(t, dir, "cpcgen.yaml", `specs:`, "docs: {dir: ./docs}\nspecs:")
		}, false},
		{"back to an earlier state", func(t *testing.T, dir string) {
			edit(t, dir, part, `    soft_delete: true\n    optimistic_lock: version\n`, "")
		}, true},
	}

	relDir := copyProject(t, filepath.Join("..", "testdata", "golden", "relations"))
	relSteps := []step{
		{"no change", func(t *testing.T, dir string) {}, true},
		{"relation target renamed", func(t *testing.T, dir string) {
			for _, name := range globRel(t, dir, "schema/*.yaml") {
				old := readFile(t, dir, name)
				testfile.Write(t, dir, name, strings.ReplaceAll(old, "customers", "clients"))
			}
		}, false},
		{"store type renamed", func(t *testing.T, dir string) {
			edit(t, dir, "cpcgen.yaml", `package: \{name: reldb, dir: ./out\}`, "package: {name: reldb, dir: ./out, store: DB}")
		}, false},
	}

	for _, project := range []struct {
		dir   string
		steps []step
	}{{synthDir, synthSteps}, {relDir, relSteps}} {
		c := openCache(t, t.TempDir(), "tool A")
		for _, s := range project.steps {
			s.do(t, project.dir)
			cold := coldTree(t, project.dir)
			got, stats := cachedTree(t, project.dir, c)
			sameTree(t, s.name, cold, got)
			// Once more: now from the project's manifest.
			again, stats2 := cachedTree(t, project.dir, c)
			sameTree(t, s.name+" (again)", cold, again)
			if stats2.Built || stats2.Rendered != 0 {
				t.Errorf("%s: the second run built or rendered: %+v", s.name, stats2)
			}
			if s.local && s.name != "no change" && stats.Cached < stats.Rendered {
				t.Errorf("%s: %d jobs rendered, only %d from the cache; a change to one table should leave most files cached", s.name, stats.Rendered, stats.Cached)
			}
			t.Logf("%s: %+v", s.name, stats)
		}
	}
}

func globRel(t *testing.T, dir, pattern string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range matches {
		rel, _ := filepath.Rel(dir, m)
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

// TestCacheToolVersion: an entry written by another build of cpcgen is
// never used. The emitters' code, templates and tables are not in the
// IR: they are what the tool's identity (its build ID) stands for, and
// a new build has a new one. Here an emitter input the keys cannot see
// changes — the import name of a package, as a new build could change
// it — together with the tool identity: nothing comes from the entries
// of the old identity, and the output is that of the changed emitter.
func TestCacheToolVersion(t *testing.T) {
	dir := filepath.Join("..", "testdata", "golden", "relations")
	cacheDir := t.TempDir()
	before := coldTree(t, dir)
	if _, s := cachedTree(t, dir, openCache(t, cacheDir, "build 1")); s.Rendered == 0 {
		t.Fatal("nothing rendered into an empty cache")
	}

	const path = "github.com/google/uuid"
	old := ir.ImportNames[path]
	ir.ImportNames[path] = "guuid"
	defer func() { ir.ImportNames[path] = old }()
	changed := coldTree(t, dir)
	if sameFiles(before, changed) {
		t.Fatal("the emitter change does not change the output; the test proves nothing")
	}
	got, s := cachedTree(t, dir, openCache(t, cacheDir, "build 2"))
	sameTree(t, "new build", changed, got)
	if s.Cached != 0 {
		t.Errorf("%d jobs came from another build's entries", s.Cached)
	}
	// And the other way round: the old build keeps its own entries.
	ir.ImportNames[path] = old
	got, _ = cachedTree(t, dir, openCache(t, cacheDir, "build 1"))
	sameTree(t, "old build", before, got)
}

func sameFiles(a, b writer.Tree) bool {
	if len(a.Files) != len(b.Files) {
		return false
	}
	for i := range a.Files {
		if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			return false
		}
	}
	return true
}

// TestCacheDamaged: whatever happens to the cache's files — bytes
// flipped, files truncated or emptied, entries swapped, the project's
// manifest damaged — a run gives the bytes of a run without the cache.
func TestCacheDamaged(t *testing.T) {
	dir := filepath.Join("..", "testdata", "golden", "relations")
	cold := coldTree(t, dir)
	damages := map[string]func(entries []string){
		"flip a byte": func(entries []string) {
			for _, e := range entries {
				data, _ := os.ReadFile(e)
				data[len(data)/2+1] ^= 0x01
				os.WriteFile(e, data, 0o644)
			}
		},
		"truncate": func(entries []string) {
			for i, e := range entries {
				data, _ := os.ReadFile(e)
				os.WriteFile(e, data[:i%len(data)], 0o644)
			}
		},
		"swap entries": func(entries []string) {
			for i := 0; i+1 < len(entries); i += 2 {
				a, _ := os.ReadFile(entries[i])
				b, _ := os.ReadFile(entries[i+1])
				os.WriteFile(entries[i], b, 0o644)
				os.WriteFile(entries[i+1], a, 0o644)
			}
		},
		"append": func(entries []string) {
			for _, e := range entries {
				data, _ := os.ReadFile(e)
				os.WriteFile(e, append(data, "\nfunc extra() {}\n"...), 0o644)
			}
		},
		"replace with a directory": func(entries []string) {
			for _, e := range entries[:len(entries)/2] {
				os.Remove(e)
				os.Mkdir(e, 0o755)
			}
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			cacheDir := t.TempDir()
			cachedTree(t, dir, openCache(t, cacheDir, "tool"))
			entries := cacheEntries(t, cacheDir)
			if len(entries) < 3 {
				t.Fatalf("%d entries", len(entries))
			}
			damage(entries)
			c := openCache(t, cacheDir, "tool")
			got, _ := cachedTree(t, dir, c)
			sameTree(t, name, cold, got)
			if c.Stats().Bad == 0 && name != "replace with a directory" {
				t.Errorf("no damaged entry was noticed: %+v", c.Stats())
			}
			// The cache repairs itself.
			got, _ = cachedTree(t, dir, c)
			sameTree(t, name+" (repaired)", cold, got)
		})
	}
}

// cacheEntries lists the entry files of a cache directory.
func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && len(d.Name()) == 64 {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestCacheConcurrentRuns: runs at once on one cache directory (as two
// generates would) all give the bytes of a run without the cache.
func TestCacheConcurrentRuns(t *testing.T) {
	dir := t.TempDir()
	writeSynth(t, dir, 40)
	cold := coldTree(t, dir)
	cacheDir := t.TempDir()
	var wg sync.WaitGroup
	trees := make([]writer.Tree, 4)
	for i := range trees {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := gencache.Open(cacheDir, "tool")
			if err != nil {
				t.Error(err)
				return
			}
			proj, err := spec.Load(dir)
			if err != nil {
				t.Error(err)
				return
			}
			for range 3 {
				tree, _, err := generator.NewRun(proj, generator.Options{Cache: c}).Tree()
				if err != nil {
					t.Error(err)
					return
				}
				trees[i] = tree
			}
			if err := c.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, tree := range trees {
		sameTree(t, fmt.Sprintf("run %d", i), cold, tree)
	}
}
