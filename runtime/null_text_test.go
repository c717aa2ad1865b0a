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
