package runtime_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
)

type opThing struct {
	ID   int64
	Name string
}

type newOpThing struct {
	ID   int64
	Name string
}

// Validate refuses an empty name, as a generated Validate would.
func (n *newOpThing) Validate() error {
	if n.Name == "" {
		return runtime.NewValidationError("", "op_things", []runtime.FieldError{{Field: "name", Message: "must not be empty"}})
	}
	return nil
}

func scanOpThing(v *opThing, d []any) []any       { return append(d, &v.ID, &v.Name) }
func argsNewOpThing(n *newOpThing, d []any) []any { return append(d, &n.ID, &n.Name) }

// The descriptors a generated package would declare.
var (
	opErrs = &runtime.Errs{Sentinels: []*runtime.ConstraintSentinel{
		{Kind: runtime.KindConflict, Table: "op_things", Constraint: "op_things_name_key", Name: "name.unique"},
	}}
	opCreate = &runtime.Op{Name: "op_things.Create", Table: "op_things", Errs: opErrs, Validate: true,
		Params: []string{"id", "name"}, SQL: `INSERT INTO op_things VALUES ($1, $2) RETURNING id, name`}
	opFind   = &runtime.Op{Name: "op_things.FindByID", Table: "op_things", Errs: opErrs, SQL: `SELECT id, name FROM op_things WHERE id = $1`}
	opList   = &runtime.Op{Name: "op_things.List", Table: "op_things", Errs: opErrs, SQL: `SELECT id, name FROM op_things WHERE id >= $1 AND id < $2 ORDER BY id`}
	opDelete = &runtime.Op{Name: "op_things.Delete", Table: "op_things", Errs: opErrs, SQL: `DELETE FROM op_things WHERE id = $1`}
	opEnsure = &runtime.Op{Name: "op_things.CreateIfAbsentByName", Table: "op_things", Errs: opErrs, Validate: true, SQL: `WITH ins AS (INSERT INTO op_things VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id, name)
SELECT true, id, name FROM ins UNION ALL SELECT false, id, name FROM op_things WHERE name = $2 LIMIT 1`}
)

