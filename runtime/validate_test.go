package runtime_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

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

// newLine is an insert struct as the generator writes it, for a table
// with a text, a numeric(12,2), a jsonb, an integer and a date column.
type newLine struct {
	Title  string
	Amount decimal.Decimal
	Doc    json.RawMessage
	Qty    int // a go_type wider than its integer column
	Due    *time.Time
}

// Validate is what the generated Validate adds for the column types: one
// Check call per field, the field's JSON name, the check's message.
func (n *newLine) Validate() error {
	var fields []runtime.FieldError
	if msg := runtime.CheckText(n.Title); msg != "" {
		fields = append(fields, runtime.FieldError{Field: "title", Message: msg})
	}
	if msg := runtime.CheckNumeric(n.Amount, 12, 2); msg != "" {
		fields = append(fields, runtime.FieldError{Field: "amount", Message: msg})
	}
	if msg := runtime.CheckJSONB(n.Doc); msg != "" {
		fields = append(fields, runtime.FieldError{Field: "doc", Message: msg})
	}
	if msg := runtime.CheckInt(n.Qty, 32); msg != "" {
		fields = append(fields, runtime.FieldError{Field: "qty", Message: msg})
	}
	if n.Due != nil {
		if msg := runtime.CheckDate(*n.Due); msg != "" {
			fields = append(fields, runtime.FieldError{Field: "due", Message: msg})
		}
	}
	if len(fields) > 0 {
		return runtime.NewValidationError("", "lines", fields)
	}
	return nil
}

func TestTypeChecksInValidate(t *testing.T) {
	far := time.Date(6000000, 1, 1, 0, 0, 0, 0, time.UTC)
	good := newLine{Title: "ok", Amount: decimal.RequireFromString("10.50"), Doc: json.RawMessage(`{"a":1}`), Qty: 3}
	bad := newLine{Title: "a\x00b", Amount: decimal.RequireFromString("0.125"), Doc: json.RawMessage(`{"a":"\u0000"}`), Qty: 1 << 40, Due: &far}
	err := runtime.ValidateAll([]newLine{good, bad})
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation {
		t.Fatalf("err = %v", err)
	}
	want := []runtime.FieldError{
		{Field: "[1].title", Message: "must not contain the NUL character (U+0000)"},
		{Field: "[1].amount", Message: "must have at most 2 digits after the decimal point"},
		{Field: "[1].doc", Message: `must not contain the escape \u0000 in a string: jsonb cannot store it`},
		{Field: "[1].qty", Message: "must be between -2147483648 and 2147483647"},
		{Field: "[1].due", Message: "must be between 4714-11-24 BC and 5874897-12-31 AD"},
	}
	if len(de.Fields) != len(want) {
		t.Fatalf("fields %+v", de.Fields)
	}
	for i := range want {
		if de.Fields[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, de.Fields[i], want[i])
		}
	}
	if err := runtime.ValidateAll([]newLine{good}); err != nil {
		t.Errorf("a good row: %v", err)
	}
}

func BenchmarkTypeChecks(b *testing.B) {
	title := strings.Repeat("héllo wörld ", 10)
	amount := decimal.RequireFromString("12345.67")
	doc := json.RawMessage(`{"name": "x", "tags": ["a", "b"], "n": 1.5, "s": "quote \" and \\ backslash"}`)
	b.Run("CheckText", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = runtime.CheckText(title)
		}
	})
	b.Run("CheckText/short", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = runtime.CheckText("posted")
		}
	})
	b.Run("CheckNumeric", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = runtime.CheckNumeric(amount, 12, 2)
		}
	})
	b.Run("CheckJSONB", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = runtime.CheckJSONB(doc)
		}
	})
}

// TestCheckText compares CheckText with its definition (a NUL anywhere,
// then invalid UTF-8) on values short and long, with the bad byte
// anywhere.
func TestCheckText(t *testing.T) {
	want := func(s string) string {
		switch {
		case strings.IndexByte(s, 0) >= 0:
			return "must not contain the NUL character (U+0000)"
		case !utf8.ValidString(s):
			return "must be valid UTF-8 text"
		}
		return ""
	}
	var inputs []string
	for _, n := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 15, 16, 17, 63, 64, 65, 200} {
		base := strings.Repeat("a", n)
		inputs = append(inputs, base, base+"é", "é"+base)
		for _, bad := range []string{"\x00", "\xff", "\xc3", "é\x00", "\xff\x00", "\x01", "\x7f", "\x80", "\x7f\x00\x01"} {
			for _, at := range []int{0, 1, n / 2, n - 1, n} {
				if at < 0 || at > n {
					continue
				}
				inputs = append(inputs, base[:at]+bad+base[at:])
			}
		}
	}
	for _, s := range inputs {
		if got := runtime.CheckText(s); got != want(s) {
			t.Errorf("CheckText(%q) = %q, want %q", s, got, want(s))
		}
	}
}

