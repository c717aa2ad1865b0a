package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestSchemaKeys checks that the JSON Schemas have exactly the keys
// validation accepts, object by object.
func TestSchemaKeys(t *testing.T) {
	_, problems := configSchema()
	_, more := specSchema()
	for _, p := range append(problems, more...) {
		t.Error(p)
	}
}

// TestSchemaDeterministic checks that the output does not change
// between runs and is valid JSON.
func TestSchemaDeterministic(t *testing.T) {
	for _, f := range []func() []byte{ConfigSchema, SpecSchema} {
		a, b := f(), f()
		if !bytes.Equal(a, b) {
			t.Fatal("schema differs between two runs")
		}
		var v any
		if err := json.Unmarshal(a, &v); err != nil {
			t.Fatal(err)
		}
		checkKeywords(t, "#", v)
	}
}

// TestSchemaAcceptsRepoSpecs validates every config and spec file of the
// golden cases, the examples and spec/testdata/valid against the
// schemas: what Load accepts, the schema must accept too.
func TestSchemaAcceptsRepoSpecs(t *testing.T) {
	configSchema, specSchema := loadSchema(t, ConfigSchema()), loadSchema(t, SpecSchema())
	var roots []string
	for _, pattern := range []string{"../testdata/golden/*/cpcgen.yaml", "../examples/*/cpcgen.yaml", "testdata/valid/cpcgen.yaml"} {
		m, _ := filepath.Glob(pattern)
		roots = append(roots, m...)
	}
	if len(roots) < 3 {
		t.Fatalf("found only %d projects", len(roots))
	}
	n := 0
	for _, cfg := range roots {
		proj, err := Load(cfg)
		if err != nil {
			t.Errorf("%s: %v", cfg, err)
			continue
		}
		validateFile(t, configSchema, cfg)
		n++
		for _, f := range proj.Files {
			validateFile(t, specSchema, filepath.Join(proj.Config.Root, f))
			n++
		}
	}
	// The migration planner's cases are spec files too.
	err := filepath.WalkDir("../testdata/migrations", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			validateFile(t, specSchema, p)
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files valid", n)
}

// TestSchemaRejects checks that the schemas reject a few invalid files,
// at the right place.
func TestSchemaRejects(t *testing.T) {
	specSchema, configSchema := loadSchema(t, SpecSchema()), loadSchema(t, ConfigSchema())
	for _, tc := range []struct {
		name, yaml, want string
		config           bool
	}{
		{"unknown table key", "tables:\n  users:\n    colums: {id: uuid}\n", `#/tables/users: unknown key "colums"`, false},
		{"unknown column key", "tables:\n  users:\n    columns:\n      id: {type: uuid, primary_key: true, defualt: x}\n", `#/tables/users/columns/id: no alternative matches`, false},
		{"bad filter op", "queries:\n  users:\n    - name: X\n      where: {id: equals}\n", `#/queries/users/0/where/id: no alternative matches`, false},
		{"bad returns", "queries:\n  users:\n    - name: X\n      returns: all\n", `#/queries/users/0/returns: "all" is not one of`, false},
		{"query without name", "queries:\n  users:\n    - sql: SELECT 1\n", `#/queries/users/0: missing required key "name"`, false},
		{"lower-case query name", "queries:\n  users:\n    - name: forUser\n", `#/queries/users/0/name: "forUser" does not match`, false},
		{"bad table name", "tables:\n  user-accounts:\n    columns: {id: uuid}\n", `#/tables: key "user-accounts" does not match`, false},
		{"unknown top-level key", "table: {}\n", `#: unknown key "table"`, false},
		{"config without specs", "version: 1\npackage: {name: appdb, dir: ./x}\n", `#: missing required key "specs"`, true},
		{"config version", "version: 2\npackage: {name: appdb, dir: ./x}\nspecs: [a]\n", `#/version: 2 is not one of [1]`, true},
		{"config format", "version: 1\npackage: {name: appdb, dir: ./x}\nspecs: [a]\nmigrations: {dir: m, format: liquibase}\n", `#/migrations/format: "liquibase" is not one of`, true},
	} {
		s := specSchema
		if tc.config {
			s = configSchema
		}
		doc := decodeYAML(t, tc.name, []byte(tc.yaml))
		errs := s.validate(doc)
		if len(errs) == 0 {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
			t.Errorf("%s: errors lack %q:\n%s", tc.name, tc.want, strings.Join(errs, "\n"))
		}
	}
}

// supportedKeywords are the JSON Schema keywords the test validator
// implements, plus annotations it may ignore. A schema using anything
// else would be checked only in part, so it fails the test.
var supportedKeywords = map[string]bool{
	"$schema": true, "$comment": true, "$id": true, "title": true, "description": true, "definitions": true,
	"$ref": true, "type": true, "enum": true, "pattern": true, "minimum": true, "minItems": true,
	"minProperties": true, "items": true, "properties": true, "propertyNames": true,
	"additionalProperties": true, "required": true, "anyOf": true,
}

func checkKeywords(t *testing.T, at string, v any) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, sub := range m {
		if !supportedKeywords[k] {
			t.Errorf("%s: keyword %q is not supported by the test validator", at, k)
		}
		switch k {
		case "properties", "definitions":
			for name, s := range sub.(map[string]any) {
				checkKeywords(t, at+"/"+k+"/"+name, s)
			}
		case "items", "propertyNames", "additionalProperties":
			checkKeywords(t, at+"/"+k, sub)
		case "anyOf":
			for i, s := range sub.([]any) {
				checkKeywords(t, fmt.Sprintf("%s/anyOf/%d", at, i), s)
			}
		}
	}
}

