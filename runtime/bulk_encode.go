package runtime

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// The array parameters of a batch statement (Array, Flags) write their
// binary form themselves when their element type is one they know: pgx's
// ArrayCodec plans and boxes every element through interfaces and
// reflection (a third of the client's CPU time on a batch of 10,000
// rows), and grows its buffer by doubling. The bytes are the ones pgx
// writes: TestBulkArrayEncoding compares them with the ArrayCodec's.

// binaryArray is an array parameter that can write PostgreSQL's binary
// array form itself.
type binaryArray interface {
	// encodes reports whether the array writes itself as an array of
	// elements of type elem (an OID); it depends on the array's Go type
	// only, as pgx memoizes the plan per type.
	encodes(elem uint32) bool
	// appendBinary appends the array in the binary format, its elements
	// of type elem.
	appendBinary(buf []byte, elem uint32) ([]byte, error)
}

// bulkArrayCodec is pgx's codec of an array type, encoding the arrays
// that write themselves (binaryArray) through them.
type bulkArrayCodec struct{ *pgtype.ArrayCodec }

// PlanEncode implements pgtype.Codec.
func (c bulkArrayCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if a, ok := value.(binaryArray); ok && format == pgtype.BinaryFormatCode && a.encodes(c.ElementType.OID) {
		return bulkArrayPlan{elem: c.ElementType.OID}
	}
	return c.ArrayCodec.PlanEncode(m, oid, format, value)
}

// bulkArrayPlan encodes an array that writes itself.
type bulkArrayPlan struct{ elem uint32 }

func (p bulkArrayPlan) Encode(value any, buf []byte) ([]byte, error) {
	return value.(binaryArray).appendBinary(buf, p.elem)
}

// bulkArrayOIDs are the array types whose codec registerBulkArrays wraps:
// those of the element types the arrays of Array and Flags write.
var bulkArrayOIDs = []uint32{
	pgtype.UUIDArrayOID, pgtype.NumericArrayOID, pgtype.TextArrayOID, pgtype.VarcharArrayOID,
	pgtype.BPCharArrayOID, pgtype.BoolArrayOID, pgtype.Int8ArrayOID, pgtype.Int4ArrayOID,
	pgtype.Float8ArrayOID, pgtype.TimestamptzArrayOID,
}

// registerBulkArrays wraps the codecs of bulkArrayOIDs in m so that the
// arrays of batch statements encode themselves.
func registerBulkArrays(m *pgtype.Map) {
	for _, oid := range bulkArrayOIDs {
		t, ok := m.TypeForOID(oid)
		if !ok {
			continue
		}
		if ac, ok := t.Codec.(*pgtype.ArrayCodec); ok {
			m.RegisterType(&pgtype.Type{Name: t.Name, OID: oid, Codec: bulkArrayCodec{ac}})
		}
	}
}

// appendArrayHeader appends the header of a one-dimensional array of n
// elements of type elem; the contains-NULL flag is at the returned
// offset, for setArrayNull.
func appendArrayHeader(buf []byte, n int, elem uint32) ([]byte, int) {
	buf = binary.BigEndian.AppendUint32(buf, 1)
	at := len(buf)
	buf = binary.BigEndian.AppendUint32(buf, 0)
	buf = binary.BigEndian.AppendUint32(buf, elem)
	buf = binary.BigEndian.AppendUint32(buf, uint32(n))
	return binary.BigEndian.AppendUint32(buf, 1), at
}

// nullElement is the length of a NULL element.
const nullElement = math.MaxUint32

// appendFixed appends the array of ptrs, whose non-NULL elements take
// size bytes each, written by put.
func appendFixed[V any](buf []byte, elem uint32, ptrs []*V, size int, put func([]byte, *V) []byte) []byte {
	return appendElems(buf, elem, ptrs, 20+len(ptrs)*(4+size), put)
}

