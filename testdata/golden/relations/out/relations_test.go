package reldb

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile is stored and read back through the generated methods.
const hostile = "O'Reilly \"q\" \\ back\\slash; DROP TABLE users; -- $1 @param \u00e9\u4e16\U0001F600"

// queryCounter is a pgx tracer counting the statements sent.
type queryCounter struct{ n atomic.Int64 }

func (c *queryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *queryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// count returns how many statements fn sends.
func (c *queryCounter) count(fn func()) int64 {
	before := c.n.Load()
	fn()
	return c.n.Load() - before
}

// openCounted opens a pool on a fresh database whose statements are
// counted.
func openCounted(t *testing.T) (*Store, *queryCounter) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	counter := &queryCounter{}
	cfg.ConnConfig.Tracer = counter
	cfg.AfterConnect = runtime.AfterConnect
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return NewStore(pool), counter
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ids[T any](rows []T, id func(T) int64) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, id(r))
	}
	return out
}

func accountID(a Account) int64   { return a.ID }
func transferID(t Transfer) int64 { return t.ID }

func TestForeignKeyFindersAndLoaders(t *testing.T) {
	ctx := context.Background()
	s, counter := openCounted(t)
	user := must[User](t)
	acct := must[Account](t)
	// Users with 0, 1 and 3 accounts.
	none := user(s.Users.Create(ctx, NewUser{Email: "none@x.test", Name: "None"}))
	one := user(s.Users.Create(ctx, NewUser{Email: "one@x.test", Name: "One"}))
	many := user(s.Users.Create(ctx, NewUser{Email: hostile, Name: hostile}))
	a1 := acct(s.Accounts.Create(ctx, NewAccount{UserID: many.ID, Label: hostile}))
	a2 := acct(s.Accounts.Create(ctx, NewAccount{UserID: one.ID, Label: "solo"}))
	a3 := acct(s.Accounts.Create(ctx, NewAccount{UserID: many.ID, Label: "b"}))
	a4 := acct(s.Accounts.Create(ctx, NewAccount{UserID: many.ID, Label: "c"}))

	list := must[[]Account](t)(s.Accounts.ListByUserID(ctx, many.ID))
	if got := ids(list, accountID); !slices.Equal(got, []int64{a1.ID, a3.ID, a4.ID}) || list[0].Label != hostile {
		t.Fatalf("ListByUserID = %v", list)
	}
	if got := must[[]Account](t)(s.Accounts.ListByUserID(ctx, none.ID)); len(got) != 0 {
		t.Fatalf("ListByUserID(none) = %v", got)
	}

	users := []User{none, one, many}
	var loaded map[uuid.UUID][]Account
	if n := counter.count(func() { loaded = must[map[uuid.UUID][]Account](t)(s.Users.LoadAccounts(ctx, users)) }); n != 1 {
		t.Fatalf("LoadAccounts sent %d statements, want 1", n)
	}
	if _, ok := loaded[none.ID]; ok || len(loaded) != 2 {
		t.Fatalf("LoadAccounts keys: %v", loaded)
	}
	if got := ids(loaded[one.ID], accountID); !slices.Equal(got, []int64{a2.ID}) {
		t.Fatalf("one's accounts: %v", got)
	}
	if got := ids(loaded[many.ID], accountID); !slices.Equal(got, []int64{a1.ID, a3.ID, a4.ID}) || loaded[many.ID][0].Label != hostile {
		t.Fatalf("many's accounts: %v", loaded[many.ID])
	}
	if n := counter.count(func() { loaded = must[map[uuid.UUID][]Account](t)(s.Users.LoadAccounts(ctx, nil)) }); n != 0 || len(loaded) != 0 {
		t.Fatalf("LoadAccounts(nil): %d statements, %v", n, loaded)
	}
	byKey := must[map[uuid.UUID][]Account](t)(s.Accounts.LoadByUserID(ctx, []uuid.UUID{one.ID, uuid.New(), one.ID}))
	if len(byKey) != 1 || len(byKey[one.ID]) != 1 {
		t.Fatalf("LoadByUserID with a repeated and an unknown key: %v", byKey)
	}

	// The belongs-to side: FindByIDs loads the parents of many children at once.
	var parents []User
	if n := counter.count(func() { parents = must[[]User](t)(s.Users.FindByIDs(ctx, []uuid.UUID{many.ID, one.ID, uuid.New()})) }); n != 1 {
		t.Fatalf("FindByIDs sent %d statements", n)
	}
	if len(parents) != 2 {
		t.Fatalf("FindByIDs = %v", parents)
	}
	if n := counter.count(func() { parents = must[[]User](t)(s.Users.FindByIDs(ctx, nil)) }); n != 0 || parents == nil || len(parents) != 0 {
		t.Fatalf("FindByIDs(nil): %d statements, %v", n, parents)
	}
}

