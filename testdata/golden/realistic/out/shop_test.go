package shopdb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// seed creates an organization with one user and a customer.
func seed(t *testing.T, ctx context.Context, s *Store) (Organization, User, Customer) {
	t.Helper()
	plan, err := s.Plans.Create(ctx, NewPlan{Code: "pro", Name: "Pro", Price: decimal.RequireFromString("49.00")})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if plan.Currency != "EUR" || plan.Interval != BillingIntervalMonth || plan.SeatsIncluded != 1 || string(plan.Features) != "[]" {
		t.Fatalf("plan defaults: %+v", plan)
	}
	org, err := s.Organizations.Create(ctx, NewOrganization{Slug: "acme", Name: "Acme", PlanID: runtime.NullOf(plan.ID)})
	if err != nil {
		t.Fatalf("organization: %v", err)
	}
	user, err := s.Users.Create(ctx, NewUser{Email: "ada@example.com", DisplayName: "Ada"})
	if err != nil {
		t.Fatalf("user: %v", err)
	}
	if user.Locale != "en" || user.CreatedAt.IsZero() || !user.CreatedAt.Equal(user.UpdatedAt) {
		t.Fatalf("user defaults: %+v", user)
	}
	if _, err := s.Memberships.Create(ctx, NewMembership{OrganizationID: org.ID, UserID: user.ID, Role: runtime.Set(MemberRoleOwner)}); err != nil {
		t.Fatalf("membership: %v", err)
	}
	cust, err := s.Customers.Create(ctx, NewCustomer{OrganizationID: org.ID, Email: "Bob@Example.com", Name: "Bob"})
	if err != nil {
		t.Fatalf("customer: %v", err)
	}
	return org, user, cust
}

