package prismadb

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// TestQuotedNames runs every kind of method over tables, columns and an
// enum whose names have capitals, on PostgreSQL: each name must reach
// the server quoted, or it would fold to lower case and miss.
func TestQuotedNames(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))

	ann, err := s.User.Create(ctx, NewUser{Email: "ann@test", Name: runtime.NullOf("Ann"), Role: runtime.Set(RoleADMIN)})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.User.UpsertByEmail(ctx, NewUser{Email: "bob@test"})
	if err != nil || bob.Role != RoleUSER || bob.CreatedAt.IsZero() {
		t.Fatalf("upsert: %+v %v", bob, err)
	}
	if _, err := s.User.Create(ctx, NewUser{Email: "ann@test"}); !errors.Is(err, ErrUserEmailTaken) {
		t.Fatalf("duplicate email: %v", err)
	}

	p1, err := s.Post.Create(ctx, NewPost{Title: "Hello", AuthorID: ann.ID, TagIDs: runtime.Set([]int32{1, 2})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Post.Create(ctx, NewPost{Title: "Orphan", AuthorID: ann.ID + 1000}); !errors.Is(err, ErrPostAuthorIDNotFound) {
		t.Fatalf("post of a missing author: %v", err)
	}
	// COPY names its table and columns quoted too.
	if n, err := s.Post.CreateMany(ctx, []NewPost{{Title: "a", AuthorID: bob.ID}, {Title: "b", AuthorID: bob.ID, Published: runtime.Set(true)}}); err != nil || n != 2 {
		t.Fatalf("create many: %d %v", n, err)
	}
	if _, err := s.PostTag.Create(ctx, NewPostTag{PostID: p1.ID, Label: "go"}); err != nil {
		t.Fatal(err)
	}

	p1, err = s.Post.Update(ctx, p1.ID, PostUpdate{Published: runtime.Set(true), AuthorID: runtime.Set(bob.ID)})
	if err != nil || !p1.Published || p1.AuthorID != bob.ID {
		t.Fatalf("update: %+v %v", p1, err)
	}
	if n, err := s.Post.UpdateMany(ctx, []PostKeyedUpdate{{ID: p1.ID, Changes: PostUpdate{Title: runtime.Set("Hello, world")}}}); err != nil || n != 1 {
		t.Fatalf("update many: %d %v", n, err)
	}
	got, err := s.Post.FindByID(ctx, p1.ID)
	if err != nil || got.Title != "Hello, world" || len(got.TagIDs) != 2 {
		t.Fatalf("find: %+v %v", got, err)
	}

	published, err := s.Post.PublishedBy(ctx, PublishedByParams{AuthorID: bob.ID, Published: runtime.Set(true), Limit: 10})
	if err != nil || len(published) != 2 {
		t.Fatalf("published by bob: %+v %v", published, err)
	}
	all, err := s.Post.PublishedBy(ctx, PublishedByParams{AuthorID: bob.ID, Limit: 10})
	if err != nil || len(all) != 3 {
		t.Fatalf("all by bob: %+v %v", all, err)
	}
	byRole, err := s.Post.CountByRole(ctx)
	if err != nil || len(byRole) != 2 || byRole[0] != (CountByRoleRow{Role: RoleUSER, N: 3}) || byRole[1] != (CountByRoleRow{Role: RoleADMIN, N: 0}) {
		t.Fatalf("count by role: %+v %v", byRole, err)
	}

	posts, err := s.User.LoadPosts(ctx, []User{ann, bob})
	if err != nil || len(posts[bob.ID]) != 3 || len(posts[ann.ID]) != 0 {
		t.Fatalf("load posts: %+v %v", posts, err)
	}
	tags, err := s.Post.LoadPostTags(ctx, []Post{p1})
	if err != nil || len(tags[p1.ID]) != 1 {
		t.Fatalf("load tags: %+v %v", tags, err)
	}
	page, err := s.Post.List(ctx, runtime.PageArgs{Limit: 2})
	if err != nil || len(page.Items) != 2 || page.Next == "" {
		t.Fatalf("list: %+v %v", page, err)
	}

	// An array of the quoted enum, through Create, COPY, the batch update
	// and Update; the join table named with a leading underscore.
	cy, err := s.User.Create(ctx, NewUser{Email: "cy@test", Grants: runtime.Set([]Role{RoleADMIN, RoleUSER})})
	if err != nil || len(cy.Grants) != 2 || cy.Grants[0] != RoleADMIN {
		t.Fatalf("grants: %+v %v", cy, err)
	}
	if n, err := s.User.CreateMany(ctx, []NewUser{{Email: "dee@test", Grants: runtime.Set([]Role{RoleUSER})}, {Email: "eve@test"}}); err != nil || n != 2 {
		t.Fatalf("create many users: %d %v", n, err)
	}
	if n, err := s.User.UpdateMany(ctx, []UserKeyedUpdate{{ID: cy.ID, Changes: UserUpdate{Grants: runtime.Set([]Role{RoleUSER})}}}); err != nil || n != 1 {
		t.Fatalf("update many grants: %d %v", n, err)
	}
	if cy, err = s.User.FindByID(ctx, cy.ID); err != nil || len(cy.Grants) != 1 || cy.Grants[0] != RoleUSER {
		t.Fatalf("grants after the batch update: %+v %v", cy, err)
	}
	if _, err := s.PostToUser.Create(ctx, NewPostToUser{A: p1.ID, B: cy.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PostToUser.Create(ctx, NewPostToUser{A: p1.ID, B: cy.ID}); !errors.Is(err, runtime.ErrConflict) {
		t.Fatalf("the same pair twice: %v", err)
	}
	if n, err := s.PostToUser.Count(ctx); err != nil || n != 1 {
		t.Fatalf("pairs: %d %v", n, err)
	}

	// The JSON names are the columns' own.
	b, err := json.Marshal(got)
	if err != nil || !strings.Contains(string(b), `"authorId":`) || !strings.Contains(string(b), `"tagIds":[1,2]`) {
		t.Fatalf("json: %s %v", b, err)
	}

	if ok, err := s.User.Delete(ctx, bob.ID); err != nil || !ok {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if n, err := s.Post.Count(ctx); err != nil || n != 0 {
		t.Fatalf("posts after the cascade: %d %v", n, err)
	}
}
