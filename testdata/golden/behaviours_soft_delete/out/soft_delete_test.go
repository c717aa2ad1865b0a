package softdb

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

type fixture struct {
	s       *Store
	authors []Author
	posts   []Post
	labels  []Label
}

// setup makes authors ada and bob; ada has posts a1, a2 and a3, bob has
// b1; labels x and y; a1 and a2 are labelled x.
func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	var f fixture
	f.s = s
	var err error
	f.authors, err = s.Authors.CreateManyReturning(ctx, []NewAuthor{{Email: "ada@x.io", Name: "Ada"}, {Email: "bob@x.io", Name: "Bob"}})
	if err != nil {
		t.Fatal(err)
	}
	ada, bob := f.authors[0].ID, f.authors[1].ID
	f.posts, err = s.Posts.CreateManyReturning(ctx, []NewPost{
		{AuthorID: ada, Slug: "a1", Title: "A1"}, {AuthorID: ada, Slug: "a2", Title: "A2"},
		{AuthorID: ada, Slug: "a3", Title: "A3"}, {AuthorID: bob, Slug: "b1", Title: "B1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.labels, err = s.Labels.CreateManyReturning(ctx, []NewLabel{{Name: "x"}, {Name: "y"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.posts[:2] {
		if _, err := s.Labels.LinkPost(ctx, f.labels[0].ID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func ids[T any](rows []T, id func(T) int64) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

func postID(p Post) int64 { return p.ID }

// TestDeleteHidesTheRowFromEveryRead soft-deletes a post and an author
// and checks every read of the repositories and relations: the rows are
// out of each, and in each read of a WithDeleted view.
func TestDeleteHidesTheRowFromEveryRead(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	s := f.s
	a2, ada := f.posts[1], f.authors[0]
	if ok, err := s.Posts.Delete(ctx, a2.ID); err != nil || !ok {
		t.Fatalf("Delete = %v, %v", ok, err)
	}
	if ok, err := s.Posts.Delete(ctx, a2.ID); err != nil || ok {
		t.Fatalf("second Delete = %v, %v; want false: the row is already deleted", ok, err)
	}
	live := []int64{f.posts[0].ID, f.posts[2].ID, f.posts[3].ID}
	all := []int64{f.posts[0].ID, a2.ID, f.posts[2].ID, f.posts[3].ID}

	for _, view := range []struct {
		name string
		repo *PostRepo
		want []int64
	}{{"live", s.Posts, live}, {"WithDeleted", s.Posts.WithDeleted(), all}} {
		r, want := view.repo, view.want
		_, err := r.FindByID(ctx, a2.ID)
		if found := err == nil; found != (len(want) == 4) {
			t.Errorf("%s: FindByID of the deleted post: %v", view.name, err)
		}
		if err != nil && !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("%s: FindByID: %v", view.name, err)
		}
		got, err := r.FindAll(ctx)
		if err != nil || !slices.Equal(ids(got, postID), want) {
			t.Errorf("%s: FindAll = %v, %v", view.name, ids(got, postID), err)
		}
		var streamed []int64
		for p, err := range r.Stream(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			streamed = append(streamed, p.ID)
		}
		if !slices.Equal(streamed, want) {
			t.Errorf("%s: Stream = %v", view.name, streamed)
		}
		var listed []int64
		for page := (runtime.PageArgs{Limit: 2}); ; {
			p, err := r.List(ctx, page)
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, ids(p.Items, postID)...)
			if p.Next == "" {
				break
			}
			page.After = p.Next
		}
		if !slices.Equal(listed, want) {
			t.Errorf("%s: List = %v", view.name, listed)
		}
		if n, err := r.Count(ctx); err != nil || n != int64(len(want)) {
			t.Errorf("%s: Count = %d, %v", view.name, n, err)
		}
		got, err = r.FindByIDs(ctx, all)
		if err != nil || !slices.Equal(ids(got, postID), want) {
			t.Errorf("%s: FindByIDs = %v, %v", view.name, ids(got, postID), err)
		}
		wantAda := want[:len(want)-1]
		got, err = r.ListByAuthorID(ctx, ada.ID)
		if err != nil || !slices.Equal(ids(got, postID), wantAda) {
			t.Errorf("%s: ListByAuthorID = %v, %v", view.name, ids(got, postID), err)
		}
		m, err := r.LoadByAuthorID(ctx, []int64{ada.ID})
		if err != nil || !slices.Equal(ids(m[ada.ID], postID), wantAda) {
			t.Errorf("%s: LoadByAuthorID = %v, %v", view.name, m, err)
		}
	}
	// The eager loaders of the author and label repositories leave the
	// deleted post out too, unless they run on a WithDeleted view.
	for _, view := range []struct {
		name    string
		authors *AuthorRepo
		labels  *LabelRepo
		ada, x  []int64
	}{
		{"live", s.Authors, s.Labels, []int64{f.posts[0].ID, f.posts[2].ID}, []int64{f.posts[0].ID}},
		{"WithDeleted", s.Authors.WithDeleted(), s.Labels.WithDeleted(), []int64{f.posts[0].ID, a2.ID, f.posts[2].ID}, []int64{f.posts[0].ID, a2.ID}},
	} {
		m, err := view.authors.LoadPosts(ctx, []Author{ada})
		if err != nil || !slices.Equal(ids(m[ada.ID], postID), view.ada) {
			t.Errorf("%s: Authors.LoadPosts = %v, %v", view.name, m, err)
		}
		lm, err := view.labels.LoadPosts(ctx, []Label{f.labels[0]})
		if err != nil || !slices.Equal(ids(lm[f.labels[0].ID], postID), view.x) {
			t.Errorf("%s: Labels.LoadPosts = %v, %v", view.name, lm, err)
		}
	}

	// A deleted author: out of the queries, except the one that includes
	// deleted rows.
	if ok, err := s.Authors.Delete(ctx, ada.ID); err != nil || !ok {
		t.Fatalf("Delete author = %v, %v", ok, err)
	}
	if got, err := s.Authors.Named(ctx, "Ada"); err != nil || len(got) != 0 {
		t.Errorf("Named(Ada) = %v, %v", got, err)
	}
	if n, err := s.Authors.CountNamed(ctx, "Ada"); err != nil || n != 0 {
		t.Errorf("CountNamed(Ada) = %d, %v", n, err)
	}
	got, err := s.Authors.NamedIncludingDeleted(ctx, "Ada")
	if err != nil || len(got) != 1 || !got[0].DeletedAt.Valid {
		t.Errorf("NamedIncludingDeleted(Ada) = %v, %v", got, err)
	}
	// Writes see live rows only.
	if _, err := s.Authors.Update(ctx, ada.ID, AuthorUpdate{Name: runtime.Set("Ada L.")}); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("Update of a deleted author: %v", err)
	}
}

// TestRestoreAndHardDelete brings a deleted row back and removes others
// for good; Delete and Restore bump updated_at to the transaction's time.
func TestRestoreAndHardDelete(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	s := f.s
	ada := f.authors[0]
	err := s.InTx(ctx, func(tx *Store) error {
		var now time.Time
		if err := tx.DB().QueryRow(ctx, "SELECT now()").Scan(&now); err != nil {
			return err
		}
		if ok, err := tx.Authors.Delete(ctx, ada.ID); err != nil || !ok {
			t.Fatalf("Delete = %v, %v", ok, err)
		}
		got, err := tx.Authors.WithDeleted().FindByID(ctx, ada.ID)
		if err != nil || !got.DeletedAt.Valid || !got.DeletedAt.V.Equal(now) || !got.UpdatedAt.Equal(now) || !got.CreatedAt.Equal(ada.CreatedAt) {
			t.Fatalf("deleted author %+v, %v; now %v", got, err, now)
		}
		if ok, err := tx.Authors.Restore(ctx, ada.ID); err != nil || !ok {
			t.Fatalf("Restore = %v, %v", ok, err)
		}
		if ok, err := tx.Authors.Restore(ctx, ada.ID); err != nil || ok {
			t.Fatalf("second Restore = %v, %v; want false: the row is live", ok, err)
		}
		got, err = tx.Authors.FindByID(ctx, ada.ID)
		if err != nil || got.DeletedAt.Valid || !got.UpdatedAt.Equal(now) {
			t.Fatalf("restored author %+v, %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// HardDelete removes a live or a deleted row; the WithDeleted view no
	// longer sees it.
	b1 := f.posts[3]
	if _, err := s.Posts.Delete(ctx, b1.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{b1.ID, f.posts[2].ID} {
		if ok, err := s.Posts.HardDelete(ctx, id); err != nil || !ok {
			t.Fatalf("HardDelete(%d) = %v, %v", id, ok, err)
		}
		if _, err := s.Posts.WithDeleted().FindByID(ctx, id); !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("hard-deleted post %d: %v", id, err)
		}
		if ok, err := s.Posts.HardDelete(ctx, id); err != nil || ok {
			t.Fatalf("second HardDelete(%d) = %v, %v", id, ok, err)
		}
	}
	if ok, err := s.Posts.Restore(ctx, b1.ID); err != nil || ok {
		t.Fatalf("Restore of a removed post = %v, %v", ok, err)
	}
	if n, err := s.Posts.WithDeleted().Count(ctx); err != nil || n != 2 {
		t.Fatalf("%d posts left, %v", n, err)
	}
}

// TestUniqueAmongLiveRows: a deleted row does not block a new one with the
// same key, in Create, upserts and CreateIfAbsent; restoring it while the
// new one lives is a conflict on the key's sentinel.
func TestUniqueAmongLiveRows(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	s := f.s
	ada := f.authors[0]
	if _, err := s.Authors.Create(ctx, NewAuthor{Email: ada.Email, Name: "Ada 2"}); !errors.Is(err, ErrAuthorEmailTaken) {
		t.Fatalf("a second live ada: %v", err)
	}
	if _, err := s.Authors.Delete(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	// CreateIfAbsent does not see the deleted row: it creates.
	ada2, created, err := s.Authors.CreateIfAbsentByEmail(ctx, NewAuthor{Email: ada.Email, Name: "Ada 2"})
	if err != nil || !created || ada2.ID == ada.ID {
		t.Fatalf("CreateIfAbsentByEmail = %+v, %v, %v", ada2, created, err)
	}
	// The upsert updates the live row, never the deleted one.
	up, err := s.Authors.UpsertByEmail(ctx, NewAuthor{Email: ada.Email, Name: "Ada 3"})
	if err != nil || up.ID != ada2.ID || up.Name != "Ada 3" {
		t.Fatalf("UpsertByEmail = %+v, %v", up, err)
	}
	old, err := s.Authors.WithDeleted().FindByID(ctx, ada.ID)
	if err != nil || old.Name != "Ada" || !old.DeletedAt.Valid {
		t.Fatalf("the deleted ada changed: %+v, %v", old, err)
	}
	_, err = s.Authors.Restore(ctx, ada.ID)
	var de *runtime.DbError
	if !errors.Is(err, ErrAuthorEmailTaken) || !errors.As(err, &de) || de.SpecName != "email.unique" {
		t.Fatalf("Restore over a live twin: %v", err)
	}
	// After the twin is deleted too, both deleted rows coexist and a third
	// one can be made; a composite key behaves the same.
	if _, err := s.Authors.Delete(ctx, ada2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authors.UpsertByEmail(ctx, NewAuthor{Email: ada.Email, Name: "Ada 4"}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Authors.WithDeleted().Count(ctx); err != nil || n != 4 {
		t.Fatalf("%d authors, %v", n, err)
	}
	a1 := f.posts[0]
	if _, err := s.Posts.Delete(ctx, a1.ID); err != nil {
		t.Fatal(err)
	}
	p, created, err := s.Posts.CreateIfAbsentByAuthorIDAndSlug(ctx, NewPost{AuthorID: a1.AuthorID, Slug: a1.Slug, Title: "again"})
	if err != nil || !created || p.ID == a1.ID {
		t.Fatalf("CreateIfAbsentByAuthorIDAndSlug = %+v, %v, %v", p, created, err)
	}
	if _, err := s.Posts.Restore(ctx, a1.ID); !errors.Is(err, ErrPostAuthorIDSlugTaken) {
		t.Fatalf("Restore over a live twin post: %v", err)
	}
	// posts_title_live, whose where: already keeps to live rows, holds
	// among them the same way.
	if _, err := s.Posts.Create(ctx, NewPost{AuthorID: a1.AuthorID, Slug: "a9", Title: "again"}); !errors.Is(err, ErrPostTitleTaken) {
		t.Fatalf("a second live title: %v", err)
	}
	if _, err := s.Posts.Delete(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if q, err := s.Posts.UpsertByTitle(ctx, NewPost{AuthorID: a1.AuthorID, Slug: "a9", Title: "again"}); err != nil || q.ID == p.ID {
		t.Fatalf("UpsertByTitle over a deleted twin = %+v, %v", q, err)
	}
}

// TestBatchesAndTransactions: rows made by CreateMany are live; a
// rolled-back Delete leaves the row live.
func TestBatchesAndTransactions(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	s := f.s
	n, err := s.Labels.CreateMany(ctx, []NewLabel{{Name: "p"}, {Name: "q"}})
	if err != nil || n != 2 {
		t.Fatalf("CreateMany = %d, %v", n, err)
	}
	if c, err := s.Labels.Count(ctx); err != nil || c != 4 {
		t.Fatalf("%d labels, %v", c, err)
	}
	x := f.labels[0]
	errRollback := errors.New("roll back")
	err = s.InTxWith(ctx, runtime.TxOptions{Isolation: pgx.ReadCommitted}, func(tx *Store) error {
		if ok, err := tx.Labels.Delete(ctx, x.ID); err != nil || !ok {
			t.Fatalf("Delete in a transaction = %v, %v", ok, err)
		}
		if _, err := tx.Labels.FindByID(ctx, x.ID); !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("deleted in the transaction: %v", err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if got, err := s.Labels.FindByID(ctx, x.ID); err != nil || got.DeletedAt.Valid {
		t.Fatalf("after the rollback: %+v, %v", got, err)
	}
}
