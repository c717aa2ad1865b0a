package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/crm"
	"github.com/cpcgen/cpcgen/examples/crm/crmdb"
	"github.com/cpcgen/cpcgen/examples/internal/demotest"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestMain gives every test a database of its own, copied from a template
// the embedded migrations were applied to.
func TestMain(m *testing.M) { demotest.Main(m, crm.Migrate) }

// statements counts the statements a store sends, by operation.
type statements struct {
	mu  sync.Mutex
	ops map[string]int
}

// ObserveQuery implements runtime.Observer.
func (s *statements) ObserveQuery(_ context.Context, e *runtime.QueryEvent) {
	s.mu.Lock()
	s.ops[e.Op]++
	s.mu.Unlock()
}

// take returns the counts since the last call and starts again.
func (s *statements) take() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := s.ops
	s.ops = map[string]int{}
	return ops
}

// env is a test's database: the store, the statement counts and the
// URLs. The store connects as the application does in production: as
// pgtest.AppRole, neither a superuser nor exempt from row-level security
// nor the tables' owner, so the policies apply to every test
// (TestRunsAsAppRole checks it). The migrations ran as the owner, whose
// URL ownerURL is, for what only the owner may do.
type env struct {
	db       *runtime.DB
	store    *crmdb.Store
	stmts    *statements
	url      string
	ownerURL string
}

func newEnv(t *testing.T) env {
	t.Helper()
	owner := pgtest.URL(t)
	e := env{stmts: &statements{ops: map[string]int{}}, url: pgtest.AppURL(t, owner), ownerURL: owner}
	// Caching is on, as the application would run: organizations,
	// customers and tags read through their row caches. Behind the tests'
	// PgBouncer (CPCGEN_TEST_POOLER), the cache's listener connects to the
	// server itself, as the application's role too.
	db, err := runtime.Open(testContext(t), runtime.Config{URL: e.url, Observers: []runtime.Observer{e.stmts},
		Cache: runtime.CacheConfig{Enabled: true, ListenerURL: pgtest.AppURL(t, pgtest.DirectURL(t, owner))}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	e.db, e.store = db, crmdb.NewStore(db)
	return e
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// org is one tenant and what it owns.
type org struct {
	org        crmdb.Organization
	ctx        context.Context
	customers  []crmdb.Customer
	contacts   []crmdb.Contact
	deals      []crmdb.Deal
	activities []crmdb.Activity
	tags       []crmdb.Tag
	links      []crmdb.CustomerTag
}

// seed creates an organization with two customers, a contact, a deal and
// an activity each, and a tag on the first.
func seed(t *testing.T, store *crmdb.Store, name string) org {
	t.Helper()
	o, ctx, err := crm.CreateOrganization(runtime.WithActor(testContext(t), name+"-admin"), store, crmdb.NewOrganization{Name: name, Slug: name + "-" + uuid.NewString()[:6]})
	if err != nil {
		t.Fatal(err)
	}
	g := org{org: o, ctx: ctx}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []string{"Initech", "Umbrella"} {
		cust, err := store.Customers.Create(ctx, crmdb.NewCustomer{Name: c, Email: fmt.Sprintf("buyer@%s.%s.example", strings.ToLower(c), name)})
		must(err)
		g.customers = append(g.customers, cust)
		contact, err := store.Contacts.Create(ctx, crmdb.NewContact{CustomerID: cust.ID, Name: "Pat " + c})
		must(err)
		g.contacts = append(g.contacts, contact)
		deal, err := store.Deals.Create(ctx, crmdb.NewDeal{CustomerID: cust.ID, Title: c + " deal", Amount: runtime.Set(decimal.NewFromInt(int64(1000 * (i + 1))))})
		must(err)
		g.deals = append(g.deals, deal)
		act, err := store.Activities.Create(ctx, crmdb.NewActivity{CustomerID: cust.ID, DealID: runtime.NullOf(deal.ID), Kind: crmdb.ActivityKindCall, Summary: "intro call"})
		must(err)
		g.activities = append(g.activities, act)
	}
	tag, err := store.Tags.Create(ctx, crmdb.NewTag{Name: "vip"})
	must(err)
	g.tags = append(g.tags, tag)
	link, err := store.CustomerTags.Create(ctx, crmdb.NewCustomerTag{CustomerID: g.customers[0].ID, TagID: tag.ID})
	must(err)
	g.links = append(g.links, link)
	return g
}

func TestEmailLookupIgnoresCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := seed(t, e.store, "acme"), seed(t, e.store, "globex")
	ctx := a.ctx
	c, err := e.store.Customers.Create(ctx, crmdb.NewCustomer{Name: "Hooli", Email: "Gavin.Belson@Hooli.example"})
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"gavin.belson@hooli.example", "GAVIN.BELSON@HOOLI.EXAMPLE", "Gavin.Belson@Hooli.example"} {
		got, err := e.store.Customers.ByEmail(ctx, email)
		if err != nil || got.ID != c.ID {
			t.Errorf("ByEmail(%q) = %v, %v; want %s", email, got.ID, err, c.ID)
		}
	}
	// An underscore or a percent sign is no wildcard: the lookup is
	// equality, not ILIKE.
	if _, err := e.store.Customers.ByEmail(ctx, "gavin_belson@hooli.example"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("ByEmail with an underscore: %v, want not found", err)
	}
	// The same address in another letter case is taken in this
	// organization, and free in another one.
	_, err = e.store.Customers.Create(ctx, crmdb.NewCustomer{Name: "Hooli again", Email: "gavin.belson@HOOLI.example"})
	if !errors.Is(err, crmdb.ErrCustomerOrgEmailTaken) {
		t.Errorf("duplicate in another case: %v, want ErrCustomerOrgEmailTaken", err)
	}
	if _, err := e.store.Customers.Create(b.ctx, crmdb.NewCustomer{Name: "Hooli", Email: "GAVIN.BELSON@hooli.example"}); err != nil {
		t.Errorf("the same address in another organization: %v", err)
	}
	// Each organization finds its own.
	if got, err := e.store.Customers.ByEmail(b.ctx, "gavin.belson@hooli.example"); err != nil || got.OrganizationID != b.org.ID {
		t.Errorf("ByEmail in globex = %+v, %v", got, err)
	}
	// The unique index serves the lookup (planned as the owner, without
	// the policy, which needs a tenant token to plan with one).
	owner, err := pgx.Connect(ctx, e.ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	var plan string
	if err := owner.QueryRow(ctx, "EXPLAIN (COSTS OFF) SELECT id FROM customers WHERE organization_id = $1 AND lower(email) = lower($2)", a.org.ID, "x").Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "customers_org_email_key") {
		t.Errorf("plan does not use customers_org_email_key: %s", plan)
	}
}

// TestTenantIsolation checks every table through the generated methods:
// an organization sees, counts, loads, changes and deletes its own rows
// only, and another's rows are as if they did not exist.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := seed(t, e.store, "acme"), seed(t, e.store, "globex")
	checkTenantIsolation(t, e.store, a, b)
}

