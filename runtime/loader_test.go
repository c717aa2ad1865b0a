package runtime_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
)

type loadChild struct {
	ID       int64
	ParentID runtime.Null[int64]
	Code     string
}

func scanLoadChild(v *loadChild, d []any) []any { return append(d, &v.ID, &v.ParentID, &v.Code) }

// code is a key type whose underlying type is string.
type code string

type codedChild struct {
	ID   int64
	Code code
}

const loaderSchema = `CREATE TABLE parents (id bigint PRIMARY KEY, code char(4) NOT NULL UNIQUE);
CREATE TABLE children (id bigint PRIMARY KEY, parent_id bigint REFERENCES parents, code char(4) NOT NULL, shard int NOT NULL);
CREATE TABLE links (parent_id bigint NOT NULL REFERENCES parents, child_id bigint NOT NULL REFERENCES children, PRIMARY KEY (parent_id, child_id));
INSERT INTO parents VALUES (1, 'AB'), (2, 'C'), (3, 'D');
INSERT INTO children VALUES (10, 1, 'AB', 0), (11, 1, 'AB', 1), (12, 2, 'C', 0), (13, NULL, 'C', 0), (14, 1, 'AB', 0);
INSERT INTO links VALUES (1, 12), (1, 10), (2, 12)`

// TestLoader runs loaders as generated packages declare them: by a
// foreign key (with and without a tail parameter), by a char(n) key,
// and by the key of a join table (no Key function), on PostgreSQL.
func TestLoader(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, loaderSchema)
	const cols = `SELECT id, parent_id, code::text FROM children`
	byParent := &runtime.Loader[int64, loadChild]{
		Op:   &runtime.Op{Name: "children.LoadByParentID", Table: "children", SQL: cols + ` WHERE parent_id = ANY($1) ORDER BY id`},
		Scan: scanLoadChild,
		Key:  func(v *loadChild) int64 { return v.ParentID.V },
	}
	ids := func(rows []loadChild) []int64 {
		var out []int64
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}

	m, err := byParent.Load(ctx, db, []int64{1, 2, 3, 1})
	if err != nil || len(m) != 2 || !slices.Equal(ids(m[1]), []int64{10, 11, 14}) || !slices.Equal(ids(m[2]), []int64{12}) {
		t.Fatalf("by parent: %v, %v", m, err)
	}
	if _, ok := m[3]; ok {
		t.Fatalf("a key without rows is in the map: %v", m)
	}

	// No keys: an empty map, and no query (the context is done).
	done, cancel := context.WithCancel(ctx)
	cancel()
	for _, keys := range [][]int64{nil, {}} {
		if m, err := byParent.Load(done, db, keys); err != nil || m == nil || len(m) != 0 {
			t.Fatalf("no keys: %#v, %v", m, err)
		}
	}

	// The tail binds after the keys (a tenant, in generated code).
	inShard := &runtime.Loader[int64, loadChild]{
		Op:   &runtime.Op{Name: "children.LoadByParentID", Table: "children", SQL: cols + ` WHERE parent_id = ANY($1) AND shard = $2 ORDER BY id`},
		Scan: scanLoadChild,
		Key:  func(v *loadChild) int64 { return v.ParentID.V },
	}
	if m, err := inShard.Load(ctx, db, []int64{1}, 1); err != nil || len(m) != 1 || !slices.Equal(ids(m[1]), []int64{11}) {
		t.Fatalf("tail: %v, %v", m, err)
	}

	// char(n): the rows are read without padding; keys asked for with
	// trailing spaces find them too.
	byCode := &runtime.Loader[string, loadChild]{
		Op:     &runtime.Op{Name: "children.LoadByCode", Table: "children", SQL: cols + ` WHERE code = ANY($1) ORDER BY id`},
		Scan:   scanLoadChild,
		Key:    func(v *loadChild) string { return v.Code },
		Padded: true,
	}
	m2, err := byCode.Load(ctx, db, []string{"AB", "AB  ", "C ", "D  ", " C"})
	if err != nil || len(m2) != 4 || len(m2["AB"]) != 3 || len(m2["AB  "]) != 3 || !slices.Equal(ids(m2["C "]), []int64{12, 13}) {
		t.Fatalf("padded: %v, %v", m2, err)
	}
	if _, ok := m2["D  "]; ok {
		t.Fatalf("padded: a key without rows is in the map: %v", m2)
	}
	byNamedCode := &runtime.Loader[code, codedChild]{
		Op:     &runtime.Op{Name: "children.LoadByCode", Table: "children", SQL: `SELECT id, code::text FROM children WHERE code = ANY($1::bpchar[]) ORDER BY id`},
		Scan:   func(v *codedChild, d []any) []any { return append(d, &v.ID, &v.Code) },
		Key:    func(v *codedChild) code { return v.Code },
		Padded: true,
	}
	m3, err := byNamedCode.Load(ctx, db, []code{"C  "})
	if err != nil || len(m3) != 2 || len(m3["C"]) != 2 || len(m3["C  "]) != 2 {
		t.Fatalf("padded, a named string type: %v, %v", m3, err)
	}

	// No Key: the first column is the key (a many-to-many loader).
	linked := &runtime.Loader[int64, loadChild]{
		Op: &runtime.Op{Name: "parents.LoadChildren", Table: "parents", SQL: `SELECT l.parent_id, c.id, c.parent_id, c.code::text
FROM links AS l JOIN children AS c ON c.id = l.child_id WHERE l.parent_id = ANY($1) ORDER BY l.parent_id, c.id`},
		Scan: scanLoadChild,
	}
	m4, err := linked.Load(ctx, db, []int64{1, 2, 3})
	if err != nil || len(m4) != 2 || !slices.Equal(ids(m4[1]), []int64{10, 12}) || !slices.Equal(ids(m4[2]), []int64{12}) || m4[1][1].ParentID.V != 2 {
		t.Fatalf("by the first column: %v, %v", m4, err)
	}

	// Errors come back wrapped for the Op: of the query, and of a scan.
	broken := &runtime.Loader[int64, loadChild]{
		Op:   &runtime.Op{Name: "children.LoadByParentID", Table: "children", SQL: cols + ` WHERE no_such_column = ANY($1)`},
		Scan: scanLoadChild,
		Key:  func(v *loadChild) int64 { return v.ParentID.V },
	}
	var de *runtime.DbError
	if m, err := broken.Load(ctx, db, []int64{1}); m != nil || !errors.As(err, &de) || de.Op != "children.LoadByParentID" || de.OpTable != "children" {
		t.Fatalf("query error: %v, %v", m, err)
	}
	badScan := &runtime.Loader[int64, loadChild]{
		Op:   &runtime.Op{Name: "children.LoadByParentID", Table: "children", SQL: `SELECT id, parent_id, 'not a number' FROM children WHERE parent_id = ANY($1)`},
		Scan: func(v *loadChild, d []any) []any { return append(d, &v.ID, &v.ParentID, &v.ID) },
		Key:  func(v *loadChild) int64 { return v.ParentID.V },
	}
	if m, err := badScan.Load(ctx, db, []int64{1}); m != nil || !errors.As(err, &de) || de.Op != "children.LoadByParentID" {
		t.Fatalf("scan error: %v, %v", m, err)
	}
	// The rows were closed: the connection went back to the pool.
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	// A load costs no more allocations than the same query grouped by
	// hand with pgx.
	keys := []int64{1, 2}
	byHand := testing.AllocsPerRun(50, func() {
		rows, err := db.Query(ctx, byParent.Op.SQL, keys)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := make(map[int64][]loadChild)
		for rows.Next() {
			var v loadChild
			if err := rows.Scan(&v.ID, &v.ParentID, &v.Code); err != nil {
				t.Fatal(err)
			}
			m[v.ParentID.V] = append(m[v.ParentID.V], v)
		}
		if rows.Err() != nil || len(m) != 2 {
			t.Fatal(rows.Err())
		}
	})
	loaded := testing.AllocsPerRun(50, func() {
		if m, err := byParent.Load(ctx, db, keys); err != nil || len(m) != 2 {
			t.Fatal(err)
		}
	})
	if loaded > byHand {
		t.Errorf("Load: %v allocations, by hand with pgx %v", loaded, byHand)
	}
}
