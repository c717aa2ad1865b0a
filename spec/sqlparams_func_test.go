package spec

import (
	"strconv"
	"testing"
)

func TestRewriteParamsFunc(t *testing.T) {
	sql := "SELECT x FROM t WHERE a = ANY(@ids) AND b = @n AND c = ANY(@ids) AND d = '@ids' -- @ids"
	got, uses, err := RewriteParamsFunc(sql, func(name string, num int) string {
		if name == "ids" {
			return "($" + strconv.Itoa(num) + "::text[]::mood[])"
		}
		return "$" + strconv.Itoa(num)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "SELECT x FROM t WHERE a = ANY(($1::text[]::mood[])) AND b = $2 AND c = ANY(($1::text[]::mood[])) AND d = '@ids' -- @ids"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if len(uses) != 2 || uses[0].Name != "ids" || uses[1].Name != "n" {
		t.Fatalf("uses = %+v", uses)
	}
	plain, _, _ := RewriteParams(sql)
	viaFunc, _, _ := RewriteParamsFunc(sql, func(_ string, num int) string { return "$" + strconv.Itoa(num) })
	if plain != viaFunc {
		t.Fatalf("RewriteParams and RewriteParamsFunc with $n differ:\n%s\n%s", plain, viaFunc)
	}
}