// appendElems appends the array of ptrs, making room for need bytes
// first: NULL for a nil pointer, else the element put appends, after its
// length.
func appendElems[V any](buf []byte, elem uint32, ptrs []*V, need int, put func([]byte, *V) []byte) []byte {
	if cap(buf)-len(buf) < need {
		grown := make([]byte, len(buf), len(buf)+need)
		copy(grown, buf)
		buf = grown
	}
	buf, nullAt := appendArrayHeader(buf, len(ptrs), elem)
	for _, p := range ptrs {
		at := len(buf)
		buf = binary.BigEndian.AppendUint32(buf, nullElement)
		if p == nil {
			binary.BigEndian.PutUint32(buf[nullAt:], 1)
			continue
		}
		buf = put(buf, p)
		binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	return buf
}

func (a refArray[V]) encodes(elem uint32) bool {
	switch any((*V)(nil)).(type) {
	case *uuid.UUID:
		return elem == pgtype.UUIDOID
	case *decimal.Decimal:
		return elem == pgtype.NumericOID
	case *bool:
		return elem == pgtype.BoolOID
	}
	return false
}

func (a refArray[V]) appendBinary(buf []byte, elem uint32) ([]byte, error) {
	switch ptrs := any([]*V(a)).(type) {
	case []*uuid.UUID:
		return appendFixed(buf, elem, ptrs, 16, func(b []byte, v *uuid.UUID) []byte { return append(b, v[:]...) }), nil
	case []*bool:
		return appendFixed(buf, elem, ptrs, 1, func(b []byte, v *bool) []byte {
			if *v {
				return append(b, 1)
			}
			return append(b, 0)
		}), nil
	case []*decimal.Decimal:
		var err error
		buf = appendElems(buf, elem, ptrs, 0, func(b []byte, v *decimal.Decimal) []byte {
			if err != nil {
				return b
			}
			out, e := appendNumeric(b, *v)
			if e != nil {
				err = e
				return b
			}
			return out
		})
		if err != nil {
			return nil, err
		}
		return buf, nil
	}
	return nil, codecErrorf("runtime: no binary encoding of an array of %T", a)
}

func (a textRefs) encodes(elem uint32) bool {
	return elem == pgtype.TextOID || elem == pgtype.VarcharOID || elem == pgtype.BPCharOID
}

func (a textRefs) appendBinary(buf []byte, elem uint32) ([]byte, error) {
	need := 20 + 4*len(a)
	for _, p := range a {
		if p != nil {
			need += len(*p)
		}
	}
	return appendElems(buf, elem, a, need, func(b []byte, v *string) []byte { return append(b, *v...) }), nil
}

func (a int64Refs) encodes(elem uint32) bool { return elem == pgtype.Int8OID }

func (a int64Refs) appendBinary(buf []byte, elem uint32) ([]byte, error) {
	return appendFixed(buf, elem, a, 8, func(b []byte, v *int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(*v)) }), nil
}

func (a int32Refs) encodes(elem uint32) bool { return elem == pgtype.Int4OID }

func (a int32Refs) appendBinary(buf []byte, elem uint32) ([]byte, error) {
	return appendFixed(buf, elem, a, 4, func(b []byte, v *int32) []byte { return binary.BigEndian.AppendUint32(b, uint32(*v)) }), nil
}

func (a float64Refs) encodes(elem uint32) bool { return elem == pgtype.Float8OID }

func (a float64Refs) appendBinary(buf []byte, elem uint32) ([]byte, error) {
	return appendFixed(buf, elem, a, 8, func(b []byte, v *float64) []byte {
		return binary.BigEndian.AppendUint64(b, math.Float64bits(*v))
	}), nil
}

// microsecFromUnixEpochToY2K is PostgreSQL's epoch (2000-01-01 UTC) in
// microseconds since the Unix epoch.
const microsecFromUnixEpochToY2K = 946684800 * 1000000

func (a timeRefs) encodes(elem uint32) bool { return elem == pgtype.TimestamptzOID }

func (a timeRefs) appendBinary(buf []byte, elem uint32) ([]byte, error) {
	return appendFixed(buf, elem, a, 8, func(b []byte, v *time.Time) []byte {
		us := v.Unix()*1000000 + int64(v.Nanosecond())/1000
		return binary.BigEndian.AppendUint64(b, uint64(us-microsecFromUnixEpochToY2K))
	}), nil
}
