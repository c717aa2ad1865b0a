package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/crm"
	"github.com/cpcgen/cpcgen/examples/crm/crmdb"
	"github.com/cpcgen/cpcgen/examples/internal/demo"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
)

func main() { demo.Main("crm-demo", "add fewer customers (for CI)", run) }

// run is the whole demo, writing its story to out; opts.Short adds fewer customers.
func run(ctx context.Context, out io.Writer, opts demo.Options) error {
	url, release, err := demo.Database(ctx, out, opts.URL, "crm_demo")
	if err != nil {
		return err
	}
	defer release()

	// The tenant key signs the tenant of every scoped statement for the
	// row-level security policies: CPCGEN_TENANT_KEY's, or one made for
	// this run, installed in the database once the migrations made its
	// table. The migrations and the key are the owner's (the role of the
	// URL); the application runs as a role of its own, which the policies
	// bind: no superuser, no BYPASSRLS, owner of nothing.
	key, err := runtime.TenantKeyOf()
	if err != nil {
		return err
	}
	if key == nil {
		raw := make([]byte, runtime.MinTenantKeyLength)
		if _, err := rand.Read(raw); err != nil {
			return err
		}
		if key, err = runtime.NewTenantKey(raw); err != nil {
			return err
		}
	}
	applied, err := migrateAsOwner(ctx, url, key)
	if err != nil {
		return err
	}
	appURL, err := demo.AppURL(ctx, out, url)
	if err != nil {
		return err
	}
	stmts := &statements{}
	db, err := runtime.Open(ctx, runtime.Config{URL: appURL, ApplicationName: "crm-demo", Observers: []runtime.Observer{stmts}, TenantKey: key})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := runtime.CheckAppRole(ctx, db); err != nil {
		return err
	}
	var role string
	if err := db.QueryRow(ctx, "SELECT current_user").Scan(&role); err != nil {
		return err
	}
	fmt.Fprintf(out, "connected as %s: no superuser, no BYPASSRLS, owner of no table, no temporary tables, every tenant table forcing row-level security (runtime.CheckAppRole)\n", role)
	demo.SayMigrations(out, applied)

	s := &story{ctx: ctx, out: out, store: crmdb.NewStore(db), tag: demo.RunTag(), stmts: stmts, short: opts.Short}
	for _, step := range []func() error{s.organizations, s.customers, s.deals, s.search, s.pipeline, s.board, s.audit, s.otherTenant} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// migrateAsOwner applies the migrations as the role of url, the tables' owner,
// installs key, and returns the migrations applied.
func migrateAsOwner(ctx context.Context, url string, key *runtime.TenantKey) ([]migrate.Applied, error) {
	owner, err := runtime.Open(ctx, runtime.Config{URL: url, ApplicationName: "crm-demo-migrate"})
	if err != nil {
		return nil, err
	}
	defer owner.Close()
	applied, err := crm.Migrate(ctx, owner)
	if err != nil {
		return nil, err
	}
	return applied, runtime.InstallTenantKey(ctx, owner, key)
}

// statements counts the statements sent, by operation, between two calls
// of take.
type statements struct {
	mu  sync.Mutex
	ops map[string]int
}

// ObserveQuery implements runtime.Observer.
func (s *statements) ObserveQuery(_ context.Context, e *runtime.QueryEvent) {
	s.mu.Lock()
	if s.ops == nil {
		s.ops = map[string]int{}
	}
	s.ops[e.Op]++
	s.mu.Unlock()
}

// take returns "op ×n, …" of the statements since the last call, without
// the tenant settings that travel with them.
func (s *statements) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parts []string
	for op, n := range s.ops {
		if op != "runtime.SetTenant" {
			parts = append(parts, fmt.Sprintf("%s ×%d", op, n))
		}
	}
	s.ops = nil
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// story is the state the demo's steps share.
type story struct {
	ctx   context.Context
	out   io.Writer
	store *crmdb.Store
	tag   string // makes this run's slugs unique
	stmts *statements
	short bool

	acme, globex       crmdb.Organization
	acmeCtx, globexCtx context.Context // scoped to the tenant, with an actor
	initech, umbrella  crmdb.Customer
	renewal            crmdb.Deal
}

func (s *story) say(format string, args ...any) { fmt.Fprintf(s.out, format+"\n", args...) }

func amount(v string) runtime.Opt[decimal.Decimal] {
	return runtime.Set(decimal.RequireFromString(v))
}

// organizations creates the two tenants.
func (s *story) organizations() (err error) {
	s.acme, s.acmeCtx, err = crm.CreateOrganization(s.ctx, s.store, crmdb.NewOrganization{Name: "Acme Corp", Slug: "acme-" + s.tag})
	if err != nil {
		return err
	}
	s.globex, s.globexCtx, err = crm.CreateOrganization(s.ctx, s.store, crmdb.NewOrganization{Name: "Globex", Slug: "globex-" + s.tag})
	if err != nil {
		return err
	}
	s.acmeCtx = runtime.WithActor(s.acmeCtx, "alice@acme")
	s.globexCtx = runtime.WithActor(s.globexCtx, "hank@globex")
	s.say("\nTwo organizations, each a tenant: %s (%s) and %s (%s)", s.acme.Name, s.acme.Slug, s.globex.Name, s.globex.Slug)
	return nil
}

// customers adds Acme's customers, contacts and tags, and looks one up by
// email in another letter case.
func (s *story) customers() (err error) {
	ctx, st := s.acmeCtx, s.store
	if s.initech, err = st.Customers.Create(ctx, crmdb.NewCustomer{Name: "Initech", Email: "Purchasing@Initech.example", Phone: runtime.NullOf("+15125550100")}); err != nil {
		return err
	}
	if s.umbrella, err = st.Customers.Create(ctx, crmdb.NewCustomer{Name: "Umbrella", Email: "buyers@umbrella.example"}); err != nil {
		return err
	}
	more := []string{"Intertrode", "Initrode", "Hooli", "Vandelay Industries", "Soylent", "Wonka", "Stark Industries", "Tyrell", "Cyberdyne", "Wayne Enterprises"}
	if s.short {
		more = more[:4]
	}
	for _, name := range more {
		email := strings.ToLower(strings.Fields(name)[0]) + "@" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".example"
		if _, err := st.Customers.Create(ctx, crmdb.NewCustomer{Name: name, Email: email}); err != nil {
			return err
		}
	}
	if _, err := st.Contacts.Create(ctx, crmdb.NewContact{CustomerID: s.initech.ID, Name: "Bill Lumbergh", Title: runtime.NullOf("VP")}); err != nil {
		return err
	}
	vip, err := st.Tags.Create(ctx, crmdb.NewTag{Name: "vip"})
	if err != nil {
		return err
	}
	for _, c := range []crmdb.Customer{s.initech, s.umbrella} {
		if _, err := st.CustomerTags.Create(ctx, crmdb.NewCustomerTag{CustomerID: c.ID, TagID: vip.ID}); err != nil {
			return err
		}
	}
	n, err := st.Customers.Count(ctx)
	if err != nil {
		return err
	}
	s.say("%s: %d customers, a contact at Initech, Initech and Umbrella tagged vip", s.acme.Name, n)

	found, err := st.Customers.ByEmail(ctx, "PURCHASING@INITECH.EXAMPLE")
	if err != nil {
		return err
	}
	s.say("%s: customer with email PURCHASING@INITECH.EXAMPLE: %s <%s>", s.acme.Name, found.Name, found.Email)
	_, err = st.Customers.Create(ctx, crmdb.NewCustomer{Name: "Initech (duplicate)", Email: "purchasing@initech.EXAMPLE"})
	if !errors.Is(err, crmdb.ErrCustomerOrgEmailTaken) {
		return fmt.Errorf("a duplicate email in another case: want ErrCustomerOrgEmailTaken, got %v", err)
	}
	s.say("%s: a second customer with purchasing@initech.EXAMPLE refused (crmdb.ErrCustomerOrgEmailTaken): %v", s.acme.Name, err)
	return nil
}

// deals moves Initech's renewal through the pipeline, as two people, and
// shows a stale update refused.
func (s *story) deals() (err error) {
	ctx, st := s.acmeCtx, s.store
	if s.renewal, err = st.Deals.Create(ctx, crmdb.NewDeal{CustomerID: s.initech.ID, Title: "Initech renewal", Amount: amount("12000.00")}); err != nil {
		return err
	}
	for _, d := range []crmdb.NewDeal{
		{CustomerID: s.umbrella.ID, Title: "Umbrella pilot", Amount: amount("8000.00"), Stage: runtime.Set(crmdb.DealStageProposal)},
		{CustomerID: s.umbrella.ID, Title: "Umbrella training", Amount: amount("3500.00"), Stage: runtime.Set(crmdb.DealStageQualified)},
		{CustomerID: s.initech.ID, Title: "Initech printers", Amount: amount("900.00"), Stage: runtime.Set(crmdb.DealStageLost)},
	} {
		if _, err := st.Deals.Create(ctx, d); err != nil {
			return err
		}
	}
	for _, a := range []crmdb.NewActivity{
		{CustomerID: s.umbrella.ID, Kind: crmdb.ActivityKindCall, Summary: "first call"},
		{CustomerID: s.umbrella.ID, Kind: crmdb.ActivityKindMeeting, Summary: "pilot kickoff with the buyers"},
	} {
		if _, err := st.Activities.Create(ctx, a); err != nil {
			return err
		}
	}
	intertrode, err := st.Customers.SearchByName(ctx, runtime.LikePrefix("Intertrode"), runtime.PageArgs{Limit: 1})
	if err != nil {
		return err
	}
	if len(intertrode.Items) == 1 {
		if _, err := st.Deals.Create(ctx, crmdb.NewDeal{CustomerID: intertrode.Items[0].ID, Title: "Intertrode rollout", Amount: amount("6000.00"), Stage: runtime.Set(crmdb.DealStageNegotiation)}); err != nil {
			return err
		}
	}
	s.say("\n%s: deal %q, %s, %s (version %d)", s.acme.Name, s.renewal.Title, s.renewal.Amount.StringFixed(2), s.renewal.Stage, s.renewal.Version)
	stale := s.renewal
	bob := runtime.WithActor(ctx, "bob@acme")
	for i, stage := range []crmdb.DealStage{crmdb.DealStageQualified, crmdb.DealStageProposal, crmdb.DealStageNegotiation, crmdb.DealStageWon} {
		who := ctx
		if i%2 == 1 {
			who = bob
		}
		if s.renewal, err = crm.MoveDeal(who, st, s.renewal.ID, s.renewal.Version, stage); err != nil {
			return err
		}
		actor, _ := runtime.ActorFrom(who)
		s.say("  → %-11s by %-10s (version %d)", stage, actor, s.renewal.Version)
	}
	_, err = crm.MoveDeal(bob, st, stale.ID, stale.Version, crmdb.DealStageLost)
	if !errors.Is(err, runtime.ErrStaleVersion) {
		return fmt.Errorf("a stale move: want ErrStaleVersion, got %v", err)
	}
	s.say("  a move based on version %d refused: %v", stale.Version, err)
	return nil
}

// search pages through a prefix search.
func (s *story) search() error {
	s.say("\n%s: customers whose name starts with \"in\", any case, two a page (keyset pagination):", s.acme.Name)
	page := runtime.PageArgs{Limit: 2}
	for n := 1; ; n++ {
		p, err := s.store.Customers.SearchByName(s.acmeCtx, runtime.LikePrefix("in"), page)
		if err != nil {
			return err
		}
		var names []string
		for _, c := range p.Items {
			names = append(names, c.Name)
		}
		s.say("  page %d: %s", n, strings.Join(names, ", "))
		if p.Next == "" {
			return nil
		}
		page.After = p.Next
	}
}

// pipeline prints the deals per stage.
func (s *story) pipeline() error {
	rows, err := s.store.Deals.PipelineByStage(s.acmeCtx)
	if err != nil {
		return err
	}
	s.say("\n%s's pipeline by stage (raw SQL query):", s.acme.Name)
	for _, r := range rows {
		s.say("  %-12s %d deal(s) %10s", r.Stage, r.Deals, r.Value.StringFixed(2))
	}
	return nil
}

// board prints the customers with open deals, loaded one query per
// relation.
func (s *story) board() error {
	s.stmts.take()
	board, err := crm.Board(s.acmeCtx, s.store)
	if err != nil {
		return err
	}
	s.say("\n%s's customers with open deals, one query per relation (%s):", s.acme.Name, s.stmts.take())
	for _, e := range board {
		var tags []string
		for _, t := range e.Tags {
			tags = append(tags, t.Name)
		}
		last := "no activity yet"
		if a := e.LastActivity; a != nil {
			last = fmt.Sprintf("last activity: %s %q", a.Kind, a.Summary)
		}
		s.say("  %-10s %d open deal(s) worth %9s, tags [%s], %s", e.Customer.Name, len(e.OpenDeals), e.OpenValue.StringFixed(2), strings.Join(tags, " "), last)
	}
	return nil
}

// audit prints the renewal's audit trail.
func (s *story) audit() error {
	rows, err := s.store.Deals.AuditTrail(s.acmeCtx, s.renewal.ID)
	if err != nil {
		return err
	}
	s.say("\nAudit trail of %q (generated AuditTrail over cpcgen_audit_log, written by the same statements as the changes):", s.renewal.Title)
	for _, r := range rows {
		actor := "-"
		if r.Actor != nil {
			actor = *r.Actor
		}
		s.say("  %s  %-6s by %-10s %s", r.At.UTC().Format("15:04:05.000"), r.Action, actor, changes(r.Old, r.New))
	}
	return nil
}

// changes describes what differs between two audit images of a row,
// leaving out the columns every write changes.
func changes(oldRaw, newRaw json.RawMessage) string {
	var old, new map[string]any
	_ = json.Unmarshal(oldRaw, &old)
	_ = json.Unmarshal(newRaw, &new)
	if old == nil {
		return fmt.Sprintf("stage=%v amount=%v", new["stage"], new["amount"])
	}
	var keys []string
	for k := range new {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		if k == "updated_at" || k == "version" || fmt.Sprint(old[k]) == fmt.Sprint(new[k]) {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %v → %v", k, old[k], new[k]))
	}
	return strings.Join(parts, ", ")
}

// otherTenant shows that Globex sees none of Acme's rows.
func (s *story) otherTenant() error {
	ctx, st := s.globexCtx, s.store
	_, findErr := st.Customers.FindByID(ctx, s.initech.ID)
	_, emailErr := st.Customers.ByEmail(ctx, s.initech.Email)
	n, err := st.Customers.Count(ctx)
	if err != nil {
		return err
	}
	pipeline, err := st.Deals.PipelineByStage(ctx)
	if err != nil {
		return err
	}
	trail, err := st.Deals.AuditTrail(ctx, s.renewal.ID)
	if err != nil {
		return err
	}
	moved, moveErr := crm.MoveDeal(ctx, st, s.renewal.ID, s.renewal.Version, crmdb.DealStageLost)
	if moveErr == nil {
		return fmt.Errorf("globex moved acme's deal: %+v", moved)
	}
	orgs, err := st.Organizations.FindAll(ctx)
	if err != nil {
		return err
	}
	s.say("\n%s, the other tenant, with Acme's ids in hand:", s.globex.Name)
	s.say("  reads Initech by id: %v", errOrFound(findErr, runtime.ErrNotFound))
	s.say("  looks up %s: %v", s.initech.Email, errOrFound(emailErr, runtime.ErrNotFound))
	s.say("  moves Acme's renewal to lost: %v", errOrFound(moveErr, runtime.ErrNotFound))
	s.say("  counts %d customers, %d pipeline stages, %d audit rows of the renewal; sees %d organization (%s)", n, len(pipeline), len(trail), len(orgs), orgs[0].Name)
	return nil
}

// errOrFound says "not found" when err matches target.
func errOrFound(err, target error) string {
	if errors.Is(err, target) {
		return "not found"
	}
	if err == nil {
		return "found"
	}
	return err.Error()
}
