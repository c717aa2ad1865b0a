package edgedb

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// dbErr returns err as a *runtime.DbError, failing the test otherwise.
func dbErr(t *testing.T, err error) *runtime.DbError {
	t.Helper()
	var de *runtime.DbError
	if !errors.As(err, &de) {
		t.Fatalf("want a *runtime.DbError, got %T: %v", err, err)
	}
	return de
}

// wantInvalid checks that err is a Validation error of op naming field
// (first) with a message containing msg.
func wantInvalid(t *testing.T, err error, op, field, msg string) {
	t.Helper()
	de := dbErr(t, err)
	if de.Kind != runtime.KindValidation || !errors.Is(err, runtime.ErrValidation) || de.Op != op ||
		len(de.Fields) == 0 || de.Fields[0].Field != field || !strings.Contains(de.Fields[0].Message, msg) {
		t.Fatalf("want %s: validation of %q (%q), got kind %v op %q fields %+v: %v", op, field, msg, de.Kind, de.Op, de.Fields, err)
	}
}

func newProduct(sku string) NewProduct {
	return NewProduct{SKU: sku, Name: "thing " + sku, Price: decimal.RequireFromString("9.99")}
}

// Item 1: deleting a referenced parent matches the sentinel of the
// foreign key that refuses it, with the server's table kept apart from
// the operation's; inserting a child of a missing parent matches the
// other sentinel.
func TestDeleteReferencedParent(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	must[Warehouse](t)(s.Warehouses.Create(ctx, NewWarehouse{Code: "DEL", Name: "to delete"}))
	p := must[Product](t)(s.Products.Create(ctx, newProduct("A-1")))
	must[Stock](t)(s.Stock.Create(ctx, NewStock{WarehouseCode: "DEL", ProductID: p.ID, Qty: 3}))

	_, err := s.Warehouses.Delete(ctx, "DEL")
	de := dbErr(t, err)
	if !errors.Is(err, ErrWarehouseReferencedByStock) || !errors.Is(err, runtime.ErrReferenced) || errors.Is(err, ErrStockWarehouseCodeNotFound) ||
		de.Kind != runtime.KindForeignKey || de.FK != runtime.FKReferenced ||
		de.Table != "stock" || de.OpTable != "warehouses" || de.Op != "warehouses.Delete" {
		t.Fatalf("delete of a referenced warehouse: %+v", de)
	}
	_, err = s.Stock.Create(ctx, NewStock{WarehouseCode: "NONE", ProductID: p.ID, Qty: 1})
	if !errors.Is(err, ErrStockWarehouseCodeNotFound) || errors.Is(err, ErrWarehouseReferencedByStock) {
		t.Fatalf("insert of a stock row of a missing warehouse: %v", err)
	}
}

