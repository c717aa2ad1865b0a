package runtime

import (
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// IsOwnEncodePlan reports whether p is one of this package's encode plans,
// for tests that check which plan a connection's type map picks.
func IsOwnEncodePlan(p pgtype.EncodePlan) bool {
	switch p.(type) {
	case uuidBinaryEncodePlan, uuidTextEncodePlan, decimalBinaryEncodePlan, decimalTextEncodePlan:
		return true
	}
	return false
}

// IsOwnScanPlan reports whether p is one of this package's scan plans.
func IsOwnScanPlan(p pgtype.ScanPlan) bool {
	switch p.(type) {
	case uuidBinaryScanPlan, uuidTextScanPlan, decimalBinaryScanPlan, decimalTextScanPlan:
		return true
	}
	return false
}

// NewTracerForTest returns the pgx tracer Open installs for observers,
// for benchmarks that compare pools with and without it.
func NewTracerForTest(observers ...Observer) pgx.QueryTracer {
	return newTracer(observers, nil, nil)
}

// NewMetricsObserverForTest returns the observer behind Config.Metrics.
func NewMetricsObserverForTest() Observer { return newQueryMetrics() }

// DataExceptionMessage exposes dataExceptionMessage to tests.
var DataExceptionMessage = dataExceptionMessage

// DecodeCursorValues decodes the JSON array a sealed cursor holds into
// dest, for tests of the values a cursor can carry.
func DecodeCursorValues(data []byte, dest ...any) error { return unmarshalCursorValues(data, dest) }

// NewHiddenKeyError is the error of an Op with HiddenKey that finds no
// row.
var NewHiddenKeyError = newHiddenKeyError

// Unnest is unnest over rows: the parameters InsertManyOp binds.
func Unnest[T any](args func(*T, []any) []any, rows []T) []any {
	return unnest(len(rows), func(i int) *T { return &rows[i] }, args)
}
