package cachetest

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

// Schema creates the tables of the repositories below.
const Schema = `
CREATE TABLE items (
	id        bigint PRIMARY KEY,
	tenant_id bigint NOT NULL,
	slug      text   NOT NULL,
	version   bigint NOT NULL DEFAULT 1,
	payload   text   NOT NULL DEFAULT '',
	UNIQUE (tenant_id, slug)
);
CREATE TABLE notes (
	id      bigint PRIMARY KEY,
	version bigint NOT NULL DEFAULT 1,
	body    text   NOT NULL DEFAULT ''
);
`

// Item is one row of table items: a tenant table (tenant: tenant_id)
// with a unique key (tenant_id, slug) and an optimistic lock (version).
type Item struct {
	ID       int64  `json:"id"`
	TenantID int64  `json:"tenant_id"`
	Slug     string `json:"slug"`
	Version  int64  `json:"version"`
	Payload  string `json:"payload"`
}

// itemsCache is what the generator would emit for `cache: {ttl: 10m}`
// on table items.
var itemsCache = runtime.NewCacheTable(runtime.CacheTableSpec[int64, int64, Item]{
	Table:   "items",
	Tenant:  runtime.Int64Keys,
	Key:     runtime.Int64Keys,
	KeyOf:   func(v *Item) int64 { return v.ID },
	TTL:     10 * time.Minute,
	Version: "id,tenant_id,slug,version,payload",
})

// itemsBySlug caches the unique key (tenant_id, slug) for FindBySlug.
var itemsBySlug = runtime.NewCacheIndex(runtime.CacheIndexSpec[int64, string, int64]{
	Table:  "items",
	Index:  "slug",
	Tenant: runtime.Int64Keys,
	Unique: runtime.StringKeys,
	Key:    runtime.Int64Keys,
	TTL:    10 * time.Minute,
})

// ItemRepo reads and writes table items, scoped to the tenant of its
// context, with the row cache of itemsCache.
type ItemRepo struct {
	db runtime.DBTX
}

// NewItemRepo returns a repository of table items on db.
func NewItemRepo(db runtime.DBTX) *ItemRepo { return &ItemRepo{db: db} }

func scanItem(row pgx.Row, v *Item) error {
	return row.Scan(destItem(v, nil)...)
}

// destItem appends the scan destinations of an items row to d.
func destItem(v *Item, d []any) []any {
	return append(d, &v.ID, &v.TenantID, &v.Slug, &v.Version, &v.Payload)
}

const sqlItemsFindByID = `-- name: items.FindByID replica=ok
SELECT "id", "tenant_id", "slug", "version", "payload" FROM "items"
WHERE "id" = $1 AND "tenant_id" = $2`

// FindByID returns the item with the given id, through the cache.
func (r *ItemRepo) FindByID(ctx context.Context, id int64) (Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.FindByID", "items")
	if err != nil {
		return Item{}, err
	}
	if v, ok, fill := itemsCache.Get(ctx, r.db, tenant, id); ok {
		return v, nil
	} else {
		db := runtime.Scope(r.db, tenant)
		var row Item
		if err := scanItem(db.QueryRow(fill.Context(ctx), sqlItemsFindByID, id, tenant), &row); err != nil {
			fill.Abort()
			return Item{}, runtime.Wrap(err, "items.FindByID", "items")
		}
		fill.Done(ctx, &row)
		return row, nil
	}
}

// FindByIDUncached is FindByID as the generator emits it without cache:,
// the baseline of the benchmarks.
func (r *ItemRepo) FindByIDUncached(ctx context.Context, id int64) (Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.FindByID", "items")
	if err != nil {
		return Item{}, err
	}
	db := runtime.Scope(r.db, tenant)
	var v Item
	if err := scanItem(db.QueryRow(ctx, sqlItemsFindByID, id, tenant), &v); err != nil {
		return Item{}, runtime.Wrap(err, "items.FindByID", "items")
	}
	return v, nil
}

