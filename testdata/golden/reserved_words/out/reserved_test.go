package reserved

import (
	"context"
	"errors"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// TestEveryMethodWithReservedNames runs each generated method on tables and
// columns named after SQL reserved words and Go keywords.
func TestEveryMethodWithReservedNames(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u, err := s.User.Create(ctx, NewUser{ID: 1, Select: "select * from \"user\"; --"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Type != SelectFrom || u.Default || u.From.Valid {
		t.Fatalf("defaults: %+v", u)
	}
	u, err = s.User.Update(ctx, 1, UserUpdate{Type: runtime.Set(SelectGroupBy), Default: runtime.Set(true)})
	if err != nil || u.Type != SelectGroupBy || !u.Default {
		t.Fatalf("update: %+v %v", u, err)
	}
	uid := u.ID
	o, err := s.Order.Create(ctx, NewOrder{Type: "t", Func: 2, User: runtime.NullOf(uid)})
	if err != nil {
		t.Fatal(err)
	}
	if o.Limit != 10 || o.Group == nil || len(o.Group) != 0 {
		t.Fatalf("order defaults: %+v", o)
	}
	if _, err := s.Order.FindByID(ctx, "t", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Order.Update(ctx, "t", 2, OrderUpdate{Group: runtime.Set([]string{"by", "having"})}); err != nil {
		t.Fatal(err)
	}
	page, err := s.Order.List(ctx, runtime.PageArgs{Limit: 1})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("list: %v %v", page, err)
	}
	all, err := s.User.FindAll(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("findall: %v %v", all, err)
	}
	for _, err := range s.Order.Stream(ctx) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.Order.Count(ctx); err != nil || n != 1 {
		t.Fatalf("count: %d %v", n, err)
	}
	// ON DELETE SET NULL through a column named "user".
	if ok, err := s.User.Delete(ctx, 1); err != nil || !ok {
		t.Fatalf("delete: %v %v", ok, err)
	}
	o, err = s.Order.FindByID(ctx, "t", 2)
	if err != nil || o.User.Valid {
		t.Fatalf("after deleting the user: %+v %v", o, err)
	}
	if ok, err := s.Order.Delete(ctx, "t", 2); err != nil || !ok {
		t.Fatalf("delete order: %v %v", ok, err)
	}
	if _, err := s.Order.FindByID(ctx, "t", 2); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("deleted order: %v", err)
	}
}
