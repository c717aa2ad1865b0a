package moretypesdb

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// bits returns the bit string s ("1010") as pgx holds one.
func bits(s string) pgtype.Bits {
	b := pgtype.Bits{Bytes: make([]byte, (len(s)+7)/8), Len: int32(len(s)), Valid: true}
	for i, c := range s {
		if c == '1' {
			b.Bytes[i/8] |= 0x80 >> (i % 8)
		}
	}
	return b
}

func bitsPtr(s string) *pgtype.Bits { b := bits(s); return &b }

// TestJobMasks writes bit(n) and varbit(n) values, plain, NULL, by
// default and in arrays, through every write path of the table (Create,
// CreateMany by COPY, CreateManyReturning, Update, UpdateMany,
// UpsertManyByStates on the bit(8) unique key) and reads them back; a
// value of the wrong length is the server's data error, naming the
// operation.
func TestJobMasks(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	first, err := s.JobMasks.Create(ctx, NewJobMask{States: bits("10000001"), History: []pgtype.Bits{bits(""), bits("1"), bits("0000000011")}})
	if err != nil {
		t.Fatal(err)
	}
	want := JobMask{ID: first.ID, States: bits("10000001"), Flag: bits("1"), Seen: bitsPtr("0101"),
		History: []pgtype.Bits{bits(""), bits("1"), bits("0000000011")}}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Fatalf("Create (-want +got):\n%s", diff)
	}
	rows := []NewJobMask{
		{States: bits("00000010"), Flag: runtime.Set(bits("0")), Seen: runtime.Set[*pgtype.Bits](nil)},
		{States: bits("00000100"), Seen: runtime.Set(bitsPtr("1111000011110000"))},
	}
	if n, err := s.JobMasks.CreateMany(ctx, rows); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d %v", n, err)
	}
	made, err := s.JobMasks.CreateManyReturning(ctx, []NewJobMask{{States: bits("00001000"), History: []pgtype.Bits{}}})
	if err != nil || len(made) != 1 || made[0].History == nil || len(made[0].History) != 0 || !cmp.Equal(made[0].Seen, bitsPtr("0101")) {
		t.Fatalf("CreateManyReturning: %+v %v", made, err)
	}
	all, err := s.JobMasks.FindAll(ctx)
	if err != nil || len(all) != 4 {
		t.Fatalf("FindAll: %d rows, %v", len(all), err)
	}
	if all[1].Seen != nil || !cmp.Equal(all[1].Flag, bits("0")) || !cmp.Equal(all[2].Seen, bitsPtr("1111000011110000")) || !cmp.Equal(all[2].Flag, bits("1")) {
		t.Fatalf("rows of CreateMany: %+v", all[1:3])
	}
	up, err := s.JobMasks.Update(ctx, first.ID, JobMaskUpdate{Seen: runtime.Set[*pgtype.Bits](nil), Flag: runtime.Set(bits("0"))})
	if err != nil || up.Seen != nil || !cmp.Equal(up.Flag, bits("0")) {
		t.Fatalf("Update: %+v %v", up, err)
	}
	if n, err := s.JobMasks.UpdateMany(ctx, []JobMaskKeyedUpdate{
		{ID: all[1].ID, Changes: JobMaskUpdate{Seen: runtime.Set(bitsPtr("1")), History: runtime.Set([]pgtype.Bits{bits("01")})}},
		{ID: all[2].ID, Changes: JobMaskUpdate{States: runtime.Set(bits("11111111"))}},
	}); err != nil || n != 2 {
		t.Fatalf("UpdateMany: %d %v", n, err)
	}
	got, err := s.JobMasks.FindByIDs(ctx, []int64{all[1].ID, all[2].ID})
	if err != nil || len(got) != 2 || !cmp.Equal(got[0].Seen, bitsPtr("1")) || !cmp.Equal(got[0].History, []pgtype.Bits{bits("01")}) || !cmp.Equal(got[1].States, bits("11111111")) {
		t.Fatalf("after UpdateMany: %+v %v", got, err)
	}
	// The key sorts as PostgreSQL sorts bit strings: the upsert matches
	// its rows by it.
	ups, err := s.JobMasks.UpsertManyByStates(ctx, []NewJobMask{
		{States: bits("11111111"), Flag: runtime.Set(bits("0"))},
		{States: bits("01000000")},
		{States: bits("10000001"), Seen: runtime.Set(bitsPtr("0000000000000001"))},
	})
	if err != nil || len(ups) != 3 || ups[0].ID != all[2].ID || ups[2].ID != first.ID || !cmp.Equal(ups[2].Seen, bitsPtr("0000000000000001")) {
		t.Fatalf("UpsertManyByStates: %+v %v", ups, err)
	}
	if _, err := s.JobMasks.Create(ctx, NewJobMask{States: bits("10000001")}); !errors.Is(err, ErrJobMaskStatesTaken) {
		t.Fatalf("a taken bit(8) key: %v", err)
	}
	// A length the column refuses fails Validate, naming the field,
	// before any statement: in Create, Update and CreateMany alike.
	invalid := func(what, field, msg string, err error) {
		t.Helper()
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 1 || de.Fields[0].Field != field || de.Fields[0].Message != msg {
			t.Fatalf("%s: %v, want the validation of %s: %s", what, err, field, msg)
		}
	}
	_, err = s.JobMasks.Create(ctx, NewJobMask{States: bits("101")})
	invalid("three bits for a bit(8) column", "states", "must be exactly 8 bits", err)
	_, err = s.JobMasks.Create(ctx, NewJobMask{States: bits("00010000"), Seen: runtime.Set(bitsPtr("10101010101010101"))})
	invalid("17 bits for a varbit(16) column", "seen", "must be at most 16 bits", err)
	_, err = s.JobMasks.Update(ctx, first.ID, JobMaskUpdate{Flag: runtime.Set(bits("01"))})
	invalid("two bits for a bit column", "flag", "must be exactly 1 bit", err)
	_, err = s.JobMasks.CreateMany(ctx, []NewJobMask{{States: bits("00100000")}, {States: bits("0010000")}})
	if !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("CreateMany with seven bits for a bit(8) column: %v", err)
	}
	// pgx sends Len and Bytes as they are: bytes that do not hold Len
	// bits fail Validate too, of any bit or varbit column.
	_, err = s.JobMasks.Create(ctx, NewJobMask{States: pgtype.Bits{Len: 8, Valid: true}})
	invalid("8 bits without their byte", "states", "must hold its Len bits in (Len+7)/8 bytes", err)
	_, err = s.JobMasks.Create(ctx, NewJobMask{States: bits("00010001"), Mask: &pgtype.Bits{Bytes: []byte{0xff}, Len: 12, Valid: true}})
	invalid("12 bits in one byte for a varbit column", "mask", "must hold its Len bits in (Len+7)/8 bytes", err)
	_, err = s.JobMasks.UpdateMany(ctx, []JobMaskKeyedUpdate{{ID: first.ID, Changes: JobMaskUpdate{Seen: runtime.Set(&pgtype.Bits{Bytes: []byte{1, 2}, Len: 3, Valid: true})}}})
	if !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("UpdateMany with 3 bits in two bytes: %v", err)
	}
	if m, err := s.JobMasks.Create(ctx, NewJobMask{States: bits("00010010"), Mask: bitsPtr("10101010101010101")}); err != nil || !cmp.Equal(m.Mask, bitsPtr("10101010101010101")) {
		t.Fatalf("17 bits for a varbit column: %+v %v", m, err)
	}
	if n, err := s.JobMasks.Count(ctx); err != nil || n != 6 {
		t.Fatalf("after the refused writes: %d rows, %v", n, err)
	}
}

// TestCompareBits checks runtime.CompareBits against PostgreSQL's order
// of bit strings.
func TestCompareBits(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	vals := []string{"", "0", "1", "00", "01", "10", "0000000", "00000000", "000000001", "1000000", "10000000", "100000001", "11111111", "111111110"}
	for _, a := range vals {
		for _, b := range vals {
			var want int
			if err := db.QueryRow(ctx, "SELECT CASE WHEN $1::varbit < $2::varbit THEN -1 WHEN $1::varbit > $2::varbit THEN 1 ELSE 0 END", a, b).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if got := runtime.CompareBits(bits(a), bits(b)); got != want {
				t.Errorf("CompareBits(%q, %q) = %d, PostgreSQL says %d", a, b, got, want)
			}
		}
	}
}
