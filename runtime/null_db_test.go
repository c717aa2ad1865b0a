package runtime_test

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// nullRow holds one value of every column type a generated model holds
// as a runtime.Null.
type nullRow struct {
	Text      runtime.Null[string]
	Varchar   runtime.Null[string]
	Char      runtime.Null[string]
	Mood      runtime.Null[mood]
	Int       runtime.Null[int32]
	Big       runtime.Null[int64]
	Small     runtime.Null[int16]
	Real      runtime.Null[float32]
	Double    runtime.Null[float64]
	Bool      runtime.Null[bool]
	UUID      runtime.Null[uuid.UUID]
	Numeric   runtime.Null[decimal.Decimal]
	Date      runtime.Null[time.Time]
	Timestamp runtime.Null[time.Time]
	Tstz      runtime.Null[time.Time]
	Interval  runtime.Null[pgtype.Interval]
	Time      runtime.Null[pgtype.Time]
	Inet      runtime.Null[netip.Prefix]
}

func (r *nullRow) fields() []any {
	return []any{&r.Text, &r.Varchar, &r.Char, &r.Mood, &r.Int, &r.Big, &r.Small, &r.Real, &r.Double, &r.Bool,
		&r.UUID, &r.Numeric, &r.Date, &r.Timestamp, &r.Tstz, &r.Interval, &r.Time, &r.Inet}
}

const nullTable = `CREATE TABLE nulls (id int PRIMARY KEY, t text, v varchar(10), c char(3), m mood, i integer, b bigint,
	s smallint, r real, d double precision, bo boolean, u uuid, n numeric(10,2), da date, ts timestamp,
	tz timestamptz, iv interval, ti time, ip inet)`

const nullInsert = `INSERT INTO nulls VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`

const nullSelect = `SELECT t, v, c, m, i, b, s, r, d, bo, u, n, da, ts, tz, iv, ti, ip FROM nulls WHERE id = $1`

func fullNullRow() nullRow {
	at := time.Date(2024, 2, 29, 10, 30, 0, 123000, time.UTC)
	return nullRow{
		Text: runtime.NullOf("text"), Varchar: runtime.NullOf("varchar"), Char: runtime.NullOf("abc"),
		Mood: runtime.NullOf(mood("happy")), Int: runtime.NullOf[int32](-7), Big: runtime.NullOf[int64](1 << 40),
		Small: runtime.NullOf[int16](300), Real: runtime.NullOf[float32](1.5), Double: runtime.NullOf(2.25),
		Bool: runtime.NullOf(true), UUID: runtime.NullOf(uuid.MustParse("9a3c5f1e-0b7d-4c2a-8e61-3f0d9b2a7c44")),
		Numeric: runtime.NullOf(decimal.RequireFromString("12.34")), Date: runtime.NullOf(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)),
		Timestamp: runtime.NullOf(at), Tstz: runtime.NullOf(at),
		Interval: runtime.NullOf(pgtype.Interval{Days: 1, Microseconds: 7_200_000_000, Valid: true}),
		Time:     runtime.NullOf(pgtype.Time{Microseconds: 37_800_000_000, Valid: true}),
		Inet:     runtime.NullOf(netip.MustParsePrefix("192.168.0.1/24")),
	}
}

func checkNullRow(t *testing.T, what string, got, want nullRow) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// TestNullRoundTrip writes and reads every Null type, NULL and not,
// through a pool with the runtime's types and through plain pgx, in the
// default (binary, prepared) mode and with the simple protocol (text).
func TestNullRoundTrip(t *testing.T) {
	ctx := testContext(t)
	url := pgtest.URL(t)
	pgtest.Exec(t, url, `CREATE TYPE mood AS ENUM ('happy', 'sad')`, nullTable)
	for _, registered := range []bool{true, false} {
		for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
			cfg, err := pgxpool.ParseConfig(url)
			if err != nil {
				t.Fatal(err)
			}
			cfg.ConnConfig.DefaultQueryExecMode = mode
			if registered {
				cfg.AfterConnect = runtime.AfterConnect
			}
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			name := map[bool]string{true: "registered", false: "plain pgx"}[registered] + ", " + mode.String()
			id := int(mode)*2 + map[bool]int{true: 0, false: 1}[registered]
			want := fullNullRow()
			args := append([]any{id * 10}, want.fields()...)
			if _, err := pool.Exec(ctx, nullInsert, args...); err != nil {
				t.Errorf("%s: insert values: %v", name, err)
			}
			var null nullRow
			args = append([]any{id*10 + 1}, null.fields()...)
			if _, err := pool.Exec(ctx, nullInsert, args...); err != nil {
				t.Errorf("%s: insert NULLs: %v", name, err)
			}
			var got nullRow
			if err := pool.QueryRow(ctx, nullSelect, id*10).Scan(got.fields()...); err != nil {
				t.Errorf("%s: read values: %v", name, err)
			} else {
				checkNullRow(t, name+": values", got, want)
			}
			got = fullNullRow() // NULL must clear a previous value
			if err := pool.QueryRow(ctx, nullSelect, id*10+1).Scan(got.fields()...); err != nil {
				t.Errorf("%s: read NULLs: %v", name, err)
			} else {
				checkNullRow(t, name+": NULLs", got, nullRow{})
			}
			pool.Close()
		}
	}
}

