package runtime

import (
	"reflect"

	"github.com/jackc/pgx/v5/pgtype"
)

// registerOneDimSlices makes scanning an array of more than one dimension
// into a Go slice an error. pgx flattens such an array into the slice
// ({{1,2},{3,4}} reads as [1 2 3 4]), so that writing the row back would
// store another value, an array of one dimension; a generated column of
// array type is a slice, which holds one dimension only. It replaces
// pgx's slice wrapper in m's scan wrappers by one that checks the
// dimensions before handing the slice to pgx; calling it again changes
// nothing.
func registerOneDimSlices(m *pgtype.Map) {
	p := reflect.ValueOf(pgtype.TryWrapPtrSliceScanPlan).Pointer()
	for i, f := range m.TryWrapScanPlanFuncs {
		if reflect.ValueOf(f).Pointer() == p {
			m.TryWrapScanPlanFuncs[i] = tryWrapOneDimSlice
			return
		}
	}
}

// tryWrapOneDimSlice is pgx's TryWrapPtrSliceScanPlan whose array refuses
// more than one dimension.
func tryWrapOneDimSlice(target any) (pgtype.WrappedScanPlanNextSetter, any, bool) {
	plan, next, ok := pgtype.TryWrapPtrSliceScanPlan(target)
	if !ok {
		return nil, nil, false
	}
	setter, isSetter := next.(pgtype.ArraySetter)
	if !isSetter {
		return plan, next, true
	}
	return &oneDimPlan{inner: plan}, oneDimArray{setter}, true
}

// oneDimPlan runs pgx's slice plan, whose next plan gets the array
// wrapped in a oneDimArray.
type oneDimPlan struct {
	inner pgtype.WrappedScanPlanNextSetter
}

func (p *oneDimPlan) SetNext(next pgtype.ScanPlan) { p.inner.SetNext(oneDimNext{next}) }

func (p *oneDimPlan) Scan(src []byte, target any) error { return p.inner.Scan(src, target) }

// oneDimNext hands the next plan (the array codec's) a oneDimArray.
type oneDimNext struct{ next pgtype.ScanPlan }

func (n oneDimNext) Scan(src []byte, target any) error {
	if setter, ok := target.(pgtype.ArraySetter); ok {
		target = oneDimArray{setter}
	}
	return n.next.Scan(src, target)
}

// oneDimArray is an ArraySetter that refuses more than one dimension.
type oneDimArray struct{ pgtype.ArraySetter }

func (a oneDimArray) SetDimensions(dimensions []pgtype.ArrayDimension) error {
	if len(dimensions) > 1 {
		return codecErrorf("cannot scan an array of %d dimensions into a Go slice, which holds one", len(dimensions))
	}
	return a.ArraySetter.SetDimensions(dimensions)
}
