package runtime

import (
	"errors"
	"slices"
	"testing"
)

// An error of an Update variant names the field by the fallback's
// placeholder order, which the generated method's params follow.
func TestUpdateVariantErrorNamesField(t *testing.T) {
	q := &Update{Name: "t.Update", Keys: 1, Cols: []string{`"a"`, `"b"`, `"c"`}, Nullable: 1 << 1}
	// Fallback: $1 key, $2 a, $3 b set, $4 b, $5 c.
	if got, want := q.fallbackPositions(1<<1|1<<2), []int{1, 4, 5}; !slices.Equal(got, want) {
		t.Fatalf("fallbackPositions = %v, want %v", got, want)
	}
	params := []string{"id", "a", "b", "b", "c"}
	// The variant setting b and c binds c as $3: pgx numbers args from 0.
	cause := errors.New("failed to encode args[2]: unable to encode 1 into text format for text (OID 25): bad")
	err := WrapParams(&variantError{err: cause, pos: q.fallbackPositions(1<<1 | 1<<2)}, "t.Update", "t", params)
	var de *DbError
	if !errors.As(err, &de) || de.Kind != KindValidation {
		t.Fatalf("err = %v, want a Validation DbError", err)
	}
	if len(de.Fields) != 1 || de.Fields[0].Field != "c" {
		t.Fatalf("fields = %+v, want c", de.Fields)
	}
	if !errors.Is(err, cause) {
		t.Fatalf("err %v does not wrap its cause", err)
	}
	// Without a variant, the number is the fallback's.
	err = WrapParams(cause, "t.Update", "t", params)
	if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Field != "b" {
		t.Fatalf("fallback fields = %+v, want b", de.Fields)
	}
}