func TestTwoKeysToTheSameParent(t *testing.T) {
	ctx := context.Background()
	s, counter := openCounted(t)
	u := must[User](t)(s.Users.Create(ctx, NewUser{Email: "u", Name: "U"}))
	acct := must[Account](t)
	x := acct(s.Accounts.Create(ctx, NewAccount{UserID: u.ID, Label: "x"}))
	y := acct(s.Accounts.Create(ctx, NewAccount{UserID: u.ID, Label: "y"}))
	z := acct(s.Accounts.Create(ctx, NewAccount{UserID: u.ID, Label: "z"}))
	rows := []NewTransfer{
		{FromAccountID: x.ID, ToAccountID: y.ID, Amount: decimal.NewFromInt(1), Note: runtime.NullOf(hostile)},
		{FromAccountID: x.ID, ToAccountID: z.ID, Amount: decimal.NewFromInt(2)},
		{FromAccountID: y.ID, ToAccountID: z.ID, Amount: decimal.NewFromInt(3)},
	}
	transfers := must[[]Transfer](t)(s.Transfers.CreateManyReturning(ctx, rows))
	accounts := []Account{x, y, z}
	var out, in map[int64][]Transfer
	n := counter.count(func() {
		out = must[map[int64][]Transfer](t)(s.Accounts.LoadTransfersByFromAccountID(ctx, accounts))
		in = must[map[int64][]Transfer](t)(s.Accounts.LoadTransfersByToAccountID(ctx, accounts))
	})
	if n != 2 {
		t.Fatalf("two relations sent %d statements, want 2", n)
	}
	if got := ids(out[x.ID], transferID); !slices.Equal(got, []int64{transfers[0].ID, transfers[1].ID}) || out[x.ID][0].Note.V != hostile {
		t.Fatalf("out of x: %v", out[x.ID])
	}
	if got := ids(in[z.ID], transferID); !slices.Equal(got, []int64{transfers[1].ID, transfers[2].ID}) || len(in[x.ID]) != 0 {
		t.Fatalf("into z: %v; into x: %v", in[z.ID], in[x.ID])
	}
	if got := must[[]Transfer](t)(s.Transfers.ListByToAccountID(ctx, y.ID)); len(got) != 1 || got[0].ID != transfers[0].ID {
		t.Fatalf("ListByToAccountID = %v", got)
	}
}

func TestSelfReferenceWithNulls(t *testing.T) {
	ctx := context.Background()
	s, counter := openCounted(t)
	emp := must[Employee](t)
	boss := emp(s.Employees.Create(ctx, NewEmployee{Name: hostile}))
	mid := emp(s.Employees.Create(ctx, NewEmployee{Name: "mid", ManagerID: runtime.NullOf(boss.ID)}))
	leaf1 := emp(s.Employees.Create(ctx, NewEmployee{Name: "leaf1", ManagerID: runtime.NullOf(mid.ID)}))
	leaf2 := emp(s.Employees.Create(ctx, NewEmployee{Name: "leaf2", ManagerID: runtime.NullOf(mid.ID)}))
	loner := emp(s.Employees.Create(ctx, NewEmployee{Name: "loner"}))

	var reports map[int64][]Employee
	if n := counter.count(func() {
		reports = must[map[int64][]Employee](t)(s.Employees.LoadEmployeesByManagerID(ctx, []Employee{boss, mid, leaf1, loner}))
	}); n != 1 {
		t.Fatalf("%d statements", n)
	}
	if len(reports) != 2 || len(reports[boss.ID]) != 1 || reports[boss.ID][0].ID != mid.ID ||
		!slices.Equal(ids(reports[mid.ID], func(e Employee) int64 { return e.ID }), []int64{leaf1.ID, leaf2.ID}) {
		t.Fatalf("reports = %v", reports)
	}
	if got := must[[]Employee](t)(s.Employees.ListByManagerID(ctx, boss.ID)); len(got) != 1 || got[0].ManagerID.V != boss.ID {
		t.Fatalf("ListByManagerID = %v", got)
	}
	found := must[[]Employee](t)(s.Employees.FindByIDs(ctx, []int64{mid.ManagerID.V}))
	if len(found) != 1 || found[0].Name != hostile {
		t.Fatalf("manager of mid: %v", found)
	}
}

func TestKeyToAUniqueColumn(t *testing.T) {
	ctx := context.Background()
	s, counter := openCounted(t)
	a := must[User](t)(s.Users.Create(ctx, NewUser{Email: hostile, Name: "A"}))
	b := must[User](t)(s.Users.Create(ctx, NewUser{Email: "b@x.test", Name: "B"}))
	must[Profile](t)(s.Profiles.Create(ctx, NewProfile{UserEmail: hostile, Bio: hostile}))
	var profiles map[string][]Profile
	if n := counter.count(func() { profiles = must[map[string][]Profile](t)(s.Users.LoadProfiles(ctx, []User{a, b})) }); n != 1 {
		t.Fatalf("%d statements", n)
	}
	if len(profiles) != 1 || profiles[hostile][0].Bio != hostile {
		t.Fatalf("profiles = %v", profiles)
	}
	p := must[Profile](t)(s.Profiles.UpsertByUserEmail(ctx, NewProfile{UserEmail: hostile, Bio: "new"}))
	if p.Bio != "new" {
		t.Fatalf("upsert by the key: %+v", p)
	}
}

