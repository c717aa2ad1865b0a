package runtime

import (
	"reflect"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Generated methods bind the fields of their arguments by pointer
// (&n.Email, &p.Limit): storing a pointer in an any allocates nothing,
// where boxing a string, a time or an integer does. pgx dereferences a
// pointer it has no plan for by reflection, which boxes the value again;
// tryWrapPointer, which RegisterTypes puts first among the map's
// wrappers, gives pgx each such pointer as a value of a type that
// implements the pgtype valuer of its type (TextValuer, Int64Valuer,
// TimestamptzValuer …), sharing the memory it points to, and a *Null as
// the pointer to its value (or NULL). A nil pointer is NULL either way.

// The valuer views of the pointers tryWrapPointer converts, and of the
// elements of the arrays of pointers refArrayOf makes (textRefs …).
type (
	textValue    string
	int16Value   int16
	int32Value   int32
	int64Value   int64
	float32Value float32
	float64Value float64
	boolValue    bool
	timeValue    time.Time
)

func (v *textValue) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: string(*v), Valid: true}, nil
}

func (v *int16Value) Int64Value() (pgtype.Int8, error) {
	return pgtype.Int8{Int64: int64(*v), Valid: true}, nil
}

func (v *int32Value) Int64Value() (pgtype.Int8, error) {
	return pgtype.Int8{Int64: int64(*v), Valid: true}, nil
}

func (v *int64Value) Int64Value() (pgtype.Int8, error) {
	return pgtype.Int8{Int64: int64(*v), Valid: true}, nil
}

func (v *float32Value) Float64Value() (pgtype.Float8, error) {
	return pgtype.Float8{Float64: float64(*v), Valid: true}, nil
}

func (v *float64Value) Float64Value() (pgtype.Float8, error) {
	return pgtype.Float8{Float64: float64(*v), Valid: true}, nil
}

func (v *boolValue) BoolValue() (pgtype.Bool, error) {
	return pgtype.Bool{Bool: bool(*v), Valid: true}, nil
}

func (v *timeValue) TimestamptzValue() (pgtype.Timestamptz, error) {
	return pgtype.Timestamptz{Time: time.Time(*v), Valid: true}, nil
}

func (v *timeValue) TimestampValue() (pgtype.Timestamp, error) {
	return pgtype.Timestamp{Time: time.Time(*v), Valid: true}, nil
}

func (v *timeValue) DateValue() (pgtype.Date, error) {
	return pgtype.Date{Time: time.Time(*v), Valid: true}, nil
}

// valueView returns the valuer view of a pointer to a basic value, or
// nil and false for any other value. A nil pointer is a nil view (NULL),
// an untyped nil: the plans test it without reflection.
func valueView(value any) (any, bool) {
	switch p := value.(type) {
	case *string:
		return asValuer((*textValue)(p))
	case *int16:
		return asValuer((*int16Value)(p))
	case *int32:
		return asValuer((*int32Value)(p))
	case *int64:
		return asValuer((*int64Value)(p))
	case *float32:
		return asValuer((*float32Value)(p))
	case *float64:
		return asValuer((*float64Value)(p))
	case *bool:
		return asValuer((*boolValue)(p))
	case *time.Time:
		return asValuer((*timeValue)(p))
	}
	// A pointer to a named string type: a generated enum, a go_type.
	if t := reflect.TypeOf(value); t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.String {
		return asValuer((*textValue)(reflect.ValueOf(value).UnsafePointer()))
	}
	return nil, false
}

// asValuer returns valueView's answer for the view p: p, or an untyped nil
// when p is nil.
func asValuer[V any](p *V) (any, bool) {
	if p == nil {
		return nil, true
	}
	return p, true
}

// tryWrapPointer is a pgtype.TryWrapEncodePlanFunc for pointers to basic
// values and for *Null values. The next plan is chosen for a valid value
// of the same type (a NULL is encoded without it), so a nil pointer is
// planned as a pointer to a zero value.
func tryWrapPointer(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if isNilPointer(value) {
		value = reflect.New(reflect.TypeOf(value).Elem()).Interface()
	}
	if n, ok := value.(nullArg); ok {
		next := n.nullArg()
		if next == nil {
			next = reflect.New(reflect.TypeOf(value).Elem().Field(0).Type).Interface()
		}
		if view, ok := valueView(next); ok {
			// A Null of a basic value: its value's view, one plan
			// fewer than the pointer's.
			return &nullViewPlan{}, view, true
		}
		return &nullPlan{}, next, true
	}
	if view, ok := valueView(value); ok {
		return &pointerPlan{}, view, true
	}
	return nil, nil, false
}

// nullPlan encodes a *Null: NULL, or its value through the next plan.
type nullPlan struct{ next pgtype.EncodePlan }

func (p *nullPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *nullPlan) Encode(value any, buf []byte) ([]byte, error) {
	v := value.(nullArg).nullArg()
	if v == nil {
		return nil, nil
	}
	return p.next.Encode(v, buf)
}

// nullViewPlan encodes a *Null of a basic value: NULL, or the valuer
// view of its value through the next plan.
type nullViewPlan struct{ next pgtype.EncodePlan }

func (p *nullViewPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *nullViewPlan) Encode(value any, buf []byte) ([]byte, error) {
	view, _ := valueView(value.(nullArg).nullArg())
	if view == nil {
		return nil, nil
	}
	return p.next.Encode(view, buf)
}

// pointerPlan encodes a pointer to a basic value through its valuer
// view: NULL for a nil pointer.
type pointerPlan struct{ next pgtype.EncodePlan }

func (p *pointerPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *pointerPlan) Encode(value any, buf []byte) ([]byte, error) {
	view, _ := valueView(value)
	if view == nil {
		return nil, nil
	}
	return p.next.Encode(view, buf)
}

// isNilPointer reports whether value holds a nil pointer.
func isNilPointer(value any) bool {
	v := reflect.ValueOf(value)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// registerPointerPlans puts tryWrapPointer first among m's wrappers of
// parameters, once.
func registerPointerPlans(m *pgtype.Map) {
	first := reflect.ValueOf(tryWrapPointer).Pointer()
	if len(m.TryWrapEncodePlanFuncs) > 0 && reflect.ValueOf(m.TryWrapEncodePlanFuncs[0]).Pointer() == first {
		return
	}
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{tryWrapPointer}, m.TryWrapEncodePlanFuncs...)
}
