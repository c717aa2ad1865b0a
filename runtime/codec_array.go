package runtime

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strconv"

	"github.com/jackc/pgx/v5/pgtype"
)

// registerOneDimSlices makes scanning an array of more than one dimension,
// or one whose index does not start at 1, into a Go slice an error. pgx
// flattens such an array into the slice ({{1,2},{3,4}} reads as
// [1 2 3 4]) and drops its bounds ([0:1]={a,b} reads as [a b]), so that
// writing the row back would store another value, an array of one
// dimension starting at 1, which PostgreSQL does not take as equal; a
// generated column of array type is a slice, which holds one dimension
// starting at 1 only. It replaces
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
// an array of more than one dimension or starting at another index than 1.
func tryWrapOneDimSlice(target any) (pgtype.WrappedScanPlanNextSetter, any, bool) {
	plan, next, ok := pgtype.TryWrapPtrSliceScanPlan(target)
	if !ok {
		return nil, nil, false
	}
	return &oneDimPlan{inner: plan}, next, true
}

// oneDimPlan runs pgx's slice plan once the array's header says it has
// one dimension (or none: empty) starting at index 1; it reads the
// header itself, so a scan costs no more than pgx's.
type oneDimPlan struct {
	inner pgtype.WrappedScanPlanNextSetter
}

func (p *oneDimPlan) SetNext(next pgtype.ScanPlan) { p.inner.SetNext(next) }

func (p *oneDimPlan) Scan(src []byte, target any) error {
	if n := arrayDims(src); n > 1 {
		return codecErrorf("cannot scan an array of %d dimensions into a Go slice, which holds one", n)
	}
	if lo := arrayLower(src); lo != 1 {
		return codecErrorf("cannot scan an array starting at index %d into a Go slice, which writes it back starting at 1", lo)
	}
	return p.inner.Scan(src, target)
}

// arrayLower returns the first index of an array of one dimension in
// PostgreSQL's binary form (the lower bound after the 12-byte header and
// the dimension's length) or text form, which writes the bounds,
// "[0:1]={a,b}", only when an index does not start at 1; 1 for an
// empty array, NULL or a form it cannot read (pgx's plan reports that).
func arrayLower(src []byte) int {
	switch {
	case len(src) >= 20 && src[0] == 0:
		if binary.BigEndian.Uint32(src) == 0 {
			return 1
		}
		return int(int32(binary.BigEndian.Uint32(src[16:20])))
	case len(src) > 0 && src[0] == '[':
		end := bytes.IndexByte(src, ':')
		if end < 0 {
			return 1
		}
		n, err := strconv.Atoi(string(src[1:end]))
		if err != nil {
			return 1
		}
		return n
	}
	return 1
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