func TestOpHelpers(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, `CREATE TABLE op_things (id bigint PRIMARY KEY, name text NOT NULL UNIQUE CHECK (name <> 'bad'))`)

	for i := range int64(5) {
		v, err := runtime.QueryOneOp(ctx, db, opCreate, newOpThing{ID: i, Name: "thing " + string(rune('a'+i))}, argsNewOpThing, scanOpThing)
		if err != nil || v.ID != i {
			t.Fatalf("create %d: %+v, %v", i, v, err)
		}
	}
	// Validation first, wrapped for the op; nothing is sent (the row
	// would violate the primary key).
	v, err := runtime.QueryOneOp(ctx, db, opCreate, newOpThing{ID: 1}, argsNewOpThing, scanOpThing)
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || de.Op != "op_things.Create" || de.OpTable != "op_things" ||
		len(de.Fields) != 1 || de.Fields[0].Field != "name" || v != (opThing{}) {
		t.Fatalf("create, invalid: %+v, %#v", v, err)
	}
	// A constraint is named as the spec does, from Errs.
	_, err = runtime.QueryOneOp(ctx, db, opCreate, newOpThing{ID: 9, Name: "thing a"}, argsNewOpThing, scanOpThing)
	if !errors.As(err, &de) || de.Kind != runtime.KindConflict || de.SpecName != "name.unique" || de.Op != "op_things.Create" {
		t.Fatalf("create, taken: %#v", err)
	}
	// Invalid input names its field through Params.
	_, err = runtime.QueryOneOp(ctx, db, opCreate, newOpThing{ID: 9, Name: "bad\x00"}, argsNewOpThing, scanOpThing)
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 1 || de.Fields[0].Field != "name" {
		t.Fatalf("create, invalid input: %#v", err)
	}
	if v, err := runtime.QueryOneOp(ctx, db, opFind, int64(3), runtime.Arg, scanOpThing); err != nil || v.Name != "thing d" {
		t.Fatalf("find: %+v, %v", v, err)
	}
	_, err = runtime.QueryOneOp(ctx, db, opFind, int64(30), runtime.Arg, scanOpThing)
	if !errors.Is(err, runtime.ErrNotFound) || !errors.As(err, &de) || de.Op != "op_things.FindByID" {
		t.Fatalf("find a missing row: %#v", err)
	}
	items, err := runtime.QueryOp(ctx, db, opList, int64(1), runtime.Arg, scanOpThing, 0, int64(4))
	if err != nil || len(items) != 3 || items[0].ID != 1 || items[2].ID != 3 {
		t.Fatalf("list: %+v, %v", items, err)
	}
	if _, err := runtime.QueryOp(ctx, db, opList, "x", runtime.Arg, scanOpThing, 0, int64(4)); !errors.As(err, &de) || de.Op != "op_things.List" {
		t.Fatalf("list, bad argument: %#v", err)
	}
	v, created, err := runtime.CreateIfAbsentOp(ctx, db, opEnsure, newOpThing{ID: 99, Name: "thing a"}, argsNewOpThing, scanOpThing)
	if err != nil || created || v.ID != 0 {
		t.Fatalf("create if absent, present: %+v, %v, %v", v, created, err)
	}
	v, created, err = runtime.CreateIfAbsentOp(ctx, db, opEnsure, newOpThing{ID: 99, Name: "new"}, argsNewOpThing, scanOpThing)
	if err != nil || !created || v.ID != 99 {
		t.Fatalf("create if absent, absent: %+v, %v, %v", v, created, err)
	}
	if _, _, err := runtime.CreateIfAbsentOp(ctx, db, opEnsure, newOpThing{ID: 100}, argsNewOpThing, scanOpThing); !errors.As(err, &de) || de.Kind != runtime.KindValidation {
		t.Fatalf("create if absent, invalid: %#v", err)
	}
	all, err := runtime.AllOp(ctx, db, &runtime.Op{Name: "op_things.FindAll", Table: "op_things", SQL: `SELECT id, name FROM op_things ORDER BY id`}, scanOpThing, 0)
	if err != nil || len(all) != 6 || all[5].ID != 99 {
		t.Fatalf("all: %+v, %v", all, err)
	}
	if _, err := runtime.AllOp(ctx, db, &runtime.Op{Name: "op_things.FindAll", Table: "op_things", SQL: `SELECT id, name FROM op_things WHERE id = $1`}, scanOpThing, 0, "x"); !errors.As(err, &de) || de.Op != "op_things.FindAll" {
		t.Fatalf("all, bad argument: %#v", err)
	}
	count := &runtime.Op{Name: "op_things.Count", Table: "op_things", SQL: `SELECT count(*) FROM op_things WHERE id < $1`}
	if n, err := runtime.CountOp(ctx, db, count, int64(3)); n != 3 || err != nil {
		t.Fatalf("count: %d, %v", n, err)
	}
	if _, err := runtime.CountOp(ctx, db, count, "x"); !errors.As(err, &de) || de.Op != "op_things.Count" {
		t.Fatalf("count, bad argument: %#v", err)
	}
	tag, err := runtime.ExecOp(ctx, db, opDelete, int64(99), runtime.Arg)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("exec: %v, %v", tag, err)
	}
	if _, err := runtime.ExecOp(ctx, db, opDelete, "x", runtime.Arg); !errors.As(err, &de) || de.Op != "op_things.Delete" {
		t.Fatalf("exec, bad argument: %#v", err)
	}
	// An op that validates an input that cannot is a misuse, reported.
	odd := &runtime.Op{Name: "op_things.Odd", Table: "op_things", Validate: true, SQL: opFind.SQL}
	if _, err := runtime.QueryOneOp(ctx, db, odd, int64(1), runtime.Arg, scanOpThing); err == nil || !strings.Contains(err.Error(), "no Validate method") {
		t.Fatalf("validating an input without Validate: %v", err)
	}
}

// TestErrsWrap checks Errs.Wrap, which generated code calls as
// errs.Wrap: nil stays nil, and a nil Errs names no constraint.
func TestErrsWrap(t *testing.T) {
	var e *runtime.Errs
	if e.Wrap(nil, "a.B", "a") != nil || e.WrapParams(nil, "a.B", "a", nil) != nil {
		t.Fatal("nil error wrapped")
	}
	var de *runtime.DbError
	if err := e.Wrap(errors.New("boom"), "a.B", "a"); !errors.As(err, &de) || de.Op != "a.B" || de.SpecName != "" {
		t.Fatalf("wrap: %#v", err)
	}
}