// Item 2: nil for a NOT NULL array column is refused by Validate in
// every method, before any SQL; an empty slice stores {}; an unset
// optional field takes the default.
func TestNilSliceOnNotNullArray(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))

	nilTags := newProduct("N-1")
	nilTags.Tags = runtime.Set[[]string](nil)
	_, err := s.Products.Create(ctx, nilTags)
	wantInvalid(t, err, "products.Create", "tags", runtime.MsgNotNull)
	_, err = s.Products.CreateMany(ctx, []NewProduct{newProduct("N-0"), nilTags})
	wantInvalid(t, err, "products.CreateMany", "[1].tags", runtime.MsgNotNull)
	_, err = s.Products.CreateManyReturning(ctx, []NewProduct{nilTags})
	wantInvalid(t, err, "products.CreateManyReturning", "[0].tags", runtime.MsgNotNull)
	_, err = s.Products.UpsertBySKU(ctx, nilTags)
	wantInvalid(t, err, "products.UpsertBySKU", "tags", runtime.MsgNotNull)
	_, _, err = s.Products.CreateIfAbsentBySKU(ctx, nilTags)
	wantInvalid(t, err, "products.CreateIfAbsentBySKU", "tags", runtime.MsgNotNull)
	if n := must[int64](t)(s.Products.Count(ctx)); n != 0 {
		t.Fatalf("%d rows written", n)
	}

	unset := must[Product](t)(s.Products.Create(ctx, newProduct("U-1")))
	if unset.Tags == nil || len(unset.Tags) != 0 {
		t.Fatalf("unset tags: %#v, want the default {} as an empty slice", unset.Tags)
	}
	withTags := newProduct("T-1")
	withTags.Tags = runtime.Set([]string{"a"})
	p := must[Product](t)(s.Products.Create(ctx, withTags))
	_, err = s.Products.Update(ctx, p.ID, ProductUpdate{Tags: runtime.Set[[]string](nil)})
	wantInvalid(t, err, "products.Update", "tags", runtime.MsgNotNull)
	p = must[Product](t)(s.Products.Update(ctx, p.ID, ProductUpdate{Tags: runtime.Set([]string{})}))
	if p.Tags == nil || len(p.Tags) != 0 {
		t.Fatalf("tags set to an empty slice: %#v", p.Tags)
	}
	n := must[int64](t)(s.Products.CreateMany(ctx, []NewProduct{
		{SKU: "M-1", Name: "m", Price: decimal.NewFromInt(1), Tags: runtime.Set([]string{})},
		{SKU: "M-2", Name: "m", Price: decimal.NewFromInt(1)},
	}))
	if n != 2 {
		t.Fatalf("CreateMany: %d", n)
	}
	for _, p := range must[[]Product](t)(s.Products.BySKUs(ctx, []string{"M-1", "M-2"})) {
		if p.Tags == nil || len(p.Tags) != 0 {
			t.Fatalf("%s: tags %#v", p.SKU, p.Tags)
		}
	}

	// A NOT NULL array without a default: nil is refused, {} stored.
	u := must[User](t)(s.Users.Create(ctx, NewUser{Email: "a@example.com"}))
	_, err = s.Orders.Create(ctx, NewOrder{UserID: u.ID, PlacedAt: time.Now()})
	wantInvalid(t, err, "orders.Create", "labels", runtime.MsgNotNull)
	o := must[Order](t)(s.Orders.Create(ctx, NewOrder{UserID: u.ID, PlacedAt: time.Now(), Labels: []string{}}))
	if o.Labels == nil || len(o.Labels) != 0 {
		t.Fatalf("labels: %#v", o.Labels)
	}
}

// Item 3: a char(n) value reads back as written, in every read and in
// JSON, and loaders answer the keys the caller passed.
func TestCharPadding(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	w := must[Warehouse](t)(s.Warehouses.Create(ctx, NewWarehouse{Code: "AB", Name: "a"}))
	if w.Code != "AB" {
		t.Fatalf("Create returned %q", w.Code)
	}
	for _, key := range []string{"AB", "AB  "} {
		if got := must[Warehouse](t)(s.Warehouses.FindByID(ctx, key)); got.Code != "AB" {
			t.Fatalf("FindByID(%q) = %q", key, got.Code)
		}
	}
	all := must[[]Warehouse](t)(s.Warehouses.FindAll(ctx))
	page := must[runtime.Page[Warehouse]](t)(s.Warehouses.List(ctx, runtime.PageArgs{}))
	if len(all) != 1 || all[0].Code != "AB" || len(page.Items) != 1 || page.Items[0].Code != "AB" {
		t.Fatalf("FindAll %+v, List %+v", all, page.Items)
	}
	if data := string(must[[]byte](t)(json.Marshal(w))); !strings.Contains(data, `"code":"AB"`) {
		t.Fatalf("JSON: %s", data)
	}
	w = must[Warehouse](t)(s.Warehouses.Update(ctx, "AB", WarehouseUpdate{Name: runtime.Set("b")}))
	if w.Code != "AB" {
		t.Fatalf("Update returned %q", w.Code)
	}
	if got, created, err := s.Warehouses.CreateIfAbsentByCode(ctx, NewWarehouse{Code: "AB  ", Name: "c"}); err != nil || created || got.Code != "AB" || got.Name != "b" {
		t.Fatalf("CreateIfAbsentByCode: %+v, %v, %v", got, created, err)
	}
	if got := must[Warehouse](t)(s.Warehouses.UpsertByCode(ctx, NewWarehouse{Code: "AB", Name: "d"})); got.Code != "AB" || got.Name != "d" {
		t.Fatalf("UpsertByCode: %+v", got)
	}

	p := must[Product](t)(s.Products.Create(ctx, newProduct("C-1")))
	st := must[Stock](t)(s.Stock.Create(ctx, NewStock{WarehouseCode: "AB", ProductID: p.ID, Qty: 1}))
	if st.WarehouseCode != "AB" {
		t.Fatalf("stock's code %q", st.WarehouseCode)
	}
	m := must[map[string][]Stock](t)(s.Stock.LoadByWarehouseCode(ctx, []string{"AB", "AB  "}))
	if len(m["AB"]) != 1 || len(m["AB  "]) != 1 || m["AB"][0].WarehouseCode != "AB" {
		t.Fatalf("LoadByWarehouseCode: %v", m)
	}
	byParent := must[map[string][]Stock](t)(s.Warehouses.LoadStocks(ctx, []Warehouse{w}))
	if len(byParent["AB"]) != 1 {
		t.Fatalf("LoadStocks: %v", byParent)
	}
	d := must[Deal](t)(s.Deals.Create(ctx, NewDeal{Amount: decimal.NewFromInt(1), Region: runtime.NullOf("EU")}))
	if !d.Region.Valid || d.Region.V != "EU" {
		t.Fatalf("nullable char(2): %v", d.Region)
	}
	d = must[Deal](t)(s.Deals.Update(ctx, d.ID, DealUpdate{Region: runtime.SetNullable("E")}))
	if !d.Region.Valid || d.Region.V != "E" {
		t.Fatalf("nullable char(2) updated: %q", d.Region.V)
	}
}

