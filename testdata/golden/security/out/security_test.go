package securitydb

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// tenant is one organization's rows, made through the generated code
// as the application's role.
type tenant struct {
	ctx      context.Context
	org      Org
	customer Customer
	deal     Deal
	note     Note
	tag      Tag
}

// appStore opens the test database as pgtest.AppRole: not a superuser,
// not exempt from row-level security, owner of nothing.
func appStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.AppURL(t, pgtest.URL(t)), TenantKey: pgtest.TenantKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	var super, bypass bool
	if err := db.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass); err != nil {
		t.Fatal(err)
	}
	if super || bypass {
		t.Fatalf("the tests must run as the application's role, not a superuser (%v) or a role exempt from row-level security (%v)", super, bypass)
	}
	return NewStore(db)
}

// seed makes an organization with a customer, a deal of that customer,
// a note on the deal and a tag the customer carries.
func seed(t *testing.T, s *Store, slug, email string) tenant {
	t.Helper()
	id := uuid.New()
	g := tenant{ctx: runtime.WithTenant(context.Background(), id)}
	var err error
	if g.org, err = s.Orgs.Create(g.ctx, NewOrg{Slug: slug}); err != nil {
		t.Fatal(err)
	}
	if g.org.ID != id {
		t.Fatalf("org id %s, want the tenant %s", g.org.ID, id)
	}
	if g.customer, err = s.Customers.Create(g.ctx, NewCustomer{Email: email}); err != nil {
		t.Fatal(err)
	}
	if g.deal, err = s.Deals.Create(g.ctx, NewDeal{CustomerID: g.customer.ID, Title: "pilot"}); err != nil {
		t.Fatal(err)
	}
	if g.note, err = s.Notes.Create(g.ctx, NewNote{CustomerID: g.customer.ID, DealID: runtime.NullOf(g.deal.ID), Body: "called"}); err != nil {
		t.Fatal(err)
	}
	if g.tag, err = s.Tags.Create(g.ctx, NewTag{Name: "vip"}); err != nil {
		t.Fatal(err)
	}
	if _, err = s.CustomerTags.Create(g.ctx, NewCustomerTag{CustomerID: g.customer.ID, TagID: g.tag.ID}); err != nil {
		t.Fatal(err)
	}
	return g
}

// refused checks that err is the foreign key's sentinel, and that the
// write fails the same way with an id no row has: another tenant's id
// and a missing one cannot be told apart.
func refused(t *testing.T, what string, err error, sentinel error, withMissing func(uuid.UUID) error, other uuid.UUID) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("%s with another tenant's id: %v, want %v", what, err, sentinel)
	}
	missing := uuid.New()
	errMissing := withMissing(missing)
	if !errors.Is(errMissing, sentinel) {
		t.Fatalf("%s with a missing id: %v, want %v", what, errMissing, sentinel)
	}
	// The messages may name the key's value; with the values taken out,
	// they are the same.
	a := strings.ReplaceAll(err.Error(), other.String(), "<id>")
	b := strings.ReplaceAll(errMissing.Error(), missing.String(), "<id>")
	if a != b {
		t.Fatalf("%s: another tenant's id fails with\n\t%s\nbut a missing id with\n\t%s", what, a, b)
	}
}

