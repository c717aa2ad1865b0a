package handpgx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// The batch writes run the statements the generated UpdateMany of
// transactions and UpsertManyByEmail of users run, word for word, with
// the arguments built as a pgx expert builds them: one array parameter
// per column, of pointers into the caller's rows (nothing copied, nothing
// boxed per row), a NULL array for a column the batch does not change.
//
// They send the rows in key order and refuse two rows with the same key,
// as any caller of these statements must: the statement locks the rows
// in the order of the arrays (ORDER BY the position, FOR UPDATE), so two
// batches over overlapping keys in different orders can deadlock, and an
// UPDATE … FROM whose rows name one row twice applies one of them and
// drops the other without a word. The order is a permutation of indexes
// sorted by key (the caller's slice stays as it is). What the generated
// code does on top is the validation of every row before any SQL, which
// the reference leaves to the server's checks.

// TxnChange is a new status and amount for the transaction with ID.
type TxnChange struct {
	ID     uuid.UUID
	Status string
	Amount decimal.Decimal
}

// NewUser holds the values of a user to upsert by email.
type NewUser struct {
	Email string
	Name  string
}

// User is one row of table users.
type User struct {
	ID        uuid.UUID
	Email     string
	Name      string
	CreatedAt time.Time
}

// ptrs is an array parameter of pointers into the caller's rows: pgx
// encodes each element through the pointer (uuid and numeric with the
// runtime's codecs), copying and boxing nothing per row.
type ptrs[T any] []*T

func (a ptrs[T]) Dimensions() []pgtype.ArrayDimension {
	return []pgtype.ArrayDimension{{Length: int32(len(a)), LowerBound: 1}}
}
func (a ptrs[T]) Index(i int) any { return a[i] }
func (a ptrs[T]) IndexType() any  { return (*T)(nil) }

// texts is a text array parameter of pointers into the caller's rows;
// each element is a *textElem, which pgx encodes through
// pgtype.TextValuer without boxing the string.
type texts []*string

type textElem string

func (t *textElem) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: string(*t), Valid: true}, nil
}

func (a texts) Dimensions() []pgtype.ArrayDimension {
	return []pgtype.ArrayDimension{{Length: int32(len(a)), LowerBound: 1}}
}
func (a texts) Index(i int) any { return (*textElem)(a[i]) }
func (a texts) IndexType() any  { return (*textElem)(nil) }

// ErrDuplicateKey is returned by a batch write given two rows with the
// same key.
var ErrDuplicateKey = errors.New("two rows with the same key")

// keyOrder returns the indexes of rows in key order (cmp), or
// ErrDuplicateKey naming the first two rows with the same key.
func keyOrder[T any](rows []T, cmp func(a, b *T) int) ([]int32, error) {
	at := make([]int32, len(rows))
	for i := range at {
		at[i] = int32(i)
	}
	if !slices.IsSortedFunc(at, func(i, j int32) int { return cmp(&rows[i], &rows[j]) }) {
		slices.SortFunc(at, func(i, j int32) int { return cmp(&rows[i], &rows[j]) })
	}
	for k := 1; k < len(at); k++ {
		if cmp(&rows[at[k-1]], &rows[at[k]]) == 0 {
			return nil, fmt.Errorf("rows %d and %d: %w", at[k-1], at[k], ErrDuplicateKey)
		}
	}
	return at, nil
}

// SQLUpdateMany is the statement of the generated UpdateMany of
// transactions.
const SQLUpdateMany = `-- name: transactions.UpdateMany
WITH "cpcgen_v" AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::numeric(18,2)[], $4::bpchar[], $5::text[], $6::boolean[], $7::text[], $8::timestamptz[]) WITH ORDINALITY AS "cpcgen_u"("cpcgen_1", "cpcgen_2", "cpcgen_3", "cpcgen_4", "cpcgen_5", "cpcgen_6", "cpcgen_7", "cpcgen_8", "cpcgen_ord")),
"cpcgen_old" AS MATERIALIZED (SELECT "cpcgen_v"."cpcgen_ord" FROM "cpcgen_v" JOIN "transactions" ON "transactions"."id" = "cpcgen_v"."cpcgen_1" ORDER BY "cpcgen_v"."cpcgen_ord" FOR UPDATE OF "transactions"),
"cpcgen_bad" AS (SELECT "cpcgen_v"."cpcgen_ord", 1 AS "cpcgen_state" FROM "cpcgen_v" LEFT JOIN "cpcgen_old" ON "cpcgen_old"."cpcgen_ord" = "cpcgen_v"."cpcgen_ord" WHERE "cpcgen_old"."cpcgen_ord" IS NULL),
"cpcgen_new" AS (UPDATE "transactions" SET "user_id" = COALESCE("cpcgen_v"."cpcgen_2", "transactions"."user_id"), "amount" = COALESCE("cpcgen_v"."cpcgen_3", "transactions"."amount"), "currency" = COALESCE("cpcgen_v"."cpcgen_4", "transactions"."currency"), "status" = COALESCE("cpcgen_v"."cpcgen_5", "transactions"."status"), "memo" = CASE WHEN "cpcgen_v"."cpcgen_6" THEN "cpcgen_v"."cpcgen_7" ELSE "transactions"."memo" END, "created_at" = COALESCE("cpcgen_v"."cpcgen_8", "transactions"."created_at") FROM "cpcgen_v" WHERE "transactions"."id" = "cpcgen_v"."cpcgen_1" AND NOT EXISTS (SELECT 1 FROM "cpcgen_bad") RETURNING "cpcgen_v"."cpcgen_ord")
SELECT "cpcgen_state", "cpcgen_ord" FROM "cpcgen_bad"`

