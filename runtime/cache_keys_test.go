package runtime

import (
	"errors"
	"testing"
)

func TestCompositeKeys(t *testing.T) {
	type key struct {
		A string
		B int64
	}
	codec := KeyCodec[key]{
		Append: func(dst []byte, k key) []byte {
			dst = AppendKeyPart(dst, StringKeys, k.A)
			return AppendKeyPart(dst, Int64Keys, k.B)
		},
		Parse: func(s string) (k key, err error) {
			p, err := SplitKey(s, 2)
			if err != nil {
				return k, err
			}
			k.A = p[0]
			k.B, err = Int64Keys.Parse(p[1])
			return k, err
		},
	}
	seen := map[string]key{}
	for _, k := range []key{{"", 0}, {"a", 1}, {"a,", 1}, {"a", -1}, {`\`, 2}, {`\,`, 3}, {",,", 4}, {"x\ty\nz", 5}} {
		text := string(codec.Append([]byte("prefix"), k))[len("prefix"):]
		if prev, dup := seen[text]; dup {
			t.Errorf("%+v and %+v have the same text %q", prev, k, text)
		}
		seen[text] = k
		back, err := codec.Parse(text)
		if err != nil || back != k {
			t.Errorf("%+v → %q → %+v, %v", k, text, back, err)
		}
	}
	for _, bad := range []string{"", "a", "a,", "a,1,2,", `a\`, `a,1\`, "a,1,x"} {
		if p, err := SplitKey(bad, 2); !errors.Is(err, errCacheBadKey) {
			t.Errorf("SplitKey(%q, 2) = %q, %v; want an errCacheBadKey", bad, p, err)
		}
	}
}

// TestInvalidatingNothing: a write with no invalidations runs on its
// database as it is, sending no notification.
func TestInvalidatingNothing(t *testing.T) {
	var db DBTX = &DB{}
	if got := Invalidating(db); got != db {
		t.Fatalf("Invalidating(db) = %T, want db itself", got)
	}
	if _, ok := Invalidating(db, InvalidateTable("t")).(*invalidatingDB); !ok {
		t.Fatal("Invalidating(db, inv) does not invalidate")
	}
}