const sqlItemsFindByIDs = `-- name: items.FindByIDs replica=ok
SELECT "id", "tenant_id", "slug", "version", "payload" FROM "items"
WHERE "id" = ANY($1) AND "tenant_id" = $2 ORDER BY "id"`

// FindByIDs returns the items whose id is in ids, in id order, with one
// query for the ids not cached.
func (r *ItemRepo) FindByIDs(ctx context.Context, ids []int64) ([]Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.FindByIDs", "items")
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	b := itemsCache.GetMany(ctx, r.db, tenant, ids)
	if miss := b.Misses(); len(miss) > 0 {
		db := runtime.Scope(r.db, tenant)
		rows, err := db.Query(b.Context(ctx), sqlItemsFindByIDs, miss, tenant)
		items, err := runtime.Collect(rows, err, len(miss), destItem)
		if err != nil {
			b.Abort()
			return nil, runtime.Wrap(err, "items.FindByIDs", "items")
		}
		b.Done(ctx, items)
	}
	out := b.Values()
	slices.SortFunc(out, func(a, b Item) int { return compareInt64(a.ID, b.ID) })
	return out, nil
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

const sqlItemsFindBySlug = `-- name: items.FindBySlug replica=ok
SELECT "id", "tenant_id", "slug", "version", "payload" FROM "items"
WHERE "slug" = $1 AND "tenant_id" = $2`

// FindBySlug returns the item with the given slug: the unique key's
// cache gives its id, and the row comes from FindByID when it still has
// that slug.
func (r *ItemRepo) FindBySlug(ctx context.Context, slug string) (Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.FindBySlug", "items")
	if err != nil {
		return Item{}, err
	}
	if id, ok := itemsBySlug.Get(ctx, r.db, tenant, slug); ok {
		v, err := r.FindByID(ctx, id)
		if err == nil && v.Slug == slug {
			return v, nil
		}
		if err != nil && !errors.Is(err, runtime.ErrNotFound) {
			return Item{}, err
		}
	}
	db := runtime.Scope(r.db, tenant)
	var v Item
	if err := scanItem(db.QueryRow(ctx, sqlItemsFindBySlug, slug, tenant), &v); err != nil {
		return Item{}, runtime.Wrap(err, "items.FindBySlug", "items")
	}
	itemsBySlug.Set(ctx, r.db, tenant, slug, v.ID)
	return v, nil
}

const sqlItemsCreate = `-- name: items.Create
INSERT INTO "items" ("id", "slug", "payload", "tenant_id") VALUES ($1, $2, $3, $4)
RETURNING "id", "tenant_id", "slug", "version", "payload"`

// Create inserts an item. An insert invalidates nothing: the cache holds
// only rows that were found.
func (r *ItemRepo) Create(ctx context.Context, id int64, slug, payload string) (Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.Create", "items")
	if err != nil {
		return Item{}, err
	}
	db := runtime.Scope(r.db, tenant)
	var v Item
	if err := scanItem(db.QueryRow(ctx, sqlItemsCreate, id, slug, payload, tenant), &v); err != nil {
		return Item{}, runtime.Wrap(err, "items.Create", "items")
	}
	return v, nil
}

const sqlItemsUpdate = `-- name: items.Update
UPDATE "items" SET "payload" = $3, "slug" = COALESCE($4, "slug"), "version" = "version" + 1
WHERE "id" = $1 AND "tenant_id" = $2
RETURNING "id", "tenant_id", "slug", "version", "payload"`

// Update sets the payload (and the slug, when not nil) of an item and
// returns it: the statement and its invalidation go in one batch.
func (r *ItemRepo) Update(ctx context.Context, id int64, payload string, slug *string) (Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.Update", "items")
	if err != nil {
		return Item{}, err
	}
	db := runtime.Scope(runtime.Invalidating(r.db, itemsCache.Keys(tenant, id)), tenant)
	var v Item
	if err := scanItem(db.QueryRow(ctx, sqlItemsUpdate, id, tenant, payload, slug), &v); err != nil {
		return Item{}, runtime.Wrap(err, "items.Update", "items")
	}
	return v, nil
}

const sqlItemsUpdateVersion = `-- name: items.UpdateVersion
UPDATE "items" SET "payload" = $4, "version" = $3
WHERE "id" = $1 AND "tenant_id" = $2 AND "version" = $3 - 1
RETURNING "id", "tenant_id", "slug", "version", "payload"`

// UpdateVersion is an optimistic-lock update from version to-1 to to;
// extra are more invalidations to send with it. It fails with
// runtime.ErrNotFound when the item is not at version to-1.
func (r *ItemRepo) UpdateVersion(ctx context.Context, id, to int64, payload string, extra ...runtime.Invalidation) (Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.UpdateVersion", "items")
	if err != nil {
		return Item{}, err
	}
	invs := append([]runtime.Invalidation{itemsCache.Keys(tenant, id)}, extra...)
	db := runtime.Scope(runtime.Invalidating(r.db, invs...), tenant)
	var v Item
	if err := scanItem(db.QueryRow(ctx, sqlItemsUpdateVersion, id, tenant, to, payload), &v); err != nil {
		return Item{}, runtime.Wrap(err, "items.UpdateVersion", "items")
	}
	return v, nil
}

const sqlItemsDelete = `-- name: items.Delete
DELETE FROM "items" WHERE "id" = $1 AND "tenant_id" = $2`

// Delete removes an item and reports whether there was one.
func (r *ItemRepo) Delete(ctx context.Context, id int64) (bool, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.Delete", "items")
	if err != nil {
		return false, err
	}
	db := runtime.Scope(runtime.Invalidating(r.db, itemsCache.Keys(tenant, id)), tenant)
	tag, err := db.Exec(ctx, sqlItemsDelete, id, tenant)
	if err != nil {
		return false, runtime.Wrap(err, "items.Delete", "items")
	}
	return tag.RowsAffected() > 0, nil
}

const sqlItemsUpsertBySlug = `-- name: items.UpsertBySlug
INSERT INTO "items" ("id", "slug", "payload", "tenant_id") VALUES ($1, $2, $3, $4)
ON CONFLICT ("tenant_id", "slug") DO UPDATE SET "payload" = EXCLUDED."payload", "version" = "items"."version" + 1
RETURNING "id", "tenant_id", "slug", "version", "payload"`

// UpsertBySlug inserts an item or updates the one with the same slug.
// The row's id comes back from the statement, so the invalidation is
// sent after it, in the same transaction.
func (r *ItemRepo) UpsertBySlug(ctx context.Context, id int64, slug, payload string) (Item, error) {
	tenant, err := runtime.TenantFor[int64](ctx, "items.UpsertBySlug", "items")
	if err != nil {
		return Item{}, err
	}
	var v Item
	err = runtime.InTx(ctx, r.db, runtime.TxOptions{}, func(tx pgx.Tx) error {
		db := runtime.Scope(tx, tenant)
		if err := scanItem(db.QueryRow(ctx, sqlItemsUpsertBySlug, id, slug, payload, tenant), &v); err != nil {
			return err
		}
		return runtime.Invalidate(ctx, tx, itemsCache.Keys(tenant, v.ID))
	})
	if err != nil {
		return Item{}, runtime.Wrap(err, "items.UpsertBySlug", "items")
	}
	return v, nil
}

// Note is one row of table notes, a table without tenant.
type Note struct {
	ID      int64  `json:"id"`
	Version int64  `json:"version"`
	Body    string `json:"body"`
}

var notesCache = runtime.NewCacheTable(runtime.CacheTableSpec[runtime.NoTenant, int64, Note]{
	Table:  "notes",
	Tenant: runtime.NoTenantKeys,
	Key:    runtime.Int64Keys,
	KeyOf:  func(v *Note) int64 { return v.ID },
})

// NoteRepo reads and writes table notes.
type NoteRepo struct {
	db runtime.DBTX
}

// NewNoteRepo returns a repository of table notes on db.
func NewNoteRepo(db runtime.DBTX) *NoteRepo { return &NoteRepo{db: db} }

func scanNote(row pgx.Row, v *Note) error {
	return row.Scan(&v.ID, &v.Version, &v.Body)
}

const sqlNotesFindByID = `-- name: notes.FindByID replica=ok
SELECT "id", "version", "body" FROM "notes" WHERE "id" = $1`

// FindByID returns the note with the given id, through the cache.
func (r *NoteRepo) FindByID(ctx context.Context, id int64) (Note, error) {
	if v, ok, fill := notesCache.Get(ctx, r.db, runtime.NoTenant{}, id); ok {
		return v, nil
	} else {
		var row Note
		if err := scanNote(r.db.QueryRow(fill.Context(ctx), sqlNotesFindByID, id), &row); err != nil {
			fill.Abort()
			return Note{}, runtime.Wrap(err, "notes.FindByID", "notes")
		}
		fill.Done(ctx, &row)
		return row, nil
	}
}

// FindByIDUncached is FindByID without cache:.
func (r *NoteRepo) FindByIDUncached(ctx context.Context, id int64) (Note, error) {
	var v Note
	if err := scanNote(r.db.QueryRow(ctx, sqlNotesFindByID, id), &v); err != nil {
		return Note{}, runtime.Wrap(err, "notes.FindByID", "notes")
	}
	return v, nil
}

const sqlNotesUpdate = `-- name: notes.Update
UPDATE "notes" SET "body" = $2, "version" = "version" + 1 WHERE "id" = $1
RETURNING "id", "version", "body"`

// Update sets the body of a note, with its invalidation.
func (r *NoteRepo) Update(ctx context.Context, id int64, body string) (Note, error) {
	db := runtime.Invalidating(r.db, notesCache.Keys(runtime.NoTenant{}, id))
	var v Note
	if err := scanNote(db.QueryRow(ctx, sqlNotesUpdate, id, body), &v); err != nil {
		return Note{}, runtime.Wrap(err, "notes.Update", "notes")
	}
	return v, nil
}

// UpdateUncached is Update without cache:.
func (r *NoteRepo) UpdateUncached(ctx context.Context, id int64, body string) (Note, error) {
	var v Note
	if err := scanNote(r.db.QueryRow(ctx, sqlNotesUpdate, id, body), &v); err != nil {
		return Note{}, runtime.Wrap(err, "notes.Update", "notes")
	}
	return v, nil
}

// copyNotesSource feeds notes to CopyFrom.
type copyNotesSource struct {
	rows []Note
	i    int
	vals [3]any
}

func (s *copyNotesSource) Next() bool { s.i++; return s.i < len(s.rows) }

func (s *copyNotesSource) Values() ([]any, error) {
	n := &s.rows[s.i]
	return append(s.vals[:0], n.ID, n.Version, n.Body), nil
}

func (s *copyNotesSource) Err() error { return nil }

// CreateMany copies rows with COPY. With invalidate, the rows' keys are
// invalidated (a notification after the COPY, in its transaction): what
// a table whose inserts must invalidate (say, one that caches misses)
// would pay.
func (r *NoteRepo) CreateMany(ctx context.Context, rows []Note, invalidate bool) (int64, error) {
	db := r.db
	if invalidate {
		keys := make([]int64, len(rows))
		for i := range rows {
			keys[i] = rows[i].ID
		}
		db = runtime.Invalidating(r.db, notesCache.Keys(runtime.NoTenant{}, keys...))
	}
	n, err := db.CopyFrom(ctx, pgx.Identifier{"notes"}, []string{"id", "version", "body"}, &copyNotesSource{rows: rows, i: -1})
	if err != nil {
		return 0, runtime.Wrap(err, "notes.CreateMany", "notes")
	}
	return n, nil
}