// TestFieldsOneCall compares the one-call checks of Fields (Text,
// Numeric, Timestamptz, Timestamp, Date) with the type check and then the
// rules they stand for, on values that fit and values that fail either,
// through every way a generated Validate hands them a value: a plain
// field, a runtime.Opt, a runtime.Null, an Opt of a Null, a pointer.
func TestFieldsOneCall(t *testing.T) {
	rules := &runtime.TextRules{Pad: true, MinLength: 2, MaxLength: 3}
	dec := &runtime.DecimalRules{Min: runtime.DecimalBound("-10"), Max: runtime.DecimalBound("100.5")}
	both := func(check func(f *runtime.Fields), want func(f *runtime.Fields)) (got, w error) {
		var a, b runtime.Fields
		check(&a)
		want(&b)
		return a.Err("t"), b.Err("t")
	}
	texts := []string{"", "a", "ab ", "abc", "abcd", "ab\x00", "a\xff", "éé", "ééé ", "éééé"}
	for _, s := range texts {
		for _, r := range []*runtime.TextRules{nil, rules} {
			got, want := both(func(f *runtime.Fields) {
				f.Text("x", &s, r)
				f.Text("y", (&runtime.Opt[string]{Value: s, Set: true}).Ptr(), r)
				f.Text("z", (&runtime.Opt[string]{Value: s}).Ptr(), r)
				f.Text("n", (&runtime.Null[string]{V: s, Valid: true}).Ptr(), r)
				f.Text("o", runtime.IfSetValid(&runtime.Opt[runtime.Null[string]]{Value: runtime.Null[string]{V: s, Valid: true}, Set: true}), r)
				f.Text("p", runtime.IfSetValid(&runtime.Opt[runtime.Null[string]]{Value: runtime.Null[string]{V: s}, Set: true}), r)
				f.Text("q", runtime.IfSetPtr(&runtime.Opt[*string]{Value: &s, Set: true}), r)
				f.Text("r", runtime.IfSetPtr(&runtime.Opt[*string]{Set: true}), r)
			}, func(f *runtime.Fields) {
				for _, name := range []string{"x", "y", "n", "o", "q"} {
					f.Fits(name, runtime.CheckText(s))
					if r != nil {
						r.Check(f, name, s)
					}
				}
			})
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Text(%q, %v): %v, want %v", s, r != nil, got, want)
			}
		}
	}
	for _, s := range []string{"0", "-10", "-10.01", "100.5", "100.50", "100.51", "1.234", "12345678901234567", "1e-30", "-99999999999999999999.5"} {
		d := decimal.RequireFromString(s)
		for _, r := range []*runtime.DecimalRules{nil, dec} {
			got, want := both(func(f *runtime.Fields) {
				f.Numeric("x", &d, 18, 2, r)
				f.Numeric("y", (&runtime.Opt[decimal.Decimal]{Value: d, Set: true}).Ptr(), 18, 2, r)
				f.Numeric("z", nil, 18, 2, r)
			}, func(f *runtime.Fields) {
				for _, name := range []string{"x", "y"} {
					f.Fits(name, runtime.CheckNumeric(d, 18, 2))
					if r != nil {
						r.Check(f, name, d)
					}
				}
			})
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Numeric(%s, %v): %v, want %v", s, r != nil, got, want)
			}
		}
	}
	west := time.FixedZone("west", -10*3600)
	for _, tm := range []time.Time{{}, time.Date(2024, 1, 2, 3, 4, 5, 6, west), time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(294276, 12, 31, 23, 0, 0, 0, west), time.Date(5874898, 1, 1, 0, 0, 0, 0, time.UTC)} {
		got, want := both(func(f *runtime.Fields) {
			f.Timestamptz("a", &tm)
			f.Timestamp("b", &tm)
			f.Date("c", (&runtime.Opt[time.Time]{Value: tm, Set: true}).Ptr())
			f.Date("d", nil)
		}, func(f *runtime.Fields) {
			f.Fits("a", runtime.CheckTimestamptz(tm))
			f.Fits("b", runtime.CheckTimestamp(tm))
			f.Fits("c", runtime.CheckDate(tm))
		})
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("times(%v): %v, want %v", tm, got, want)
		}
	}
	// The test can fail: a failing value yields an error.
	var f runtime.Fields
	nul := "a\x00"
	f.Text("x", &nul, nil)
	if f.Err("t") == nil {
		t.Error("Text accepted a NUL byte")
	}
}

