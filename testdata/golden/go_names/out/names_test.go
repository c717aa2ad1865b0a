package gonames

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// TestOverriddenNames runs the methods of a table named store (row type
// Shop through go_name:) on a Store named Database, a column whose Go name
// is overridden, an enum renamed in Go, and the plural loaders of a
// singular table.
func TestOverriddenNames(t *testing.T) {
	ctx := context.Background()
	conn := pgtest.Open(t)
	db := NewDatabase(conn)
	legacy := "http://old.example"
	shop, err := db.Shops.Create(ctx, NewShop{Name: "Main St", LegacyURL: runtime.NullOf(legacy)})
	if err != nil {
		t.Fatal(err)
	}
	if shop.Status != ShopStatusOpen || shop.URL.Valid || !shop.LegacyURL.Valid || shop.LegacyURL.V != legacy {
		t.Fatalf("created %+v", shop)
	}
	shop, err = db.Shops.Update(ctx, shop.ID, ShopUpdate{Status: runtime.Set(ShopStatusClosed), LegacyURL: runtime.SetNull[string]()})
	if err != nil || shop.Status != ShopStatusClosed || shop.LegacyURL.Valid {
		t.Fatalf("updated %+v, %v", shop, err)
	}
	for _, sku := range []string{"a", "b"} {
		if _, err := db.StoreItems.Create(ctx, NewStoreItem{StoreID: shop.ID, SKU: sku}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Tx.Create(ctx, NewTx{StoreID: shop.ID, Amount: decimal.RequireFromString("9.99")}); err != nil {
		t.Fatal(err)
	}
	items, err := db.Shops.LoadStoreItems(ctx, []Shop{shop})
	if err != nil || len(items[shop.ID]) != 2 {
		t.Fatalf("LoadStoreItems: %v, %v", items, err)
	}
	txs, err := db.Shops.LoadTxes(ctx, []Shop{shop})
	if err != nil || len(txs[shop.ID]) != 1 || !txs[shop.ID][0].Amount.Equal(decimal.RequireFromString("9.99")) {
		t.Fatalf("LoadTxes: %v, %v", txs, err)
	}
	err = db.InTx(ctx, func(tx *Database) error {
		_, err := tx.Shops.Delete(ctx, shop.ID)
		return err
	})
	if !runtimeIsForeignKey(err) {
		t.Fatalf("deleting a shop its transactions reference: %v", err)
	}
	var comment string
	if err := conn.QueryRow(ctx, `SELECT obj_description('store_status'::regtype, 'pg_type')`).Scan(&comment); err != nil || comment != "Whether a store takes orders." {
		t.Fatalf("enum comment %q, %v", comment, err)
	}
}

func runtimeIsForeignKey(err error) bool {
	var e *runtime.DbError
	return errors.As(err, &e) && e.Kind == runtime.KindForeignKey
}