// TestInsertManyOp runs InsertManyOp and ExecManyOp: rows inserted,
// none, an invalid row (nothing sent), a violated constraint.
func TestInsertManyOp(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, `CREATE TABLE op_things (id bigint PRIMARY KEY, name text NOT NULL UNIQUE)`)
	op := &runtime.Op{Name: "op_things.CreateManyReturning", Table: "op_things", Errs: opErrs, Validate: true, SQL: `INSERT INTO op_things (id, name)
SELECT u.id, u.name FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS u(id, name, ord) ORDER BY u.ord RETURNING id, name`}
	got, err := runtime.InsertManyOp(ctx, db, op, []newOpThing{{ID: 2, Name: "b"}, {ID: 1, Name: "a"}}, argsNewOpThing, scanOpThing)
	if err != nil || len(got) != 2 || got[0] != (opThing{2, "b"}) || got[1] != (opThing{1, "a"}) {
		t.Fatalf("insert: %+v, %v", got, err)
	}
	if got, err := runtime.InsertManyOp(ctx, db, op, nil, argsNewOpThing, scanOpThing); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("no rows: %#v, %v", got, err)
	}
	_, err = runtime.InsertManyOp(ctx, db, op, []newOpThing{{ID: 3, Name: "c"}, {ID: 4}}, argsNewOpThing, scanOpThing)
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || de.Op != op.Name || len(de.Fields) != 1 || de.Fields[0].Field != "[1].name" {
		t.Fatalf("invalid row: %#v", err)
	}
	_, err = runtime.InsertManyOp(ctx, db, op, []newOpThing{{ID: 5, Name: "a"}}, argsNewOpThing, scanOpThing)
	if !errors.As(err, &de) || de.SpecName != "name.unique" || de.Op != op.Name {
		t.Fatalf("taken: %#v", err)
	}

	// ExecManyOp: the same, counting the rows.
	exec := &runtime.Op{Name: "op_things.CreateMany", Table: "op_things", Errs: opErrs, Validate: true, SQL: `INSERT INTO op_things (id, name)
SELECT u.id, u.name FROM unnest($1::bigint[], $2::text[]) AS u(id, name)`}
	if n, err := runtime.ExecManyOp(ctx, db, exec, []newOpThing{{ID: 6, Name: "f"}, {ID: 7, Name: "g"}, {ID: 8, Name: "h"}}, argsNewOpThing); n != 3 || err != nil {
		t.Fatalf("exec many: %d, %v", n, err)
	}
	if n, err := runtime.ExecManyOp(ctx, db, exec, nil, argsNewOpThing); n != 0 || err != nil {
		t.Fatalf("exec many, no rows: %d, %v", n, err)
	}
	n, err := runtime.ExecManyOp(ctx, db, exec, []newOpThing{{ID: 9}, {ID: 10, Name: "j"}}, argsNewOpThing)
	if !errors.As(err, &de) || n != 0 || de.Kind != runtime.KindValidation || de.Op != exec.Name || len(de.Fields) != 1 || de.Fields[0].Field != "[0].name" {
		t.Fatalf("exec many, invalid row: %d, %#v", n, err)
	}
	n, err = runtime.ExecManyOp(ctx, db, exec, []newOpThing{{ID: 11, Name: "f"}}, argsNewOpThing)
	if !errors.As(err, &de) || n != 0 || de.SpecName != "name.unique" || de.Op != exec.Name {
		t.Fatalf("exec many, taken: %d, %#v", n, err)
	}
}

type opThingUpdate struct {
	Name runtime.Opt[string]
}

// Validate refuses an empty name when it is set.
func (u *opThingUpdate) Validate() error {
	if u.Name.Set && u.Name.Value == "" {
		return runtime.NewValidationError("", "op_things", []runtime.FieldError{{Field: "name", Message: "must not be empty"}})
	}
	return nil
}

func argsOpThingUpdate(u *opThingUpdate, d []any) []any { return append(d, u.Name.Arg()) }

