package migration

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// TableProperty is a fact about a table of a database that Atlas's
// inspection leaves out, as InspectTableProperties reads it: its
// row-level security and its policies, which confine hand-written SQL
// to a tenant; its rules, which rewrite the statements on it (a DO
// INSTEAD NOTHING rule on DELETE makes every delete do nothing);
// whether its constraints are deferrable, validated and
// enforced (a constraint's triggers disabled by ALTER TABLE … DISABLE
// TRIGGER ALL no longer check it) and their comments; whether its
// triggers fire; its persistence, replica identity (with the index's
// name) and storage options, its TOAST table's ("toast.…") among them;
// its columns' statistics targets, storage, compression and options
// (n_distinct), an identity column's sequence's cache, CYCLE, minvalue
// and maxvalue (Atlas compares its start and increment), and its indexes' validity (Atlas reads an index a
// CREATE INDEX CONCURRENTLY left invalid as any other) and storage
// options (fillfactor; Atlas compares a BRIN index's autosummarize and
// pages_per_range, and every index's comment).
type TableProperty struct {
	// Table names the table like FoundObject.Key names objects: without
	// its schema when it is in the database's current schema.
	Table string
	// Kind is what the facts are of: "table", "policy", "rule",
	// "constraint", "trigger", "column" or "index"; Name is the
	// policy's, rule's, constraint's, trigger's, column's or index's
	// name ("" for the table).
	Kind, Name string
	// Facts are the item's facts, sorted, each a short phrase
	// ("row level security enabled", "DEFERRABLE", "disabled"); a
	// policy's or rule's is its definition as PostgreSQL prints it back
	// (a rule's with its enabled state when not the default). A
	// column's name each setting with its value, the default too
	// ("statistics target default", "compression lz4"), so that a
	// difference names both; its storage is told from its type's
	// ("storage as its type's"), so that a column whose type was
	// changed is drift once, in Atlas's comparison.
	Facts []string
}

// Key identifies the property among a database's: its kind, name and
// table.
func (p *TableProperty) Key() string { return p.Kind + " " + p.Name + " on " + p.Table }