// TestNullJSON: a Null is null or its value in JSON, as a pointer is.
func TestNullJSON(t *testing.T) {
	type row struct {
		A runtime.Null[string]          `json:"a"`
		B runtime.Null[decimal.Decimal] `json:"b"`
		C *string                       `json:"c"`
	}
	s := "x"
	out, err := json.Marshal([]row{{A: runtime.NullOf("x"), B: runtime.NullOf(decimal.RequireFromString("1.50")), C: &s}, {}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"a":"x","b":"1.5","c":"x"},{"a":null,"b":null,"c":null}]`; string(out) != want {
		t.Fatalf("got %s, want %s", out, want)
	}
	var back []row
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !back[0].A.Valid || back[0].A.V != "x" || back[1].A.Valid || back[1].B.Valid {
		t.Fatalf("read back %+v", back)
	}
	var n runtime.Null[decimal.Decimal]
	if err := json.Unmarshal([]byte(`"1e100000"`), &n); err == nil {
		t.Fatal("an oversized decimal was accepted")
	}
}

// TestNullScanAllocations: reading rows into a Null[string] costs the
// string of a non-NULL value only, as a plain string column does; the
// pointer form costs one more per non-NULL value.
func TestNullScanAllocations(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{})
	const q = `SELECT CASE WHEN n % 2 = 0 THEN 'even' END FROM generate_series(1, 100) AS n`
	measure := func(dest any) float64 {
		return testing.AllocsPerRun(20, func() {
			rows, err := db.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				if err := rows.Scan(dest); err != nil {
					t.Fatal(err)
				}
			}
			rows.Close()
		})
	}
	var p *string
	var n runtime.Null[string]
	ptr, null := measure(&p), measure(&n)
	t.Logf("ptr %v null %v", ptr, null)
	if null > ptr-40 {
		t.Fatalf("100 rows, 50 of them non-NULL: %v allocations into a Null, %v into a pointer", null, ptr)
	}
}

// TestPointerArguments: a pointer to a basic value, an enum or a Null is
// bound without an allocation on a connection with the runtime's types.
func TestPointerArguments(t *testing.T) {
	ctx := testContext(t)
	cfg, err := pgx.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := runtime.AfterConnect(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TYPE mood AS ENUM ('happy', 'sad')`); err != nil {
		t.Fatal(err)
	}
	type values struct {
		t    string
		m    mood
		i    int32
		ts   time.Time
		n    runtime.Null[string]
		args [5]any
	}
	v := &values{t: "text", m: "happy", i: 1 << 20, ts: time.Now(), n: runtime.NullOf("x")}
	v.args = [5]any{&v.t, &v.m, &v.i, &v.ts, &v.n}
	const q = `SELECT $1::text = 'text' AND $2::mood = 'happy' AND $3::int = 1048576 AND $4::timestamptz IS NOT NULL AND $5::text = 'x'`
	run := func() {
		var ok bool
		if err := conn.QueryRow(ctx, q, v.args[:]...).Scan(&ok); err != nil || !ok {
			t.Fatalf("%v, %v", ok, err)
		}
	}
	run()
	base := testing.AllocsPerRun(50, func() {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT true`).Scan(&ok); err != nil {
			t.Fatal(err)
		}
	})
	got := testing.AllocsPerRun(50, run)
	t.Logf("pointers %v, base %v", got, base)
	if got > base+1 {
		t.Fatalf("binding 5 pointers: %v allocations, a query without parameters %v", got, base)
	}
	var null runtime.Null[string]
	v.args[4] = &null
	var isNull bool
	if err := conn.QueryRow(ctx, `SELECT $1::text IS NULL`, &null).Scan(&isNull); err != nil || !isNull {
		t.Fatalf("an invalid Null was sent as %v, %v", isNull, err)
	}
	var nilText *string
	if err := conn.QueryRow(ctx, `SELECT $1::text IS NULL`, nilText).Scan(&isNull); err != nil || !isNull {
		t.Fatalf("a nil *string was sent as %v, %v", isNull, err)
	}
}