func TestUpdateOneOp(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, `CREATE TABLE op_things (id bigint PRIMARY KEY, name text NOT NULL UNIQUE)`,
		`INSERT INTO op_things VALUES (1, 'a'), (2, 'b')`)
	q := &runtime.Update{Name: "op_things.Update", Keys: 1, Head: "UPDATE op_things\nSET ", Cols: []string{"name"},
		Tail: "\nWHERE id = $1\nRETURNING id, name",
		Op:   &runtime.Op{Name: "op_things.Update", Table: "op_things", Errs: opErrs, Validate: true, Params: []string{"id", "name"}}}
	v, err := runtime.UpdateOne(ctx, db, q, int64(1), runtime.Arg, opThingUpdate{Name: runtime.Set("c")}, argsOpThingUpdate, scanOpThing)
	if err != nil || v != (opThing{1, "c"}) {
		t.Fatalf("update: %+v, %v", v, err)
	}
	var de *runtime.DbError
	_, err = runtime.UpdateOne(ctx, db, q, int64(1), runtime.Arg, opThingUpdate{Name: runtime.Set("")}, argsOpThingUpdate, scanOpThing)
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || de.Op != "op_things.Update" || len(de.Fields) != 1 {
		t.Fatalf("update, invalid: %#v", err)
	}
	_, err = runtime.UpdateOne(ctx, db, q, int64(1), runtime.Arg, opThingUpdate{Name: runtime.Set("b")}, argsOpThingUpdate, scanOpThing)
	if !errors.As(err, &de) || de.SpecName != "name.unique" || de.Op != "op_things.Update" {
		t.Fatalf("update, taken: %#v", err)
	}
	_, err = runtime.UpdateOne(ctx, db, q, int64(1), runtime.Arg, opThingUpdate{Name: runtime.Set("x\x00")}, argsOpThingUpdate, scanOpThing)
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 1 || de.Fields[0].Field != "name" {
		t.Fatalf("update, invalid input: %#v", err)
	}
	_, err = runtime.UpdateOne(ctx, db, q, int64(9), runtime.Arg, opThingUpdate{Name: runtime.Set("z")}, argsOpThingUpdate, scanOpThing)
	if !errors.Is(err, runtime.ErrNotFound) || !errors.As(err, &de) || de.Op != "op_things.Update" {
		t.Fatalf("update, missing: %#v", err)
	}
}

// TestOpCallsReuseMemory: the calls of an Op reuse their memory (see
// getCall) without a call ever seeing another's input or row, from many
// goroutines at once, and a call allocates less than QueryOne, whose
// memory is its own.
func TestOpCallsReuseMemory(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, `CREATE TABLE op_things (id bigint PRIMARY KEY, name text NOT NULL UNIQUE CHECK (name <> 'bad'));
		INSERT INTO op_things SELECT i, 'thing ' || i FROM generate_series(0, 99) i`)
	find := &runtime.Op{Name: "op_things.FindByID", Table: "op_things", Errs: opErrs, SQL: `SELECT id, name FROM op_things WHERE id = $1`}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 200 {
				id := int64((g*37 + i) % 120) // ids from 100 on have no row
				v, err := runtime.QueryOneOp(ctx, db, find, id, runtime.Arg, scanOpThing)
				switch {
				case id >= 100 && (!errors.Is(err, runtime.ErrNotFound) || v != (opThing{})):
					errs <- fmt.Errorf("id %d: %+v, %v; want no row", id, v, err)
					return
				case id < 100 && (err != nil || v != (opThing{id, fmt.Sprint("thing ", id)})):
					errs <- fmt.Errorf("id %d: %+v, %v", id, v, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	const sql = `SELECT id, name FROM op_things WHERE id = $1`
	own := testing.AllocsPerRun(200, func() {
		id := int64(7)
		if _, err := runtime.QueryOne(ctx, db, sql, id, runtime.Arg, scanOpThing); err != nil {
			t.Fatal(err)
		}
	})
	reused := testing.AllocsPerRun(200, func() {
		id := int64(7)
		if _, err := runtime.QueryOneOp(ctx, db, find, id, runtime.Arg, scanOpThing); err != nil {
			t.Fatal(err)
		}
	})
	if reused > own-1 {
		t.Errorf("QueryOneOp: %v allocations per call, QueryOne %v", reused, own)
	}
}