// seesOwn checks that findAll of table, in ctx, returns exactly want, the
// rows acme seeded into it, compared by key.
func seesOwn[T any](t *testing.T, ctx context.Context, table string, findAll func(context.Context) ([]T, error), want []T, key func(T) string) {
	t.Helper()
	got, err := findAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys := func(rows []T) []string {
		var out []string
		for _, r := range rows {
			out = append(out, key(r))
		}
		slices.Sort(out)
		return out
	}
	if g, w := keys(got), keys(want); !slices.Equal(g, w) {
		t.Errorf("%s: acme sees %v, want its own %v", table, g, w)
	}
}

// checkTenantIsolation checks, through the generated methods of st, that
// a, seeded as seed does, sees and changes its own rows only, and b's as
// if they did not exist. TestDrillDumpRestore runs it on a restored dump.
func checkTenantIsolation(t *testing.T, st *crmdb.Store, a, b org) {
	t.Helper()
	ctx := a.ctx

	seesOwn(t, ctx, "organizations", st.Organizations.FindAll, []crmdb.Organization{a.org}, func(o crmdb.Organization) string { return o.ID.String() })
	seesOwn(t, ctx, "customers", st.Customers.FindAll, a.customers, func(c crmdb.Customer) string { return c.ID.String() })
	seesOwn(t, ctx, "contacts", st.Contacts.FindAll, a.contacts, func(c crmdb.Contact) string { return c.ID.String() })
	seesOwn(t, ctx, "deals", st.Deals.FindAll, a.deals, func(d crmdb.Deal) string { return d.ID.String() })
	seesOwn(t, ctx, "activities", st.Activities.FindAll, a.activities, func(act crmdb.Activity) string { return fmt.Sprint(act.ID) })
	seesOwn(t, ctx, "tags", st.Tags.FindAll, a.tags, func(tag crmdb.Tag) string { return tag.ID.String() })
	seesOwn(t, ctx, "customer_tags", st.CustomerTags.FindAll, a.links, func(l crmdb.CustomerTag) string { return l.CustomerID.String() })

	// Counts.
	for table, count := range map[string]func(context.Context) (int64, error){
		"organizations": st.Organizations.Count, "customers": st.Customers.Count, "contacts": st.Contacts.Count,
		"deals": st.Deals.Count, "activities": st.Activities.Count, "tags": st.Tags.Count, "customer_tags": st.CustomerTags.Count,
	} {
		want := map[string]int64{"organizations": 1, "tags": 1, "customer_tags": 1}[table]
		if want == 0 {
			want = 2
		}
		if n, err := count(ctx); err != nil || n != want {
			t.Errorf("%s: acme counts %d (%v), want %d", table, n, err, want)
		}
	}

	// globex's rows, by key, from acme: not found, not changed, not deleted.
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("%s of globex's row from acme: %v, want not found", what, err)
		}
	}
	_, err := st.Organizations.FindByID(ctx, b.org.ID)
	notFound("organizations.FindByID", err)
	_, err = st.Organizations.Update(ctx, b.org.ID, crmdb.OrganizationUpdate{Name: runtime.Set("taken over")})
	notFound("organizations.Update", err)
	_, err = st.Customers.FindByID(ctx, b.customers[0].ID)
	notFound("customers.FindByID", err)
	_, err = st.Customers.Update(ctx, b.customers[0].ID, crmdb.CustomerUpdate{Name: runtime.Set("taken over")})
	notFound("customers.Update", err)
	_, err = st.Contacts.FindByID(ctx, b.contacts[0].ID)
	notFound("contacts.FindByID", err)
	_, err = st.Deals.FindByID(ctx, b.deals[0].ID)
	notFound("deals.FindByID", err)
	_, err = st.Deals.Update(ctx, b.deals[0].ID, b.deals[0].Version, crmdb.DealUpdate{Stage: runtime.Set(crmdb.DealStageLost)})
	notFound("deals.Update", err)
	_, err = crm.MoveDeal(ctx, st, b.deals[0].ID, b.deals[0].Version, crmdb.DealStageWon)
	notFound("crm.MoveDeal", err)
	_, err = st.Activities.FindByID(ctx, b.activities[0].ID)
	notFound("activities.FindByID", err)
	_, err = st.Tags.FindByID(ctx, b.tags[0].ID)
	notFound("tags.FindByID", err)
	_, err = st.CustomerTags.FindByID(ctx, b.links[0].CustomerID, b.links[0].TagID)
	notFound("customer_tags.FindByID", err)
	_, err = st.Customers.ByEmail(ctx, b.customers[0].Email)
	notFound("customers.ByEmail", err)
	for what, del := range map[string]func() (bool, error){
		"organizations": func() (bool, error) { return st.Organizations.Delete(ctx, b.org.ID) },
		"customers":     func() (bool, error) { return st.Customers.Delete(ctx, b.customers[1].ID) },
		"contacts":      func() (bool, error) { return st.Contacts.Delete(ctx, b.contacts[0].ID) },
		"deals":         func() (bool, error) { return st.Deals.Delete(ctx, b.deals[0].ID, b.deals[0].Version) },
		"activities":    func() (bool, error) { return st.Activities.Delete(ctx, b.activities[0].ID) },
		"tags":          func() (bool, error) { return st.Tags.Delete(ctx, b.tags[0].ID) },
		"customer_tags": func() (bool, error) { return st.CustomerTags.Delete(ctx, b.links[0].CustomerID, b.links[0].TagID) },
	} {
		if ok, err := del(); ok || err != nil {
			t.Errorf("%s.Delete of globex's row from acme = %v, %v", what, ok, err)
		}
	}
	// Loaders and queries given globex's keys find nothing.
	if m, err := st.Customers.LoadDeals(ctx, b.customers); err != nil || len(m) != 0 {
		t.Errorf("LoadDeals of globex's customers from acme = %v, %v", m, err)
	}
	if m, err := st.Customers.LoadTags(ctx, b.customers); err != nil || len(m) != 0 {
		t.Errorf("LoadTags of globex's customers from acme = %v, %v", m, err)
	}
	if rows, err := st.Customers.AuditTrail(ctx, b.customers[0].ID); err != nil || len(rows) != 0 {
		t.Errorf("AuditTrail of globex's customer from acme = %v, %v", rows, err)
	}
	if rows, err := st.Deals.PipelineByStage(ctx); err != nil || len(rows) != 1 || rows[0].Deals != 2 {
		t.Errorf("PipelineByStage of acme = %+v, %v; want its two leads", rows, err)
	}
	// globex still has everything.
	for table, count := range map[string]func(context.Context) (int64, error){"customers": st.Customers.Count, "deals": st.Deals.Count, "customer_tags": st.CustomerTags.Count} {
		want := map[string]int64{"customers": 2, "deals": 2, "customer_tags": 1}[table]
		if n, err := count(b.ctx); err != nil || n != want {
			t.Errorf("globex's %s: %d (%v), want %d", table, n, err, want)
		}
	}
	// Without a tenant, nothing runs.
	if _, err := st.Customers.FindAll(context.Background()); !errors.Is(err, runtime.ErrNoTenant) {
		t.Errorf("FindAll without a tenant: %v, want ErrNoTenant", err)
	}
}

