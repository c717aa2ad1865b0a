package runtime_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestFormats(t *testing.T) {
	cases := []struct {
		name string
		fn   func(string) bool
		good []string
		bad  []string
	}{
		{"email", runtime.IsEmail,
			[]string{"ada@example.com", "a.b+c@sub.example.co", "x_y@a-b.io", "o'brien@example.org"},
			[]string{"", "ada", "ada@", "@example.com", "ada@example", "ada@-x.com", "ada@x-.com", "a b@x.com", "ada@x..com", "ada@example.com\n", "é@example.com"}},
		{"url", runtime.IsURL,
			[]string{"https://example.com", "http://x.io/a?b=c#d", "postgres://u@h:5432/db"},
			[]string{"", "example.com", "/relative", "javascript:alert(1)", "mailto:a@b.c", "http://", "\xff"}},
		{"uuid", runtime.IsUUID,
			[]string{"123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"},
			[]string{"", "123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400", "{123e4567-e89b-12d3-a456-426614174000}", "g23e4567-e89b-12d3-a456-426614174000"}},
		{"hostname", runtime.IsHostname,
			[]string{"localhost", "db-1.internal", "a.b.c", strings.Repeat("a", 63) + ".io"},
			[]string{"", "-a.io", "a-.io", "a..b", "a_b.io", strings.Repeat("a", 64) + ".io", strings.Repeat("a.", 127) + "io"}},
		{"e164", runtime.IsE164,
			[]string{"+14155550123", "+442071838750", "+12"},
			[]string{"", "14155550123", "+04155550123", "+1", "+1415555012345678", "+1 415 555 0123"}},
		{"slug", runtime.IsSlug,
			[]string{"hello", "hello-world-2", "a1"},
			[]string{"", "Hello", "-a", "a-", "a--b", "a_b", "a b"}},
		{"alpha", runtime.IsAlpha, []string{"abc", "ABC"}, []string{"", "ab1", "é", "a b"}},
		{"alphanumeric", runtime.IsAlphanumeric, []string{"abc1", "A9"}, []string{"", "a-1", "é1", "a b"}},
	}
	for _, c := range cases {
		for _, s := range c.good {
			if !c.fn(s) {
				t.Errorf("%s(%q) = false, want true", c.name, s)
			}
		}
		for _, s := range c.bad {
			if c.fn(s) {
				t.Errorf("%s(%q) = true, want false", c.name, s)
			}
		}
		if c.name != "url" {
			if _, ok := runtime.FormatPattern(c.name); !ok {
				t.Errorf("FormatPattern(%q) has no pattern", c.name)
			}
		}
	}
	if _, ok := runtime.FormatPattern("url"); ok {
		t.Error("FormatPattern(url) has a pattern; IsURL is not a regular expression")
	}
}

// row is a stand-in for a generated insert struct.
type row struct{ name string }

func (r *row) Validate() error {
	if r.name == "" {
		return runtime.NewValidationError("", "things", []runtime.FieldError{{Field: "name", Message: "must not be empty"}})
	}
	return nil
}

func TestValidateAll(t *testing.T) {
	if err := runtime.ValidateAll([]row{{"a"}, {"b"}}); err != nil {
		t.Fatal(err)
	}
	err := runtime.ValidateAll([]row{{"a"}, {""}, {"c"}, {""}})
	var de *runtime.DbError
	if !errors.As(err, &de) || !errors.Is(err, runtime.ErrValidation) || de.Table != "things" {
		t.Fatalf("ValidateAll = %#v", err)
	}
	if len(de.Fields) != 2 || de.Fields[0].Field != "[1].name" || de.Fields[1].Field != "[3].name" {
		t.Fatalf("fields = %+v", de.Fields)
	}
	if got := runtime.Wrap(err, "things.CreateMany", "things").Error(); got != "things.CreateMany: validation failed: [1].name: must not be empty; [3].name: must not be empty" {
		t.Fatalf("message = %q", got)
	}
}
