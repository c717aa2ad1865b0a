package cachedb

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/runtime/rediscache"
	"github.com/cpcgen/cpcgen/runtime/rediscache/redistest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// pair is two instances of an application on one database, each with
// its own pool and row caches (in process, or sharing one Redis), and a
// connection that changes rows behind the caches' back.
type pair struct {
	a, b   *runtime.DB
	sa, sb *Store
	url    string
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newPair opens two cached instances on a fresh database; withRedis makes
// them share a redis-server of their own.
func newPair(t *testing.T, withRedis bool) *pair {
	t.Helper()
	ctx := testContext(t)
	p := &pair{url: pgtest.URL(t)}
	var url string
	prefix := fmt.Sprintf("cachedb:%d:", rand.Int64())
	if withRedis {
		url = redistest.New(t).URL()
	}
	open := func() *runtime.DB {
		// Behind the tests' PgBouncer (CPCGEN_TEST_POOLER), the listener
		// needs a session of its own on the server.
		cfg := runtime.Config{URL: p.url, Cache: runtime.CacheConfig{Enabled: true, ListenerURL: pgtest.DirectURL(t, p.url)}}
		if withRedis {
			shared, err := rediscache.Open(ctx, url, rediscache.Options{Prefix: prefix})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { shared.Close() })
			cfg.Cache.Shared = shared
		}
		db, err := runtime.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		if err := db.SyncCache(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	p.a, p.b = open(), open()
	p.sa, p.sb = NewStore(p.a), NewStore(p.b)
	return p
}

// variants runs f with in-process caches and with a shared Redis.
func variants(t *testing.T, f func(t *testing.T, p *pair)) {
	t.Run("in-process", func(t *testing.T) { f(t, newPair(t, false)) })
	t.Run("redis", func(t *testing.T) { f(t, newPair(t, true)) })
}

// sneak runs sql on its own connection, as tenant when not nil: a change
// the caches are not told about, so a read that still returns the old
// value was served by a cache.
func (p *pair) sneak(t *testing.T, tenant any, sql string, args ...any) {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, p.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tenant != nil {
		if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", runtime.TenantSetting, fmt.Sprint(tenant)); err != nil {
			t.Fatal(err)
		}
	}
	if tag, err := tx.Exec(ctx, sql, args...); err != nil || tag.RowsAffected() == 0 {
		t.Fatalf("%s: %v, %d rows", sql, err, tag.RowsAffected())
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// sync waits until both instances have applied every invalidation
// committed so far.
func (p *pair) sync(t *testing.T) {
	t.Helper()
	for _, db := range []*runtime.DB{p.a, p.b} {
		if err := db.SyncCache(testContext(t)); err != nil {
			t.Fatal(err)
		}
	}
}

func stats(db *runtime.DB, table string) runtime.TableCacheStats {
	s, _ := db.Stats().Cache.Table(table)
	return s
}

// newOrg creates an org and returns a context scoped to it.
func newOrg(t *testing.T, s *Store, slug string) (Org, context.Context) {
	t.Helper()
	ctx := runtime.WithTenant(testContext(t), uuid.New())
	o, err := s.Orgs.Create(ctx, NewOrg{Slug: slug, Name: slug})
	if err != nil {
		t.Fatal(err)
	}
	return o, ctx
}

// TestHits: a second read is a hit (the cache answers although the row
// changed behind its back), on both instances; a generated write makes
// both read the new row.
func TestHits(t *testing.T) {
	variants(t, func(t *testing.T, p *pair) {
		o, ctx := newOrg(t, p.sa, "acme")
		for _, s := range []*Store{p.sa, p.sb} {
			for range 2 {
				if got, err := s.Orgs.FindByID(ctx, o.ID); err != nil || got != o {
					t.Fatalf("FindByID = %+v, %v; want %+v", got, err, o)
				}
			}
		}
		if st := stats(p.a, "orgs"); st.Hits < 1 || st.Misses < 1 || st.Fills < 1 {
			t.Fatalf("stats of a: %+v", st)
		}
		p.sneak(t, o.ID, "UPDATE orgs SET name = 'sneaked' WHERE id = $1", o.ID)
		for _, s := range []*Store{p.sa, p.sb} {
			if got, err := s.Orgs.FindByID(ctx, o.ID); err != nil || got.Name != "acme" {
				t.Fatalf("FindByID after a change behind the cache = %+v, %v; want the cached row", got, err)
			}
		}
		renamed, err := p.sa.Orgs.Update(ctx, o.ID, OrgUpdate{Name: runtime.Set("Acme Inc")})
		if err != nil {
			t.Fatal(err)
		}
		p.sync(t)
		for _, s := range []*Store{p.sa, p.sb} {
			if got, err := s.Orgs.FindByID(ctx, o.ID); err != nil || got != renamed {
				t.Fatalf("FindByID after Update = %+v, %v; want %+v", got, err, renamed)
			}
		}
	})
}

// TestFindByIDs: hits and misses in one call, one statement for the
// misses, rows in id order, keys without a row skipped, and an
// invalidated key read again.
func TestFindByIDs(t *testing.T) {
	variants(t, func(t *testing.T, p *pair) {
		_, ctx := newOrg(t, p.sa, "acme")
		var users []User
		for i := range 5 {
			u, err := p.sa.Users.Create(ctx, NewUser{Email: fmt.Sprintf("u%d@x.io", i), Name: fmt.Sprint("u", i)})
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		if _, err := p.sa.Users.FindByIDs(ctx, []int64{users[3].ID, users[1].ID}); err != nil {
			t.Fatal(err)
		}
		before := stats(p.a, "users")
		got, err := p.sa.Users.FindByIDs(ctx, []int64{users[4].ID, users[1].ID, 999999, users[3].ID, users[0].ID, users[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		want := []User{users[0], users[1], users[3], users[4]}
		if len(got) != len(want) {
			t.Fatalf("FindByIDs = %+v; want %+v", got, want)
		}
		for i := range want {
			if !cmp.Equal(got[i], want[i]) {
				t.Fatalf("FindByIDs[%d] = %+v; want %+v", i, got[i], want[i])
			}
		}
		if after := stats(p.a, "users"); after.Hits-before.Hits != 2 || after.Misses-before.Misses != 3 {
			t.Fatalf("hits %d, misses %d; want 2 and 3 (ids 1 and 3 were cached)", after.Hits-before.Hits, after.Misses-before.Misses)
		}
		// A change behind the cache is not seen; a write is, on both.
		p.sneak(t, users[1].OrgID, "UPDATE users SET name = 'sneaked' WHERE id = $1", users[1].ID)
		if got, _ := p.sa.Users.FindByIDs(ctx, []int64{users[1].ID}); len(got) != 1 || got[0].Name != "u1" {
			t.Fatalf("FindByIDs after a change behind the cache = %+v", got)
		}
		if _, err := p.sb.Users.Update(ctx, users[1].ID, users[1].Version, UserUpdate{Name: runtime.Set("renamed")}); err != nil {
			t.Fatal(err)
		}
		p.sync(t)
		for _, s := range []*Store{p.sa, p.sb} {
			if got, err := s.Users.FindByIDs(ctx, []int64{users[0].ID, users[1].ID}); err != nil || len(got) != 2 || got[1].Name != "renamed" {
				t.Fatalf("FindByIDs after Update = %+v, %v", got, err)
			}
		}
	})
}

// TestFinders: the finders on a unique key (BySlug, ByEmail, ByLabel)
// read through the key's cache and the row cache, and follow a change
// of the key: the old value is not found, the new one is.
func TestFinders(t *testing.T) {
	variants(t, func(t *testing.T, p *pair) {
		o, ctx := newOrg(t, p.sa, "acme")
		for _, s := range []*Store{p.sa, p.sb} {
			for range 2 {
				if got, err := s.Orgs.BySlug(ctx, "acme"); err != nil || got != o {
					t.Fatalf("BySlug = %+v, %v", got, err)
				}
			}
		}
		p.sneak(t, o.ID, "UPDATE orgs SET name = 'sneaked' WHERE id = $1", o.ID)
		if got, _ := p.sb.Orgs.BySlug(ctx, "acme"); got.Name != "acme" {
			t.Fatalf("BySlug after a change behind the cache = %+v; want the cached row", got)
		}
		if _, err := p.sa.Orgs.Update(ctx, o.ID, OrgUpdate{Slug: runtime.Set("acme-inc")}); err != nil {
			t.Fatal(err)
		}
		p.sync(t)
		for _, s := range []*Store{p.sa, p.sb} {
			if _, err := s.Orgs.BySlug(ctx, "acme"); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("BySlug of the old slug: %v; want not found", err)
			}
			if got, err := s.Orgs.BySlug(ctx, "acme-inc"); err != nil || got.ID != o.ID || got.Name != "sneaked" {
				t.Fatalf("BySlug of the new slug = %+v, %v", got, err)
			}
		}

		u, err := p.sa.Users.Create(ctx, NewUser{Email: "ada@x.io", Name: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if got, err := p.sb.Users.ByEmail(ctx, "ada@x.io"); err != nil || !cmp.Equal(got, u) {
				t.Fatalf("ByEmail = %+v, %v", got, err)
			}
		}
		if ok, err := p.sa.Users.Delete(ctx, u.ID, u.Version); err != nil || !ok {
			t.Fatalf("Delete = %v, %v", ok, err)
		}
		p.sync(t)
		if _, err := p.sb.Users.ByEmail(ctx, "ada@x.io"); !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("ByEmail of a soft-deleted user: %v; want not found", err)
		}

		if _, err := p.sa.Labels.Create(ctx, NewLabel{Name: "gold"}); err != nil {
			t.Fatal(err)
		}
		c, err := p.sa.Codes.Create(ctx, NewCode{Region: RegionEu, Num: 7, Label: "gold"})
		if err != nil {
			t.Fatal(err)
		}
		// The first read fills the key's cache, the second the row's, the
		// third hits both.
		for range 3 {
			if got, err := p.sb.Codes.ByLabel(ctx, "gold"); err != nil || got != c {
				t.Fatalf("ByLabel = %+v, %v", got, err)
			}
		}
		if st, ok := p.b.Stats().Cache.Table("codes"); !ok || st.Hits == 0 {
			t.Fatalf("codes stats %+v: ByLabel did not hit the row cache", st)
		}
		p.sneak(t, nil, "UPDATE codes SET note = 'sneaked' WHERE label = 'gold'")
		if got, err := p.sb.Codes.ByLabel(ctx, "gold"); err != nil || got != c {
			t.Fatalf("ByLabel after a change behind the cache = %+v, %v; want the cached row", got, err)
		}
	})
}

// TestWriteKinds runs every kind of generated write on one instance and
// checks that both read its result through their caches: update,
// soft delete (a deleted row is not served; WithDeleted bypasses the
// cache), restore, hard delete, upserts on the primary key and on
// another unique key, and raw queries that declare their writes.
func TestWriteKinds(t *testing.T) {
	variants(t, func(t *testing.T, p *pair) {
		_, ctx := newOrg(t, p.sa, "acme")
		u, err := p.sa.Users.Create(ctx, NewUser{Email: "ada@x.io", Name: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		read := func(want string) {
			t.Helper()
			p.sync(t)
			for i, s := range []*Store{p.sa, p.sb} {
				for range 2 {
					got, err := s.Users.FindByID(ctx, u.ID)
					switch {
					case want == "" && !errors.Is(err, runtime.ErrNotFound):
						t.Fatalf("instance %d: FindByID = %+v, %v; want not found", i, got, err)
					case want != "" && (err != nil || got.Name != want):
						t.Fatalf("instance %d: FindByID = %+v, %v; want name %q", i, got, err, want)
					}
				}
			}
		}
		read("Ada")
		if u, err = p.sa.Users.Update(ctx, u.ID, u.Version, UserUpdate{Name: runtime.Set("Ada L")}); err != nil {
			t.Fatal(err)
		}
		read("Ada L")
		if ok, err := p.sb.Users.Delete(ctx, u.ID, u.Version); err != nil || !ok {
			t.Fatalf("Delete = %v, %v", ok, err)
		}
		read("")
		if got, err := p.sa.Users.WithDeleted().FindByID(ctx, u.ID); err != nil || !got.DeletedAt.Valid {
			t.Fatalf("WithDeleted().FindByID = %+v, %v", got, err)
		}
		if got, err := p.sa.Users.WithDeleted().FindByIDs(ctx, []int64{u.ID}); err != nil || len(got) != 1 {
			t.Fatalf("WithDeleted().FindByIDs = %+v, %v", got, err)
		}
		read("")
		if ok, err := p.sa.Users.Restore(ctx, u.ID); err != nil || !ok {
			t.Fatalf("Restore = %v, %v", ok, err)
		}
		read("Ada L")
		if u, err = p.sb.Users.UpsertByOrgIDAndEmail(ctx, NewUser{Email: "ada@x.io", Name: "Upserted"}); err != nil {
			t.Fatal(err)
		}
		read("Upserted")
		if n, err := p.sa.Users.ShoutNames(ctx); err != nil || n != 1 {
			t.Fatalf("ShoutNames = %d, %v", n, err)
		}
		read("UPSERTED")

		// The batch writes invalidate what their single-row forms do.
		if u, err = p.sa.Users.FindByID(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		got, err := p.sa.Users.UpdateManyReturning(ctx, []UserKeyedUpdate{{ID: u.ID, Version: u.Version, Changes: UserUpdate{Name: runtime.Set("Batch")}}})
		if err != nil || len(got) != 1 {
			t.Fatalf("UpdateManyReturning = %+v, %v", got, err)
		}
		u = got[0]
		read("Batch")
		if n, err := p.sb.Users.UpdateMany(ctx, []UserKeyedUpdate{{ID: u.ID, Version: u.Version, Changes: UserUpdate{Name: runtime.Set("Batch 2")}}}); err != nil || n != 1 {
			t.Fatalf("UpdateMany = %d, %v", n, err)
		}
		read("Batch 2")
		if u, err = p.sa.Users.FindByID(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := p.sb.Users.DeleteMany(ctx, []runtime.Versioned[int64, int64]{{Key: u.ID, Version: u.Version}}); err != nil || len(ok) != 1 || !ok[0] {
			t.Fatalf("DeleteMany = %v, %v", ok, err)
		}
		read("")
		if ok, err := p.sa.Users.RestoreMany(ctx, []int64{u.ID}); err != nil || len(ok) != 1 || !ok[0] {
			t.Fatalf("RestoreMany = %v, %v", ok, err)
		}
		read("Batch 2")
		if got, err = p.sb.Users.UpsertManyByOrgIDAndEmail(ctx, []NewUser{{Email: "ada@x.io", Name: "Batch upsert"}}); err != nil || len(got) != 1 {
			t.Fatalf("UpsertManyByOrgIDAndEmail = %+v, %v", got, err)
		}
		u = got[0]
		read("Batch upsert")

		if ok, err := p.sb.Users.HardDelete(ctx, u.ID); err != nil || !ok {
			t.Fatalf("HardDelete = %v, %v", ok, err)
		}
		read("")

		// Inserts invalidate nothing: a key read before its row exists is
		// not cached, so the row is found once it is (CreateMany copies).
		for _, st := range []*Store{p.sa, p.sb} {
			if _, err := st.Settings.FindByID(ctx, "site.title"); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("setting before its insert: %v", err)
			}
		}
		if n, err := p.sa.Settings.CreateMany(ctx, []NewSetting{{Key: "site.title", Value: "One"}}); err != nil || n != 1 {
			t.Fatalf("CreateMany = %d, %v", n, err)
		}
		s := Setting{Key: "site.title", Value: "One"}
		// A table without tenant, keyed by text: upsert on the key and a
		// raw delete that declares it writes the table.
		readSetting := func(want string) {
			t.Helper()
			p.sync(t)
			for i, st := range []*Store{p.sa, p.sb} {
				for range 2 {
					got, err := st.Settings.FindByID(ctx, s.Key)
					switch {
					case want == "" && !errors.Is(err, runtime.ErrNotFound):
						t.Fatalf("instance %d: setting = %+v, %v; want not found", i, got, err)
					case want != "" && (err != nil || got.Value != want):
						t.Fatalf("instance %d: setting = %+v, %v; want %q", i, got, err, want)
					}
				}
			}
		}
		readSetting("One")
		if _, err := p.sb.Settings.UpsertByKey(ctx, NewSetting{Key: "site.title", Value: "Two"}); err != nil {
			t.Fatal(err)
		}
		readSetting("Two")
		if n, err := p.sa.Settings.Purge(ctx, "site."); err != nil || n != 1 {
			t.Fatalf("Purge = %d, %v", n, err)
		}
		readSetting("")

		// A composite key with an enum part: update, and an upsert on
		// another unique key, whose key comes back from the statement.
		if _, err := p.sa.Labels.CreateMany(ctx, []NewLabel{{Name: "gold"}, {Name: "silver"}}); err != nil {
			t.Fatal(err)
		}
		c, err := p.sa.Codes.Create(ctx, NewCode{Region: RegionUs, Num: 1, Label: "gold"})
		if err != nil {
			t.Fatal(err)
		}
		readCode := func(want string) {
			t.Helper()
			p.sync(t)
			for i, st := range []*Store{p.sa, p.sb} {
				for range 2 {
					if got, err := st.Codes.FindByID(ctx, c.Region, c.Num); err != nil || got.Note != want {
						t.Fatalf("instance %d: code = %+v, %v; want note %q", i, got, err, want)
					}
				}
			}
		}
		readCode("")
		if _, err := p.sa.Codes.Update(ctx, c.Region, c.Num, CodeUpdate{Note: runtime.Set("updated")}); err != nil {
			t.Fatal(err)
		}
		readCode("updated")
		if _, err := p.sb.Codes.UpsertByLabel(ctx, NewCode{Region: RegionUs, Num: 2, Label: "gold", Note: runtime.Set("by label")}); err != nil {
			t.Fatal(err)
		}
		readCode("by label")
		if _, err := p.sb.Codes.UpsertByRegionAndNum(ctx, NewCode{Region: RegionUs, Num: 1, Label: "silver", Note: runtime.Set("by key")}); err != nil {
			t.Fatal(err)
		}
		readCode("by key")
	})
}

// TestCascades: writes that change rows of a cached table through its
// foreign keys invalidate its cache: deleting an org deletes its users
// (ON DELETE CASCADE), deleting a team clears its users' team_id (SET
// NULL), renaming a label renames its codes (ON UPDATE CASCADE), and
// deleting a label deletes them.
func TestCascades(t *testing.T) {
	variants(t, func(t *testing.T, p *pair) {
		o, ctx := newOrg(t, p.sa, "acme")
		team, err := p.sa.Teams.Create(ctx, NewTeam{Name: "core"})
		if err != nil {
			t.Fatal(err)
		}
		u, err := p.sa.Users.Create(ctx, NewUser{Email: "ada@x.io", Name: "Ada", TeamID: runtime.NullOf(team.ID)})
		if err != nil {
			t.Fatal(err)
		}
		warm := func() {
			t.Helper()
			for _, s := range []*Store{p.sa, p.sb} {
				for range 2 {
					if _, err := s.Users.FindByID(ctx, u.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		warm()
		if ok, err := p.sb.Teams.Delete(ctx, team.ID); err != nil || !ok {
			t.Fatalf("Teams.Delete = %v, %v", ok, err)
		}
		p.sync(t)
		for _, s := range []*Store{p.sa, p.sb} {
			if got, err := s.Users.FindByID(ctx, u.ID); err != nil || got.TeamID.Valid {
				t.Fatalf("user after its team's delete = %+v, %v; want team_id NULL", got, err)
			}
		}
		warm()
		if ok, err := p.sa.Orgs.Delete(ctx, o.ID); err != nil || !ok {
			t.Fatalf("Orgs.Delete = %v, %v", ok, err)
		}
		p.sync(t)
		for _, s := range []*Store{p.sa, p.sb} {
			if got, err := s.Users.FindByID(ctx, u.ID); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("user after its org's delete = %+v, %v; want not found", got, err)
			}
		}

		label, err := p.sa.Labels.Create(ctx, NewLabel{Name: "gold"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := p.sa.Codes.Create(ctx, NewCode{Region: RegionEu, Num: 1, Label: "gold"})
		if err != nil {
			t.Fatal(err)
		}
		readLabel := func(want string) {
			t.Helper()
			p.sync(t)
			for i, s := range []*Store{p.sa, p.sb} {
				for range 2 {
					got, err := s.Codes.FindByID(ctx, c.Region, c.Num)
					switch {
					case want == "" && !errors.Is(err, runtime.ErrNotFound):
						t.Fatalf("instance %d: code = %+v, %v; want not found", i, got, err)
					case want != "" && (err != nil || got.Label != want):
						t.Fatalf("instance %d: code = %+v, %v; want label %q", i, got, err, want)
					}
				}
			}
		}
		readLabel("gold")
		// An update that leaves the referenced column alone does not
		// flush the codes; one that changes it does.
		flushes := stats(p.b, "codes").Flushes
		if _, err := p.sb.Labels.Update(ctx, label.ID, LabelUpdate{}); err != nil {
			t.Fatal(err)
		}
		p.sync(t)
		if got := stats(p.b, "codes").Flushes; got != flushes {
			t.Fatalf("an update of labels that does not set name flushed the codes (%d flushes, was %d)", got, flushes)
		}
		if _, err := p.sb.Labels.Update(ctx, label.ID, LabelUpdate{Name: runtime.Set("golden")}); err != nil {
			t.Fatal(err)
		}
		readLabel("golden")
		if ok, err := p.sa.Labels.Delete(ctx, label.ID); err != nil || !ok {
			t.Fatalf("Labels.Delete = %v, %v", ok, err)
		}
		readLabel("")
	})
}

// TestTenantIsolation: the tenant is part of every key; a row cached for
// one tenant is never served to another, by any cached read, and one
// tenant's write cannot change another's cached row.
func TestTenantIsolation(t *testing.T) {
	variants(t, func(t *testing.T, p *pair) {
		_, ctxA := newOrg(t, p.sa, "a")
		_, ctxB := newOrg(t, p.sa, "b")
		u, err := p.sa.Users.Create(ctxA, NewUser{Email: "ada@x.io", Name: "Ada"})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := p.sa.Users.FindByID(ctxA, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := p.sa.Users.ByEmail(ctxA, "ada@x.io"); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if got, err := p.sa.Users.FindByID(ctxB, u.ID); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("tenant b reads tenant a's user: %+v, %v", got, err)
			}
			if got, err := p.sa.Users.FindByIDs(ctxB, []int64{u.ID}); err != nil || len(got) != 0 {
				t.Fatalf("tenant b reads tenant a's user: %+v, %v", got, err)
			}
			if got, err := p.sa.Users.ByEmail(ctxB, "ada@x.io"); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("tenant b finds tenant a's user by email: %+v, %v", got, err)
			}
		}
		if _, err := p.sa.Users.Update(ctxB, u.ID, u.Version, UserUpdate{Name: runtime.Set("mallory")}); !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("tenant b updates tenant a's user: %v", err)
		}
		// Tenant b's own user with the same email is a different row.
		ub, err := p.sa.Users.Create(ctxB, NewUser{Email: "ada@x.io", Name: "Other Ada"})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := p.sa.Users.ByEmail(ctxB, "ada@x.io"); err != nil || got.ID != ub.ID {
			t.Fatalf("tenant b's ByEmail = %+v, %v", got, err)
		}
		if got, err := p.sa.Users.ByEmail(ctxA, "ada@x.io"); err != nil || !cmp.Equal(got, u) {
			t.Fatalf("tenant a's ByEmail = %+v, %v", got, err)
		}
		if _, err := p.sa.Users.FindByID(context.Background(), u.ID); !errors.Is(err, runtime.ErrNoTenant) {
			t.Fatalf("a read without tenant: %v", err)
		}
	})
}

// TestTransactions: reads in a transaction bypass the cache (they see
// the transaction's own writes, and a change the cache was not told
// about); a write's invalidation applies when the transaction commits,
// and not when it rolls back.
func TestTransactions(t *testing.T) {
	variants(t, func(t *testing.T, p *pair) {
		o, ctx := newOrg(t, p.sa, "acme")
		for range 2 {
			if _, err := p.sa.Orgs.FindByID(ctx, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		p.sneak(t, o.ID, "UPDATE orgs SET name = 'sneaked' WHERE id = $1", o.ID)
		err := p.sa.InTx(ctx, func(tx *Store) error {
			got, err := tx.Orgs.FindByID(ctx, o.ID)
			if err != nil || got.Name != "sneaked" {
				return fmt.Errorf("FindByID in a transaction = %+v, %v; want the database's row", got, err)
			}
			if _, err := tx.Orgs.Update(ctx, o.ID, OrgUpdate{Name: runtime.Set("in tx")}); err != nil {
				return err
			}
			if got, err := tx.Orgs.FindByID(ctx, o.ID); err != nil || got.Name != "in tx" {
				return fmt.Errorf("FindByID after the transaction's own write = %+v, %v", got, err)
			}
			// Not committed yet: outside, the cache still serves the old row.
			if got, err := p.sa.Orgs.FindByID(ctx, o.ID); err != nil || got.Name != "acme" {
				return fmt.Errorf("FindByID outside the transaction = %+v, %v; want the cached row", got, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		p.sync(t)
		for _, s := range []*Store{p.sa, p.sb} {
			if got, err := s.Orgs.FindByID(ctx, o.ID); err != nil || got.Name != "in tx" {
				t.Fatalf("FindByID after commit = %+v, %v", got, err)
			}
		}

		rollback := errors.New("roll back")
		err = p.sa.InTx(ctx, func(tx *Store) error {
			if _, err := tx.Orgs.Update(ctx, o.ID, OrgUpdate{Name: runtime.Set("rolled back")}); err != nil {
				return err
			}
			if _, err := tx.Orgs.UpsertBySlug(ctx, NewOrg{Slug: "acme", Name: "rolled back too"}); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("InTx = %v", err)
		}
		p.sync(t)
		for _, s := range []*Store{p.sa, p.sb} {
			for range 2 {
				if got, err := s.Orgs.FindByID(ctx, o.ID); err != nil || got.Name != "in tx" {
					t.Fatalf("FindByID after rollback = %+v, %v", got, err)
				}
			}
		}
		if st := stats(p.a, "orgs"); st.Hits == 0 {
			t.Fatalf("no hit after the rollback: %+v", st)
		}
	})
}

// TestCachingOff: the same code on a DB without caching reads the
// database every time.
func TestCachingOff(t *testing.T) {
	p := &pair{url: pgtest.URL(t)}
	db, err := runtime.Open(testContext(t), runtime.Config{URL: p.url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	s := NewStore(db)
	o, ctx := newOrg(t, s, "acme")
	if _, err := s.Orgs.FindByID(ctx, o.ID); err != nil {
		t.Fatal(err)
	}
	p.sneak(t, o.ID, "UPDATE orgs SET name = 'sneaked' WHERE id = $1", o.ID)
	if got, err := s.Orgs.FindByID(ctx, o.ID); err != nil || got.Name != "sneaked" {
		t.Fatalf("FindByID = %+v, %v; want the database's row", got, err)
	}
}
