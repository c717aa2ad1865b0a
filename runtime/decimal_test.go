package runtime_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestCheckNumeric(t *testing.T) {
	for _, c := range []struct {
		value            string
		precision, scale int
		want             string
	}{
		{"10.005", 12, 2, "must have at most 2 digits after the decimal point"},
		{"0.004", 12, 2, "must have at most 2 digits after the decimal point"},
		{"10.01", 12, 2, ""},
		{"10.0100000", 12, 2, ""},
		{"-0.5", 1, 1, ""},
		{"0", 1, 1, ""},
		{"1000", 3, 0, "must have at most 3 digits before the decimal point"},
		{"999", 3, 0, ""},
		{"1e3", 4, 0, ""},
		{"1e30", 4, 0, "must have at most 4 digits before the decimal point"},
		{"12345678901.5", 12, 2, "must have at most 10 digits before the decimal point"},
		{"1.5e-7", 12, 2, "must have at most 2 digits after the decimal point"},
		{"123456789012345678901234567890.5", 0, 0, ""},
	} {
		if got := runtime.CheckNumeric(decimal.RequireFromString(c.value), c.precision, c.scale); got != c.want {
			t.Errorf("CheckNumeric(%s, %d, %d) = %q, want %q", c.value, c.precision, c.scale, got, c.want)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct {
		text             string
		precision, scale int
		want, err        string
	}{
		{"12.50", 4, 2, "12.5", ""},
		{"-0.01", 4, 2, "-0.01", ""},
		{"1.5e2", 4, 1, "150", ""},
		{"000000000000000000000012.5", 4, 2, "12.5", ""},
		{"12.505", 4, 2, "", "invalid decimal: must have at most 2 digits after the decimal point"},
		{"123.5", 4, 2, "", "invalid decimal: must have at most 2 digits before the decimal point"},
		{strings.Repeat("9", 800000), 12, 2, "", "invalid decimal: more than 14 digits"},
		{strings.Repeat("9", 800000), 0, 0, "", "invalid decimal: more than 1000 digits"},
		{"1" + strings.Repeat("0", 1000), 0, 0, "", "invalid decimal: more than 1000 digits"},
		{strings.Repeat("9", 1000), 0, 0, strings.Repeat("9", 1000), ""},
		{"1e999999", 0, 0, "", "invalid decimal: exponent beyond 147455"},
		{"secret-looking-value", 12, 2, "", "invalid decimal: not a decimal number"},
		{"1.2.3", 12, 2, "", "invalid decimal: not a decimal number"},
		{"", 12, 2, "", "invalid decimal: not a decimal number"},
		{"-", 12, 2, "", "invalid decimal: not a decimal number"},
		{"1e", 12, 2, "", "invalid decimal: not a decimal number"},
	} {
		d, err := runtime.ParseDecimal(c.text, c.precision, c.scale)
		switch {
		case c.err != "":
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("ParseDecimal(%.20s…, %d, %d) = %v, want error %q", c.text, c.precision, c.scale, err, c.err)
			}
			if err != nil && len(c.text) >= 8 && strings.Contains(err.Error(), c.text[:8]) {
				t.Errorf("the error quotes the value: %v", err)
			}
		case err != nil || d.String() != c.want:
			t.Errorf("ParseDecimal(%.20s, %d, %d) = %s, %v; want %s", c.text, c.precision, c.scale, d, err, c.want)
		}
	}
}

// TestOptDecimalJSONBound refuses a decimal of 800,000 digits in JSON
// before parsing it, which would take seconds (see
// BenchmarkDecimalJSON), and keeps errors free of the value.
func TestOptDecimalJSONBound(t *testing.T) {
	type update struct {
		Amount runtime.Opt[decimal.Decimal]     `json:"amount"`
		Ptr    runtime.Opt[*decimal.Decimal]    `json:"ptr"`
		Null   runtime.Opt[decimal.NullDecimal] `json:"null"`
		When   runtime.Opt[string]              `json:"when"`
		Many   runtime.Opt[[]decimal.Decimal]   `json:"many"`
	}
	huge := strings.Repeat("7", 800000)
	for _, body := range []string{
		`{"amount": ` + huge + `}`,
		`{"amount": "` + huge + `"}`,
		`{"ptr": "` + huge + `"}`,
		`{"null": ` + huge + `}`,
	} {
		var u update
		err := json.Unmarshal([]byte(body), &u)
		if err == nil || !strings.Contains(err.Error(), "more than 1000 digits") || strings.Contains(err.Error(), "7777") {
			t.Errorf("%.20s…: %v", body, err)
		}
	}
	var u update
	if err := json.Unmarshal([]byte(`{"amount": "12.50", "ptr": null, "null": 3}`), &u); err != nil ||
		!u.Amount.Value.Equal(decimal.RequireFromString("12.5")) || !u.Ptr.Set || u.Ptr.Value != nil || !u.Null.Value.Valid {
		t.Errorf("%+v, %v", u, err)
	}
	err := json.Unmarshal([]byte(`{"amount": "secret-looking-value"}`), &u)
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad decimal: %v", err)
	}
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal([]byte(`{"when": 5}`), &u); !errors.As(err, &typeErr) {
		t.Errorf("type error: %v", err)
	}
}

// BenchmarkDecimalJSON compares decoding a decimal of many digits from
// JSON as shopspring/decimal does (its time grows with the square of the
// digits) with runtime.Opt, which refuses it before parsing.
func BenchmarkDecimalJSON(b *testing.B) {
	for _, digits := range []int{20, 1000, 100000, 800000} {
		body := []byte(`"` + strings.Repeat("7", digits) + `"`)
		b.Run("decimal/"+strconv.Itoa(digits), func(b *testing.B) {
			for b.Loop() {
				var d decimal.Decimal
				if err := json.Unmarshal(body, &d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Opt/"+strconv.Itoa(digits), func(b *testing.B) {
			for b.Loop() {
				var o runtime.Opt[decimal.Decimal]
				err := json.Unmarshal(body, &o)
				if (err == nil) != (digits <= runtime.MaxDecimalDigits) {
					b.Fatal(err)
				}
			}
		})
	}
}
