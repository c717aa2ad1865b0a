package runtime_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// BenchmarkCursor measures sealing and opening a cursor (AES-256-GCM
// under an HKDF-derived key per cursor) for the sort key of a typical
// keyset: a text and an id.
func BenchmarkCursor(b *testing.B) {
	key := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	keys, err := runtime.ParseCursorKeys(key)
	if err != nil {
		b.Fatal(err)
	}
	tenant := uuid.New()
	email, id := "user123@example.com", int64(123456)
	sealed := keys.Seal("items.List", tenant, email, id)
	b.Run("seal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = keys.Seal("items.List", tenant, email, id)
		}
	})
	b.Run("unseal", func(b *testing.B) {
		b.ReportAllocs()
		var e string
		var n int64
		for b.Loop() {
			if err := keys.Unseal(sealed, "items.List", tenant, &e, &n); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// itemsList is the descriptor of listItemsKeyset.
var itemsList = &runtime.Keyset[pageItem]{
	Op:    &runtime.Op{Name: "items.List", Table: "items"},
	First: sqlItemsListFirst,
	After: sqlItemsListAfter,
	Scan:  scanItem,
	Key:   func(v *pageItem) []any { return []any{v.Email, v.ID} },
}

// listItemsKeyset is listItems without the tenant scope (the same SQL as
// the reference), as generated code calls Keyset.Page.
func listItemsKeyset(ctx context.Context, db runtime.DBTX, tenant uuid.UUID, page runtime.PageArgs) (runtime.Page[pageItem], error) {
	var email string
	var id int64
	return itemsList.Page(ctx, db, page, runtime.PageCall{Tenant: tenant, Args: []any{tenant}}, &email, &id)
}

// listItemsPgx is the hand-written pgx reference: the same statements on
// the pool, the cursor being the last row's key values themselves.
func listItemsPgx(ctx context.Context, pool *pgxpool.Pool, tenant uuid.UUID, limit int, after *pageItem) ([]pageItem, *pageItem, error) {
	var rows pgx.Rows
	var err error
	if after == nil {
		rows, err = pool.Query(ctx, sqlItemsListFirst, tenant, limit+1)
	} else {
		rows, err = pool.Query(ctx, sqlItemsListAfter, tenant, after.Email, after.ID, limit+1)
	}
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	items := make([]pageItem, 0, limit+1)
	for rows.Next() {
		var v pageItem
		if err := rows.Scan(&v.ID, &v.Tenant, &v.Email); err != nil {
			return nil, nil, err
		}
		items = append(items, v)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(items) <= limit {
		return items, nil, nil
	}
	items = items[:limit]
	next := items[limit-1]
	return items, &next, nil
}

// BenchmarkPaginatedList reads the second page of 20 rows of a
// keyset-paginated method on PostgreSQL two ways, side by side: the
// hand-written pgx reference and Keyset.Page (checked size, sealed
// cursors), as generated code calls it.
func BenchmarkPaginatedList(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	url := pgtest.URL(b)
	db, err := runtime.Open(ctx, runtime.Config{URL: url, MaxConns: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if _, err := db.Exec(ctx, pageSchema); err != nil {
		b.Fatal(err)
	}
	tenant := uuid.New()
	if _, err := db.Exec(ctx, `INSERT INTO items SELECT g, $1, 'user' || g || '@example.com' FROM generate_series(1, 1000) g`, tenant); err != nil {
		b.Fatal(err)
	}
	const limit = 20
	b.Run("pgx", func(b *testing.B) {
		_, after, err := listItemsPgx(ctx, pool, tenant, limit, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := listItemsPgx(ctx, pool, tenant, limit, after); err != nil {
				b.Fatal(err)
			}
		}
	})
	for name, list := range map[string]func(context.Context, runtime.DBTX, uuid.UUID, runtime.PageArgs) (runtime.Page[pageItem], error){
		"keyset-page": listItemsKeyset,
	} {
		b.Run(name, func(b *testing.B) {
			first, err := list(ctx, db, tenant, runtime.PageArgs{Limit: limit})
			if err != nil {
				b.Fatal(err)
			}
			page := runtime.PageArgs{After: first.Next, Limit: limit}
			b.ReportAllocs()
			for b.Loop() {
				p, err := list(ctx, db, tenant, page)
				if err != nil || len(p.Items) != limit {
					b.Fatal(err)
				}
			}
		})
	}
}
