package runtime_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
)

// TestNullScanTextConcurrent parses values that arrive as text (the
// simple protocol's results) into Nulls of several types from many
// goroutines at once, as the connections of a pool do: the parsing must
// not share state between them (run with -race; a shared type map also
// made TypeForValue fail now and then, "cannot scan text into
// Null[uuid.UUID]").
func TestNullScanTextConcurrent(t *testing.T) {
	id := uuid.MustParse("0b7e2d9a-3f4c-4e61-9a55-2d1c0f6e8b7a")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for range 500 {
				var u runtime.Null[uuid.UUID]
				if err := u.ScanText(pgtype.Text{String: id.String(), Valid: true}); err != nil || u.V != id {
					errs <- err
					return
				}
				var d runtime.Null[decimal.Decimal]
				if err := d.ScanText(pgtype.Text{String: "12.50", Valid: true}); err != nil || !d.V.Equal(decimal.RequireFromString("12.5")) {
					errs <- err
					return
				}
				var ts runtime.Null[time.Time]
				if err := ts.ScanText(pgtype.Text{String: "2026-12-03 17:00:00+00", Valid: true}); err != nil || ts.V.Hour() != 17 {
					errs <- err
					return
				}
				var n runtime.Null[int64]
				if err := n.ScanText(pgtype.Text{String: "42", Valid: true}); err != nil || n.V != 42 {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("scanning text into a Null concurrently: %v", err)
	}
}

// TestNullScanTextTimes parses the text formats of date, timestamp and
// timestamptz, as the simple protocol's results bring them, into a
// Null[time.Time]: dates of more than four year digits and dates before
// the common era are dates too, not timestamps.
func TestNullScanTextTimes(t *testing.T) {
	for _, tc := range []struct {
		text string
		want time.Time
	}{
		{"2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"10000-01-01", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"5874897-12-31", time.Date(5874897, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"4713-01-01 BC", time.Date(-4712, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-02-29 12:34:56.5", time.Date(2024, 2, 29, 12, 34, 56, 500000000, time.UTC)},
		{"294276-12-31 23:59:59.999999", time.Date(294276, 12, 31, 23, 59, 59, 999999000, time.UTC)},
		{"0044-03-15 12:00:00 BC", time.Date(-43, 3, 15, 12, 0, 0, 0, time.UTC)},
		{"2024-02-29 12:34:56-05:30", time.Date(2024, 2, 29, 18, 4, 56, 0, time.UTC)},
		{"4713-01-01 00:00:00+00 BC", time.Date(-4712, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		var n runtime.Null[time.Time]
		if err := n.ScanText(pgtype.Text{String: tc.text, Valid: true}); err != nil {
			t.Errorf("%s: %v", tc.text, err)
		} else if !n.Valid || !n.V.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.text, n.V, tc.want)
		}
	}
}
