package spec

import (
	"strings"
	"testing"
)

// TestAwkwardInput covers the shapes of input files that editors and
// operating systems produce: a byte-order mark, CRLF line ends, tabs,
// empty files and files of comments only.
func TestAwkwardInput(t *testing.T) {
	valid := "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      name: text\n"
	for name, src := range map[string]string{
		"bom":           "\ufeff" + valid,
		"crlf":          strings.ReplaceAll(valid, "\n", "\r\n"),
		"bom and crlf":  "\ufeff" + strings.ReplaceAll(valid, "\n", "\r\n"),
		"tab in value":  strings.Replace(valid, "name: text", "name:\ttext", 1),
		"trailing tabs": strings.ReplaceAll(valid, "\n", "\t\n"),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := parseOne(t, src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(p.Tables) != 1 || len(p.Tables[0].Columns) != 2 || p.Tables[0].Columns[1].Type.Name != "text" {
				t.Fatalf("parsed %+v", p.Tables)
			}
		})
	}
	for name, src := range map[string]string{"empty": "", "comments only": "# nothing yet\n", "blank lines": "\n\n\r\n"} {
		t.Run(name, func(t *testing.T) {
			p, err := parseOne(t, src)
			if err != nil || len(p.Tables) != 0 {
				t.Fatalf("parse: %v, %d tables", err, len(p.Tables))
			}
		})
	}
	t.Run("tab indentation", func(t *testing.T) {
		_, err := parseOne(t, "tables:\n\tt:\n")
		if err == nil || !strings.Contains(err.Error(), "schema/a.yaml:2:") {
			t.Fatalf("tab indentation: %v", err)
		}
	})
	t.Run("invalid utf-8", func(t *testing.T) {
		_, err := parseOne(t, "tables:\n  t\xff:\n")
		if err == nil || !strings.Contains(err.Error(), "schema/a.yaml:") {
			t.Fatalf("invalid UTF-8: %v", err)
		}
	})
	t.Run("long identifier", func(t *testing.T) {
		long := strings.Repeat("a", 64)
		_, err := parseOne(t, "tables:\n  "+long+":\n    columns:\n      id: {type: integer, primary_key: true}\n")
		if err == nil || !strings.Contains(err.Error(), "63") {
			t.Fatalf("64-byte table name: %v", err)
		}
	})
}

// FuzzParseConfig feeds arbitrary bytes to ParseConfig: no panics, errors
// with positions, and a returned config whose paths stay inside the root.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"version: 1\npackage: {name: db, dir: ./internal/db}\nspecs: [./schema/*.yaml]\n",
		"version: 1\npackage: {name: db, dir: ../out}\nspecs: [/etc/*.yaml]\nmigrations: {dir: m, format: goose}\n",
		"version: 2\npackage: {name: func, dir: x}\nspecs: []\ndocs: {dir: d}\n",
		"\ufeffversion: 1\r\npackage: {name: x, dir: y}\r\nspecs: [a]\r\n",
		"a: &a [*a, *a]\n", "", "- 1", "version: [1]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(".", "cpcgen.yaml", data)
		checkFuzzErr(t, err)
		if err != nil {
			return
		}
		for _, p := range []string{c.Package.Dir, c.Migrations.Dir, c.Docs.Dir} {
			if strings.HasPrefix(p, "/") || p == ".." || strings.HasPrefix(p, "../") {
				t.Fatalf("path %q escapes the project", p)
			}
		}
	})
}
