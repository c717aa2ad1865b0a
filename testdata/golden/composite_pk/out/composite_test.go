package shopdb

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func TestCompositeKey(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	var skus []string
	for i := 0; i < 5; i++ {
		p, err := s.Products.Create(ctx, NewProduct{SKU: fmt.Sprintf("SKU-%d", i), Title: "p", Price: decimal.NewFromInt(int64(i))})
		if err != nil {
			t.Fatal(err)
		}
		skus = append(skus, p.SKU)
	}
	var orders []Order
	for i := 0; i < 3; i++ {
		o, err := s.Orders.Create(ctx, NewOrder{})
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, o)
		for _, sku := range skus {
			if _, err := s.OrderItems.Create(ctx, NewOrderItem{OrderID: o.ID, SKU: sku}); err != nil {
				t.Fatal(err)
			}
		}
	}
	it, err := s.OrderItems.FindByID(ctx, orders[1].ID, "SKU-3")
	if err != nil || it.Quantity != 1 || it.Note.Valid {
		t.Fatalf("find: %+v %v", it, err)
	}
	// Pages over a two-column key see every row once, in key order.
	var got []string
	after := ""
	for {
		page, err := s.OrderItems.List(ctx, runtime.PageArgs{After: after, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			got = append(got, fmt.Sprintf("%d/%s", it.OrderID, it.SKU))
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if len(got) != 15 {
		t.Fatalf("%d rows paged, want 15: %v", len(got), got)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1] >= got[i] {
			t.Fatalf("rows out of key order: %v", got)
		}
	}
	// The same pair twice is a conflict on the primary key.
	_, err = s.OrderItems.Create(ctx, NewOrderItem{OrderID: orders[0].ID, SKU: "SKU-0"})
	var dbErr *runtime.DbError
	if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindConflict || dbErr.Constraint != "order_items_pkey" {
		t.Fatalf("duplicate pair: %v", err)
	}
	// Deleting the order cascades to its items; a product in use cannot go.
	if ok, err := s.Orders.Delete(ctx, orders[0].ID); err != nil || !ok {
		t.Fatalf("delete order: %v %v", ok, err)
	}
	if n, err := s.OrderItems.Count(ctx); err != nil || n != 10 {
		t.Fatalf("items after cascade: %d %v", n, err)
	}
	if _, err := s.Products.Delete(ctx, "SKU-0"); !errors.Is(err, runtime.ErrForeignKey) {
		t.Fatalf("delete product in use: %v", err)
	}
	if _, err := s.OrderItems.Update(ctx, orders[1].ID, "SKU-0", OrderItemUpdate{Quantity: runtime.Set(int32(0))}); !errors.Is(err, runtime.ErrCheck) {
		t.Fatalf("quantity 0: %v", err)
	}
}

// TestSerialKey numbers rows of a serial-keyed table from its sequence:
// Create and CreateMany leave the key to it, and the rows read back
// under the keys it gave.
func TestSerialKey(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	a, err := s.LegacyNotes.Create(ctx, NewLegacyNote{Body: "first"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.LegacyNotes.Create(ctx, NewLegacyNote{Body: "second"})
	if err != nil || b.ID != a.ID+1 {
		t.Fatalf("second: %+v, %v (first %d)", b, err, a.ID)
	}
	if n, err := s.LegacyNotes.CreateMany(ctx, []NewLegacyNote{{Body: "x"}, {Body: "y"}}); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	all, err := s.LegacyNotes.FindAll(ctx)
	if err != nil || len(all) != 4 || all[3].ID != a.ID+3 || all[3].Body != "y" {
		t.Fatalf("FindAll: %+v, %v", all, err)
	}
	var seq string
	if err := db.QueryRow(ctx, `SELECT pg_get_serial_sequence('legacy_notes', 'id')`).Scan(&seq); err != nil || seq != "public.legacy_notes_id_seq" {
		t.Fatalf("sequence %q, %v", seq, err)
	}
}

// TestNullsNotDistinctKey: in a unique key with nulls_not_distinct, a
// second row whose key is NULL conflicts as equal values do; without a
// NULL, keys conflict as in any unique key.
func TestNullsNotDistinctKey(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	if _, err := s.Coupons.Create(ctx, NewCoupon{Code: "ALL10"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Coupons.Create(ctx, NewCoupon{Code: "ALL20"}); !errors.Is(err, ErrCouponRegionTaken) {
		t.Fatalf("second coupon without a region: %v", err)
	}
	eu := runtime.NullOf("eu")
	if _, err := s.Coupons.Create(ctx, NewCoupon{Code: "EU10", Region: eu}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Coupons.Create(ctx, NewCoupon{Code: "EU20", Region: eu}); !errors.Is(err, ErrCouponRegionTaken) {
		t.Fatalf("second coupon of a region: %v", err)
	}
}