func TestManyToMany(t *testing.T) {
	ctx := context.Background()
	s, counter := openCounted(t)
	user := must[User](t)
	ann := user(s.Users.Create(ctx, NewUser{Email: "ann", Name: "Ann"}))
	bob := user(s.Users.Create(ctx, NewUser{Email: "bob", Name: "Bob"}))
	cy := user(s.Users.Create(ctx, NewUser{Email: "cy", Name: "Cy"}))
	groups := must[[]Group](t)(s.Groups.CreateManyReturning(ctx, []NewGroup{{Name: hostile}, {Name: "b"}, {Name: "c"}}))
	link := func(u User, g Group, wantNew bool) {
		t.Helper()
		added, err := s.Users.LinkGroup(ctx, u.ID, g.ID)
		if err != nil || added != wantNew {
			t.Fatalf("LinkGroup(%s, %s) = %v, %v; want %v", u.Name, g.Name, added, err, wantNew)
		}
	}
	link(ann, groups[0], true)
	link(ann, groups[2], true)
	link(bob, groups[1], true)
	link(ann, groups[0], false) // idempotent
	var loaded map[uuid.UUID][]Group
	if n := counter.count(func() { loaded = must[map[uuid.UUID][]Group](t)(s.Users.LoadGroups(ctx, []User{ann, bob, cy})) }); n != 1 {
		t.Fatalf("LoadGroups sent %d statements, want 1", n)
	}
	if len(loaded) != 2 || len(loaded[ann.ID]) != 2 || loaded[ann.ID][0].Name != hostile || loaded[ann.ID][1].ID != groups[2].ID ||
		len(loaded[bob.ID]) != 1 || loaded[bob.ID][0].ID != groups[1].ID {
		t.Fatalf("LoadGroups = %v", loaded)
	}
	// The join row got its defaults.
	m := must[[]Membership](t)(s.Memberships.ListByUserID(ctx, ann.ID))
	if len(m) != 2 || m[0].Role != RoleMember || m[0].JoinedAt.IsZero() {
		t.Fatalf("memberships: %+v", m)
	}
	if removed, err := s.Users.UnlinkGroup(ctx, ann.ID, groups[0].ID); err != nil || !removed {
		t.Fatalf("UnlinkGroup = %v, %v", removed, err)
	}
	if removed, err := s.Users.UnlinkGroup(ctx, ann.ID, groups[0].ID); err != nil || removed {
		t.Fatalf("second UnlinkGroup = %v, %v", removed, err)
	}
	if _, err := s.Users.LinkGroup(ctx, ann.ID, -1); !errors.Is(err, runtime.ErrForeignKey) {
		t.Fatalf("link to a missing group: %v", err)
	}

	// A join table with a column of its own: loading works, linking is
	// done through its repository.
	tag := must[Tag](t)(s.Tags.Create(ctx, NewTag{Label: hostile}))
	must[UserTag](t)(s.UserTags.Create(ctx, NewUserTag{UserID: bob.ID, TagID: tag.ID, AddedBy: hostile}))
	tags := must[map[uuid.UUID][]Tag](t)(s.Users.LoadTags(ctx, []User{ann, bob}))
	if len(tags) != 1 || tags[bob.ID][0].Label != hostile {
		t.Fatalf("LoadTags = %v", tags)
	}
}

func TestSkippedRelationsAreDocumented(t *testing.T) {
	ctx := context.Background()
	s, _ := openCounted(t)
	digest := []byte{0, 1, 2, '\'', '\\', 0xff}
	must[Blob](t)(s.Blobs.Create(ctx, NewBlob{Digest: digest, Size: 6}))
	must[Attachment](t)(s.Attachments.Create(ctx, NewAttachment{BlobDigest: digest, Name: hostile}))
	got := must[[]Attachment](t)(s.Attachments.ListByBlobDigest(ctx, digest))
	if len(got) != 1 || got[0].Name != hostile {
		t.Fatalf("ListByBlobDigest = %v", got)
	}
	blobs := must[[]Blob](t)(s.Blobs.FindByIDs(ctx, [][]byte{digest, {9}}))
	if len(blobs) != 1 || string(blobs[0].Digest) != string(digest) {
		t.Fatalf("FindByIDs(bytea) = %v", blobs)
	}
	if !strings.Contains(opAttachmentsListByBlobDigest.SQL, "= $1") {
		t.Fatal("unexpected statement")
	}
}