// validator checks documents against a schema: the subset of JSON
// Schema draft-07 listed in supportedKeywords.
type validator struct {
	root map[string]any
}

func loadSchema(t *testing.T, data []byte) *validator {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	return &validator{root: root}
}

func validateFile(t *testing.T, v *validator, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range v.validate(decodeYAML(t, path, data)) {
		t.Errorf("%s: %s", path, e)
	}
}

func (v *validator) validate(doc any) []string {
	return v.check(v.root, doc, "#")
}

func (v *validator) check(s map[string]any, doc any, at string) []string {
	if r, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(r, "#/definitions/")
		def, ok := v.root["definitions"].(map[string]any)[name].(map[string]any)
		if !ok {
			return []string{at + ": unresolved " + r}
		}
		return v.check(def, doc, at)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		var all []string
		matched := false
		for _, a := range alts {
			errs := v.check(a.(map[string]any), doc, at)
			if len(errs) == 0 {
				matched = true
				break
			}
			all = append(all, errs...)
		}
		if !matched {
			return append([]string{at + ": no alternative matches"}, all...)
		}
	}
	if ty, ok := s["type"]; ok && !typeMatches(ty, doc) {
		return []string{fmt.Sprintf("%s: %s is not of type %v", at, describeValue(doc), ty)}
	}
	var errs []string
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if equalValues(e, doc) {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: %s is not one of %v", at, describeValue(doc), enum))
		}
	}
	switch d := doc.(type) {
	case string:
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(d) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", at, d, p))
		}
	case float64:
		if m, ok := s["minimum"].(float64); ok && d < m {
			errs = append(errs, fmt.Sprintf("%s: %v is less than %v", at, d, m))
		}
	case []any:
		if m, ok := s["minItems"].(float64); ok && float64(len(d)) < m {
			errs = append(errs, fmt.Sprintf("%s: fewer than %v items", at, m))
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, it := range d {
				errs = append(errs, v.check(items, it, at+"/"+strconv.Itoa(i))...)
			}
		}
	case map[string]any:
		if m, ok := s["minProperties"].(float64); ok && float64(len(d)) < m {
			errs = append(errs, fmt.Sprintf("%s: fewer than %v keys", at, m))
		}
		for _, r := range asStrings(s["required"]) {
			if _, ok := d[r]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required key %q", at, r))
			}
		}
		props, _ := s["properties"].(map[string]any)
		var keys []string
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if pn, ok := s["propertyNames"].(map[string]any); ok {
				if p, ok := pn["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(k) {
					errs = append(errs, fmt.Sprintf("%s: key %q does not match %s", at, k, p))
				}
			}
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, v.check(ps, d[k], at+"/"+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, fmt.Sprintf("%s: unknown key %q", at, k))
				}
			case map[string]any:
				errs = append(errs, v.check(ap, d[k], at+"/"+k)...)
			}
		}
	}
	return errs
}