// TestFieldsOneCallSlices compares Fields.JSON, JSONB and Texts and
// CheckEnum with the checks they stand for: nil refused first when the
// column is NOT NULL, then the type's check.
func TestFieldsOneCallSlices(t *testing.T) {
	docs := []json.RawMessage{nil, {}, json.RawMessage(`{}`), json.RawMessage(`{"a":"\u0000"}`), json.RawMessage(`{`), json.RawMessage("\"\xff\"")}
	for _, d := range docs {
		for _, notNull := range []bool{false, true} {
			var got, want runtime.Fields
			got.JSON("a", &d, notNull)
			got.JSONB("b", (&runtime.Opt[json.RawMessage]{Value: d, Set: true}).Ptr(), notNull)
			got.JSONB("c", nil, notNull)
			want.Check("a", !notNull || d != nil, runtime.MsgNotNull)
			want.Fits("a", runtime.CheckJSON(d))
			want.Check("b", !notNull || d != nil, runtime.MsgNotNull)
			want.Fits("b", runtime.CheckJSONB(d))
			if g, w := fmt.Sprint(got.Err("t")), fmt.Sprint(want.Err("t")); g != w {
				t.Errorf("JSON(%q, %v): %s, want %s", d, notNull, g, w)
			}
		}
	}
	for _, s := range [][]string{nil, {}, {"a", "b"}, {"a", "b\x00"}, {"\xff"}} {
		for _, notNull := range []bool{false, true} {
			var got, want runtime.Fields
			got.Texts("a", &s, notNull)
			got.Texts("b", nil, notNull)
			want.Check("a", !notNull || s != nil, runtime.MsgNotNull)
			want.Fits("a", runtime.CheckTexts(s))
			if g, w := fmt.Sprint(got.Err("t")), fmt.Sprint(want.Err("t")); g != w {
				t.Errorf("Texts(%q, %v): %s, want %s", s, notNull, g, w)
			}
		}
	}
	var f runtime.Fields
	runtime.CheckEnum(&f, "a", (&runtime.Opt[label]{Value: "x", Set: true}).Ptr(), "bad a")
	runtime.CheckEnum(&f, "b", (&runtime.Opt[label]{Value: "ok", Set: true}).Ptr(), "bad b")
	runtime.CheckEnum(&f, "c", (&runtime.Opt[label]{Value: "x"}).Ptr(), "bad c")
	runtime.CheckEnum(&f, "d", (&runtime.Null[label]{V: "x", Valid: true}).Ptr(), "bad d")
	if got, want := fmt.Sprint(f.Err("t")), fmt.Sprint(runtime.NewValidationError("", "t", []runtime.FieldError{{Field: "a", Message: "bad a"}, {Field: "d", Message: "bad d"}})); got != want {
		t.Errorf("CheckEnum: %s, want %s", got, want)
	}
}

// label is an enum of one label, "ok".
type label string

func (l label) Valid() bool { return l == "ok" }

func TestCheckMAC(t *testing.T) {
	for _, c := range []struct {
		b         []byte
		mac, mac8 bool
	}{
		{nil, true, true},
		{[]byte{}, false, false},
		{[]byte{1, 2, 3}, false, false},
		{[]byte{1, 2, 3, 4, 5, 6}, true, true},
		{[]byte{1, 2, 3, 4, 5, 6, 7}, false, false},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8}, false, true},
		{make([]byte, 9), false, false},
	} {
		if got := runtime.CheckMAC(c.b) == ""; got != c.mac {
			t.Errorf("CheckMAC(%d bytes) passes: %v, want %v", len(c.b), got, c.mac)
		}
		if got := runtime.CheckMAC8(c.b) == ""; got != c.mac8 {
			t.Errorf("CheckMAC8(%d bytes) passes: %v, want %v", len(c.b), got, c.mac8)
		}
	}
	if got := runtime.CheckMACs([]net.HardwareAddr{{1, 2, 3, 4, 5, 6}, {1}}); got != "element 1 must be a MAC address of 6 bytes" {
		t.Errorf("CheckMACs: %q", got)
	}
	if got := runtime.CheckMAC8s([]net.HardwareAddr{{1, 2, 3, 4, 5, 6}, make(net.HardwareAddr, 8)}); got != "" {
		t.Errorf("CheckMAC8s: %q", got)
	}
}