// TestCrossTenantReferences replays, as the application's role (not a
// superuser, not exempt from row-level security, owner of nothing),
// POST /deals with another organization's customer_id and the other
// writes that take a foreign key: each is refused with the key's
// sentinel, exactly as a customer that does not exist, and B's own
// writes and deletes go through.
func TestCrossTenantReferences(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.AppURL(t, pgtest.URL(t))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	var super, bypass bool
	if err := db.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass); err != nil || super || bypass {
		t.Fatalf("not the application's role: superuser %v, bypassrls %v, %v", super, bypass, err)
	}
	store := crmdb.NewStore(db)
	a, b := seed(t, store, "acme"), seed(t, store, "globex")
	theirs, missing := b.customers[1], uuid.New()
	same := func(what string, err, errMissing error, sentinel error, id uuid.UUID) {
		t.Helper()
		if !errors.Is(err, sentinel) || !errors.Is(errMissing, sentinel) {
			t.Fatalf("%s: with B's id %v, with a missing id %v; want %v for both", what, err, errMissing, sentinel)
		}
		if x, y := strings.ReplaceAll(err.Error(), id.String(), "<id>"), strings.ReplaceAll(errMissing.Error(), missing.String(), "<id>"); x != y {
			t.Fatalf("%s: B's id and a missing id fail differently:\n\t%s\n\t%s", what, x, y)
		}
	}
	// POST /deals {"customer_id": "<B's>"}.
	newDeal := func(customer uuid.UUID) error {
		_, err := store.Deals.Create(a.ctx, crmdb.NewDeal{CustomerID: customer, Title: "poached"})
		return err
	}
	same("POST /deals", newDeal(theirs.ID), newDeal(missing), crmdb.ErrDealCustomerIDNotFound, theirs.ID)
	moveDeal := func(customer uuid.UUID) error {
		_, err := store.Deals.Update(a.ctx, a.deals[0].ID, a.deals[0].Version, crmdb.DealUpdate{CustomerID: runtime.Set(customer)})
		return err
	}
	same("PATCH /deals/{id}", moveDeal(theirs.ID), moveDeal(missing), crmdb.ErrDealCustomerIDNotFound, theirs.ID)
	newContact := func(customer uuid.UUID) error {
		_, err := store.Contacts.Create(a.ctx, crmdb.NewContact{CustomerID: customer, Name: "Mole"})
		return err
	}
	same("POST /contacts", newContact(theirs.ID), newContact(missing), crmdb.ErrContactCustomerIDNotFound, theirs.ID)
	logOnDeal := func(deal uuid.UUID) error {
		_, err := store.Activities.Create(a.ctx, crmdb.NewActivity{CustomerID: a.customers[0].ID, DealID: runtime.NullOf(deal), Kind: crmdb.ActivityKindNote, Summary: "x"})
		return err
	}
	same("POST /activities", logOnDeal(b.deals[0].ID), logOnDeal(missing), crmdb.ErrActivityDealIDNotFound, b.deals[0].ID)
	// A cannot plant B's (customer, tag) link, which B could then
	// neither see nor remove.
	plant := func(customer uuid.UUID) error {
		_, err := store.CustomerTags.Create(a.ctx, crmdb.NewCustomerTag{CustomerID: customer, TagID: a.tags[0].ID})
		return err
	}
	same("POST /customers/{id}/tags", plant(theirs.ID), plant(missing), crmdb.ErrCustomerTagCustomerIDNotFound, theirs.ID)
	if _, err := store.CustomerTags.Create(b.ctx, crmdb.NewCustomerTag{CustomerID: theirs.ID, TagID: b.tags[0].ID}); err != nil {
		t.Fatalf("B tags its customer: %v", err)
	}
	// B deletes its deal (its activity keeps its organization, loses the
	// deal) and its customer: nothing of A's is in the way.
	if ok, err := store.Deals.Delete(b.ctx, b.deals[0].ID, b.deals[0].Version); err != nil || !ok {
		t.Fatalf("B deletes its deal: %v %v", ok, err)
	}
	act, err := store.Activities.FindByID(b.ctx, b.activities[0].ID)
	if err != nil || act.DealID.Valid || act.OrganizationID != b.org.ID {
		t.Fatalf("B's activity after its deal went: deal %v, organization %s, %v", act.DealID, act.OrganizationID, err)
	}
	if ok, err := store.Customers.Delete(b.ctx, theirs.ID); err != nil || !ok {
		t.Fatalf("B deletes its customer: %v %v", ok, err)
	}
}