func typeMatches(ty any, doc any) bool {
	if list, ok := ty.([]any); ok {
		for _, t := range list {
			if typeMatches(t, doc) {
				return true
			}
		}
		return false
	}
	switch ty {
	case "object":
		_, ok := doc.(map[string]any)
		return ok
	case "array":
		_, ok := doc.([]any)
		return ok
	case "string":
		_, ok := doc.(string)
		return ok
	case "boolean":
		_, ok := doc.(bool)
		return ok
	case "null":
		return doc == nil
	case "number":
		_, ok := doc.(float64)
		return ok
	case "integer":
		f, ok := doc.(float64)
		return ok && f == math.Trunc(f)
	}
	return false
}

func equalValues(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) && typeName(a) == typeName(b) }

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func asStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, x.(string))
	}
	return out
}

func asList(v any) []any {
	list, _ := v.([]any)
	return list
}

func describeValue(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// decodeYAML reads a YAML document into the JSON data model (numbers as
// float64), as an editor's YAML language server sees it.
func decodeYAML(t *testing.T, name string, data []byte) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if n.Kind == 0 {
		return nil
	}
	return yamlValue(t, name, &n)
}

func yamlValue(t *testing.T, name string, n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		return yamlValue(t, name, n.Content[0])
	case yaml.AliasNode:
		return yamlValue(t, name, n.Alias)
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			out = append(out, yamlValue(t, name, c))
		}
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		var merged []map[string]any
		for i := 0; i+1 < len(n.Content); i += 2 {
			v := yamlValue(t, name, n.Content[i+1])
			if n.Content[i].ShortTag() == "!!merge" {
				// A merge key: its mappings supply the keys not written.
				if m, ok := v.(map[string]any); ok {
					merged = append(merged, m)
				}
				for _, x := range asList(v) {
					if m, ok := x.(map[string]any); ok {
						merged = append(merged, m)
					}
				}
				continue
			}
			out[n.Content[i].Value] = v
		}
		for _, m := range merged {
			for k, v := range m {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
		}
		return out
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		return b
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			var i int64
			if _, err := fmt.Sscan(n.Value, &i); err != nil {
				t.Fatalf("%s:%d: number %q", name, n.Line, n.Value)
			}
			f = float64(i)
		}
		return f
	}
	return n.Value
}

// schemaAccepts fails the test when the spec schema rejects src, which
// the caller knows to be valid: mustParse runs every valid inline spec
// of the tests through it.
func schemaAccepts(t *testing.T, src string) {
	t.Helper()
	v := loadSchema(t, SpecSchema())
	for _, e := range v.validate(decodeYAML(t, "inline spec", []byte(src))) {
		t.Errorf("the spec schema rejects a valid spec: %s\n%s", e, src)
	}
}

// TestSchemaAcceptsScaffold validates the files cpcgen init writes (its
// templates, with their one field filled in) against the schemas.
func TestSchemaAcceptsScaffold(t *testing.T) {
	for tmpl, schema := range map[string][]byte{
		"example.yaml.tmpl": SpecSchema(),
		"cpcgen.yaml.tmpl":  ConfigSchema(),
	} {
		data, err := os.ReadFile(filepath.Join("..", "templates", "init", tmpl))
		if err != nil {
			t.Fatal(err)
		}
		src := strings.NewReplacer("{{.SpecSchemaRef}}", SpecSchemaFile, "{{.ConfigSchemaRef}}", "schema/"+ConfigSchemaFile,
			"{{.PackageName}}", "appdb", "{{.PackageDir}}", "./internal/appdb", "{{.SpecsGlob}}", "./schema/*.yaml",
			"{{.MigrationsDir}}", "./migrations").Replace(string(data))
		if strings.Contains(src, "{{") {
			t.Fatalf("%s: a template field is not filled in by this test:\n%s", tmpl, src)
		}
		for _, e := range loadSchema(t, schema).validate(decodeYAML(t, tmpl, []byte(src))) {
			t.Errorf("%s: %s", tmpl, e)
		}
		if tmpl == "example.yaml.tmpl" {
			mustParse(t, src)
		}
	}
}
