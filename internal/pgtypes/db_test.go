package pgtypes

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestLiteralsOnPostgreSQL hands every row's example, and more literals
// of the kinds whose canonical text is PostgreSQL's own, to PostgreSQL as
// the SQL constant LiteralSQL writes: the server must take each, and
// where the canonical text claims to be the server's own (ranges, MAC
// addresses, integers, booleans, text) read the literal as written into
// that text and print the constant back unchanged, so that a default
// reads the same from the catalog as from the spec.
func TestLiteralsOnPostgreSQL(t *testing.T) {
	ctx := context.Background()
	pool := withExtensions(t)
	type lit struct{ typ, text string }
	var lits []lit
	for _, typ := range All {
		if typ.Example != "" {
			lits = append(lits, lit{typ.Name, typ.Example})
		}
	}
	lits = append(lits, []lit{
		{"int4range", "(1,10)"}, {"int4range", "[,10]"}, {"int4range", "[5,5)"}, {"int8range", "(,9223372036854775806]"},
		{"numrange", "[1.50,2.250]"}, {"numrange", "(1.5,1.5]"}, {"daterange", "(2024-02-28,infinity]"},
		{"daterange", "(-infinity,2024-01-01]"}, {"tsrange", `["2024-01-01 10:00:00","2024-01-01 12:00:00")`},
		{"macaddr", "0800.2b01.0203"}, {"macaddr", "08002B010203"},
		{"macaddr8", "0800.2b01.0203.0405"}, {"macaddr8", "08002B:0102030405"}, {"macaddr8", "08-00-2b-01-02-03-04-05"},
		{"ltree", "a"}, {"ltree", "Top.Collections.Pictures.Astronomy_2"},
		{"bit", "0"}, {"varbit", "0110"}, {"varbit", "000111000111"},
	}...)
	sameText := map[string]bool{"range of integer": true, "range of bigint": true, "range of numeric": true,
		"range of date": true, "range of timestamp": true, "MAC address": true, "EUI-64 MAC address": true, "bit string": true, "integer": true, "boolean": true, "text": true}
	for _, l := range lits {
		typ := Lookup(l.typ)
		canon, err := typ.CheckLiteral(Value{Text: l.text, Desc: strconv.Quote(l.text), Type: typ.Name})
		if err != nil {
			t.Errorf("%s literal %q: %v", l.typ, l.text, err)
			continue
		}
		sql := typ.LiteralSQL(canon, typ.Name)
		var got, server string
		if err := pool.QueryRow(ctx, "SELECT ("+sql+")::text, $1::"+typ.Name+"::text", l.text).Scan(&got, &server); err != nil {
			t.Errorf("%s literal %q as %s: %v", l.typ, l.text, sql, err)
			continue
		}
		// numeric keeps the scale written (1.50), the canonical text does
		// not: the constant written from it must still read back as is.
		if sameText[typ.Literal.Kind] && (got != canon || server != canon && typ.Literal.Kind != "range of numeric") {
			t.Errorf("%s literal %q: canonical text %q, but PostgreSQL reads it as %q and the constant %s as %q", l.typ, l.text, canon, server, sql, got)
		}
		if strings.Contains(sql, "::") && !strings.HasSuffix(sql, "::"+typ.Name) {
			t.Errorf("%s literal written %s, not cast to %s", l.typ, sql, typ.Name)
		}
	}
}

// TestCastsOnPostgreSQL checks CastExists against the server for every
// pair of types of the table: whether CAST(NULL::a AS b) is accepted.
func TestCastsOnPostgreSQL(t *testing.T) {
	ctx := context.Background()
	pool := withExtensions(t)
	for _, from := range All {
		for _, to := range All {
			_, err := pool.Exec(ctx, "SELECT CAST(NULL::"+from.Name+" AS "+to.Name+")")
			if got, want := CastExists(from, to), err == nil; got != want {
				t.Errorf("CastExists(%s, %s) = %v; PostgreSQL: %v", from.Name, to.Name, got, err)
			}
		}
	}
}

// withExtensions returns a pool on a fresh database with the extensions
// of the table's types created.
func withExtensions(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := pgtest.Pool(t)
	for _, typ := range All {
		if typ.Extension == "" {
			continue
		}
		if _, err := pool.Exec(context.Background(), "CREATE EXTENSION IF NOT EXISTS "+typ.Extension); err != nil {
			t.Fatal(err)
		}
	}
	return pool
}