// TestRowLevelSecurity checks the database's own isolation, which holds
// for hand-written SQL too: connected as the application's role, which
// is not a superuser, a session sees only the rows of the tenant its
// transaction set, and none without one.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := seed(t, e.store, "acme"), seed(t, e.store, "globex")
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, e.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	checkRowLevelSecurity(t, ctx, conn, a, b)
}

// TestRunsAsAppRole checks that the tests run as the application's role
// in production does, so that row-level security applies to them: the
// store's connections are pgtest.AppRole, which is neither a superuser
// nor exempt from row-level security, owns nothing, and finds every
// tenant table forcing it (runtime.CheckAppRole), so that code running
// as the tables' owner is bound too. The owner the migrations ran as
// here is a superuser, which CheckAppRole refuses.
func TestRunsAsAppRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seed(t, e.store, "acme")
	ctx := testContext(t)
	var role string
	var super, bypass bool
	var owned int
	if err := e.store.DB().QueryRow(ctx, `SELECT current_user::text, r.rolsuper, r.rolbypassrls,
		(SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)
		FROM pg_roles r WHERE r.rolname = current_user`).Scan(&role, &super, &bypass, &owned); err != nil {
		t.Fatal(err)
	}
	if role != pgtest.AppRole || super || bypass || owned != 0 {
		t.Fatalf("the tests' store connects as %s (superuser %v, bypassrls %v, owning %d relations), want %s, none of these", role, super, bypass, owned, pgtest.AppRole)
	}
	if err := runtime.CheckAppRole(ctx, e.db); err != nil {
		t.Fatal(err)
	}
	owner, err := pgx.Connect(ctx, e.ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	var unforced []string
	if err := owner.QueryRow(ctx, `SELECT coalesce(array_agg(relname::text ORDER BY relname), '{}') FROM pg_class
		WHERE relname = ANY ($1) AND NOT (relrowsecurity AND relforcerowsecurity)`,
		[]string{"organizations", "customers", "contacts", "deals", "activities", "tags", "customer_tags"}).Scan(&unforced); err != nil {
		t.Fatal(err)
	}
	if len(unforced) > 0 {
		t.Errorf("tenant tables without forced row-level security: %v", unforced)
	}
	if err := runtime.CheckAppRole(ctx, owner); !errors.Is(err, runtime.ErrRowLevelSecurityBypassed) {
		t.Errorf("CheckAppRole as the owner, a superuser here: %v, want ErrRowLevelSecurityBypassed", err)
	}
}