// tablePropertiesCatalog reads, for the tables of the schemas $1, rows
// of schema, table, kind, name and the facts joined by tabs.
const tablePropertiesCatalog = `WITH t AS (
  SELECT c.oid, n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity, c.relpersistence, c.relreplident,
    c.reloptions || ARRAY(SELECT 'toast.' || o FROM pg_class s, unnest(s.reloptions) o WHERE s.oid = c.reltoastrelid) AS reloptions
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1)
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
)
SELECT t.nspname, t.relname, 'table', '', concat_ws(E'\t',
    CASE WHEN t.relrowsecurity THEN 'row level security enabled' END,
    CASE WHEN t.relforcerowsecurity THEN 'row level security forced on the table''s owner' END,
    CASE WHEN t.relpersistence = 'u' THEN 'UNLOGGED' END,
    CASE t.relreplident WHEN 'n' THEN 'REPLICA IDENTITY NOTHING' WHEN 'f' THEN 'REPLICA IDENTITY FULL' WHEN 'i' THEN 'REPLICA IDENTITY USING INDEX ' || coalesce((SELECT quote_ident(i.relname) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = t.oid AND x.indisreplident), '') END,
    (SELECT string_agg('storage option ' || o, E'\t' ORDER BY o) FROM unnest(t.reloptions) o))
FROM t
UNION ALL
SELECT t.nspname, t.relname, 'policy', p.polname, concat_ws(' ',
    CASE WHEN p.polpermissive THEN 'AS PERMISSIVE' ELSE 'AS RESTRICTIVE' END,
    'FOR ' || CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
    'TO ' || (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r)) END, ', ' ORDER BY 1) FROM unnest(p.polroles) r),
    'USING (' || pg_get_expr(p.polqual, p.polrelid) || ')',
    'WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')')
FROM pg_policy p JOIN t ON t.oid = p.polrelid
UNION ALL
SELECT t.nspname, t.relname, 'constraint', k.conname, concat_ws(E'\t',
    CASE WHEN k.condeferrable THEN 'DEFERRABLE' END,
    CASE WHEN k.condeferred THEN 'INITIALLY DEFERRED' END,
    CASE WHEN NOT k.convalidated THEN 'NOT VALID' END,
    CASE WHEN EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgconstraint = k.oid AND g.tgenabled = 'D') THEN 'triggers disabled (not enforced)' END,
    'comment ' || quote_literal(obj_description(k.oid, 'pg_constraint')))
FROM pg_constraint k JOIN t ON t.oid = k.conrelid
UNION ALL
SELECT t.nspname, t.relname, 'trigger', g.tgname, CASE g.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'enabled replica' WHEN 'A' THEN 'enabled always' ELSE '' END
FROM pg_trigger g JOIN t ON t.oid = g.tgrelid
WHERE NOT g.tgisinternal
UNION ALL
SELECT t.nspname, t.relname, 'rule', r.rulename, rtrim(regexp_replace(pg_get_ruledef(r.oid), E'\n\\s*', ' ', 'g'), ';')
    || CASE r.ev_enabled WHEN 'D' THEN ' (disabled)' WHEN 'R' THEN ' (enabled replica)' WHEN 'A' THEN ' (enabled always)' ELSE '' END
FROM pg_rewrite r JOIN t ON t.oid = r.ev_class
UNION ALL
SELECT t.nspname, t.relname, 'column', a.attname, concat_ws(E'\t',
    'statistics target ' || CASE WHEN coalesce(a.attstattarget, -1) < 0 THEN 'default' ELSE a.attstattarget::text END,
    CASE WHEN a.attstorage = y.typstorage THEN 'storage as its type''s'
      ELSE 'storage ' || CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END || ' (its type''s is ' || CASE y.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END || ')' END,
    'compression ' || CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' ELSE 'default' END,
    (SELECT string_agg('option ' || o, E'\t' ORDER BY o) FROM unnest(a.attoptions) o),
    (SELECT concat_ws(E'\t',
        'identity sequence cache ' || s.seqcache,
        CASE WHEN s.seqcycle THEN 'identity sequence CYCLE' ELSE 'identity sequence NO CYCLE' END,
        'identity sequence minvalue ' || CASE WHEN s.seqmin = CASE WHEN s.seqincrement > 0 THEN 1 WHEN s.seqtypid = 'int2'::regtype THEN -32768 WHEN s.seqtypid = 'int4'::regtype THEN -2147483648 ELSE -9223372036854775808 END THEN 'default' ELSE s.seqmin::text END,
        'identity sequence maxvalue ' || CASE WHEN s.seqmax = CASE WHEN s.seqincrement < 0 THEN -1 WHEN s.seqtypid = 'int2'::regtype THEN 32767 WHEN s.seqtypid = 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END THEN 'default' ELSE s.seqmax::text END)
      FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid
      WHERE a.attidentity <> '' AND d.classid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i'))
FROM pg_attribute a JOIN t ON t.oid = a.attrelid JOIN pg_type y ON y.oid = a.atttypid
WHERE a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT t.nspname, t.relname, 'index', i.relname, concat_ws(E'\t',
    CASE WHEN NOT x.indisvalid THEN 'INVALID (a CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY that did not finish: queries do not use it)' END,
    (SELECT string_agg('storage option ' || o, E'\t' ORDER BY o) FROM unnest(i.reloptions) o
     WHERE split_part(o, '=', 1) NOT IN ('autosummarize', 'pages_per_range')))
FROM pg_index x JOIN t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid`

// readPropertiesErr is the format of InspectTableProperties's errors.
const readPropertiesErr = "read the tables' row-level security, policies, constraints, triggers, columns' settings and indexes' storage options: %w"

// InspectTableProperties reads the TableProperty facts of the tables of
// the given schemas of the database q is connected to, sorted by key;
// current is the schema whose tables are named without a schema.
func InspectTableProperties(ctx context.Context, q Querier, schemas []string, current string) ([]*TableProperty, error) {
	rows, err := q.Query(ctx, tablePropertiesCatalog, schemas)
	if err != nil {
		return nil, fmt.Errorf(readPropertiesErr, err)
	}
	defer rows.Close()
	var out []*TableProperty
	for rows.Next() {
		var schema, table, kind, name, facts string
		if err := rows.Scan(&schema, &table, &kind, &name, &facts); err != nil {
			return nil, fmt.Errorf(readPropertiesErr, err)
		}
		if schema != current {
			table = schema + "." + table
		}
		p := &TableProperty{Table: table, Kind: kind, Name: name}
		switch {
		case facts == "":
		case kind == "policy" || kind == "rule":
			p.Facts = []string{facts} // one definition, tabs in its literals kept
		default:
			p.Facts = strings.Split(facts, "\t")
			sort.Strings(p.Facts)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf(readPropertiesErr, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out, nil
}
