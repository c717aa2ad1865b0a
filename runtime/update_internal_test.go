package runtime

import (
	"errors"
	"slices"
	"testing"
)

// An error of an Update variant names the field by the fallback's
// placeholder order, which the generated method's params follow.
func TestUpdateVariantErrorNamesField(t *testing.T) {
	q := &Update{Name: "t.Update", Keys: 1, Cols: []string{`"a"`, `"b"`, `"c"`}, Nullable: Bits{1 << 1}}
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

// TestBitsHas checks Bits across words: columns past the 64th are in
// the second word, and a position past the last word is not in the set.
func TestBitsHas(t *testing.T) {
	b := Bits{1<<0 | 1<<63, 1 << 4}
	for i, want := range map[int]bool{0: true, 1: false, 63: true, 64: false, 68: true, 127: false, 128: false, 1000: false} {
		if got := b.Has(i); got != want {
			t.Errorf("Bits.Has(%d) = %v, want %v", i, got, want)
		}
	}
	if (Bits)(nil).Has(0) {
		t.Error("nil Bits has column 0")
	}
}