// checkRowLevelSecurity checks the policies through conn, a connection
// as a role that is neither a superuser nor the tables' owner: a session
// sees only the rows of the tenant its transaction set, none without one,
// and cannot write another tenant's row. a and b are seeded as seed does.
func checkRowLevelSecurity(t *testing.T, ctx context.Context, conn *pgx.Conn, a, b org) {
	t.Helper()
	tables := []string{"organizations", "customers", "contacts", "deals", "activities", "tags", "customer_tags", "audit"}
	count := func(tenant string) map[string]int {
		t.Helper()
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", runtime.TenantSetting, tenant); err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, table := range tables[:7] {
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			got[table] = n
		}
		return got
	}
	want := map[string]int{"organizations": 1, "customers": 2, "contacts": 2, "deals": 2, "activities": 2, "tags": 1, "customer_tags": 1}
	// The tenant as the runtime sends it: a token signed with the test
	// binary's tenant key, which the database holds.
	key := pgtest.TenantKey(t)
	token := func(o org) string { return key.Token(o.org.ID.String(), 0, time.Now().Add(time.Minute)) }
	for _, o := range []org{a, b} {
		if got := count(token(o)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s's session counts %v, want %v", o.org.Name, got, want)
		}
	}
	none := fmt.Sprint(map[string]int{"activities": 0, "contacts": 0, "customer_tags": 0, "customers": 0, "deals": 0, "organizations": 0, "tags": 0})
	if got := count(""); fmt.Sprint(got) != none {
		t.Errorf("a session without a tenant counts %v, want nothing", got)
	}
	// SQL that sets the tenant itself cannot name one: a plain id, or a
	// token of another key, gives no tenant.
	other, err := runtime.NewTenantKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	for name, forged := range map[string]string{"plain id": b.org.ID.String(), "another key": other.Token(b.org.ID.String(), 0, time.Now().Add(time.Minute))} {
		if got := count(forged); fmt.Sprint(got) != none {
			t.Errorf("a session that set the tenant to %s counts %v, want nothing", name, got)
		}
	}
	// Writing another tenant's row is refused by the policy's check.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", runtime.TenantSetting, token(a)); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, "INSERT INTO tags (organization_id, name) VALUES ($1, 'planted')", b.org.ID)
	if err == nil || !strings.Contains(err.Error(), "row-level security") {
		t.Errorf("inserting a row of globex as acme: %v, want a row-level security violation", err)
	}
}

