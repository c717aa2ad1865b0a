package auditdb

// The audit log against a hostile app role (issue 21, finding 1): every
// test writes as the app role — neither superuser nor owner, with the
// grants of docs/operations.md — and checks as the owner.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
)

var (
	orgA = uuid.MustParse("0a000000-0000-4000-8000-00000000000a")
	orgB = uuid.MustParse("0b000000-0000-4000-8000-00000000000b")
)

// as returns a context of tenant org acting as actor.
func as(org uuid.UUID, actor string) context.Context {
	return runtime.WithActor(runtime.WithTenant(context.Background(), org), actor)
}

// denied reports whether err is PostgreSQL's insufficient_privilege.
func denied(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42501"
}

// TestAppRoleSeesOnlyItsTenantsAuditRowsAndWritesNone: the app role
// reads the audit rows of the tenant it is scoped to (and of tables
// without a tenant), none without a tenant, and can neither insert,
// update nor delete a row of the log, read the chain heads or the key,
// nor run the functions that write them.
func TestAppRoleSeesOnlyItsTenantsAuditRowsAndWritesNone(t *testing.T) {
	ctx := context.Background()
	app, owner := rolePools(t)
	s := NewStore(app)
	a, err := s.Customers.Create(as(orgA, "ann"), NewCustomer{Name: "Ann", Email: "ann@a.example"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Customers.Create(as(orgB, "bob"), NewCustomer{Name: "Bob", Email: "bob@b.example"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Customers.Update(as(orgB, "bob"), b.ID, CustomerUpdate{Name: runtime.Set("Bobby")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Notes.Create(ctx, NewNote{}); err != nil {
		t.Fatal(err)
	}
	count := func(db runtime.DBTX, where string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM cpcgen_audit_log WHERE `+where).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Without a tenant: the rows of tables without one, nothing else.
	if n, all := count(app, "true"), count(owner, "true"); n != 1 || all != 4 {
		t.Fatalf("app role without a tenant reads %d audit rows (owner: %d), want only the note's", n, all)
	}
	// Scoped to A: A's row and the note's; none of B's.
	scopedA := runtime.Scope(app, orgA)
	if n := count(scopedA, "tenant IS NOT NULL"); n != 1 {
		t.Errorf("app role as A reads %d tenant rows, want 1", n)
	}
	if n := count(scopedA, "tenant = '"+orgB.String()+"'"); n != 0 {
		t.Errorf("app role as A reads %d of B's rows", n)
	}
	if trail, err := s.Customers.AuditTrail(as(orgA, "ann"), b.ID); err != nil || len(trail) != 0 {
		t.Errorf("A's AuditTrail of B's customer = %v, %v; want nothing", trail, err)
	}
	if trail, err := s.Customers.AuditTrail(as(orgB, "bob"), b.ID); err != nil || len(trail) != 2 || *trail[1].Actor != "bob" {
		t.Errorf("B's AuditTrail of its customer = %+v, %v", trail, err)
	}
	if trail, err := s.Customers.AuditTrail(as(orgA, "ann"), a.ID); err != nil || len(trail) != 1 {
		t.Errorf("A's AuditTrail of its customer = %+v, %v", trail, err)
	}

	// No write of the log, scoped or not; nothing of the heads, the key
	// or the functions.
	before := count(owner, "true")
	for _, db := range []runtime.DBTX{app, scopedA} {
		for _, stmt := range []string{
			`INSERT INTO cpcgen_audit_log (table_name, row_key, action, actor, tenant) VALUES ('customers', '{}', 'update', 'ceo@globex (forged)', '` + orgB.String() + `')`,
			`UPDATE cpcgen_audit_log SET actor = 'forged'`,
			`DELETE FROM cpcgen_audit_log`,
			`TRUNCATE cpcgen_audit_log`,
			`SELECT * FROM cpcgen_audit_head`,
			`UPDATE cpcgen_audit_head SET seq = 0`,
			`SELECT * FROM cpcgen_audit_key`,
			`SELECT cpcgen_audit_mask('{"email": "x"}', 'customers', NULL, '{email}')`,
			`SELECT * FROM cpcgen_audit_verify(NULL)`,
			`SELECT cpcgen_audit_adopt()`,
			`CREATE TRIGGER forged AFTER UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION cpcgen_audit('org_id', '{id}', '', '{}')`,
		} {
			if _, err := db.Exec(ctx, stmt); !denied(err) {
				t.Errorf("app role ran %.60q: %v; want permission denied", stmt, err)
			}
		}
	}
	if after := count(owner, "true"); after != before {
		t.Fatalf("the log went from %d to %d rows", before, after)
	}

	// A temporary table named like the log does not catch the trigger's
	// rows: the function's search_path is pinned, pg_temp last.
	conn, err := app.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE cpcgen_audit_log (LIKE public.cpcgen_audit_log)`); err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.Scope(conn, orgA).Exec(ctx, `UPDATE customers SET name = 'Annie'`); err != nil {
		t.Fatal(err)
	}
	var temp int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_temp.cpcgen_audit_log`).Scan(&temp); err != nil || temp != 0 {
		t.Errorf("%d rows in the temporary table, %v", temp, err)
	}
	if after := count(owner, "true"); after != before+1 {
		t.Errorf("the hand-written update was not logged: %d rows, want %d", after, before+1)
	}
}

// TestSensitiveValuesAreNotInClear: the audit rows hold sensitive values
// as keyed hashes — equal for equal values of one tenant's column, so
// that a change shows, different across tenants — never the values.
func TestSensitiveValuesAreNotInClear(t *testing.T) {
	ctx := context.Background()
	app, owner := rolePools(t)
	s := NewStore(app)
	const email, phone = "ann.secret@a.example", "+1 555 0100"
	c, err := s.Customers.Create(as(orgA, "ann"), NewCustomer{Name: "Ann", Email: email})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Contacts.Create(as(orgA, "ann"), NewContact{CustomerID: c.ID, Phone: phone}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Customers.Update(as(orgA, "ann"), c.ID, CustomerUpdate{Name: runtime.Set("Ann B.")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Customers.Update(as(orgA, "ann"), c.ID, CustomerUpdate{Email: runtime.Set("ann.new@a.example")}); err != nil {
		t.Fatal(err)
	}
	b, err := s.Customers.Create(as(orgB, "bob"), NewCustomer{Name: "Bob", Email: email})
	if err != nil {
		t.Fatal(err)
	}
	var text string
	if err := owner.QueryRow(ctx, `SELECT string_agg(concat_ws(' ', row_key, old, new, actor), E'\n') FROM cpcgen_audit_log`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{email, "ann.secret", "ann.new", phone, "555 0100"} {
		if strings.Contains(text, secret) {
			t.Errorf("the audit log holds %q in clear:\n%s", secret, text)
		}
	}
	trail, err := s.Customers.AuditTrail(as(orgA, "ann"), c.ID)
	if err != nil || len(trail) != 3 {
		t.Fatalf("trail = %+v, %v", trail, err)
	}
	hashOf := func(image []byte) string {
		var row struct{ Email string }
		if err := json.Unmarshal(image, &row); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(row.Email, "hmac-sha256:") || len(row.Email) != len("hmac-sha256:")+64 {
			t.Fatalf("email in the audit row is %q, want hmac-sha256:<64 hex digits>", row.Email)
		}
		return row.Email
	}
	created, renamed := hashOf(trail[0].New), trail[1]
	if hashOf(renamed.Old) != created || hashOf(renamed.New) != created {
		t.Error("an update that keeps the email changed its hash")
	}
	if hashOf(trail[2].Old) != created || hashOf(trail[2].New) == created {
		t.Error("an update of the email does not show in its hashes")
	}
	btrail, err := s.Customers.AuditTrail(as(orgB, "bob"), b.ID)
	if err != nil || len(btrail) != 1 {
		t.Fatalf("B's trail = %+v, %v", btrail, err)
	}
	if hashOf(btrail[0].New) == created {
		t.Error("the same email has the same hash in two tenants: one tenant's rows tell another's values")
	}
}

// TestCascadesAndHandWrittenSQLAreAudited: a hand-written UPDATE on the
// app role, and the contacts a customer's delete cascades to, are in the
// log, the latter with the actor of the generated Delete.
func TestCascadesAndHandWrittenSQLAreAudited(t *testing.T) {
	ctx := context.Background()
	app, owner := rolePools(t)
	s := NewStore(app)
	c, err := s.Customers.Create(as(orgA, "ann"), NewCustomer{Name: "Ann", Email: "a@a.example"})
	if err != nil {
		t.Fatal(err)
	}
	var contacts []int64
	for _, p := range []string{"1", "2"} {
		k, err := s.Contacts.Create(as(orgA, "ann"), NewContact{CustomerID: c.ID, Phone: p})
		if err != nil {
			t.Fatal(err)
		}
		contacts = append(contacts, k.ID)
	}
	// Hand-written SQL: without an actor, and with the one Acting sends.
	if _, err := runtime.Scope(app, orgA).Exec(ctx, `UPDATE customers SET name = 'by hand' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.Acting(runtime.WithActor(ctx, "script"), runtime.Scope(app, orgA)).Exec(ctx, `UPDATE contacts SET phone = '3' WHERE id = $1`, contacts[0]); err != nil {
		t.Fatal(err)
	}
	// The generated Delete of the customer cascades to its contacts.
	if ok, err := s.Customers.Delete(as(orgA, "carol"), c.ID); err != nil || !ok {
		t.Fatal(ok, err)
	}
	rows, err := owner.Query(ctx, `SELECT table_name, action, row_key->>'id', coalesce(actor, '-'), tenant FROM cpcgen_audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var table, action, key, actor, tenant string
		if err := rows.Scan(&table, &action, &key, &actor, &tenant); err != nil {
			t.Fatal(err)
		}
		if tenant != orgA.String() {
			t.Errorf("%s %s: tenant %q", table, action, tenant)
		}
		if table == "customers" {
			key = "c"
		}
		got = append(got, fmt.Sprintf("%s %s %s by %s", table, action, key, actor))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"customers create c by ann",
		fmt.Sprintf("contacts create %d by ann", contacts[0]),
		fmt.Sprintf("contacts create %d by ann", contacts[1]),
		"customers update c by -",
		fmt.Sprintf("contacts update %d by script", contacts[0]),
		// The customer's row, then the rows its delete cascades to, in
		// an order of the server's choosing.
		"customers delete c by carol",
		fmt.Sprintf("contacts delete %d by carol", contacts[0]),
		fmt.Sprintf("contacts delete %d by carol", contacts[1]),
	}
	if len(got) == len(want) {
		slices.Sort(got[len(got)-2:])
		slices.Sort(want[len(want)-2:])
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// verify runs cpcgen_audit_verify as the owner, by tenant.
func verify(t *testing.T, owner *pgxpool.Pool) map[string]runtime.AuditChain {
	t.Helper()
	chains, err := runtime.VerifyAudit(context.Background(), owner, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]runtime.AuditChain{}
	for _, c := range chains {
		out[c.Tenant] = c
	}
	return out
}

// TestChainVerifiesAfterConcurrentWritesAndBreaksOnTamper runs 1,000
// audited writes from 8 goroutines over 4 tenants and the tables without
// one, as the app role: every chain verifies, with one row per write, in
// seq order without gaps. Then the owner tampers: an UPDATE of one row,
// a DELETE of one row inside a chain, a DELETE of a chain's last row,
// each reported at the right place, the other chains still verifying;
// and the app role cannot run the check.
func TestChainVerifiesAfterConcurrentWritesAndBreaksOnTamper(t *testing.T) {
	ctx := context.Background()
	app, owner := rolePools(t)
	s := NewStore(app)
	orgs := []uuid.UUID{orgA, orgB, uuid.MustParse("0c000000-0000-4000-8000-00000000000c"), uuid.MustParse("0d000000-0000-4000-8000-00000000000d")}
	const goroutines, writes = 8, 125
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			org := orgs[g%len(orgs)]
			ctx := as(org, fmt.Sprintf("writer %d", g))
			var c Customer
			for i := 0; i < writes; i++ {
				var err error
				switch {
				case i == 0:
					c, err = s.Customers.Create(ctx, NewCustomer{Name: fmt.Sprint(g), Email: fmt.Sprintf("%d@x.example", g)})
				case i%5 == 4:
					_, err = s.Notes.Create(ctx, NewNote{Tags: runtime.Set([]string{fmt.Sprint(g, i)})})
				default:
					_, err = s.Customers.Update(ctx, c.ID, CustomerUpdate{Name: runtime.Set(fmt.Sprint(g, i))})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	chains := verify(t, owner)
	total := int64(0)
	for _, org := range append([]string{""}, orgs[0].String(), orgs[1].String(), orgs[2].String(), orgs[3].String()) {
		c, ok := chains[org]
		if !ok || !c.OK() || c.HeadSeq != c.Verified {
			t.Errorf("chain %q: %+v", org, c)
		}
		total += c.Verified
	}
	if total != goroutines*writes || len(chains) != 5 {
		t.Fatalf("%d rows verified in %d chains, want %d in 5", total, len(chains), goroutines*writes)
	}
	var gaps int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM (SELECT seq - lag(seq) OVER (PARTITION BY tenant ORDER BY seq) AS step FROM cpcgen_audit_log) s WHERE step <> 1`).Scan(&gaps); err != nil || gaps != 0 {
		t.Fatalf("%d gaps in the chains, %v", gaps, err)
	}
	if _, err := runtime.VerifyAudit(ctx, app, nil); !denied(err) {
		t.Errorf("the app role ran cpcgen_audit_verify: %v", err)
	}

	// The owner changes one row of A's chain: reported there.
	var id, seq int64
	if err := owner.QueryRow(ctx, `SELECT id, seq FROM cpcgen_audit_log WHERE tenant = $1 AND seq = 10`, orgA.String()).Scan(&id, &seq); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(ctx, `UPDATE cpcgen_audit_log SET actor = 'someone else' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	// It deletes one row inside B's chain and the last row of C's.
	var bID int64
	if err := owner.QueryRow(ctx, `DELETE FROM cpcgen_audit_log WHERE tenant = $1 AND seq = 20 RETURNING id`, orgB.String()).Scan(&bID); err != nil {
		t.Fatal(err)
	}
	cLast := chains[orgs[2].String()].HeadSeq
	if _, err := owner.Exec(ctx, `DELETE FROM cpcgen_audit_log WHERE tenant = $1 AND seq = $2`, orgs[2].String(), cLast); err != nil {
		t.Fatal(err)
	}
	chains = verify(t, owner)
	if c := chains[orgA.String()]; c.OK() || c.BrokenSeq != 10 || c.BrokenID != id || c.Verified != 9 || !strings.Contains(c.Problem, "changed") {
		t.Errorf("A's chain after an UPDATE of seq 10: %+v", c)
	}
	if c := chains[orgB.String()]; c.OK() || c.BrokenSeq != 20 || c.Verified != 19 || !strings.Contains(c.Problem, "seq 20 is missing") {
		t.Errorf("B's chain after a DELETE of seq 20 (row %d): %+v", bID, c)
	}
	if c := chains[orgs[2].String()]; c.OK() || c.BrokenSeq != cLast || !strings.Contains(c.Problem, "the last rows were deleted") {
		t.Errorf("C's chain after a DELETE of its last row: %+v", c)
	}
	if c := chains[orgs[3].String()]; !c.OK() {
		t.Errorf("D's chain, untouched: %+v", c)
	}
	if c := chains[""]; !c.OK() {
		t.Errorf("the chain without a tenant, untouched: %+v", c)
	}
	// One tenant alone.
	one := orgA.String()
	if cs, err := runtime.VerifyAudit(ctx, owner, &one); err != nil || len(cs) != 1 || cs[0].OK() {
		t.Errorf("VerifyAudit(A) = %+v, %v", cs, err)
	}
}

// TestAdoptChainsRowsWrittenBeforeTheTrigger: rows without a place in the
// chain (as the statement-level audit of earlier versions wrote them)
// break verify until cpcgen_audit_adopt() chains them, with their tenant
// taken from the row and sensitive values masked.
func TestAdoptChainsRowsWrittenBeforeTheTrigger(t *testing.T) {
	ctx := context.Background()
	app, owner := rolePools(t)
	s := NewStore(app)
	if _, err := s.Customers.Create(as(orgA, "ann"), NewCustomer{Name: "Ann", Email: "a@a.example"}); err != nil {
		t.Fatal(err)
	}
	legacy := fmt.Sprintf(`{"id": "%s", "org_id": "%s", "name": "Old", "email": "old@secret.example"}`, uuid.New(), orgB)
	if _, err := owner.Exec(ctx, `INSERT INTO cpcgen_audit_log (table_name, row_key, action, actor, new) VALUES
		('customers', '{"id": 1}', 'upsert', 'old code', $1), ('gone', '{"id": 1}', 'create', NULL, '{"x": 1}')`, legacy); err != nil {
		t.Fatal(err)
	}
	if c := verify(t, owner)[""]; c.OK() || !strings.Contains(c.Problem, "outside the chain") {
		t.Fatalf("rows without a seq: %+v", c)
	}
	var n int64
	if err := owner.QueryRow(ctx, `SELECT cpcgen_audit_adopt()`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("adopt = %d, %v", n, err)
	}
	for tenant, c := range verify(t, owner) {
		if !c.OK() {
			t.Errorf("chain %q after adopt: %+v", tenant, c)
		}
	}
	var tenant, email string
	if err := owner.QueryRow(ctx, `SELECT tenant, new->>'email' FROM cpcgen_audit_log WHERE action = 'upsert'`).Scan(&tenant, &email); err != nil {
		t.Fatal(err)
	}
	if tenant != orgB.String() || !strings.HasPrefix(email, "hmac-sha256:") {
		t.Errorf("adopted row: tenant %q, email %q", tenant, email)
	}
	var gone *string
	if err := owner.QueryRow(ctx, `SELECT tenant FROM cpcgen_audit_log WHERE table_name = 'gone'`).Scan(&gone); err != nil || gone == nil || *gone != "" {
		t.Errorf("a row of a table no longer audited: tenant %v, %v (want '', no tenant's)", gone, err)
	}
	if n, err := runtime.ScanValue[int64](runtime.Scope(app, orgA).QueryRow(ctx, `SELECT count(*) FROM cpcgen_audit_log WHERE table_name = 'gone'`)); err != nil || n != 0 {
		t.Errorf("the app role reads %d rows of a table no longer audited, %v", n, err)
	}
}