// UpdateMany sets the status and amount of each transaction of rows, all
// or none: it fails with ErrNotFound when a row has no transaction.
func (r *Repo) UpdateMany(ctx context.Context, rows []TxnChange) (int64, error) {
	at, err := keyOrder(rows, func(a, b *TxnChange) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	if err != nil {
		return 0, err
	}
	ids := make(ptrs[uuid.UUID], len(rows))
	amounts := make(ptrs[decimal.Decimal], len(rows))
	statuses := make(texts, len(rows))
	for k, i := range at {
		ids[k], amounts[k], statuses[k] = &rows[i].ID, &rows[i].Amount, &rows[i].Status
	}
	res, err := r.Pool.Query(ctx, SQLUpdateMany, ids, nil, amounts, nil, statuses, nil, nil, nil)
	if err != nil {
		return 0, err
	}
	defer res.Close()
	missing := 0
	for res.Next() {
		missing++
	}
	if err := res.Err(); err != nil {
		return 0, err
	}
	if missing > 0 {
		return 0, fmt.Errorf("%d rows: %w", missing, ErrNotFound)
	}
	return int64(len(rows)), nil
}

// SQLUpsertMany is the statement of the generated UpsertManyByEmail of
// users.
const SQLUpsertMany = `-- name: users.UpsertManyByEmail
WITH "cpcgen_v" AS (SELECT *, COALESCE("cpcgen_u"."cpcgen_1", gen_random_uuid()) AS "cpcgen_i1", "cpcgen_u"."cpcgen_2" AS "cpcgen_i2", "cpcgen_u"."cpcgen_3" AS "cpcgen_i3", COALESCE("cpcgen_u"."cpcgen_4", now()) AS "cpcgen_i4" FROM unnest($1::uuid[], $2::varchar[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS "cpcgen_u"("cpcgen_1", "cpcgen_2", "cpcgen_3", "cpcgen_4", "cpcgen_ord")),
"cpcgen_old" AS MATERIALIZED (SELECT "cpcgen_v"."cpcgen_ord", "users"."id" AS "cpcgen_k1" FROM "cpcgen_v" JOIN "users" ON "email" = "cpcgen_v"."cpcgen_i2" ORDER BY "cpcgen_v"."cpcgen_ord" FOR UPDATE OF "users"),
"cpcgen_ins" AS (INSERT INTO "users" ("id", "email", "name", "created_at") SELECT "cpcgen_v"."cpcgen_i1", "cpcgen_v"."cpcgen_i2", "cpcgen_v"."cpcgen_i3", "cpcgen_v"."cpcgen_i4" FROM "cpcgen_v" WHERE NOT EXISTS (SELECT 1 FROM "cpcgen_old" WHERE "cpcgen_old"."cpcgen_ord" = "cpcgen_v"."cpcgen_ord") ORDER BY "cpcgen_v"."cpcgen_ord" ON CONFLICT ("email") DO NOTHING RETURNING "id", "email", "name", "created_at"),
"cpcgen_new" AS (UPDATE "users" SET "name" = "cpcgen_v"."cpcgen_i3", "created_at" = COALESCE("cpcgen_v"."cpcgen_4", "users"."created_at") FROM "cpcgen_v" WHERE "email" = "cpcgen_v"."cpcgen_i2" AND (SELECT count(*) FROM "cpcgen_old") > 0 RETURNING "cpcgen_v"."cpcgen_ord", "id", "email", "name", "created_at")
SELECT 0 AS "cpcgen_state", "cpcgen_v"."cpcgen_ord", "cpcgen_ins"."id", "cpcgen_ins"."email", "cpcgen_ins"."name", "cpcgen_ins"."created_at" FROM "cpcgen_ins" JOIN "cpcgen_v" ON "cpcgen_ins"."email" = "cpcgen_v"."cpcgen_i2" UNION ALL SELECT 0, "cpcgen_new"."cpcgen_ord", "cpcgen_new"."id", "cpcgen_new"."email", "cpcgen_new"."name", "cpcgen_new"."created_at" FROM "cpcgen_new"`

// UpsertMany inserts each user of rows, or updates the name of the user
// with its email, and returns them in the order of rows. It fails when a
// row comes back missing (a user inserted concurrently), which the
// generated code would send again.
func (r *Repo) UpsertMany(ctx context.Context, rows []NewUser) ([]User, error) {
	at, err := keyOrder(rows, func(a, b *NewUser) int { return strings.Compare(a.Email, b.Email) })
	if err != nil {
		return nil, err
	}
	emails := make(texts, len(rows))
	names := make(texts, len(rows))
	for k, i := range at {
		emails[k], names[k] = &rows[i].Email, &rows[i].Name
	}
	res, err := r.Pool.Query(ctx, SQLUpsertMany, nil, emails, names, nil)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	out := make([]User, len(rows))
	var state int32
	var ord int64
	var u User
	dest := [...]any{&state, &ord, &u.ID, &u.Email, &u.Name, &u.CreatedAt}
	n := 0
	for res.Next() {
		if err := res.Scan(dest[:]...); err != nil {
			return nil, err
		}
		if ord < 1 || ord > int64(len(rows)) {
			return nil, fmt.Errorf("row %d of %d", ord, len(rows))
		}
		out[at[ord-1]] = u
		n++
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	if n != len(rows) {
		return nil, fmt.Errorf("%d of %d rows upserted", n, len(rows))
	}
	return out, nil
}