// TestBoardEagerLoading checks the board of customers with open deals:
// its content, and that it takes one query per relation, for 3 customers
// as for 30.
func TestBoardEagerLoading(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := e.store
	a := seed(t, st, "acme")
	seed(t, st, "globex") // another tenant's open deals stay off the board
	ctx := runtime.WithActor(a.ctx, "alice")

	// Initech's deal is won, so only Umbrella is on the board at first.
	if _, err := crm.MoveDeal(ctx, st, a.deals[0].ID, a.deals[0].Version, crmdb.DealStageWon); err != nil {
		t.Fatal(err)
	}
	wantQueries := map[string]int{
		// LoadDeals and LoadActivities run the statements of the children's
		// loaders, named after them.
		"customers.WithOpenDeals": 1, "deals.LoadByCustomerID": 1, "activities.LoadByCustomerID": 1, "customers.LoadTags": 1,
		"runtime.SetTenant": 4, // each statement of a tenant table sets the tenant in the same round trip
	}
	e.stmts.take()
	board, err := crm.Board(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.stmts.take(); fmt.Sprint(got) != fmt.Sprint(wantQueries) {
		t.Errorf("Board sent %v, want %v", got, wantQueries)
	}
	if len(board) != 1 || board[0].Customer.ID != a.customers[1].ID || len(board[0].OpenDeals) != 1 ||
		!board[0].OpenValue.Equal(decimal.NewFromInt(2000)) || board[0].LastActivity == nil || board[0].LastActivity.ID != a.activities[1].ID || len(board[0].Tags) != 0 {
		t.Fatalf("board = %+v", board)
	}

	// 28 more customers, each with two open deals, activities and a tag.
	vip := a.tags[0]
	for i := range 28 {
		c, err := st.Customers.Create(ctx, crmdb.NewCustomer{Name: fmt.Sprintf("Customer %02d", i), Email: fmt.Sprintf("c%d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			if _, err := st.Deals.Create(ctx, crmdb.NewDeal{CustomerID: c.ID, Title: fmt.Sprintf("deal %d", j), Amount: runtime.Set(decimal.NewFromInt(100)), Stage: runtime.Set(crmdb.DealStageProposal)}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Activities.Create(ctx, crmdb.NewActivity{CustomerID: c.ID, Kind: crmdb.ActivityKindEmail, Summary: fmt.Sprintf("mail %d", j), HappenedAt: runtime.Set(time.Now().Add(time.Duration(j) * time.Hour))}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.CustomerTags.Create(ctx, crmdb.NewCustomerTag{CustomerID: c.ID, TagID: vip.ID}); err != nil {
			t.Fatal(err)
		}
	}
	e.stmts.take()
	board, err = crm.Board(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.stmts.take(); fmt.Sprint(got) != fmt.Sprint(wantQueries) {
		t.Errorf("Board of 29 customers sent %v, want %v", got, wantQueries)
	}
	if len(board) != 29 {
		t.Fatalf("board has %d customers, want 29", len(board))
	}
	for _, b := range board[:28] {
		if len(b.OpenDeals) != 2 || !b.OpenValue.Equal(decimal.NewFromInt(200)) || b.LastActivity == nil || b.LastActivity.Summary != "mail 1" || len(b.Tags) != 1 || b.Tags[0].Name != "vip" {
			t.Errorf("%s: %d open deals worth %s, last activity %+v, tags %v", b.Customer.Name, len(b.OpenDeals), b.OpenValue, b.LastActivity, b.Tags)
		}
	}
	if board[28].Customer.Name != "Umbrella" {
		t.Errorf("board is not by name: last is %s", board[28].Customer.Name)
	}
}

// auditEntry is an entry of an audit trail, its images decoded.
type auditEntry struct {
	action, actor string
	old, new      map[string]any
}

func decodeAudit(t *testing.T, trail []runtime.AuditEntry) []auditEntry {
	t.Helper()
	var out []auditEntry
	for _, r := range trail {
		e := auditEntry{action: r.Action}
		if r.Actor != nil {
			e.actor = *r.Actor
		}
		for _, p := range []struct {
			raw json.RawMessage
			dst *map[string]any
		}{{r.Old, &e.old}, {r.New, &e.new}} {
			if p.raw != nil {
				if err := json.Unmarshal(p.raw, p.dst); err != nil {
					t.Fatal(err)
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// TestAuditTrail checks the audit trails of a customer and a deal through
// create, updates and delete, each with the actor of its context.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := e.store
	a := seed(t, st, "acme")
	as := func(actor string) context.Context { return runtime.WithActor(a.ctx, actor) }

	c, err := st.Customers.Create(as("alice"), crmdb.NewCustomer{Name: "Hooli", Email: "it@hooli.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Customers.Update(as("bob"), c.ID, crmdb.CustomerUpdate{Notes: runtime.SetNullable("prefers email")}); err != nil {
		t.Fatal(err)
	}
	d, err := st.Deals.Create(as("alice"), crmdb.NewDeal{CustomerID: c.ID, Title: "Hooli XYZ", Amount: runtime.Set(decimal.RequireFromString("5000.00"))})
	if err != nil {
		t.Fatal(err)
	}
	d, err = crm.MoveDeal(as("bob"), st, d.ID, d.Version, crmdb.DealStageQualified)
	if err != nil {
		t.Fatal(err)
	}
	// A stale move changes nothing and leaves no audit row.
	if _, err := crm.MoveDeal(as("mallory"), st, d.ID, d.Version-1, crmdb.DealStageLost); !errors.Is(err, runtime.ErrStaleVersion) {
		t.Fatalf("stale MoveDeal: %v, want ErrStaleVersion", err)
	}
	if ok, err := st.Deals.Delete(as("carol"), d.ID, d.Version); !ok || err != nil {
		t.Fatalf("delete deal: %v, %v", ok, err)
	}
	if ok, err := st.Customers.Delete(as("carol"), c.ID); !ok || err != nil {
		t.Fatalf("delete customer: %v, %v", ok, err)
	}

	rows, err := st.Customers.AuditTrail(a.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	trail := decodeAudit(t, rows)
	if len(trail) != 3 {
		t.Fatalf("customer trail has %d rows, want 3: %+v", len(trail), trail)
	}
	// The email is sensitive: the log holds a keyed hash of it, never the address.
	if e := trail[0]; e.action != "create" || e.actor != "alice" || e.old != nil || !strings.HasPrefix(fmt.Sprint(e.new["email"]), "hmac-sha256:") {
		t.Errorf("customer trail[0] = %+v", e)
	}
	if e := trail[1]; e.action != "update" || e.actor != "bob" || e.old["notes"] != nil || e.new["notes"] != "prefers email" {
		t.Errorf("customer trail[1] = %+v", e)
	}
	if e := trail[2]; e.action != "delete" || e.actor != "carol" || e.new != nil || e.old["name"] != "Hooli" {
		t.Errorf("customer trail[2] = %+v", e)
	}

	drows, err := st.Deals.AuditTrail(a.ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	dtrail := decodeAudit(t, drows)
	var got []string
	for _, e := range dtrail {
		got = append(got, fmt.Sprintf("%s by %s: stage %v → %v, version %v → %v", e.action, e.actor, e.old["stage"], e.new["stage"], e.old["version"], e.new["version"]))
	}
	want := []string{
		"create by alice: stage <nil> → lead, version <nil> → 1",
		"update by bob: stage lead → qualified, version 1 → 2",
		"delete by carol: stage qualified → <nil>, version 2 → <nil>",
	}
	if !slices.Equal(got, want) {
		t.Errorf("deal trail:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Deleting the customer removed its activities, the move's note
	// included (on_delete: cascade).
	notes, err := st.Activities.ListByCustomerID(a.ctx, c.ID)
	if err != nil || len(notes) != 0 {
		t.Errorf("activities of a deleted customer: %v, %v", notes, err)
	}
}

// TestSearchByNamePrefix pages through a prefix search, with names that
// hold the characters LIKE patterns give a meaning.
func TestSearchByNamePrefix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := seed(t, e.store, "acme")
	for i, name := range []string{"Acme Anvils", "acme rockets", "ACME Holdings", "Acorn", "A_B Partners", "AxB Labs", "100% Juice", "1000 Pens", `Back\slash`} {
		if _, err := e.store.Customers.Create(a.ctx, crmdb.NewCustomer{Name: name, Email: fmt.Sprintf("x%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	search := func(prefix string, size int) [][]string {
		t.Helper()
		var pages [][]string
		page := runtime.PageArgs{Limit: size}
		for {
			p, err := e.store.Customers.SearchByName(a.ctx, runtime.LikePrefix(prefix), page)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range p.Items {
				names = append(names, c.Name)
			}
			pages = append(pages, names)
			if p.Next == "" {
				return pages
			}
			page.After = p.Next
		}
	}
	for _, tc := range []struct {
		prefix string
		size   int
		want   string
	}{
		{"acme", 2, "[[ACME Holdings Acme Anvils] [acme rockets]]"},
		{"ac", 10, "[[ACME Holdings Acme Anvils Acorn acme rockets]]"},
		{"a_", 10, "[[A_B Partners]]"},
		{"100%", 10, "[[100% Juice]]"},
		{`back\`, 10, `[[Back\slash]]`},
		{"zz", 10, "[[]]"},
	} {
		if got := fmt.Sprint(search(tc.prefix, tc.size)); got != tc.want {
			t.Errorf("search %q by %d: %s, want %s", tc.prefix, tc.size, got, tc.want)
		}
	}
}

// TestPipeline checks the pipeline by stage as deals move.
func TestPipeline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := e.store
	a := seed(t, st, "acme") // two leads: 1000 and 2000
	ctx := runtime.WithActor(a.ctx, "alice")
	if _, err := crm.MoveDeal(ctx, st, a.deals[1].ID, a.deals[1].Version, crmdb.DealStageProposal); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Deals.Create(ctx, crmdb.NewDeal{CustomerID: a.customers[0].ID, Title: "upsell", Amount: runtime.Set(decimal.NewFromInt(500)), Stage: runtime.Set(crmdb.DealStageWon)}); err != nil {
		t.Fatal(err)
	}
	rows, err := st.Deals.PipelineByStage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s:%d:%s", r.Stage, r.Deals, r.Value.StringFixed(2)))
	}
	if want := "lead:1:1000.00 proposal:1:2000.00 won:1:500.00"; strings.Join(got, " ") != want {
		t.Errorf("pipeline = %v, want %s", got, want)
	}
	open, err := st.Deals.InStages(ctx, crm.OpenStages)
	if err != nil || len(open) != 2 || open[0].ID != a.deals[1].ID {
		t.Errorf("open deals = %+v, %v; want the proposal first, then the lead", open, err)
	}
}

// TestCachedReads: with caching on, the by-key reads of organizations,
// customers and tags are answered by their row caches (no statement
// reaches the server), a row cached for one organization is never served
// to another, and each write is seen by the next read.
func TestCachedReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := seed(t, e.store, "acme"), seed(t, e.store, "globex")
	st, ctx := e.store, b.ctx
	reads := func() {
		t.Helper()
		if o, err := st.Organizations.FindByID(ctx, b.org.ID); err != nil || o.ID != b.org.ID {
			t.Fatalf("organizations.FindByID = %+v, %v", o, err)
		}
		if o, err := st.Organizations.BySlug(ctx, b.org.Slug); err != nil || o.ID != b.org.ID {
			t.Fatalf("organizations.BySlug = %+v, %v", o, err)
		}
		if c, err := st.Customers.FindByID(ctx, b.customers[0].ID); err != nil || c.ID != b.customers[0].ID {
			t.Fatalf("customers.FindByID = %+v, %v", c, err)
		}
		if cs, err := st.Customers.FindByIDs(ctx, []uuid.UUID{b.customers[1].ID, b.customers[0].ID}); err != nil || len(cs) != 2 {
			t.Fatalf("customers.FindByIDs = %+v, %v", cs, err)
		}
		if tag, err := st.Tags.ByName(ctx, "vip"); err != nil || tag.ID != b.tags[0].ID {
			t.Fatalf("tags.ByName = %+v, %v", tag, err)
		}
	}
	reads()
	reads()
	e.stmts.take()
	reads()
	if ops := e.stmts.take(); len(ops) != 0 {
		t.Fatalf("cached reads sent statements: %v", ops)
	}

	// acme sees none of globex's cached rows, by any read or write.
	checkTenantIsolation(t, st, a, b)
	if _, err := st.Organizations.BySlug(a.ctx, b.org.Slug); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("organizations.BySlug of globex's slug from acme: %v, want not found", err)
	}
	if cs, err := st.Customers.FindByIDs(a.ctx, []uuid.UUID{b.customers[0].ID}); err != nil || len(cs) != 0 {
		t.Errorf("customers.FindByIDs of globex's customer from acme = %+v, %v", cs, err)
	}
	if _, err := st.Tags.ByName(a.ctx, "vip"); err != nil {
		t.Errorf("acme's own tag vip: %v", err) // acme has a tag of the same name: its own row
	}
	reads()

	// Writes are seen by the next read.
	c, err := st.Customers.Update(ctx, b.customers[0].ID, crmdb.CustomerUpdate{Name: runtime.Set("Initech Global")})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := st.Customers.FindByID(ctx, c.ID); err != nil || got.Name != "Initech Global" {
		t.Fatalf("customers.FindByID after Update = %+v, %v", got, err)
	}
	if _, err := st.Organizations.Update(ctx, b.org.ID, crmdb.OrganizationUpdate{Slug: runtime.Set("globex-2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Organizations.BySlug(ctx, b.org.Slug); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("organizations.BySlug of the old slug: %v, want not found", err)
	}
	if ok, err := st.Organizations.Delete(ctx, b.org.ID); err != nil || !ok {
		t.Fatalf("organizations.Delete = %v, %v", ok, err)
	}
	// The delete cascades to the organization's customers and tags, whose
	// cached rows it invalidates.
	if _, err := st.Customers.FindByID(ctx, c.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("customers.FindByID after the organization's delete: %v, want not found", err)
	}
	if _, err := st.Tags.ByName(ctx, "vip"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("tags.ByName after the organization's delete: %v, want not found", err)
	}
	if s, _ := e.db.Stats().Cache.Table("customers"); s.Hits == 0 || s.Invalidations == 0 {
		t.Errorf("customers cache stats: %+v", s)
	}
}
