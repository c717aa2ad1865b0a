package tenantdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// org is one tenant's rows, made through the generated code.
type org struct {
	id       uuid.UUID
	ctx      context.Context
	projects []Project
	tasks    []Task
	tags     []Tag
	links    []TaskTag
}

// seed makes an org with projects p1 (Alpha) and p2 (Beta), a task in
// each, tags red and blue, and each task tagged.
func seed(t testing.TB, s *Store, name string) org {
	t.Helper()
	ctx := context.Background()
	o, err := s.Orgs.Create(ctx, NewOrg{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	g := org{id: o.ID, ctx: runtime.WithActor(runtime.WithTenant(ctx, o.ID), name)}
	if g.projects, err = s.Projects.CreateManyReturning(g.ctx, []NewProject{{Code: "p1", Name: "Alpha"}, {Code: "p2", Name: "Beta"}}); err != nil {
		t.Fatal(err)
	}
	if g.tasks, err = s.Tasks.CreateManyReturning(g.ctx, []NewTask{{ProjectID: g.projects[0].ID, Title: "t1"}, {ProjectID: g.projects[1].ID, Title: "t2"}}); err != nil {
		t.Fatal(err)
	}
	if g.tags, err = s.Tags.CreateManyReturning(g.ctx, []NewTag{{Name: "red"}, {Name: "blue", Colors: runtime.Set([]string{"#00f"})}}); err != nil {
		t.Fatal(err)
	}
	for i := range g.tasks {
		l, err := s.TaskTags.Create(g.ctx, NewTaskTag{TaskID: g.tasks[i].ID, TagID: g.tags[i].ID})
		if err != nil {
			t.Fatal(err)
		}
		g.links = append(g.links, l)
	}
	return g
}

// tenantTables are the tables scoped by tenant.
var tenantTables = []string{"projects", "tasks", "tags", "task_tags"}

// snapshot returns every row of the tenant tables that belongs to org, as
// JSON, read by the administrator (past row-level security).
func snapshot(t testing.TB, admin *pgxpool.Pool, org uuid.UUID) string {
	t.Helper()
	var b strings.Builder
	for _, table := range tenantTables {
		rows, err := admin.Query(context.Background(), `SELECT to_jsonb(x)::text FROM `+table+` x WHERE org_id = $1 ORDER BY 1`, org)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(table + " " + s + "\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// coverage records the methods a suite called, to check that it calls
// every method of the tenant repositories.
type coverage map[string]bool

func (c coverage) check(t *testing.T, repos ...any) {
	t.Helper()
	for _, r := range repos {
		typ := reflect.TypeOf(r)
		for i := 0; i < typ.NumMethod(); i++ {
			name := typ.Elem().Name() + "." + typ.Method(i).Name
			if !c[name] {
				t.Errorf("%s is not exercised", name)
			}
		}
	}
}

// trues counts the rows a batch wrote.
func trues(done []bool) int {
	n := 0
	for _, d := range done {
		if d {
			n++
		}
	}
	return n
}

func projectIDs(ps []Project) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func all[T any](t *testing.T, list func(runtime.PageArgs) (runtime.Page[T], error)) []T {
	t.Helper()
	var out []T
	for page := (runtime.PageArgs{Limit: 1}); ; {
		p, err := list(page)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			return out
		}
		page.After = p.Next
	}
}

// crossTenant calls every method of the tenant repositories as tenant a,
// aimed at tenant b's rows where a method takes keys, and checks that a
// sees and changes only its own rows and that b's rows are untouched.
func crossTenant(t *testing.T, s *Store, admin *pgxpool.Pool, a, b org) {
	ctx := a.ctx
	before := snapshot(t, admin, b.id)
	cov := coverage{}
	call := func(name string) { cov[name] = true }
	notFound := func(name string, err error) {
		t.Helper()
		call(name)
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("%s of another tenant's row: %v, want not found", name, err)
		}
	}
	none := func(name string, n int, err error) {
		t.Helper()
		call(name)
		if err != nil || n != 0 {
			t.Errorf("%s of another tenant's rows: %d rows, %v", name, n, err)
		}
	}
	hidden := func(name string, err error) {
		t.Helper()
		call(name)
		if !errors.Is(err, runtime.ErrHiddenKey) || !errors.Is(err, runtime.ErrConflict) {
			t.Errorf("%s over another tenant's row: %v, want a hidden-key conflict", name, err)
		}
	}
	own := func(name string, orgs ...uuid.UUID) {
		t.Helper()
		call(name)
		for _, o := range orgs {
			if o != a.id {
				t.Errorf("%s: a row of tenant %v", name, o)
			}
		}
	}
	bp, bt, bg, bl := b.projects[0], b.tasks[0], b.tags[0], b.links[0]

	// projects
	_, err := s.Projects.FindByID(ctx, bp.ID)
	notFound("ProjectRepo.FindByID", err)
	ps, err := s.Projects.FindAll(ctx)
	if err != nil || !slices.Equal(projectIDs(ps), projectIDs(a.projects)) {
		t.Errorf("FindAll = %v, %v", projectIDs(ps), err)
	}
	call("ProjectRepo.FindAll")
	if ps := collect(t, s.Projects.Stream(ctx)); !slices.Equal(projectIDs(ps), projectIDs(a.projects)) {
		t.Errorf("Stream = %v", projectIDs(ps))
	}
	call("ProjectRepo.Stream")
	if ps := all(t, func(p runtime.PageArgs) (runtime.Page[Project], error) { return s.Projects.List(ctx, p) }); !slices.Equal(projectIDs(ps), projectIDs(a.projects)) {
		t.Errorf("List = %v", projectIDs(ps))
	}
	call("ProjectRepo.List")
	if ps := all(t, func(p runtime.PageArgs) (runtime.Page[Project], error) { return s.Projects.Page(ctx, p) }); !slices.Equal(projectIDs(ps), projectIDs(a.projects)) {
		t.Errorf("Page = %v", projectIDs(ps))
	}
	call("ProjectRepo.Page")
	if n, err := s.Projects.Count(ctx); err != nil || n != int64(len(a.projects)) {
		t.Errorf("Count = %d, %v", n, err)
	}
	call("ProjectRepo.Count")
	ps, err = s.Projects.FindByIDs(ctx, projectIDs(b.projects))
	none("ProjectRepo.FindByIDs", len(ps), err)
	_, err = s.Projects.Update(ctx, bp.ID, ProjectUpdate{Name: runtime.Set("taken")})
	notFound("ProjectRepo.Update", err)
	ok, err := s.Projects.Delete(ctx, bp.ID)
	none("ProjectRepo.Delete", btoi(ok), err)
	ok, err = s.Projects.HardDelete(ctx, bp.ID)
	none("ProjectRepo.HardDelete", btoi(ok), err)
	ok, err = s.Projects.Restore(ctx, bp.ID)
	none("ProjectRepo.Restore", btoi(ok), err)
	// The batch writes reach none of b's rows either: keys out of sight
	// are missing.
	_, err = s.Projects.UpdateMany(ctx, []ProjectKeyedUpdate{{ID: bp.ID, Changes: ProjectUpdate{Name: runtime.Set("taken")}}})
	notFound("ProjectRepo.UpdateMany", err)
	_, err = s.Projects.UpdateManyReturning(ctx, []ProjectKeyedUpdate{{ID: bp.ID}})
	notFound("ProjectRepo.UpdateManyReturning", err)
	done, err := s.Projects.DeleteMany(ctx, projectIDs(b.projects))
	none("ProjectRepo.DeleteMany", trues(done), err)
	done, err = s.Projects.HardDeleteMany(ctx, projectIDs(b.projects))
	none("ProjectRepo.HardDeleteMany", trues(done), err)
	done, err = s.Projects.RestoreMany(ctx, projectIDs(b.projects))
	none("ProjectRepo.RestoreMany", trues(done), err)
	ps, err = s.Projects.ListByOrgID(ctx, b.id)
	none("ProjectRepo.ListByOrgID", len(ps), err)
	pm, err := s.Projects.LoadByOrgID(ctx, []uuid.UUID{b.id})
	none("ProjectRepo.LoadByOrgID", len(pm), err)
	tm, err := s.Projects.LoadTasks(ctx, b.projects)
	none("ProjectRepo.LoadTasks", len(tm), err)
	ps, err = s.Projects.ByName(ctx, "Alpha")
	if err != nil || len(ps) != 1 || ps[0].ID != a.projects[0].ID {
		t.Errorf("ByName = %v, %v", projectIDs(ps), err)
	}
	call("ProjectRepo.ByName")
	ps, err = s.Projects.Search(ctx, "a")
	if err != nil || !slices.Equal(projectIDs(ps), projectIDs(a.projects)) {
		t.Errorf("Search = %v, %v", projectIDs(ps), err)
	}
	call("ProjectRepo.Search")
	// The key (org_id, code) holds the tenant: a's upsert of b's code
	// writes a's own row.
	p, err := s.Projects.UpsertByOrgIDAndCode(ctx, NewProject{Code: bp.Code, Name: "upserted"})
	if err != nil || p.ID != a.projects[0].ID {
		t.Errorf("UpsertByOrgIDAndCode = %+v, %v", p, err)
	}
	own("ProjectRepo.UpsertByOrgIDAndCode", p.OrgID)
	p, created, err := s.Projects.CreateIfAbsentByOrgIDAndCode(ctx, NewProject{Code: bp.Code, Name: "x"})
	if err != nil || created || p.ID != a.projects[0].ID {
		t.Errorf("CreateIfAbsentByOrgIDAndCode = %+v, %v, %v", p, created, err)
	}
	own("ProjectRepo.CreateIfAbsentByOrgIDAndCode", p.OrgID)
	ps, err = s.Projects.UpsertManyByOrgIDAndCode(ctx, []NewProject{{Code: bp.Code, Name: "upserted"}, {Code: "p6", Name: "Zeta"}})
	if err != nil || ps[0].ID != a.projects[0].ID {
		t.Errorf("UpsertManyByOrgIDAndCode = %v, %v", projectIDs(ps), err)
	}
	own("ProjectRepo.UpsertManyByOrgIDAndCode", ps[0].OrgID, ps[1].OrgID)
	ps, made, err := s.Projects.CreateManyIfAbsentByOrgIDAndCode(ctx, []NewProject{{Code: "p7", Name: "Eta"}, {Code: bp.Code, Name: "x"}})
	if err != nil || !slices.Equal(made, []bool{true, false}) || ps[1].ID != a.projects[0].ID {
		t.Errorf("CreateManyIfAbsentByOrgIDAndCode = %v, %v, %v", projectIDs(ps), made, err)
	}
	own("ProjectRepo.CreateManyIfAbsentByOrgIDAndCode", ps[0].OrgID, ps[1].OrgID)
	p, err = s.Projects.Create(ctx, NewProject{Code: "p3", Name: "Gamma"})
	if err != nil {
		t.Fatal(err)
	}
	own("ProjectRepo.Create", p.OrgID)
	ps, err = s.Projects.CreateManyReturning(ctx, []NewProject{{Code: "p4", Name: "Delta"}})
	if err != nil {
		t.Fatal(err)
	}
	own("ProjectRepo.CreateManyReturning", ps[0].OrgID)
	if _, err := s.Projects.CreateMany(ctx, []NewProject{{Code: "p5", Name: "Epsilon"}}); err != nil {
		t.Fatal(err)
	}
	call("ProjectRepo.CreateMany")
	// The view of deleted rows is scoped too.
	if _, err := s.Projects.WithDeleted().FindByID(ctx, bp.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("WithDeleted().FindByID: %v", err)
	}
	call("ProjectRepo.WithDeleted")
	// An unscoped query runs as written: it counts every tenant's rows,
	// unless row-level security confines it (then, having no tenant, it
	// sees none).
	if _, err := s.Projects.CountAll(ctx); err != nil {
		t.Errorf("CountAll: %v", err)
	}
	call("ProjectRepo.CountAll")

	// tasks
	_, err = s.Tasks.FindByID(ctx, bt.ID)
	notFound("TaskRepo.FindByID", err)
	ts, err := s.Tasks.FindAll(ctx)
	none("TaskRepo.FindAll", len(ts)-len(a.tasks), err)
	none("TaskRepo.Stream", len(collect(t, s.Tasks.Stream(ctx)))-len(a.tasks), nil)
	none("TaskRepo.List", len(all(t, func(p runtime.PageArgs) (runtime.Page[Task], error) { return s.Tasks.List(ctx, p) }))-len(a.tasks), nil)
	n, err := s.Tasks.Count(ctx)
	none("TaskRepo.Count", int(n)-len(a.tasks), err)
	ts, err = s.Tasks.FindByIDs(ctx, []int64{bt.ID})
	none("TaskRepo.FindByIDs", len(ts), err)
	// A row out of sight is missing, not stale, whatever version is given.
	_, err = s.Tasks.Update(ctx, bt.ID, bt.Version, TaskUpdate{Title: runtime.Set("taken")})
	notFound("TaskRepo.Update", err)
	ok, err = s.Tasks.Delete(ctx, bt.ID, bt.Version)
	none("TaskRepo.Delete", btoi(ok), err)
	_, err = s.Tasks.UpdateMany(ctx, []TaskKeyedUpdate{{ID: bt.ID, Version: bt.Version, Changes: TaskUpdate{Title: runtime.Set("taken")}}})
	notFound("TaskRepo.UpdateMany", err)
	_, err = s.Tasks.UpdateManyReturning(ctx, []TaskKeyedUpdate{{ID: bt.ID, Version: bt.Version}})
	notFound("TaskRepo.UpdateManyReturning", err)
	done, err = s.Tasks.DeleteMany(ctx, []runtime.Versioned[int64, int64]{{Key: bt.ID, Version: bt.Version}})
	none("TaskRepo.DeleteMany", trues(done), err)
	ts, err = s.Tasks.ListByOrgID(ctx, b.id)
	none("TaskRepo.ListByOrgID", len(ts), err)
	tm2, err := s.Tasks.LoadByOrgID(ctx, []uuid.UUID{b.id})
	none("TaskRepo.LoadByOrgID", len(tm2), err)
	ts, err = s.Tasks.ListByProjectID(ctx, bp.ID)
	none("TaskRepo.ListByProjectID", len(ts), err)
	tm, err = s.Tasks.LoadByProjectID(ctx, []int64{bp.ID})
	none("TaskRepo.LoadByProjectID", len(tm), err)
	lm, err := s.Tasks.LoadTaskTags(ctx, b.tasks)
	none("TaskRepo.LoadTaskTags", len(lm), err)
	ts, err = s.Tasks.Open(ctx)
	none("TaskRepo.Open", len(ts)-len(a.tasks), err)
	// The audit trail of b's task is b's alone; a's own task has one.
	trail, err := s.Tasks.AuditTrail(ctx, bt.ID)
	none("TaskRepo.AuditTrail", len(trail), err)
	if trail, err := s.Tasks.AuditTrail(ctx, a.tasks[0].ID); err != nil || len(trail) == 0 || trail[0].Action != "create" {
		t.Errorf("AuditTrail of a's own task = %+v, %v", trail, err)
	}
	// A task may name b's project (the foreign key is not per tenant), but
	// it is a's task.
	task, err := s.Tasks.Create(ctx, NewTask{ProjectID: a.projects[0].ID, Title: "t3"})
	if err != nil {
		t.Fatal(err)
	}
	own("TaskRepo.Create", task.OrgID)
	ts, err = s.Tasks.CreateManyReturning(ctx, []NewTask{{ProjectID: a.projects[0].ID, Title: "t4"}})
	if err != nil {
		t.Fatal(err)
	}
	own("TaskRepo.CreateManyReturning", ts[0].OrgID)
	if _, err := s.Tasks.CreateMany(ctx, []NewTask{{ProjectID: a.projects[0].ID, Title: "t5"}}); err != nil {
		t.Fatal(err)
	}
	call("TaskRepo.CreateMany")

	// tags
	_, err = s.Tags.FindByID(ctx, bg.ID)
	notFound("TagRepo.FindByID", err)
	gs, err := s.Tags.FindAll(ctx)
	none("TagRepo.FindAll", len(gs)-len(a.tags), err)
	none("TagRepo.Stream", len(collect(t, s.Tags.Stream(ctx)))-len(a.tags), nil)
	none("TagRepo.List", len(all(t, func(p runtime.PageArgs) (runtime.Page[Tag], error) { return s.Tags.List(ctx, p) }))-len(a.tags), nil)
	n, err = s.Tags.Count(ctx)
	none("TagRepo.Count", int(n)-len(a.tags), err)
	gs, err = s.Tags.FindByIDs(ctx, []int64{bg.ID})
	none("TagRepo.FindByIDs", len(gs), err)
	_, err = s.Tags.Update(ctx, bg.ID, TagUpdate{Name: runtime.Set("taken")})
	notFound("TagRepo.Update", err)
	ok, err = s.Tags.Delete(ctx, bg.ID)
	none("TagRepo.Delete", btoi(ok), err)
	_, err = s.Tags.UpdateMany(ctx, []TagKeyedUpdate{{ID: bg.ID, Changes: TagUpdate{Colors: runtime.Set([]string{"#fff"})}}})
	notFound("TagRepo.UpdateMany", err)
	_, err = s.Tags.UpdateManyReturning(ctx, []TagKeyedUpdate{{ID: bg.ID}})
	notFound("TagRepo.UpdateManyReturning", err)
	done, err = s.Tags.DeleteMany(ctx, []int64{bg.ID})
	none("TagRepo.DeleteMany", trues(done), err)
	gs, err = s.Tags.UpsertManyByOrgIDAndName(ctx, []NewTag{{Name: bg.Name, Colors: runtime.Set([]string{"#f00"})}})
	if err != nil || gs[0].ID != a.tags[0].ID {
		t.Errorf("UpsertManyByOrgIDAndName = %+v, %v", gs, err)
	}
	own("TagRepo.UpsertManyByOrgIDAndName", gs[0].OrgID)
	gs, made, err = s.Tags.CreateManyIfAbsentByOrgIDAndName(ctx, []NewTag{{Name: bg.Name}})
	if err != nil || made[0] || gs[0].ID != a.tags[0].ID {
		t.Errorf("CreateManyIfAbsentByOrgIDAndName = %+v, %v, %v", gs, made, err)
	}
	own("TagRepo.CreateManyIfAbsentByOrgIDAndName", gs[0].OrgID)
	gs, err = s.Tags.ListByOrgID(ctx, b.id)
	none("TagRepo.ListByOrgID", len(gs), err)
	gm, err := s.Tags.LoadByOrgID(ctx, []uuid.UUID{b.id})
	none("TagRepo.LoadByOrgID", len(gm), err)
	lm, err = s.Tags.LoadTaskTags(ctx, b.tags)
	none("TagRepo.LoadTaskTags", len(lm), err)
	tasks, err := s.Tags.LoadTasks(ctx, b.tags)
	none("TagRepo.LoadTasks", len(tasks), err)
	g, err := s.Tags.UpsertByOrgIDAndName(ctx, NewTag{Name: bg.Name, Colors: runtime.Set([]string{"#f00"})})
	if err != nil || g.ID != a.tags[0].ID {
		t.Errorf("UpsertByOrgIDAndName = %+v, %v", g, err)
	}
	own("TagRepo.UpsertByOrgIDAndName", g.OrgID)
	g, created, err = s.Tags.CreateIfAbsentByOrgIDAndName(ctx, NewTag{Name: "green"})
	if err != nil || !created {
		t.Errorf("CreateIfAbsentByOrgIDAndName = %+v, %v, %v", g, created, err)
	}
	own("TagRepo.CreateIfAbsentByOrgIDAndName", g.OrgID)
	g, err = s.Tags.Create(ctx, NewTag{Name: "black"})
	if err != nil {
		t.Fatal(err)
	}
	own("TagRepo.Create", g.OrgID)
	gs, err = s.Tags.CreateManyReturning(ctx, []NewTag{{Name: "white"}})
	if err != nil {
		t.Fatal(err)
	}
	own("TagRepo.CreateManyReturning", gs[0].OrgID)
	if _, err := s.Tags.CreateMany(ctx, []NewTag{{Name: "grey"}}); err != nil {
		t.Fatal(err)
	}
	call("TagRepo.CreateMany")

	// task_tags: the primary key (task_id, tag_id) does not hold the
	// tenant, so a's upsert of b's pair meets b's row: a conflict, and b's
	// row is untouched.
	_, err = s.TaskTags.FindByID(ctx, bl.TaskID, bl.TagID)
	notFound("TaskTagRepo.FindByID", err)
	ls, err := s.TaskTags.FindAll(ctx)
	none("TaskTagRepo.FindAll", len(ls)-len(a.links), err)
	none("TaskTagRepo.Stream", len(collect(t, s.TaskTags.Stream(ctx)))-len(a.links), nil)
	none("TaskTagRepo.List", len(all(t, func(p runtime.PageArgs) (runtime.Page[TaskTag], error) { return s.TaskTags.List(ctx, p) }))-len(a.links), nil)
	n, err = s.TaskTags.Count(ctx)
	none("TaskTagRepo.Count", int(n)-len(a.links), err)
	_, err = s.TaskTags.Update(ctx, bl.TaskID, bl.TagID, TaskTagUpdate{})
	notFound("TaskTagRepo.Update", err)
	ok, err = s.TaskTags.Delete(ctx, bl.TaskID, bl.TagID)
	none("TaskTagRepo.Delete", btoi(ok), err)
	_, err = s.TaskTags.UpsertByTaskIDAndTagID(ctx, NewTaskTag{TaskID: bl.TaskID, TagID: bl.TagID})
	hidden("TaskTagRepo.UpsertByTaskIDAndTagID", err)
	_, _, err = s.TaskTags.CreateIfAbsentByTaskIDAndTagID(ctx, NewTaskTag{TaskID: bl.TaskID, TagID: bl.TagID})
	hidden("TaskTagRepo.CreateIfAbsentByTaskIDAndTagID", err)
	done, err = s.TaskTags.DeleteMany(ctx, []TaskTagKey{{TaskID: bl.TaskID, TagID: bl.TagID}})
	none("TaskTagRepo.DeleteMany", trues(done), err)
	// A batch meeting b's pair is refused whole: a's own pair in it is
	// not written either.
	_, err = s.TaskTags.UpsertManyByTaskIDAndTagID(ctx, []NewTaskTag{{TaskID: a.tasks[0].ID, TagID: a.tags[1].ID}, {TaskID: bl.TaskID, TagID: bl.TagID}})
	hidden("TaskTagRepo.UpsertManyByTaskIDAndTagID", err)
	_, _, err = s.TaskTags.CreateManyIfAbsentByTaskIDAndTagID(ctx, []NewTaskTag{{TaskID: a.tasks[0].ID, TagID: a.tags[1].ID}, {TaskID: bl.TaskID, TagID: bl.TagID}})
	hidden("TaskTagRepo.CreateManyIfAbsentByTaskIDAndTagID", err)
	if _, err := s.TaskTags.FindByID(ctx, a.tasks[0].ID, a.tags[1].ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("a's pair of the refused batch: %v", err)
	}
	ls, err = s.TaskTags.ListByTaskID(ctx, bl.TaskID)
	none("TaskTagRepo.ListByTaskID", len(ls), err)
	lm, err = s.TaskTags.LoadByTaskID(ctx, []int64{bl.TaskID})
	none("TaskTagRepo.LoadByTaskID", len(lm), err)
	ls, err = s.TaskTags.ListByTagID(ctx, bl.TagID)
	none("TaskTagRepo.ListByTagID", len(ls), err)
	lm, err = s.TaskTags.LoadByTagID(ctx, []int64{bl.TagID})
	none("TaskTagRepo.LoadByTagID", len(lm), err)
	ls, err = s.TaskTags.ListByOrgID(ctx, b.id)
	none("TaskTagRepo.ListByOrgID", len(ls), err)
	om, err := s.TaskTags.LoadByOrgID(ctx, []uuid.UUID{b.id})
	none("TaskTagRepo.LoadByOrgID", len(om), err)
	l, err := s.TaskTags.Create(ctx, NewTaskTag{TaskID: task.ID, TagID: a.tags[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	own("TaskTagRepo.Create", l.OrgID)
	ls, err = s.TaskTags.CreateManyReturning(ctx, []NewTaskTag{{TaskID: task.ID, TagID: a.tags[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	own("TaskTagRepo.CreateManyReturning", ls[0].OrgID)
	if _, err := s.TaskTags.CreateMany(ctx, []NewTaskTag{{TaskID: a.tasks[1].ID, TagID: a.tags[0].ID}}); err != nil {
		t.Fatal(err)
	}
	call("TaskTagRepo.CreateMany")
	upl, err := s.TaskTags.UpsertByTaskIDAndTagID(ctx, NewTaskTag{TaskID: task.ID, TagID: a.tags[0].ID})
	if err != nil || upl.OrgID != a.id {
		t.Errorf("upsert of a's own pair: %+v, %v", upl, err)
	}

	// The organisations are not tenant rows, but their loaders of tenant
	// rows are scoped.
	orgB := Org{ID: b.id}
	m1, err := s.Orgs.LoadProjects(ctx, []Org{orgB})
	none("OrgRepo.LoadProjects", len(m1), err)
	m2, err := s.Orgs.LoadTasks(ctx, []Org{orgB})
	none("OrgRepo.LoadTasks", len(m2), err)
	m3, err := s.Orgs.LoadTags(ctx, []Org{orgB})
	none("OrgRepo.LoadTags", len(m3), err)
	m4, err := s.Orgs.LoadTaskTags(ctx, []Org{orgB})
	none("OrgRepo.LoadTaskTags", len(m4), err)

	cov.check(t, s.Projects, s.Tasks, s.Tags, s.TaskTags)
	if after := snapshot(t, admin, b.id); after != before {
		t.Errorf("tenant b's rows changed:\nbefore\n%s\nafter\n%s", before, after)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// appRole creates a login role that is neither superuser nor owner of the
// tables nor exempt from row-level security, with the grants an
// application needs, and returns a pool connected as it.
func appRole(t testing.TB, admin *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	var buf [4]byte
	_, _ = rand.Read(buf[:])
	role := "tenant_app_" + hex.EncodeToString(buf[:])
	for _, stmt := range []string{
		`CREATE ROLE ` + role + ` LOGIN NOSUPERUSER NOBYPASSRLS`,
		`GRANT USAGE ON SCHEMA public TO ` + role,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + role,
		`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ` + role,
	} {
		if _, err := admin.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	cfg := admin.Config().Copy()
	cfg.ConnConfig.User = role
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		admin.Exec(context.Background(), `DROP OWNED BY `+role)
		admin.Exec(context.Background(), `DROP ROLE `+role)
	})
	var super, bypass bool
	if err := pool.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass); err != nil || super || bypass {
		t.Fatalf("role %s: superuser %v, bypassrls %v, %v", role, super, bypass, err)
	}
	return pool
}

// TestApplicationScopingAlone runs the cross-tenant suite as a superuser,
// whom row-level security does not apply to: the generated statements'
// own tenant conditions keep each tenant to its rows.
func TestApplicationScopingAlone(t *testing.T) {
	admin := pgtest.Pool(t)
	var super bool
	if err := admin.QueryRow(context.Background(), `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil || !super {
		t.Fatalf("the test role is not a superuser (%v): row-level security would apply", err)
	}
	s := NewStore(admin)
	a, b := seed(t, s, "a"), seed(t, s, "b")
	crossTenant(t, s, admin, a, b)
	crossTenant(t, s, admin, b, a)
	if n, err := s.Projects.CountAll(a.ctx); err != nil || n.N != 14 {
		t.Fatalf("CountAll as a superuser = %+v, %v; the unscoped query counts every tenant's rows", n, err)
	}
}

// TestApplicationScopingUnderRowLevelSecurity runs the same suite as an
// application role, with both layers on.
func TestApplicationScopingUnderRowLevelSecurity(t *testing.T) {
	admin := pgtest.Pool(t)
	setup := NewStore(admin)
	a, b := seed(t, setup, "a"), seed(t, setup, "b")
	s := NewStore(appRole(t, admin))
	crossTenant(t, s, admin, a, b)
	if n, err := s.Projects.CountAll(a.ctx); err != nil || n.N != 0 {
		t.Fatalf("CountAll under row-level security = %+v, %v; an unscoped query sets no tenant and sees no row", n, err)
	}
}

// TestRowLevelSecurityAlone runs hand-written SQL without any tenant
// condition as the application role: the policies alone confine it to
// the tenant of the transaction's tenant token, and without one to
// nothing.
func TestRowLevelSecurityAlone(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.Pool(t)
	setup := NewStore(admin)
	a, b := seed(t, setup, "a"), seed(t, setup, "b")
	app := appRole(t, admin)
	count := func(db interface {
		QueryRow(context.Context, string, ...any) pgx.Row
	}, table string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, table := range tenantTables {
		if n := count(app, table); n != 0 {
			t.Errorf("%s without a tenant: %d rows visible", table, n)
		}
		if n := count(admin, table); n < 4 {
			t.Errorf("%s as the administrator: %d rows", table, n)
		}
	}
	err := pgx.BeginFunc(ctx, app, func(tx pgx.Tx) error {
		// The tenant as ScopedDB sends it: a token signed with the test
		// binary's tenant key, which the template database holds.
		token := pgtest.TenantKey(t).Token(a.id.String(), 0, time.Now().Add(time.Minute))
		if _, err := tx.Exec(ctx, `SELECT set_config('cpcgen.tenant', $1, true)`, token); err != nil {
			return err
		}
		for _, table := range tenantTables {
			rows, err := tx.Query(ctx, `SELECT org_id FROM `+table)
			if err != nil {
				return err
			}
			orgs, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			if err != nil {
				return err
			}
			if len(orgs) == 0 {
				t.Errorf("%s: tenant a sees no row", table)
			}
			for _, o := range orgs {
				if o != a.id {
					t.Errorf("%s: tenant a sees a row of %v", table, o)
				}
			}
		}
		// Writes to b's rows match nothing; rows for b are refused.
		if tag, err := tx.Exec(ctx, `UPDATE projects SET name = 'x'`); err != nil || tag.RowsAffected() != int64(len(a.projects)) {
			t.Errorf("UPDATE of every project: %v, %v", tag, err)
		}
		if tag, err := tx.Exec(ctx, `DELETE FROM tags WHERE org_id = $1`, b.id); err != nil || tag.RowsAffected() != 0 {
			t.Errorf("DELETE of b's tags: %v, %v", tag, err)
		}
		_, err := tx.Exec(ctx, `SAVEPOINT s`)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO projects (org_id, code, name) VALUES ($1, 'intrusion', 'x')`, b.id)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("INSERT for tenant b as tenant a: %v, want a row-level security violation", err)
		}
		if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT s`); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE tasks SET org_id = $1`, b.id)
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("moving a's tasks to b: %v, want a row-level security violation", err)
		}
		return errors.New("roll back")
	})
	if err == nil || !strings.Contains(err.Error(), "roll back") && !strings.Contains(err.Error(), "aborted") {
		t.Fatalf("transaction: %v", err)
	}
	// The setting ends with its transaction: the pool's connections carry
	// no tenant into the next statement.
	for i := 0; i < 8; i++ {
		if n := count(app, "projects"); n != 0 {
			t.Fatalf("after the transaction: %d projects visible", n)
		}
	}
}

// countingDB counts the statements sent through it.
type countingDB struct {
	runtime.DBTX
	n atomic.Int64
}

func (c *countingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.n.Add(1)
	return c.DBTX.Exec(ctx, sql, args...)
}
func (c *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.n.Add(1)
	return c.DBTX.Query(ctx, sql, args...)
}
func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n.Add(1)
	return c.DBTX.QueryRow(ctx, sql, args...)
}
func (c *countingDB) CopyFrom(ctx context.Context, t pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	c.n.Add(1)
	return c.DBTX.CopyFrom(ctx, t, cols, src)
}
func (c *countingDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	c.n.Add(1)
	return c.DBTX.SendBatch(ctx, b)
}

// TestNoTenantFailsClosed calls every method of the tenant repositories,
// and the loaders of tenant rows, without a tenant and with a tenant of
// the wrong type: each fails with a validation error wrapping
// runtime.ErrNoTenant, and not one statement is sent.
func TestNoTenantFailsClosed(t *testing.T) {
	db := &countingDB{DBTX: pgtest.Pool(t)}
	s := NewStore(db)
	skip := map[string]bool{"WithDeleted": true, "CountAll": true}
	orgLoaders := map[string]bool{"LoadProjects": true, "LoadTasks": true, "LoadTags": true, "LoadTaskTags": true}
	var calls []string
	for _, ctx := range []context.Context{context.Background(), runtime.WithTenant(context.Background(), "not a uuid")} {
		for _, repo := range []any{s.Projects, s.Tasks, s.Tags, s.TaskTags, s.Orgs} {
			v := reflect.ValueOf(repo)
			typ := v.Type()
			for i := 0; i < typ.NumMethod(); i++ {
				m := typ.Method(i)
				if skip[m.Name] || (repo == any(s.Orgs) && !orgLoaders[m.Name]) {
					continue
				}
				args := []reflect.Value{reflect.ValueOf(ctx)}
				for j := 2; j < m.Type.NumIn(); j++ {
					args = append(args, reflect.Zero(m.Type.In(j)))
				}
				out := v.Method(i).Call(args)
				name := typ.Elem().Name() + "." + m.Name
				calls = append(calls, name)
				var err error
				if m.Name == "Stream" {
					// The sequence reports the error on its first step.
					seq := out[0]
					yield := reflect.MakeFunc(seq.Type().In(0), func(in []reflect.Value) []reflect.Value {
						if e, ok := in[1].Interface().(error); ok {
							err = e
						}
						return []reflect.Value{reflect.ValueOf(false)}
					})
					seq.Call([]reflect.Value{yield})
				} else if e, ok := out[len(out)-1].Interface().(error); ok {
					err = e
				}
				var de *runtime.DbError
				if !errors.Is(err, runtime.ErrNoTenant) || !errors.As(err, &de) || de.Kind != runtime.KindValidation || !strings.HasSuffix(de.Op, "."+m.Name) {
					t.Errorf("%s without a tenant: %v", name, err)
				}
			}
		}
	}
	if n := db.n.Load(); n != 0 {
		t.Fatalf("%d statements sent without a tenant", n)
	}
	sort.Strings(calls)
	if len(calls) < 2*60 {
		t.Fatalf("only %d calls: %v", len(calls), calls)
	}
}

// TestRawTenantQueries: @tenant comes from the context; the row type of
// Search is the model.
func TestRawTenantQueries(t *testing.T) {
	admin := pgtest.Pool(t)
	s := NewStore(admin)
	a, b := seed(t, s, "a"), seed(t, s, "b")
	for _, g := range []org{a, b} {
		ps, err := s.Projects.Search(g.ctx, "ph")
		if err != nil || len(ps) != 1 || ps[0].OrgID != g.id || ps[0].Name != "Alpha" {
			data, _ := json.Marshal(ps)
			t.Fatalf("Search as %v: %s, %v", g.id, data, err)
		}
	}
	if !strings.Contains(sqlProjectsSearch, "org_id = $1") {
		t.Fatalf("@tenant not bound first:\n%s", sqlProjectsSearch)
	}
	_ = fmt.Sprint
}

// TestTenantCannotBeForged replays, as the application role (neither
// superuser nor owner, NOBYPASSRLS), the ways SQL injected into a
// hand-written query of tenant a used to switch to tenant b by setting
// cpcgen.tenant itself: in a subquery, stacked before an UPDATE, and for
// the session on a pooled connection, which the next unscoped query
// reused. Each must see and change none of b's rows.
func TestTenantCannotBeForged(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.Pool(t)
	setup := NewStore(admin)
	a, b := seed(t, setup, "a"), seed(t, setup, "b")
	before := snapshot(t, admin, b.id)
	app := appRole(t, admin)
	scoped := runtime.Scope(app, a.id)
	orgsOf := func(rows pgx.Rows, err error) []uuid.UUID {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		orgs, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			t.Fatal(err)
		}
		return orgs
	}

	// 1. One injected SELECT: set_config in a subquery of the WHERE
	// clause, as the plain tenant id and as the setting's whole range of
	// plausible forms.
	for _, forged := range []string{b.id.String(), "v1." + b.id.String(), strings.Repeat("0", 109) + b.id.String()} {
		for _, q := range []string{
			`SELECT org_id FROM projects WHERE name = '' OR (SELECT set_config('cpcgen.tenant', $1, true)) IS NOT NULL`,
			`SELECT org_id FROM projects WHERE set_config('cpcgen.tenant', $1, true) IS NOT NULL`,
			`SELECT p.org_id FROM (SELECT set_config('cpcgen.tenant', $1, true)) s, projects p`,
		} {
			for _, o := range orgsOf(scoped.Query(ctx, q, forged)) {
				if o != a.id {
					t.Errorf("injected %q with %q: tenant a sees a row of %v", q, forged, o)
				}
			}
		}
	}

	// 2. Stacked statements in the simple protocol: set_config, then an
	// UPDATE of every project, unscoped and inside a's scope.
	conn, err := app.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stacked := "SELECT set_config('cpcgen.tenant', '" + b.id.String() + "', true); UPDATE projects SET name = 'pwned'"
	results, err := conn.Conn().PgConn().Exec(ctx, stacked).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if n := results[len(results)-1].CommandTag.RowsAffected(); n != 0 {
		t.Errorf("stacked set_config; UPDATE changed %d rows", n)
	}
	conn.Release()
	if tag, err := scoped.Exec(ctx, `UPDATE projects SET name = 'pwned' WHERE org_id = $1 OR (SELECT set_config('cpcgen.tenant', $2, true)) IS NULL`, b.id, b.id.String()); err != nil || tag.RowsAffected() != 0 {
		t.Errorf("a's scoped UPDATE with an injected set_config: %v, %v", tag, err)
	}

	// 3. A session-level setting, even a valid token stolen from a's own
	// statement, does not survive the connection's return to the pool:
	// the next unscoped query (the generated CountAll) sees no row.
	var stolen string
	if err := scoped.QueryRow(ctx, `SELECT set_config('cpcgen.tenant', current_setting('cpcgen.tenant'), false)`).Scan(&stolen); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Exec(ctx, `SELECT set_config('cpcgen.tenant', $1, false)`, b.id.String()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 8; i++ {
		if n, err := NewStore(app).Projects.CountAll(b.ctx); err != nil || n.N != 0 {
			t.Fatalf("unscoped CountAll after a session-level setting: %+v, %v", n, err)
		}
	}
	if after := snapshot(t, admin, b.id); after != before {
		t.Errorf("tenant b's rows changed:\nbefore\n%s\nafter\n%s", before, after)
	}
}
