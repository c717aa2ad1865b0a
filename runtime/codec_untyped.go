package runtime

import (
	"reflect"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// registerUntyped adds tryWrapNamedStringSlice to conn's type map when
// conn sends parameters of unspecified type by default.
func registerUntyped(conn *pgx.Conn) {
	switch conn.Config().DefaultQueryExecMode {
	case pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol:
		m := conn.TypeMap()
		m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{tryWrapPlainArray}, m.TryWrapEncodePlanFuncs...)
		m.TryWrapEncodePlanFuncs = append(m.TryWrapEncodePlanFuncs, tryWrapNamedStringSlice, tryWrapHstoreSlice)
	}
}

// tryWrapHstoreSlice lets pgx encode a []pgtype.Hstore (the value of an
// hstore[] column) when the parameter's type is not known: pgx has no
// array codec of hstore, whose OIDs are the database's, so the slice
// travels as text[] of each map's text form (nil for a nil map), which
// cpcgen's statements cast to hstore[]. With a known parameter type the
// statement's text[] parameter takes the slice itself.
func tryWrapHstoreSlice(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if _, ok := value.([]pgtype.Hstore); ok {
		return &hstoreSlicePlan{}, []*string(nil), true
	}
	return nil, nil, false
}

// hstoreSlicePlan encodes a []pgtype.Hstore as a []*string; a nil slice
// is NULL.
type hstoreSlicePlan struct{ next pgtype.EncodePlan }

func (p *hstoreSlicePlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *hstoreSlicePlan) Encode(value any, buf []byte) ([]byte, error) {
	hs := value.([]pgtype.Hstore)
	if hs == nil {
		return nil, nil
	}
	out := make([]*string, len(hs))
	for i, h := range hs {
		v, err := h.Value()
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok {
			out[i] = &s
		}
	}
	return p.next.Encode(out, buf)
}

// tryWrapNamedStringSlice lets pgx encode a slice of a named string type
// (a generated enum, []Mood) when the parameter's type is not known:
// with StatementModeExec and StatementModeSimple, which send parameters
// as text of unspecified type for the server to infer. pgx finds no
// PostgreSQL type for such a slice then; as a []string it travels as
// text[], which cpcgen's statements cast to the enum array. With a known
// parameter type (the other modes) pgx's array codec encodes the slice
// itself and this is not consulted.
func tryWrapNamedStringSlice(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	t := reflect.TypeOf(value)
	if t == nil || t.Kind() != reflect.Slice {
		return nil, nil, false
	}
	if e := t.Elem(); e.Kind() == reflect.Pointer && e.Elem().Kind() == reflect.String && e.Elem() != stringType {
		// A slice of pointers to one (an array of a batch write, nil
		// for NULL).
		return &stringCopyPlan{copy: copyStringPtrs}, []*string(nil), true
	}
	if t.Elem().Kind() != reflect.String || t.Elem() == stringType {
		return nil, nil, false
	}
	return &stringCopyPlan{copy: copyStrings}, []string(nil), true
}

// stringCopyPlan encodes a slice of a named string type, or of pointers
// to one, as the []string or []*string copy makes of it; a nil slice is
// NULL.
type stringCopyPlan struct {
	next pgtype.EncodePlan
	copy func(v reflect.Value) any
}

func (p *stringCopyPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *stringCopyPlan) Encode(value any, buf []byte) ([]byte, error) {
	v := reflect.ValueOf(value)
	if v.IsNil() {
		return nil, nil
	}
	return p.next.Encode(p.copy(v), buf)
}

// copyStringPtrs copies v, a slice of pointers to a named string type,
// into a []*string.
func copyStringPtrs(v reflect.Value) any {
	out := make([]*string, v.Len())
	for i := range out {
		if e := v.Index(i); !e.IsNil() {
			s := e.Elem().String()
			out[i] = &s
		}
	}
	return out
}

// copyStrings copies v, a slice of a named string type, into a []string.
func copyStrings(v reflect.Value) any {
	out := make([]string, v.Len())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out
}

var stringType = reflect.TypeFor[string]()

// addWrapper appends f to m's wrappers of parameters, once: they are
// tried after pgx's codecs, for values pgx has no plan of.
func addWrapper(m *pgtype.Map, f pgtype.TryWrapEncodePlanFunc) {
	p := reflect.ValueOf(f).Pointer()
	for _, w := range m.TryWrapEncodePlanFuncs {
		if reflect.ValueOf(w).Pointer() == p {
			return
		}
	}
	m.TryWrapEncodePlanFuncs = append(m.TryWrapEncodePlanFuncs, f)
}

// plainArray is an array parameter of a batch write (refArray and its
// kin), whose type pgx knows no PostgreSQL type of.
type plainArray interface{ plain() any }

// tryWrapPlainArray lets pgx encode the array parameters of batch writes
// when the parameter's type is not known: as the plain slice of
// pointers each holds.
func tryWrapPlainArray(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if a, ok := value.(plainArray); ok {
		return &plainArrayPlan{}, a.plain(), true
	}
	return nil, nil, false
}

// plainArrayPlan encodes a plainArray as its plain slice.
type plainArrayPlan struct{ next pgtype.EncodePlan }

func (p *plainArrayPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *plainArrayPlan) Encode(value any, buf []byte) ([]byte, error) {
	return p.next.Encode(value.(plainArray).plain(), buf)
}
