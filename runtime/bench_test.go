package runtime_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// typeMaps returns a pgx map as pgx sets it up and one with RegisterTypes.
func typeMaps() map[string]*pgtype.Map {
	registered := pgtype.NewMap()
	runtime.RegisterTypes(registered)
	return map[string]*pgtype.Map{"RegisterTypes": registered, "pgx-default": pgtype.NewMap()}
}

// wireBytes returns the binary wire form of value for oid.
func wireBytes(b *testing.B, oid uint32, value any) []byte {
	buf, err := pgtype.NewMap().Encode(oid, pgtype.BinaryFormatCode, value, nil)
	if err != nil {
		b.Fatal(err)
	}
	return buf
}

// benchScan decodes src, the binary form of a value of type oid, into
// dst (a pointer) with m as rows.Scan does: the plan is found once per
// column, then run per row.
func benchScan(b *testing.B, m *pgtype.Map, oid uint32, src []byte, dst any) {
	plan := m.PlanScan(oid, pgtype.BinaryFormatCode, dst)
	b.ReportAllocs()
	for b.Loop() {
		if err := plan.Scan(src, dst); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanDecimal decodes one binary numeric as rows.Scan does: the
// plan is found once per column, then run per row.
func BenchmarkScanDecimal(b *testing.B) {
	values := map[string]string{"money": "12345.67", "numeric(38,18)": "12345678901234567890.123456789012345678"}
	for _, mapName := range []string{"RegisterTypes", "pgx-default"} {
		for _, valueName := range []string{"money", "numeric(38,18)"} {
			b.Run(mapName+"/"+valueName, func(b *testing.B) {
				d := decimal.RequireFromString(values[valueName])
				src := wireBytes(b, pgtype.NumericOID, pgtype.Numeric{Int: d.Coefficient(), Exp: d.Exponent(), Valid: true})
				var dst decimal.Decimal
				benchScan(b, typeMaps()[mapName], pgtype.NumericOID, src, &dst)
				if !dst.Equal(d) {
					b.Fatalf("scanned %s, want %s", dst, d)
				}
			})
		}
	}
}

// BenchmarkScanUUID decodes one binary uuid as rows.Scan does.
func BenchmarkScanUUID(b *testing.B) {
	for _, mapName := range []string{"RegisterTypes", "pgx-default"} {
		b.Run(mapName, func(b *testing.B) {
			u := uuid.New()
			src := wireBytes(b, pgtype.UUIDOID, pgtype.UUID{Bytes: u, Valid: true})
			var dst uuid.UUID
			benchScan(b, typeMaps()[mapName], pgtype.UUIDOID, src, &dst)
			if dst != u {
				b.Fatalf("scanned %s, want %s", dst, u)
			}
		})
	}
}

// BenchmarkScanSlice decodes one binary text[] and int8[] of eight
// elements into a Go slice as rows.Scan does: RegisterTypes's slice plan
// checks the array's dimensions (one), pgx's does not.
func BenchmarkScanSlice(b *testing.B) {
	for _, mapName := range []string{"RegisterTypes", "pgx-default"} {
		b.Run(mapName+"/text[]", func(b *testing.B) {
			want := []string{"a", "bb", "ccc", "dddd", "e", "ff", "ggg", "hhhh"}
			src := wireBytes(b, pgtype.TextArrayOID, want)
			var dst []string
			benchScan(b, typeMaps()[mapName], pgtype.TextArrayOID, src, &dst)
			if len(dst) != len(want) || dst[7] != want[7] {
				b.Fatalf("scanned %v, want %v", dst, want)
			}
		})
		b.Run(mapName+"/int8[]", func(b *testing.B) {
			want := []int64{1, 2, 3, 4, 5, 6, 7, 8}
			src := wireBytes(b, pgtype.Int8ArrayOID, want)
			var dst []int64
			benchScan(b, typeMaps()[mapName], pgtype.Int8ArrayOID, src, &dst)
			if len(dst) != len(want) || dst[7] != want[7] {
				b.Fatalf("scanned %v, want %v", dst, want)
			}
		})
	}
}

// BenchmarkEncodeDecimal encodes one decimal parameter in binary, as
// pgx does for each argument.
func BenchmarkEncodeDecimal(b *testing.B) {
	benchEncode(b, pgtype.NumericOID, decimal.RequireFromString("12345.67"))
}

// BenchmarkEncodeUUID encodes one uuid parameter in binary.
func BenchmarkEncodeUUID(b *testing.B) {
	benchEncode(b, pgtype.UUIDOID, uuid.New())
}

// benchEncode encodes v, boxed as arguments arrive, as a binary
// parameter of type oid, with and without RegisterTypes.
func benchEncode(b *testing.B, oid uint32, v any) {
	for _, mapName := range []string{"RegisterTypes", "pgx-default"} {
		b.Run(mapName, func(b *testing.B) {
			m := typeMaps()[mapName]
			buf := make([]byte, 0, 64)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if buf, err = m.Encode(oid, pgtype.BinaryFormatCode, v, buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQuery1000Rows reads 1000 rows of (uuid, numeric) from the
// server per operation, with and without RegisterTypes on the pool.
func BenchmarkQuery1000Rows(b *testing.B) {
	url := pgtest.URL(b)
	for _, register := range []bool{true, false} {
		name := "pgx-default"
		if register {
			name = "RegisterTypes"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			cfg, err := pgxpool.ParseConfig(url)
			if err != nil {
				b.Fatal(err)
			}
			if register {
				cfg.AfterConnect = runtime.AfterConnect
			}
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			const sql = "SELECT gen_random_uuid(), (g * 1.01)::numeric(18,2) FROM generate_series(1, 1000) g"
			b.ReportAllocs()
			for b.Loop() {
				rows, _ := pool.Query(ctx, sql)
				var id uuid.UUID
				var amount decimal.Decimal
				_, err := pgx.ForEachRow(rows, []any{&id, &amount}, func() error { return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
