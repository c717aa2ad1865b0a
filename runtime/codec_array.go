package runtime

import (
	"encoding/binary"
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

// tryWrapOneDimSlice is pgx's TryWrapPtrSliceScanPlan whose plan refuses
// an array of more than one dimension.
func tryWrapOneDimSlice(target any) (pgtype.WrappedScanPlanNextSetter, any, bool) {
	plan, next, ok := pgtype.TryWrapPtrSliceScanPlan(target)
	if !ok {
		return nil, nil, false
	}
	return &oneDimPlan{inner: plan}, next, true
}

// oneDimPlan runs pgx's slice plan once the array's header says it has
// one dimension (or none: empty); it reads the header itself, so a
// scan costs no more than pgx's.
type oneDimPlan struct {
	inner pgtype.WrappedScanPlanNextSetter
}

func (p *oneDimPlan) SetNext(next pgtype.ScanPlan) { p.inner.SetNext(next) }

func (p *oneDimPlan) Scan(src []byte, target any) error {
	if n := arrayDims(src); n > 1 {
		return codecErrorf("cannot scan an array of %d dimensions into a Go slice, which holds one", n)
	}
	return p.inner.Scan(src, target)
}

// arrayDims returns the number of dimensions of an array in PostgreSQL's
// binary form (a 4-byte count first, whose first byte is 0) or text
// form (nested braces, "{{a,b},{c,d}}", after dimension bounds for
// arrays not starting at 1, "[0:1][1:2]={…}"); 0 for NULL.
func arrayDims(src []byte) int {
	switch {
	case len(src) >= 4 && src[0] == 0:
		return int(binary.BigEndian.Uint32(src))
	case len(src) > 0 && src[0] == '[':
		n := 0
		for _, c := range src {
			if c == '=' {
				break
			}
			if c == '[' {
				n++
			}
		}
		return n
	}
	n := 0
	for n < len(src) && src[n] == '{' {
		n++
	}
	return n
}
