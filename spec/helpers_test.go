package spec

import (
	"errors"
	"strings"
	"testing"
)

// testConfig is the config the in-memory tests parse against.
var testConfig = &Config{Root: ".", File: "cpcgen.yaml", Version: 1,
	Package: PackageConfig{Name: "db", Dir: "db"}, Specs: []string{"schema/*.yaml"}}

// parseFiles parses spec files given as name, text pairs.
func parseFiles(t *testing.T, nameText ...string) (*Project, error) {
	t.Helper()
	var files []File
	for i := 0; i+1 < len(nameText); i += 2 {
		files = append(files, File{Name: nameText[i], Data: []byte(nameText[i+1])})
	}
	return Parse(testConfig, files)
}

// parseOne parses one spec file named schema/a.yaml.
func parseOne(t *testing.T, src string) (*Project, error) {
	t.Helper()
	return parseFiles(t, "schema/a.yaml", src)
}

// mustParse parses one spec file that must be valid.
func mustParse(t *testing.T, src string) *Project {
	t.Helper()
	p, err := parseOne(t, src)
	if err != nil {
		t.Fatalf("unexpected errors:\n%v", err)
	}
	schemaAccepts(t, src)
	return p
}

// checkErrors asserts that err is an ErrorList whose text contains every
// want string.
func checkErrors(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %q", want)
	}
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error is %T, not an ErrorList: %v", err, err)
	}
	got := err.Error()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("errors do not contain %q; got:\n%s", w, got)
		}
	}
}

// node parses a YAML value for tests of the lower layers.
func testNode(t *testing.T, src string) *node {
	t.Helper()
	var errs ErrorList
	n := parseYAML("t.yaml", []byte(src), &errs)
	if len(errs) > 0 {
		t.Fatalf("parse %q: %v", src, errs)
	}
	if n == nil {
		n = &node{kind: scalarNode, tag: "!!null"}
	}
	return n
}

// table wraps column lines (already indented by 6) into a spec with an
// id primary key.
func table(cols string, extra ...string) string {
	s := "tables:\n  t:\n    columns:\n      id: {type: bigint, primary_key: true}\n" + cols
	for _, e := range extra {
		s += e
	}
	return s
}
