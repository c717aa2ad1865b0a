package runtime_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/cpcgen/cpcgen/runtime"
)

// TestKeysetPage pages through a tenant's rows with a static Keyset as
// generated code declares it: every row once, in order; the cursor is
// the method's and the tenant's; statements passed in the call replace
// the descriptor's; errors name the Op.
func TestKeysetPage(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, pageSchema)
	a, b := uuid.New(), uuid.New()
	if _, err := db.Exec(ctx, `INSERT INTO items SELECT g, CASE WHEN g % 3 = 0 THEN $2::uuid ELSE $1::uuid END, 'user' || (g % 7) || '@example.com' FROM generate_series(1, 50) g`, a, b); err != nil {
		t.Fatal(err)
	}
	var want int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM items WHERE tenant = $1`, a).Scan(&want); err != nil {
		t.Fatal(err)
	}
	list := func(page runtime.PageArgs, call runtime.PageCall) (runtime.Page[pageItem], error) {
		var email string
		var id int64
		return itemsList.Page(ctx, db, page, call, &email, &id)
	}
	var seen []pageItem
	page := runtime.PageArgs{Limit: 6}
	for pages := 0; ; pages++ {
		if pages > want {
			t.Fatal("the pages do not end")
		}
		p, err := list(page, runtime.PageCall{Tenant: a, Args: []any{a}})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) > 6 || (p.Next != "" && len(p.Items) != 6) {
			t.Fatalf("page %d: %d rows, next %q", pages, len(p.Items), p.Next)
		}
		seen = append(seen, p.Items...)
		if p.Next == "" {
			break
		}
		page.After = p.Next
	}
	if len(seen) != want {
		t.Fatalf("%d rows, want %d", len(seen), want)
	}
	for i, v := range seen {
		if v.Tenant != a || (i > 0 && (v.Email < seen[i-1].Email || v.Email == seen[i-1].Email && v.ID <= seen[i-1].ID)) {
			t.Fatalf("row %d out of order or of another tenant: %+v after %+v", i, v, seen[i-1])
		}
	}

	first, err := list(runtime.PageArgs{Limit: 2}, runtime.PageCall{Tenant: a, Args: []any{a}})
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, %v", first, err)
	}
	// A cursor is sealed for the tenant: another's call refuses it,
	// naming the Op.
	var de *runtime.DbError
	_, err = list(runtime.PageArgs{Limit: 2, After: first.Next}, runtime.PageCall{Tenant: b, Args: []any{b}})
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || de.Op != "items.List" || de.OpTable != "items" {
		t.Fatalf("another tenant's cursor: %v", err)
	}
	if _, err := list(runtime.PageArgs{Limit: -1}, runtime.PageCall{Tenant: a, Args: []any{a}}); !errors.As(err, &de) || de.Op != "items.List" {
		t.Fatalf("a negative limit: %v", err)
	}

	// The call's statements replace the descriptor's: here, the rows
	// of every tenant after the limit's parameter, in the Tail.
	const first2 = `SELECT id, tenant, email FROM items ORDER BY email, id LIMIT $1 OFFSET $2`
	const after2 = `SELECT id, tenant, email FROM items WHERE (email, id) > ($1, $2) ORDER BY email, id LIMIT $3 OFFSET $4`
	p, err := list(runtime.PageArgs{Limit: 3}, runtime.PageCall{First: first2, After: after2, Tail: []any{1}})
	if err != nil || len(p.Items) != 3 || p.Next == "" {
		t.Fatalf("the call's statements: %v, %v", p, err)
	}
	p2, err := list(runtime.PageArgs{Limit: 3, After: p.Next}, runtime.PageCall{First: first2, After: after2, Tail: []any{0}})
	if err != nil || len(p2.Items) != 3 || p2.Items[0].Email < p.Items[2].Email {
		t.Fatalf("the call's statements, after a cursor: %v, %v", p2, err)
	}

	// A statement's error comes back wrapped for the Op.
	broken := &runtime.Keyset[pageItem]{
		Op:    &runtime.Op{Name: "items.Broken", Table: "items"},
		First: `SELECT id, tenant, email FROM no_such_table LIMIT $1`,
		Scan:  scanItem,
		Key:   func(v *pageItem) []any { return []any{v.ID} },
	}
	var id int64
	if _, err := broken.Page(ctx, db, runtime.PageArgs{}, runtime.PageCall{}, &id); !errors.As(err, &de) || de.Op != "items.Broken" || de.OpTable != "items" {
		t.Fatalf("statement error: %v", err)
	}
}
