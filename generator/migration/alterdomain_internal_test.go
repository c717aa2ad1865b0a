package migration

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseDomain reads the clauses of CREATE DOMAIN statements as
// real schemas write them, and refuses what it does not know.
func TestParseDomain(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want domainDef
		ok   bool
	}{
		{`CREATE DOMAIN public."Code" AS character varying(20) COLLATE "C" DEFAULT NULL NOT NULL CHECK (VALUE IS NOT NULL AND VALUE <> '')`,
			domainDef{name: `public."Code"`, base: `character varying ( 20 ) collate "C"`, def: "NULL", defNorm: "null", notNull: true,
				checks: []string{"CHECK (VALUE IS NOT NULL AND VALUE <> '')"}, checkNorm: []string{"check ( value is not null and value < > '' )"}}, true},
		{"create domain d int constraint positive check (value > 0) null default 1 + 2;\nCOMMENT ON DOMAIN d IS 'x';",
			domainDef{name: "d", base: "int", def: "1 + 2", defNorm: "1 + 2",
				checks: []string{"constraint positive check (value > 0)"}, checkNorm: []string{"constraint positive check ( value > 0 )"},
				comments: "COMMENT ON DOMAIN d IS 'x';"}, true},
		{"CREATE DOMAIN d AS timestamp with time zone DEFAULT now()", domainDef{name: "d", base: "timestamp with time zone", def: "now()", defNorm: "now ( )"}, true},
		{"CREATE DOMAIN d AS text; CREATE TABLE t (a d)", domainDef{}, false},
		{"CREATE DOMAIN d AS text DEFAULT", domainDef{}, false},
		{"CREATE DOMAIN d AS text DEFAULT 'a' DEFAULT 'b'", domainDef{}, false},
		{"CREATE DOMAIN d NOT NULL", domainDef{}, false},
		{"CREATE TYPE d AS (a int)", domainDef{}, false},
	} {
		got, ok := parseDomain(tc.sql)
		if ok != tc.ok {
			t.Errorf("parseDomain(%q): ok %v, want %v", tc.sql, ok, tc.ok)
			continue
		}
		if ok {
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(domainDef{})); d != "" {
				t.Errorf("parseDomain(%q) (-want +got):\n%s", tc.sql, d)
			}
		}
	}
}