// TestForeignKeysStayWithinTheTenant replays, as tenant A, every write
// that takes a foreign key with tenant B's ids: each is refused with the
// sentinel a missing id gets, and nothing A did gets in B's way.
func TestForeignKeysStayWithinTheTenant(t *testing.T) {
	s := appStore(t)
	a := seed(t, s, "acme", "ops@example.com")
	b := seed(t, s, "globex", "ops@example.com")

	// Deals: create and update with B's customer.
	_, err := s.Deals.Create(a.ctx, NewDeal{CustomerID: b.customer.ID, Title: "stolen"})
	refused(t, "Deals.Create", err, ErrDealCustomerIDNotFound, func(id uuid.UUID) error {
		_, err := s.Deals.Create(a.ctx, NewDeal{CustomerID: id, Title: "stolen"})
		return err
	}, b.customer.ID)
	_, err = s.Deals.Update(a.ctx, a.deal.ID, DealUpdate{CustomerID: runtime.Set(b.customer.ID)})
	refused(t, "Deals.Update", err, ErrDealCustomerIDNotFound, func(id uuid.UUID) error {
		_, err := s.Deals.Update(a.ctx, a.deal.ID, DealUpdate{CustomerID: runtime.Set(id)})
		return err
	}, b.customer.ID)
	_, err = s.Deals.CreateMany(a.ctx, []NewDeal{{CustomerID: b.customer.ID, Title: "stolen"}})
	refused(t, "Deals.CreateMany", err, ErrDealCustomerIDNotFound, func(id uuid.UUID) error {
		_, err := s.Deals.CreateMany(a.ctx, []NewDeal{{CustomerID: id, Title: "stolen"}})
		return err
	}, b.customer.ID)

	// Notes: B's customer, B's deal (a set null key).
	_, err = s.Notes.Create(a.ctx, NewNote{CustomerID: b.customer.ID, Body: "x"})
	refused(t, "Notes.Create customer", err, ErrNoteCustomerIDNotFound, func(id uuid.UUID) error {
		_, err := s.Notes.Create(a.ctx, NewNote{CustomerID: id, Body: "x"})
		return err
	}, b.customer.ID)
	_, err = s.Notes.Create(a.ctx, NewNote{CustomerID: a.customer.ID, DealID: runtime.NullOf(b.deal.ID), Body: "x"})
	refused(t, "Notes.Create deal", err, ErrNoteDealIDNotFound, func(id uuid.UUID) error {
		_, err := s.Notes.Create(a.ctx, NewNote{CustomerID: a.customer.ID, DealID: runtime.NullOf(id), Body: "x"})
		return err
	}, b.deal.ID)
	_, err = s.Notes.Update(a.ctx, a.note.ID, NoteUpdate{DealID: runtime.Set(runtime.NullOf(b.deal.ID))})
	refused(t, "Notes.Update deal", err, ErrNoteDealIDNotFound, func(id uuid.UUID) error {
		_, err := s.Notes.Update(a.ctx, a.note.ID, NoteUpdate{DealID: runtime.Set(runtime.NullOf(id))})
		return err
	}, b.deal.ID)

	// The join table: A cannot plant (B's customer, B's tag), which
	// would make B's own link conflict on the primary key.
	_, err = s.CustomerTags.Create(a.ctx, NewCustomerTag{CustomerID: b.customer.ID, TagID: a.tag.ID})
	refused(t, "CustomerTags.Create customer", err, ErrCustomerTagCustomerIDNotFound, func(id uuid.UUID) error {
		_, err := s.CustomerTags.Create(a.ctx, NewCustomerTag{CustomerID: id, TagID: a.tag.ID})
		return err
	}, b.customer.ID)
	_, err = s.CustomerTags.Create(a.ctx, NewCustomerTag{CustomerID: a.customer.ID, TagID: b.tag.ID})
	refused(t, "CustomerTags.Create tag", err, ErrCustomerTagTagIDNotFound, func(id uuid.UUID) error {
		_, err := s.CustomerTags.Create(a.ctx, NewCustomerTag{CustomerID: a.customer.ID, TagID: id})
		return err
	}, b.tag.ID)
	if _, err := s.Deals.Create(a.ctx, NewDeal{CustomerID: a.customer.ID, Title: "own"}); err != nil {
		t.Fatalf("A's deal for A's customer: %v", err)
	}

	// B's writes are not in A's hands: B re-links its tag, then deletes
	// its deal (the note's deal_id becomes NULL, its tenant stays) and
	// its customer (no deal of A's references it).
	if ok, err := s.CustomerTags.Delete(b.ctx, b.customer.ID, b.tag.ID); err != nil || !ok {
		t.Fatalf("B unlinks its tag: %v %v", ok, err)
	}
	if _, err := s.CustomerTags.Create(b.ctx, NewCustomerTag{CustomerID: b.customer.ID, TagID: b.tag.ID}); err != nil {
		t.Fatalf("B links its tag again: %v", err)
	}
	if ok, err := s.Deals.Delete(b.ctx, b.deal.ID); err != nil || !ok {
		t.Fatalf("B deletes its deal: %v %v", ok, err)
	}
	n, err := s.Notes.FindByID(b.ctx, b.note.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.DealID.Valid || n.OrgID != b.org.ID {
		t.Fatalf("B's note after its deal was deleted: deal %v, org %s; want no deal and org %s", n.DealID, n.OrgID, b.org.ID)
	}
	if ok, err := s.Customers.Delete(b.ctx, b.customer.ID); err != nil || !ok {
		t.Fatalf("B deletes its customer: %v %v", ok, err)
	}
	// A's rows are all still there.
	if got, err := s.Deals.Count(a.ctx); err != nil || got != 2 {
		t.Fatalf("A's deals: %d %v, want 2", got, err)
	}
}

// TestUniqueKeysPerTenant checks that a unique key holds within each
// tenant unless it is global.
func TestUniqueKeysPerTenant(t *testing.T) {
	s := appStore(t)
	a := seed(t, s, "acme", "ops@example.com")
	b := seed(t, s, "globex", "ops@example.com") // the same email: another tenant

	if _, err := s.Customers.Create(a.ctx, NewCustomer{Email: "ops@example.com"}); !errors.Is(err, ErrCustomerEmailTaken) {
		t.Fatalf("a second ops@example.com in A: %v, want ErrCustomerEmailTaken", err)
	}
	if _, err := s.Tags.Create(b.ctx, NewTag{Name: "vip"}); !errors.Is(err, ErrTagNameTaken) {
		t.Fatalf("a second tag vip in B: %v, want ErrTagNameTaken", err)
	}
	// Upserts by a per-tenant key find the tenant's own row.
	up, err := s.Customers.UpsertByEmail(b.ctx, NewCustomer{Email: "ops@example.com", ExternalRef: runtime.NullOf("B-1")})
	if err != nil || up.ID != b.customer.ID {
		t.Fatalf("B upserts ops@example.com: %v %v, want its customer %s", up.ID, err, b.customer.ID)
	}
	tag, created, err := s.Tags.CreateIfAbsentByName(a.ctx, NewTag{Name: "vip"})
	if err != nil || created || tag.ID != a.tag.ID {
		t.Fatalf("A's CreateIfAbsentByName(vip): %v %v %v, want its tag %s", tag.ID, created, err, a.tag.ID)
	}
	// external_ref is global: B holds B-1, so A cannot take it.
	if _, err := s.Customers.Create(a.ctx, NewCustomer{Email: "x@example.com", ExternalRef: runtime.NullOf("B-1")}); !errors.Is(err, ErrCustomerExternalRefTaken) {
		t.Fatalf("A takes B's external ref: %v, want ErrCustomerExternalRefTaken", err)
	}
	// The organization's slug is unique across tenants: orgs is the
	// tenant itself.
	if _, err := s.Orgs.Create(runtime.WithTenant(context.Background(), uuid.New()), NewOrg{Slug: "acme"}); !errors.Is(err, ErrOrgSlugTaken) {
		t.Fatalf("a second org acme: %v, want ErrOrgSlugTaken", err)
	}
}

// TestAcknowledgedSequentialIDs checks that the table whose sequential
// ids the spec accepts (allow_sequential_ids) works as any other.
func TestAcknowledgedSequentialIDs(t *testing.T) {
	s := appStore(t)
	a := seed(t, s, "acme", "ops@example.com")
	e, err := s.Events.Create(a.ctx, NewEvent{What: "signed up"})
	if err != nil || e.ID == 0 || e.OrgID != a.org.ID {
		t.Fatalf("event: %+v %v", e, err)
	}
}