func TestOrderFlow(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	_, _, cust := seed(t, ctx, s)

	wh, err := s.Warehouses.Create(ctx, NewWarehouse{Code: "BER1", Name: "Berlin", Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	prod, err := s.Products.Create(ctx, NewProduct{Name: "Mug", Tags: runtime.Set([]string{"kitchen", "gift"})})
	if err != nil {
		t.Fatal(err)
	}
	variant, err := s.ProductVariants.Create(ctx, NewProductVariant{ProductID: prod.ID, SKU: "MUG-1", Price: decimal.RequireFromString("12.50")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Inventory.Create(ctx, NewInventory{WarehouseID: wh.ID, VariantID: variant.ID, OnHand: runtime.Set(int32(10))}); err != nil {
		t.Fatal(err)
	}

	// Place an order in one transaction: order, lines, stock reservation.
	var order Order
	err = s.InTx(ctx, func(tx *Store) error {
		var err error
		order, err = tx.Orders.Create(ctx, NewOrder{CustomerID: cust.ID, Currency: "EUR"})
		if err != nil {
			return err
		}
		if _, err := tx.OrderLines.Create(ctx, NewOrderLine{OrderID: order.ID, LineNo: 1, VariantID: variant.ID, Quantity: 3, UnitPrice: variant.Price}); err != nil {
			return err
		}
		if _, err := tx.Inventory.Update(ctx, wh.ID, variant.ID, InventoryUpdate{Reserved: runtime.Set(int32(3))}); err != nil {
			return err
		}
		now := time.Now()
		order, err = tx.Orders.Update(ctx, order.ID, OrderUpdate{
			Status: runtime.Set(OrderStatusPlaced), Total: runtime.Set(decimal.RequireFromString("37.50")), PlacedAt: runtime.SetNullable(now),
		})
		return err
	})
	if err != nil {
		t.Fatalf("place order: %v", err)
	}
	if order.Status != OrderStatusPlaced || !order.Total.Equal(decimal.RequireFromString("37.5")) || !order.PlacedAt.Valid {
		t.Fatalf("order after placing: %+v", order)
	}
	if !order.UpdatedAt.After(order.CreatedAt) && !order.UpdatedAt.Equal(order.CreatedAt) {
		t.Fatalf("updated_at %v before created_at %v", order.UpdatedAt, order.CreatedAt)
	}
	line, err := s.OrderLines.FindByID(ctx, order.ID, 1)
	if err != nil || line.Quantity != 3 {
		t.Fatalf("order line: %+v, %v", line, err)
	}

	// A failing transaction leaves nothing behind.
	err = s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.OrderLines.Create(ctx, NewOrderLine{OrderID: order.ID, LineNo: 2, VariantID: variant.ID, Quantity: 1, UnitPrice: variant.Price}); err != nil {
			return err
		}
		_, err := tx.Inventory.Update(ctx, wh.ID, variant.ID, InventoryUpdate{OnHand: runtime.Set(int32(-1))})
		return err
	})
	if !errors.Is(err, runtime.ErrCheck) {
		t.Fatalf("negative stock: %v, want a check violation", err)
	}
	if _, err := s.OrderLines.FindByID(ctx, order.ID, 2); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("line of the rolled-back transaction: %v", err)
	}
}

func TestConstraintErrors(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	org, user, _ := seed(t, ctx, s)

	_, err := s.Users.Create(ctx, NewUser{Email: "ada@example.com", DisplayName: "Ada again"})
	var dbErr *runtime.DbError
	if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindConflict || dbErr.Constraint != "users_email_key" || dbErr.Op != "users.Create" {
		t.Fatalf("duplicate email: %#v", err)
	}
	// The expression index makes emails unique per organization, ignoring case.
	_, err = s.Customers.Create(ctx, NewCustomer{OrganizationID: org.ID, Email: "BOB@example.COM", Name: "Bob 2"})
	if !errors.As(err, &dbErr) || dbErr.Constraint != "customers_org_email_key" {
		t.Fatalf("case-insensitive duplicate: %v", err)
	}
	_, err = s.Memberships.Create(ctx, NewMembership{OrganizationID: uuid.New(), UserID: user.ID})
	if !errors.Is(err, runtime.ErrForeignKey) || !errors.As(err, &dbErr) || dbErr.Constraint != "memberships_organization_id_fkey" {
		t.Fatalf("unknown organization: %v", err)
	}
	_, err = s.Organizations.Create(ctx, NewOrganization{Slug: "Not A Slug", Name: "x"})
	if !errors.Is(err, runtime.ErrCheck) || !errors.As(err, &dbErr) || dbErr.Constraint != "organizations_slug_check" {
		t.Fatalf("bad slug: %v", err)
	}
	now := time.Now()
	_, err = s.Subscriptions.Create(ctx, NewSubscription{OrganizationID: org.ID, PlanID: mustOrg(t, s, org.ID).PlanID.V,
		CurrentPeriodStart: now, CurrentPeriodEnd: now.Add(-time.Hour)})
	if !errors.As(err, &dbErr) || dbErr.Constraint != "subscriptions_period_order" {
		t.Fatalf("period order: %v", err)
	}
	// Deleting a user cascades to memberships; the set-null FK clears the inviter.
	other, err := s.Users.Create(ctx, NewUser{Email: "eve@example.com", DisplayName: "Eve"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Memberships.Create(ctx, NewMembership{OrganizationID: org.ID, UserID: other.ID, InvitedBy: runtime.NullOf(user.ID)})
	if err != nil || m.Role != MemberRoleMember {
		t.Fatalf("membership: %+v %v", m, err)
	}
	if ok, err := s.Users.Delete(ctx, user.ID); err != nil || !ok {
		t.Fatalf("delete user: %v %v", ok, err)
	}
	m, err = s.Memberships.FindByID(ctx, org.ID, other.ID)
	if err != nil || m.InvitedBy.Valid {
		t.Fatalf("inviter after delete: %+v %v", m, err)
	}
	if _, err := s.Memberships.FindByID(ctx, org.ID, user.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("cascaded membership: %v", err)
	}
}

func mustOrg(t *testing.T, s *Store, id uuid.UUID) Organization {
	t.Helper()
	o, err := s.Organizations.FindByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestEveryTableCounts touches each repository once, so that every
// generated statement of the 33 tables is prepared by the server at least
// for Count and FindAll.
func TestEveryTableCounts(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	seed(t, ctx, s)
	counts := map[string]func(context.Context) (int64, error){
		"organizations": s.Organizations.Count, "users": s.Users.Count, "memberships": s.Memberships.Count,
		"api_keys": s.APIKeys.Count, "sessions": s.Sessions.Count, "addresses": s.Addresses.Count,
		"plans": s.Plans.Count, "subscriptions": s.Subscriptions.Count, "coupons": s.Coupons.Count,
		"invoices": s.Invoices.Count, "invoice_lines": s.InvoiceLines.Count, "payments": s.Payments.Count,
		"refunds": s.Refunds.Count, "categories": s.Categories.Count, "products": s.Products.Count,
		"product_variants": s.ProductVariants.Count, "warehouses": s.Warehouses.Count, "inventory": s.Inventory.Count,
		"price_history": s.PriceHistory.Count, "reviews": s.Reviews.Count, "customers": s.Customers.Count,
		"orders": s.Orders.Count, "order_lines": s.OrderLines.Count, "shipments": s.Shipments.Count,
		"shipment_items": s.ShipmentItems.Count, "carts": s.Carts.Count, "returns": s.Returns.Count,
		"webhooks": s.Webhooks.Count, "webhook_deliveries": s.WebhookDeliveries.Count,
		"notifications": s.Notifications.Count, "jobs": s.Jobs.Count, "feature_flags": s.FeatureFlags.Count,
		"settings": s.Settings.Count,
	}
	want := map[string]int64{"organizations": 1, "users": 1, "memberships": 1, "plans": 1, "customers": 1}
	for table, count := range counts {
		n, err := count(ctx)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if n != want[table] {
			t.Errorf("%s: %d rows, want %d", table, n, want[table])
		}
	}
	if len(counts) != 33 {
		t.Fatalf("%d tables checked, want 33", len(counts))
	}
}
