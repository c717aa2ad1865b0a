package vet

import (
	"testing"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

func TestTypesMatch(t *testing.T) {
	cur := &ir.Enum{SQLName: "currency"}
	typ := func(name string, dims int) ir.Type {
		return ir.Type{Name: name, ArrayDims: dims, Base: pgtypes.Lookup(name)}
	}
	enum := ir.Type{Name: "currency", Enum: cur}
	enumArr := ir.Type{Name: "currency", Enum: cur, ArrayDims: 1}
	// st is a type as the server names it in pg_type.
	st := func(pgName string) *serverType { return newServerType(pgName, false, false) }
	arr := func(elem *serverType) *serverType { return &serverType{name: "_" + elem.name, array: true, elem: elem} }
	en := &serverType{name: "currency", enum: true}
	for _, tc := range []struct {
		decl  ir.Type
		got   *serverType
		param bool
		want  bool
	}{
		{typ("integer", 0), st("int4"), false, true},
		{typ("integer", 0), st("numeric"), false, false},
		{typ("integer", 0), st("int8"), false, false},
		{typ("integer", 0), st("int8"), true, true}, // LIMIT @n
		{typ("bigint", 0), st("int4"), true, false},
		{typ("integer", 0), st("numeric"), true, true},
		{typ("real", 0), st("float8"), true, true},
		{typ("double precision", 0), st("float4"), true, false},
		{typ("text", 0), st("varchar"), false, true},
		{typ("varchar", 0), st("text"), false, true},
		{typ("char", 0), st("text"), true, true},
		{typ("char", 0), st("bpchar"), false, true},
		{typ("citext", 0), st("name"), false, true},
		{typ("text", 0), st("uuid"), false, false},
		{typ("timestamptz", 0), st("timestamp"), false, false},
		{typ("jsonb", 0), st("json"), false, false},
		{enum, en, false, true},
		{enum, &serverType{name: "stage", enum: true}, false, false},
		{enum, st("text"), false, true},
		{typ("text", 0), en, false, false},
		{typ("text", 0), en, true, true},
		{enumArr, arr(st("text")), false, true},
		{enumArr, arr(en), true, true},
		{typ("text", 1), arr(st("text")), false, true},
		{typ("text", 1), st("text"), false, false},
		{typ("text", 0), arr(st("text")), false, false},
		{typ("integer", 0), st("unknown"), true, true},
		{typ("hstore", 1), arr(st("text")), false, true},
		{typ("hstore", 0), st("text"), false, false},
	} {
		if got := typesMatch(tc.decl, tc.got, tc.param); got != tc.want {
			t.Errorf("typesMatch(%s, %s, param=%v) = %v", tc.decl, tc.got, tc.param, got)
		}
	}
}
