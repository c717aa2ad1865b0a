package migration

import (
	"fmt"
	"regexp"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/numfmt"
)

// TableSize is what a database says about the size of a table, for the
// estimates of table rewrites: pg_class.reltuples and
// pg_total_relation_size.
type TableSize struct {
	// Rows is the planner's estimate; negative when the table was never
	// analyzed.
	Rows int64
	// Bytes is the size of the table with its indexes and TOAST.
	Bytes int64
}

// String formats the size as "about 1,200,000 rows, 180 MB".
func (s TableSize) String() string {
	rows := "an unknown number of rows (never analyzed)"
	if s.Rows >= 0 {
		rows = "about " + numfmt.Thousands(s.Rows) + " rows"
	}
	return rows + ", " + formatBytes(s.Bytes)
}

func formatBytes(n int64) string {
	switch {
	case n >= 10<<30:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// rewrites finds the changes that make PostgreSQL rewrite a table that
// exists before the migration: a column type change that is not a mere
// relabeling (varchar widened, numeric precision raised, …), a column
// added with a volatile default or as an identity. sizes, when known,
// estimate how long the lock lasts. With online plans, a volatile default
// is filled by a backfill instead (see lockSafe).
func rewrites(pkg *ir.Package, from *schema.Schema, changes []schema.Change, sizes map[string]TableSize, online bool) []Finding {
	var out []Finding
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		table := mt.T.Name
		regen := regeneratedColumns(mt)
		for _, tc := range mt.Changes {
			var what string
			var pos ir.Pos
			hint := "add a new column instead, fill it with a backfill and switch the code to it (expand/contract); or run again with --allow-rewrite in a maintenance window"
			switch tc := tc.(type) {
			case *schema.ModifyColumn:
				if !retyped(tc) || !rewritesType(tc.From.Type.Type, tc.To.Type.Type) {
					continue
				}
				what = fmt.Sprintf("changing type of %q.%q from %s to %s", table, tc.From.Name, typeString(tc.From.Type.Type), typeString(tc.To.Type.Type))
				if e, _ := replacedEnum(tc); e != nil {
					what = fmt.Sprintf("converting %q.%q to the new enum type %q", table, tc.From.Name, e.T)
				}
				pos = columnPos(pkg, table, tc.To.Name)
			case *schema.AddColumn:
				switch {
				case isIdentity(tc.C):
					what = fmt.Sprintf("adding %s column %q.%q", numbering(tc.C), table, tc.C.Name)
				case isGenerated(tc.C) && regen[tc.C.Name]:
					what = fmt.Sprintf("dropping generated column %q.%q and adding it back (its expression, a function it calls or the type of a column it reads changes)", table, tc.C.Name)
				case isGenerated(tc.C):
					what = fmt.Sprintf("adding generated column %q.%q", table, tc.C.Name)
					hint = "add a plain column the code writes instead, or run again with --allow-rewrite in a maintenance window"
				case volatileDefault(tc.C) != "" && !online:
					what = fmt.Sprintf("adding column %q.%q with the volatile default %s", table, tc.C.Name, volatileDefault(tc.C))
					hint = "online plans (online: true, the default) add the column without it and fill the rows with a backfill instead"
				case volatileDefault(tc.C) != "" && keyGains(mt.Changes, tc.C.Name):
					// lockSafe cannot backfill it: the key needs its values.
					what = fmt.Sprintf("adding column %q.%q with the volatile default %s in the primary key it adds", table, tc.C.Name, volatileDefault(tc.C))
					hint = "add the column in one migration (online plans fill it with a backfill), then make it the primary key in a later one; or run again with --allow-rewrite in a maintenance window"
				case volatileDefault(tc.C) != "" && !backfillable(from, mt.T):
					// lockSafe cannot backfill it: no key to walk the rows by.
					what = fmt.Sprintf("adding column %q.%q with the volatile default %s to a table without a primary key or a unique index over NOT NULL columns", table, tc.C.Name, volatileDefault(tc.C))
					hint = "give the table a primary key in a migration of its own first (online plans then fill the column with a backfill); or run again with --allow-rewrite in a maintenance window"
				default:
					continue
				}
				pos = columnPos(pkg, table, tc.C.Name)
			default:
				continue
			}
			size := "run it with --url to see the table's size"
			if s, ok := sizes[table]; ok {
				size = fmt.Sprintf("%q holds %s", table, s)
			}
			out = append(out, Finding{
				Kind: Rewrite, Code: "CPC401", Pos: pos,
				Message: fmt.Sprintf("%s rewrites table %q under an ACCESS EXCLUSIVE lock: every read and write of it waits until the rewrite ends (%s)", what, table, size),
				Hint:    hint,
			})
		}
	}
	return out
}

// rewritesType reports whether changing a column from one type to the
// other makes PostgreSQL rewrite the table: everything but the changes
// its binary-coercible casts and length-coercion support functions
// recognize (varchar and numeric widened, varchar to text, the
// precision of times, timestamps and intervals raised, whatever the
// type's spelling).
func rewritesType(from, to schema.Type) bool {
	switch f := from.(type) {
	case *schema.StringType:
		t, ok := to.(*schema.StringType)
		if !ok {
			return true
		}
		fv, tv := isVarchar(f.T), isVarchar(t.T)
		switch {
		case fv && t.T == "text", f.T == "text" && tv && t.Size == 0:
			return false
		case fv && tv:
			return t.Size != 0 && (f.Size == 0 || t.Size < f.Size)
		case f.T == t.T && f.T == "text":
			return false
		}
		return true
	case *schema.DecimalType:
		t, ok := to.(*schema.DecimalType)
		if !ok {
			return true
		}
		if t.Precision == 0 {
			return false
		}
		return f.Precision == 0 || t.Scale != f.Scale || t.Precision < f.Precision
	case *schema.TimeType:
		t, ok := to.(*schema.TimeType)
		if !ok || timeKind(t.T) != timeKind(f.T) || timeKind(t.T) == "" {
			return true
		}
		return secondDigits(t.Precision) < secondDigits(f.Precision)
	case *postgres.IntervalType:
		t, ok := to.(*postgres.IntervalType)
		if !ok || !strings.EqualFold(t.F, f.F) {
			return true
		}
		return secondDigits(t.Precision) < secondDigits(f.Precision)
	}
	return true
}

func isVarchar(t string) bool { return t == "character varying" || t == "varchar" }

// volatileFuncs are the functions whose value differs per row: a column
// added with one of them as its default is filled row by row, rewriting
// the table. now(), current_timestamp and other stable functions are
// evaluated once and stored in the catalog.
var volatileFuncs = []string{"gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
	"random", "clock_timestamp", "timeofday", "nextval", "txid_current", "gen_random_bytes"}

var funcCallRE = regexp.MustCompile(`(?i)\b([a-z_][a-z0-9_]*)\s*\(`)

// volatileDefault returns the column's default when it calls a volatile
// function, or "".
func volatileDefault(c *schema.Column) string {
	x, ok := c.Default.(*schema.RawExpr)
	if !ok {
		return ""
	}
	for _, m := range funcCallRE.FindAllStringSubmatch(x.X, -1) {
		for _, f := range volatileFuncs {
			if strings.EqualFold(m[1], f) {
				return x.X
			}
		}
	}
	return ""
}

// backfillable reports whether a backfill can walk the rows of table t,
// as it stands in from (before the migration) and after it (see
// backfillKey); a table from does not hold is new and needs none.
func backfillable(from *schema.Schema, t *schema.Table) bool {
	if from == nil {
		return true
	}
	cur, ok := from.Table(t.Name)
	if !ok {
		return true
	}
	_, ok = backfillKey(cur, t)
	return ok
}
