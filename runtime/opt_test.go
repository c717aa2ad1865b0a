package runtime_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
)

// TestOptJSONNull: null sets an Opt to NULL when its type has a value
// for NULL, and is refused, naming the field, for any other type: never
// read as the zero value.
func TestOptJSONNull(t *testing.T) {
	var v struct {
		Time    runtime.Opt[time.Time]              `json:"time"`
		ID      runtime.Opt[uuid.UUID]              `json:"id"`
		Text    runtime.Opt[string]                 `json:"text"`
		Amount  runtime.Opt[decimal.Decimal]        `json:"amount"`
		Ptr     runtime.Opt[*string]                `json:"ptr"`
		Tags    runtime.Opt[[]string]               `json:"tags"`
		Doc     runtime.Opt[json.RawMessage]        `json:"doc"`
		Null    runtime.Opt[decimal.NullDecimal]    `json:"null"`
		Range   runtime.Opt[pgtype.Range[int32]]    `json:"range"`
		Map     runtime.Opt[map[string]int]         `json:"map"`
		Generic runtime.Opt[any]                    `json:"generic"`
		Nested  runtime.Opt[struct{ Valid string }] `json:"nested"`
	}
	for _, field := range []string{"time", "id", "text", "amount", "nested"} {
		var typeErr *json.UnmarshalTypeError
		err := json.Unmarshal([]byte(`{"`+field+`": null}`), &v)
		if !errors.As(err, &typeErr) || typeErr.Field != field || typeErr.Value != "null" {
			t.Errorf("%s: null gave %v", field, err)
		}
	}
	err := json.Unmarshal([]byte(`{"ptr": null, "tags": null, "doc": null, "null": null, "range": null, "map": null, "generic": null}`), &v)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Ptr.Set || v.Ptr.Value != nil || !v.Tags.Set || v.Tags.Value != nil || !v.Doc.Set || v.Doc.Value != nil ||
		!v.Null.Set || v.Null.Value.Valid || !v.Range.Set || v.Range.Value.Valid || !v.Map.Set || !v.Generic.Set {
		t.Errorf("nulls: %+v", v)
	}
	if v.Time.Set || v.ID.Set || v.Text.Set {
		t.Errorf("a refused null set a field: %+v", v)
	}
}

// TestRefuseNulls: the fields listed are refused when null, matched as
// encoding/json matches keys; others, nested nulls and non-objects pass.
func TestRefuseNulls(t *testing.T) {
	fields := []string{"placed_at", "id", "labels"}
	for _, c := range []struct {
		data string
		want []string
	}{
		{`{"placed_at": null}`, []string{"placed_at"}},
		{`{"note": null, "ID":null, "placed_at" : null , "labels": [null]}`, []string{"id", "placed_at"}},
		{`{"id": null, "id": null}`, []string{"id"}},
		{`{"note": null, "doc": {"id": null}, "placed_at": "null"}`, nil},
		{`{"placed_at": "2024-01-01T00:00:00Z"}`, nil},
		{`null`, nil},
		{`[null]`, nil},
		{`{"id": nul`, nil},
	} {
		err := runtime.RefuseNulls([]byte(c.data), "orders", fields...)
		if c.want == nil {
			if err != nil {
				t.Errorf("%s: %v", c.data, err)
			}
			continue
		}
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindValidation || de.Table != "orders" || len(de.Fields) != len(c.want) {
			t.Fatalf("%s: %v", c.data, err)
		}
		for i, f := range c.want {
			if de.Fields[i] != (runtime.FieldError{Field: f, Message: runtime.MsgNotNull}) {
				t.Errorf("%s: field %d = %+v, want %s", c.data, i, de.Fields[i], f)
			}
		}
	}
}

// TestUnmarshalNotNull: a null for a listed field is refused before
// anything is decoded; otherwise data decodes as json.Unmarshal does.
func TestUnmarshalNotNull(t *testing.T) {
	type order struct {
		ID   int64   `json:"id"`
		Note *string `json:"note"`
	}
	var v order
	err := runtime.UnmarshalNotNull([]byte(`{"id": null, "note": "x"}`), &v, "orders", "id")
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation || len(de.Fields) != 1 || de.Fields[0].Field != "id" {
		t.Fatalf("null id: %v", err)
	}
	if v.Note != nil {
		t.Errorf("refused data was decoded: %+v", v)
	}
	if err := runtime.UnmarshalNotNull([]byte(`{"id": 7, "note": null}`), &v, "orders", "id"); err != nil || v.ID != 7 || v.Note != nil {
		t.Errorf("valid data: %+v, %v", v, err)
	}
	if err := runtime.UnmarshalNotNull([]byte(`{"id": "x"}`), &v, "orders", "id"); err == nil {
		t.Error("a string for an int64 decoded without error")
	}
}

// TestFieldsFirstFailure: a field keeps the first message added for it;
// Fits adds nothing for an empty message.
func TestFieldsFirstFailure(t *testing.T) {
	var f runtime.Fields
	f.Fits("a", "")
	f.Fits("a", "must be valid UTF-8 text")
	f.Add("a", "must be at most 3 characters long")
	f.Check("b", false, "must not be empty")
	f.Fits("a", "again")
	var de *runtime.DbError
	if !errors.As(f.Err("t"), &de) {
		t.Fatal("no error")
	}
	want := []runtime.FieldError{{Field: "a", Message: "must be valid UTF-8 text"}, {Field: "b", Message: "must not be empty"}, {Field: "a", Message: "again"}}
	if len(de.Fields) != len(want) {
		t.Fatalf("fields %+v", de.Fields)
	}
	for i := range want {
		if de.Fields[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, de.Fields[i], want[i])
		}
	}
}