// Item 4: JSON null for a field of a NOT NULL column is refused, in the
// insert and update structs, Opt fields or not, naming the fields; it
// is never read as a zero value. For a nullable column it is NULL.
func TestJSONNull(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := must[User](t)(s.Users.Create(ctx, NewUser{Email: "j@example.com"}))

	var n NewOrder
	err := json.Unmarshal([]byte(`{"user_id": 1, "placed_at": null, "labels": [], "id": null, "note": null}`), &n)
	de := dbErr(t, err)
	if de.Kind != runtime.KindValidation || len(de.Fields) != 2 || de.Fields[0].Field != "placed_at" || de.Fields[1].Field != "id" {
		t.Fatalf("null placed_at and id: %v", err)
	}
	err = json.Unmarshal([]byte(`{"user_id": 1, "Placed_At": null, "labels": []}`), &n)
	wantInvalid(t, err, "", "placed_at", runtime.MsgNotNull)
	err = json.Unmarshal([]byte(`{"user_id": 1, "placed_at": "2024-05-01T10:00:00Z", "labels": null}`), &n)
	wantInvalid(t, err, "", "labels", runtime.MsgNotNull)

	body := `{"user_id": ` + strconv.FormatInt(u.ID, 10) + `, "placed_at": "2024-05-01T10:00:00Z", "labels": ["x"], "note": null, "text": "null"}`
	n = NewOrder{}
	if err := json.Unmarshal([]byte(body), &n); err != nil {
		t.Fatal(err)
	}
	if n.ID.Set || n.Status.Set || n.Note.Valid || n.PlacedAt.IsZero() {
		t.Fatalf("decoded %+v", n)
	}
	o := must[Order](t)(s.Orders.Create(ctx, n))

	var up OrderUpdate
	err = json.Unmarshal([]byte(`{"status": null}`), &up)
	wantInvalid(t, err, "", "status", runtime.MsgNotNull)
	if err := json.Unmarshal([]byte(`{"note": null, "labels": ["y"]}`), &up); err != nil {
		t.Fatal(err)
	}
	if !up.Note.Set || up.Note.Value.Valid || up.Status.Set {
		t.Fatalf("decoded update %+v", up)
	}
	note := "n"
	must[Order](t)(s.Orders.Update(ctx, o.ID, OrderUpdate{Note: runtime.SetNullable(note)}))
	o = must[Order](t)(s.Orders.Update(ctx, o.ID, up))
	if o.Note.Valid || len(o.Labels) != 1 || o.Status != OrderStatusPlaced {
		t.Fatalf("after the update: %+v", o)
	}

	// runtime.Opt on its own: null of a type without NULL is a type
	// error naming the field; of a pointer it is NULL.
	var v struct {
		At   runtime.Opt[time.Time] `json:"at"`
		Note runtime.Opt[*string]   `json:"note"`
	}
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal([]byte(`{"at": null}`), &v); !errors.As(err, &typeErr) || typeErr.Field != "at" {
		t.Fatalf("Opt[time.Time] null: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"note": null}`), &v); err != nil || !v.Note.Set || v.Note.Value != nil || v.At.Set {
		t.Fatalf("Opt[*string] null: %+v, %v", v, err)
	}
}

// Item 5: what a column's type cannot hold is refused by Validate
// before any SQL, naming the field (numeric(12,2) is not rounded);
// what Validate cannot see comes back from the server as a Validation
// error naming the field too.
func TestValidateTypeChecks(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := must[User](t)(s.Users.Create(ctx, NewUser{Email: "v@example.com"}))

	_, err := s.Deals.Create(ctx, NewDeal{Amount: decimal.RequireFromString("10.005")})
	wantInvalid(t, err, "deals.Create", "amount", "at most 2 digits after the decimal point")
	_, err = s.Deals.Create(ctx, NewDeal{Amount: decimal.RequireFromString("12345678901")})
	wantInvalid(t, err, "deals.Create", "amount", "at most 10 digits before the decimal point")
	_, err = s.Deals.Create(ctx, NewDeal{Amount: decimal.NewFromInt(1), Units: 1 << 40})
	wantInvalid(t, err, "deals.Create", "units", "between")
	_, err = s.Deals.Create(ctx, NewDeal{Amount: decimal.NewFromInt(1), Payload: json.RawMessage(`{"a":`)})
	wantInvalid(t, err, "deals.Create", "payload", "valid JSON")
	far := time.Date(5874898, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = s.Deals.Create(ctx, NewDeal{Amount: decimal.NewFromInt(1), ClosesOn: runtime.NullOf(far)})
	wantInvalid(t, err, "deals.Create", "closes_on", "between")
	_, err = s.Products.Create(ctx, NewProduct{SKU: "X", Name: "nul\x00byte", Price: decimal.NewFromInt(1)})
	wantInvalid(t, err, "products.Create", "name", "NUL")
	_, err = s.Products.Create(ctx, NewProduct{SKU: "X", Name: "bad \xff utf8", Price: decimal.NewFromInt(1)})
	wantInvalid(t, err, "products.Create", "name", "UTF-8")
	bad := newProduct("J")
	bad.Attrs = runtime.Set(json.RawMessage(`{"a": "\u0000"}`))
	_, err = s.Products.Create(ctx, bad)
	wantInvalid(t, err, "products.Create", "attrs", `\u0000`)
	_, err = s.Products.CreateMany(ctx, []NewProduct{newProduct("OK"), bad})
	wantInvalid(t, err, "products.CreateMany", "[1].attrs", `\u0000`)
	_, err = s.Orders.Create(ctx, NewOrder{UserID: u.ID, PlacedAt: time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), Labels: []string{"a\x00"}})
	de := dbErr(t, err)
	if len(de.Fields) != 2 || de.Fields[0].Field != "placed_at" || de.Fields[1].Field != "labels" {
		t.Fatalf("two fields: %v", err)
	}
	d := must[Deal](t)(s.Deals.Create(ctx, NewDeal{Amount: decimal.RequireFromString("10.5")}))
	_, err = s.Deals.Update(ctx, d.ID, DealUpdate{Amount: runtime.Set(decimal.RequireFromString("10.005"))})
	wantInvalid(t, err, "deals.Update", "amount", "decimal point")
	if got := must[Deal](t)(s.Deals.FindByID(ctx, d.ID)); !got.Amount.Equal(decimal.RequireFromString("10.5")) {
		t.Fatalf("amount changed to %s", got.Amount)
	}
	// The first failing check of a field is its only entry.
	_, err = s.Products.Create(ctx, NewProduct{SKU: strings.Repeat("\xff", 40), Name: "n", Price: decimal.NewFromInt(1)})
	de = dbErr(t, err)
	if len(de.Fields) != 1 || !strings.Contains(de.Fields[0].Message, "UTF-8") {
		t.Fatalf("one entry per field: %+v", de.Fields)
	}

	// An inverted range passes Validate (int4range has no check); the
	// server refuses the parameter, and the error names the field.
	span := pgtype.Range[int32]{Lower: 5, Upper: 1, LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true}
	_, err = s.Deals.Create(ctx, NewDeal{Amount: decimal.NewFromInt(1), Span: &span})
	wantInvalid(t, err, "deals.Create", "span", "range lower bound")
	_, err = s.Deals.Update(ctx, d.ID, DealUpdate{Span: runtime.Set(&span)})
	wantInvalid(t, err, "deals.Update", "span", "range lower bound")
}

// Item 6: a statement on a transaction whose rows are still open is a
// misuse, not a connection failure, and is not retried.
func TestConnBusyIsMisuse(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	for _, sku := range []string{"B-1", "B-2"} {
		must[Product](t)(s.Products.Create(ctx, newProduct(sku)))
	}
	runs := 0
	err := s.InTx(ctx, func(tx *Store) error {
		runs++
		for _, err := range tx.Products.Stream(ctx) {
			if err != nil {
				return err
			}
			if _, err := tx.Products.Count(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	de := dbErr(t, err)
	if de.Kind != runtime.KindMisuse || !errors.Is(err, runtime.ErrMisuse) || runtime.IsRetryable(err) || runs != 1 || de.Op != "products.Count" {
		t.Fatalf("conn busy: kind %v, op %q, runs %d: %v", de.Kind, de.Op, runs, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "Stream") || !strings.Contains(msg, "close them first") {
		t.Fatalf("the message does not say what was done wrong: %v", err)
	}
}

// Item 7: the operation of an error is the generated method, also when
// CreateMany runs a transaction of its own.
func TestOperationNames(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	must[Product](t)(s.Products.Create(ctx, newProduct("DUP")))
	tagged := newProduct("DUP")
	tagged.Tags = runtime.Set([]string{"x"})
	for _, rows := range [][]NewProduct{
		{newProduct("NEW"), newProduct("DUP")},
		{newProduct("NEW"), tagged},
	} {
		_, err := s.Products.CreateMany(ctx, rows)
		de := dbErr(t, err)
		if !errors.Is(err, ErrProductSKUTaken) || de.Op != "products.CreateMany" || !strings.HasPrefix(err.Error(), "products.CreateMany: ") {
			t.Fatalf("CreateMany: op %q: %v", de.Op, err)
		}
	}
}

// Item 8: every method returning rows returns an empty slice, not nil,
// when there are none (JSON []), and loaders an empty map.
func TestEmptyResults(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := must[User](t)(s.Users.Create(ctx, NewUser{Email: "e@example.com"}))
	check := func(name string, items []Product) {
		t.Helper()
		if items == nil {
			t.Errorf("%s returned nil", name)
		}
		if data := string(must[[]byte](t)(json.Marshal(items))); data != "[]" {
			t.Errorf("%s in JSON: %s", name, data)
		}
	}
	check("FindByIDs(nil)", must[[]Product](t)(s.Products.FindByIDs(ctx, nil)))
	check("FindByIDs(missing)", must[[]Product](t)(s.Products.FindByIDs(ctx, []int64{42})))
	check("FindAll", must[[]Product](t)(s.Products.FindAll(ctx)))
	check("CreateManyReturning(nil)", must[[]Product](t)(s.Products.CreateManyReturning(ctx, nil)))
	check("BySKUs(nil)", must[[]Product](t)(s.Products.BySKUs(ctx, nil)))
	check("BySKUs(missing)", must[[]Product](t)(s.Products.BySKUs(ctx, []string{"none"})))
	check("Named", must[runtime.Page[Product]](t)(s.Products.Named(ctx, NamedParams{Names: runtime.Set([]string{})}, runtime.PageArgs{})).Items)
	check("List", must[runtime.Page[Product]](t)(s.Products.List(ctx, runtime.PageArgs{})).Items)
	if lines := must[[]OrderLine](t)(s.OrderLines.ListByProductID(ctx, 42)); lines == nil {
		t.Error("ListByProductID returned nil")
	}
	if users := must[[]User](t)(s.Users.CreateManyReturning(ctx, []NewUser{})); users == nil {
		t.Error("CreateManyReturning of no rows returned nil")
	}
	if m := must[map[int64][]Order](t)(s.Users.LoadOrders(ctx, []User{u})); m == nil || len(m) != 0 {
		t.Errorf("LoadOrders: %v", m)
	}
	if m := must[map[int64][]Order](t)(s.Orders.LoadByUserID(ctx, nil)); m == nil {
		t.Error("LoadByUserID(nil) returned nil")
	}
}

// Item 9: no page size overflows, in List and in a keyset query: a
// limit beyond the maximum page size is refused before any SQL.
func TestPageSizeOverflow(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	must[Product](t)(s.Products.Create(ctx, newProduct("P-1")))
	_, err := s.Products.List(ctx, runtime.PageArgs{Limit: math.MaxInt})
	wantInvalid(t, err, "products.List", "limit", "at most")
	_, err = s.Products.Named(ctx, NamedParams{}, runtime.PageArgs{Limit: math.MaxInt})
	wantInvalid(t, err, "products.Named", "limit", "at most")
	for _, limit := range []int{-1, math.MinInt} {
		_, err = s.Products.List(ctx, runtime.PageArgs{Limit: limit})
		wantInvalid(t, err, "products.List", "limit", "")
		_, err = s.Products.Named(ctx, NamedParams{}, runtime.PageArgs{Limit: limit})
		wantInvalid(t, err, "products.Named", "limit", "")
	}
	page := must[runtime.Page[Product]](t)(s.Products.Named(ctx, NamedParams{}, runtime.PageArgs{Limit: must[int](t)(runtime.MaxPageSizeOf(s.DB()))}))
	if len(page.Items) != 1 {
		t.Fatalf("%d items", len(page.Items))
	}
}

// Item 10: loaders of many rows are named in the plural, the parameter
// of an in query in the plural, and InTx takes no options (InTxWith
// does). The calls compile; the source says the parameter's name.
func TestNames(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := must[User](t)(s.Users.Create(ctx, NewUser{Email: "n@example.com"}))
	p := must[Product](t)(s.Products.Create(ctx, newProduct("S-1")))
	err := s.InTxWith(ctx, runtime.TxOptions{Isolation: pgx.Serializable}, func(tx *Store) error {
		o, err := tx.Orders.Create(ctx, NewOrder{UserID: u.ID, PlacedAt: time.Now(), Labels: []string{}})
		if err != nil {
			return err
		}
		_, err = tx.OrderLines.Create(ctx, NewOrderLine{OrderID: o.ID, ProductID: p.ID, Qty: 2})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	orders := must[map[int64][]Order](t)(s.Users.LoadOrders(ctx, []User{u}))
	lines := must[map[int64][]OrderLine](t)(s.Products.LoadOrderLines(ctx, []Product{p}))
	if len(orders[u.ID]) != 1 || len(lines[p.ID]) != 1 {
		t.Fatalf("LoadOrders %v, LoadOrderLines %v", orders, lines)
	}
	src := string(must[[]byte](t)(os.ReadFile("products.gen.go")))
	if !strings.Contains(src, "BySKUs(ctx context.Context, skus []string)") {
		t.Error("the parameter of BySKUs is not named skus")
	}
}

// Item 13: the docs page keeps numeric(12,2) in the ER diagram and lists
// each table's methods and error sentinels.
func TestDocsPage(t *testing.T) {
	page := string(must[[]byte](t)(os.ReadFile("../docs/edgedb.md")))
	diagram := page[strings.Index(page, "erDiagram"):]
	diagram = diagram[:strings.Index(diagram, "```")]
	for _, want := range []string{`numeric price "numeric(12,2)"`, `numeric amount "numeric(12,2)"`} {
		if !strings.Contains(diagram, want) {
			t.Errorf("the ER diagram lacks %s", want)
		}
	}
	for _, want := range []string{
		"Methods of `ProductRepo`: `Create`, `FindByID`",
		"`BySKUs`, `Named`.",
		"| `ErrWarehouseReferencedByStock` | ForeignKey | a delete or key change of a row that rows of [stock](#stock) still reference (`stock_warehouse_code_fkey`) |",
		"| `ErrStockWarehouseCodeNotFound` | ForeignKey |",
		"| `ErrProductSKUTaken` | Conflict |",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the docs page lacks %q", want)
		}
	}
}

// BenchmarkValidate measures Validate of an insert struct with text,
// text[], jsonb and numeric(12,2) columns: what every Create pays before
// its round trip.
func BenchmarkValidate(b *testing.B) {
	n := NewProduct{SKU: "SKU-12345", Name: "a reasonably named product", Price: decimal.RequireFromString("1234.56"),
		Tags: runtime.Set([]string{"red", "large"}), Attrs: runtime.Set(json.RawMessage(`{"color": "red", "size": 42}`))}
	b.ReportAllocs()
	for b.Loop() {
		if err := n.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEmptyEnumLabel writes and reads the empty label of enum tier,
// which PostgreSQL allows: its Go constant is TierEmpty, the column's
// default; Validate accepts it and refuses a label the enum lacks; COPY
// and the batch insert send it as they send the others. Two labels that
// differ only in punctuation have two constants.
func TestEmptyEnumLabel(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	u := must[User](t)(s.Users.Create(ctx, NewUser{Email: "e@example.com"}))
	if u.Tier != TierEmpty || !TierEmpty.Valid() || len(TierValues()) != 5 {
		t.Fatalf("default tier %q; TierEmpty valid: %v", u.Tier, TierEmpty.Valid())
	}
	// "pro plus" has pro_plus's name, and its position too.
	u = must[User](t)(s.Users.Update(ctx, u.ID, UserUpdate{Tier: runtime.Set(TierProPlusValue5)}))
	if u.Tier != "pro plus" || TierProPlus != "pro_plus" {
		t.Fatalf("tier after Update to TierProPlusValue5: %q", u.Tier)
	}
	u = must[User](t)(s.Users.Update(ctx, u.ID, UserUpdate{Tier: runtime.Set(TierPro)}))
	u = must[User](t)(s.Users.Update(ctx, u.ID, UserUpdate{Tier: runtime.Set(TierEmpty)}))
	if u.Tier != TierEmpty {
		t.Fatalf("tier after Update to the empty label: %q", u.Tier)
	}
	rows := []NewUser{{Email: "f@example.com", Tier: runtime.Set(TierEmpty)}, {Email: "g@example.com", Tier: runtime.Set(TierTeam)}}
	if n := must[int64](t)(s.Users.CreateMany(ctx, rows)); n != 2 {
		t.Fatalf("CreateMany: %d rows", n)
	}
	rows[0].Email, rows[1].Email = "h@example.com", "i@example.com"
	got := must[[]User](t)(s.Users.CreateManyReturning(ctx, rows))
	if len(got) != 2 || got[0].Tier != TierEmpty || got[1].Tier != TierTeam {
		t.Fatalf("CreateManyReturning: %+v", got)
	}
	var empty int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM users WHERE tier = ''`).Scan(&empty); err != nil || empty != 3 {
		t.Fatalf("rows of the empty tier: %d, %v", empty, err)
	}
	_, err := s.Users.Create(ctx, NewUser{Email: "j@example.com", Tier: runtime.Set(Tier("gold"))})
	if !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("a label the enum lacks: %v", err)
	}
}

// A table whose name PostgreSQL cuts for its primary key's (longer than
// 58 bytes): a second row with the key matches the key's sentinel, whose
// constraint is the name PostgreSQL gave it, and the database has it.
func TestLongTableNameKey(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	r := s.InventoryAdjustmentApprovalRequestsByWarehouseAndRegion
	must[InventoryAdjustmentApprovalRequestsByWarehouseAndRegion](t)(r.Create(ctx, NewInventoryAdjustmentApprovalRequestsByWarehouseAndRegion{ID: 1, Note: "a"}))
	_, err := r.Create(ctx, NewInventoryAdjustmentApprovalRequestsByWarehouseAndRegion{ID: 1, Note: "b"})
	if !errors.Is(err, ErrInventoryAdjustmentApprovalRequestsByWarehouseAndRegionIDTaken) {
		t.Fatalf("second row with id 1: %v", err)
	}
	var name string
	if err := db.QueryRow(ctx, `SELECT conname FROM pg_constraint WHERE conrelid = 'inventory_adjustment_approval_requests_by_warehouse_and_region'::regclass AND contype = 'p'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != ErrInventoryAdjustmentApprovalRequestsByWarehouseAndRegionIDTaken.Constraint {
		t.Errorf("the key is %q, the sentinel's %q", name, ErrInventoryAdjustmentApprovalRequestsByWarehouseAndRegionIDTaken.Constraint)
	}
}
