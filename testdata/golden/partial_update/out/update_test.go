package profiles

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func TestInsertDefaults(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	p, err := s.Profiles.Create(ctx, NewProfile{Handle: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.Bio.Valid || p.Karma != 0 || !p.Motto.Valid || p.Motto.V != "carpe diem" || p.Verified {
		t.Fatalf("defaults: %+v", p)
	}
	var settings map[string]any
	if err := json.Unmarshal(p.Settings, &settings); err != nil || settings["theme"] != "dark" || settings["beta"] != false {
		t.Fatalf("jsonb default %s: %v", p.Settings, err)
	}
	q, err := s.Profiles.Create(ctx, NewProfile{Handle: "bob", Karma: runtime.Set(int32(7)), Motto: runtime.SetNull[string](),
		Verified: runtime.Set(true), Settings: runtime.Set(json.RawMessage(`{"theme": "light"}`))})
	if err != nil {
		t.Fatal(err)
	}
	if q.Karma != 7 || q.Motto.Valid || !q.Verified || string(q.Settings) != `{"theme": "light"}` {
		t.Fatalf("explicit values: %+v", q)
	}
	if q.ID <= p.ID {
		t.Fatalf("identity did not advance: %d then %d", p.ID, q.ID)
	}
}

func TestPartialUpdate(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	p, err := s.Profiles.Create(ctx, NewProfile{Handle: "ada", Bio: runtime.NullOf("first")})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.Profiles.Update(ctx, p.ID, ProfileUpdate{Karma: runtime.Set(int32(3))})
	if err != nil {
		t.Fatal(err)
	}
	if u.Karma != 3 || !u.Bio.Valid || u.Bio.V != "first" || u.Handle != "ada" || u.Motto.V != "carpe diem" {
		t.Fatalf("unset fields changed: %+v", u)
	}
	u, err = s.Profiles.Update(ctx, p.ID, ProfileUpdate{Bio: runtime.SetNull[string](), Motto: runtime.SetNullable("new")})
	if err != nil {
		t.Fatal(err)
	}
	if u.Bio.Valid || u.Motto.V != "new" || u.Karma != 3 {
		t.Fatalf("set NULL and value: %+v", u)
	}
	// Updates to the unique handle report the constraint.
	if _, err := s.Profiles.Create(ctx, NewProfile{Handle: "bob"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Profiles.Update(ctx, p.ID, ProfileUpdate{Handle: runtime.Set("bob")})
	var dbErr *runtime.DbError
	if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindConflict || dbErr.Constraint != "profiles_handle_key" || dbErr.Op != "profiles.Update" {
		t.Fatalf("duplicate handle: %v", err)
	}
}

// TestConcurrentPartialUpdates shows that updates of different columns of
// one row do not overwrite each other: each statement changes only the
// columns it sets, reading the others from the row it locks.
func TestConcurrentPartialUpdates(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	p, err := s.Profiles.Create(ctx, NewProfile{Handle: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < n; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := s.Profiles.Update(ctx, p.ID, ProfileUpdate{Verified: runtime.Set(true)})
			errs <- err
		}()
		go func(i int) {
			defer wg.Done()
			_, err := s.Profiles.Update(ctx, p.ID, ProfileUpdate{Bio: runtime.SetNullable("bio")})
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Profiles.FindByID(ctx, p.ID)
	if err != nil || !got.Verified || !got.Bio.Valid || got.Bio.V != "bio" {
		t.Fatalf("after concurrent updates: %+v %v", got, err)
	}
}