func TestCheckBitsShape(t *testing.T) {
	for _, c := range []struct {
		b           pgtype.Bits
		bit, varbit string
	}{
		{pgtype.Bits{}, "", ""},
		{pgtype.Bits{Bytes: []byte{0xa0}, Len: 4, Valid: true}, "", ""},
		{pgtype.Bits{Len: 4, Valid: true}, "must hold its Len bits in (Len+7)/8 bytes", "must hold its Len bits in (Len+7)/8 bytes"},
		{pgtype.Bits{Bytes: []byte{1, 2}, Len: 4, Valid: true}, "must hold its Len bits in (Len+7)/8 bytes", "must hold its Len bits in (Len+7)/8 bytes"},
		{pgtype.Bits{Len: -1, Valid: true}, "must hold its Len bits in (Len+7)/8 bytes", "must hold its Len bits in (Len+7)/8 bytes"},
		{pgtype.Bits{Bytes: []byte{0, 0}, Len: 9, Valid: true}, "must be exactly 4 bits", ""},
		{pgtype.Bits{Valid: true}, "must be exactly 4 bits", ""},
	} {
		if got := runtime.CheckBit(c.b, 4); got != c.bit {
			t.Errorf("CheckBit(%+v, 4) = %q, want %q", c.b, got, c.bit)
		}
		if got := runtime.CheckVarbit(c.b, 0); got != c.varbit {
			t.Errorf("CheckVarbit(%+v, 0) = %q, want %q", c.b, got, c.varbit)
		}
	}
	if got := runtime.CheckVarbit(pgtype.Bits{Bytes: []byte{0, 0}, Len: 9, Valid: true}, 8); got != "must be at most 8 bits" {
		t.Errorf("CheckVarbit of 9 bits, 8 = %q", got)
	}
}

func TestCheckTSVector(t *testing.T) {
	p := func(n uint16, w pgtype.TSVectorWeight) pgtype.TSVectorPosition {
		return pgtype.TSVectorPosition{Position: n, Weight: w}
	}
	doc := func(l ...pgtype.TSVectorLexeme) pgtype.TSVector { return pgtype.TSVector{Lexemes: l, Valid: true} }
	for _, c := range []struct {
		v    pgtype.TSVector
		want string
	}{
		{pgtype.TSVector{}, ""},
		{doc(), ""},
		{doc(pgtype.TSVectorLexeme{Word: "a"}, pgtype.TSVectorLexeme{Word: "b", Positions: []pgtype.TSVectorPosition{p(1, 'A'), p(16383, 0)}}), ""},
		{doc(pgtype.TSVectorLexeme{Word: strings.Repeat("é", 1023)}), ""},
		{doc(pgtype.TSVectorLexeme{Word: strings.Repeat("x", 2048)}), "lexeme 0 must be at most 2047 bytes long"},
		{doc(pgtype.TSVectorLexeme{Word: "a"}, pgtype.TSVectorLexeme{Word: "b\x00"}), "lexeme 1 must not contain the NUL character (U+0000)"},
		{doc(pgtype.TSVectorLexeme{Word: "\xff"}), "lexeme 0 must be valid UTF-8 text"},
		{doc(pgtype.TSVectorLexeme{Word: "a", Positions: []pgtype.TSVectorPosition{p(16384, 'D')}}), "lexeme 0 must have positions of at most 16383"},
		{doc(pgtype.TSVectorLexeme{Word: "a", Positions: []pgtype.TSVectorPosition{p(2, 'D'), p(2, 'A')}}), "lexeme 0 must have ascending positions, each once"},
		{doc(pgtype.TSVectorLexeme{Word: "a", Positions: []pgtype.TSVectorPosition{p(2, 'd')}}), "lexeme 0 must have positions of weight A, B, C or D"},
		{doc(pgtype.TSVectorLexeme{Word: "a", Positions: make([]pgtype.TSVectorPosition, 257)}), "lexeme 0 must have at most 256 positions"},
	} {
		if got := runtime.CheckTSVector(c.v); got != c.want {
			t.Errorf("CheckTSVector(%+v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := runtime.CheckTSVectors([]pgtype.TSVector{{}, {Valid: true, Lexemes: []pgtype.TSVectorLexeme{{Word: "\x00"}}}}); got != "element 1 lexeme 0 must not contain the NUL character (U+0000)" {
		t.Errorf("CheckTSVectors = %q", got)
	}
}
