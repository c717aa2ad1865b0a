package runtime_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
)

var inputSchema = []string{
	`CREATE TABLE inputs (
		id     int,
		amount numeric(12,2),
		doc    jsonb,
		raw    json,
		body   text,
		code   varchar(5),
		tags   text[],
		small  smallint,
		n      integer,
		at     timestamptz,
		day    date,
		words  tsvector,
		query  tsquery,
		path   jsonpath
	)`,
}

// secret is part of every refused value below; no message may show it.
const secret = "s3cret-value"

// TestInvalidInput produces each kind of input the server or pgx refuses
// and checks that it comes back as the caller's invalid input
// (KindValidation), never retryable, never quoting the value, and named
// by its field when the parameter is known, as a generated method's
// WrapParams reports it.
func TestInvalidInput(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, inputSchema...)

	cases := []struct {
		name    string
		column  string
		value   any
		code    string // SQLSTATE; "" for pgx refusing it before sending
		field   bool   // whether the parameter, hence the field, is known
		message string // the field's (or error's) message
	}{
		{"numeric overflow", "amount", decimal.RequireFromString("12345678901.5"), "22003", false, "numeric field overflow"},
		{"invalid jsonb", "doc", json.RawMessage(`{"` + secret), "22P02", true, "invalid input syntax for type json"},
		{"NUL escape in jsonb", "doc", json.RawMessage(`{"a": "` + secret + `\u0000"}`), "22P05", true, "unsupported Unicode escape sequence"},
		{"invalid json", "raw", json.RawMessage(`[` + secret), "22P02", true, "invalid input syntax for type json"},
		{"jsonb that does not marshal", "doc", map[string]any{secret: math.Inf(1)}, "", true, "cannot encode argument $2 as jsonb: the value does not marshal to JSON"},
		{"NUL in text", "body", secret + "\x00", "22021", true, `invalid byte sequence for encoding "UTF8": text cannot hold the NUL character (0x00)`},
		{"invalid UTF-8 in text", "body", secret + "\xff\xfe", "22021", true, `invalid byte sequence for encoding "UTF8"`},
		{"NUL in a text array", "tags", []string{"ok", secret + "\x00"}, "22021", true, `invalid byte sequence for encoding "UTF8": text cannot hold the NUL character (0x00)`},
		{"value too long", "code", secret, "22001", false, "value too long for type character varying(5)"},
		{"smallint out of range", "small", 912345, "", true, "cannot encode argument $2 as int2: out of range for the type"},
		{"integer out of range", "n", int64(math.MaxInt32) + 912345, "", true, "cannot encode argument $2 as int4: out of range for the type"},
		{"timestamp out of range", "at", time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), "22008", true, "timestamp out of range"},
		{"date out of range", "day", time.Date(5874898, 1, 1, 0, 0, 0, 0, time.UTC), "22008", true, "date out of range"},
		// Input functions that report a value's syntax as 42601.
		{"invalid tsvector", "words", "a:" + secret, "42601", true, "syntax error in tsvector"},
		{"invalid tsquery", "query", secret + " & &", "42601", true, "syntax error in tsquery"},
		{"invalid jsonpath", "path", "$ ? (@ == " + secret, "42601", true, "syntax error at end of jsonpath input"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// As generated code runs it: the value is the second
			// parameter, the first is no field.
			_, err := db.Exec(ctx, "INSERT INTO inputs (id, "+tc.column+") VALUES ($1, $2)", 1, tc.value)
			err = runtime.WrapParams(err, "inputs.Create", "inputs", []string{"", tc.column})
			de := asDbError(t, err, runtime.ErrValidation)
			if de.Code != tc.code || de.Op != "inputs.Create" || de.OpTable != "inputs" {
				t.Errorf("code %q op %q op table %q, want %q", de.Code, de.Op, de.OpTable, tc.code)
			}
			if tc.field {
				want := []runtime.FieldError{{Field: tc.column, Message: tc.message}}
				if de.Param != 2 || len(de.Fields) != 1 || de.Fields[0] != want[0] {
					t.Errorf("param %d fields %+v, want 2 and %+v", de.Param, de.Fields, want)
				}
				if wantText := "inputs.Create: validation failed: " + tc.column + ": " + tc.message; de.Error() != wantText {
					t.Errorf("Error() =\n%s\nwant\n%s", de.Error(), wantText)
				}
			} else if de.Param != 0 || len(de.Fields) != 0 || de.Message != tc.message {
				t.Errorf("param %d fields %+v message %q, want none and %q", de.Param, de.Fields, de.Message, tc.message)
			}
			if strings.Contains(de.Error(), secret) || strings.Contains(de.Error(), "912345") || strings.Contains(de.Error(), "0xff") {
				t.Errorf("the message shows the value: %s", de.Error())
			}
			assertNoValue(t, err, secret, "912345", "\xff", "\xfe")
			if runtime.IsRetryable(err) {
				t.Error("invalid input is retryable")
			}
			// The plain Wrap finds the same, without the field name.
			if plain := asDbError(t, runtime.Wrap(errors.Unwrap(de), "inputs.Create", "inputs"), runtime.ErrValidation); tc.field && plain.Param != 2 {
				t.Errorf("Wrap: param %d", plain.Param)
			}
		})
	}

	t.Run("a value read back that does not fit is still an encoding error", func(t *testing.T) {
		var n int16
		err := db.QueryRow(ctx, "SELECT 1.5::numeric AS amount").Scan(&n)
		asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrEncoding)
	})
}

// TestInvalidInputInCopy refuses values of a COPY (CreateMany): the
// server names the column of a value it refuses; a value pgx cannot
// encode aborts the COPY, which the server reports as canceled (57014)
// with pgx's text, value included; both come back as invalid input, the
// latter no longer as a timeout.
func TestInvalidInputInCopy(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, inputSchema...)

	copyRows := func(column string, values ...any) error {
		rows := make([][]any, len(values))
		for i, v := range values {
			rows[i] = []any{i, v}
		}
		_, err := db.CopyFrom(ctx, pgx.Identifier{"inputs"}, []string{"id", column}, pgx.CopyFromRows(rows))
		return runtime.Wrap(err, "inputs.CreateMany", "inputs")
	}

	err := copyRows("body", "fine", secret+"\x00")
	de := asDbError(t, err, runtime.ErrValidation)
	want := `inputs.CreateMany: validation failed: body: invalid byte sequence for encoding "UTF8": text cannot hold the NUL character (0x00)`
	if de.Column != "body" || len(de.Fields) != 1 || de.Fields[0].Field != "body" || de.Error() != want {
		t.Errorf("column %q fields %+v\nError() = %s\nwant      %s", de.Column, de.Fields, de.Error(), want)
	}

	err = copyRows("code", "fine", secret)
	de = asDbError(t, err, runtime.ErrValidation)
	if de.Code != "22001" || de.Column != "code" || strings.Contains(de.Error(), secret) {
		t.Errorf("code %s column %q: %s", de.Code, de.Column, de.Error())
	}

	err = copyRows("small", 1, 912345)
	de = asDbError(t, err, runtime.ErrValidation)
	want = "inputs.CreateMany: validation failed: COPY: cannot encode a value as int2: out of range for the type"
	if de.Error() != want || de.Code != "" || errors.Is(err, runtime.ErrTimeout) || runtime.IsRetryable(err) {
		t.Errorf("code %q\nError() = %s\nwant      %s", de.Code, de.Error(), want)
	}

	assertNoValue(t, err, "912345")

	if n := countRows(t, db, "inputs"); n != 0 {
		t.Errorf("%d rows, want none", n)
	}
}

// assertNoValue fails when any text of err that a caller or a logger
// can reach holds one of values: Error() of err and of every error its
// chain unwraps to, %v, %+v, %#v, the fields of a *pgconn.PgError in the
// chain, and slog's text and JSON output.
func assertNoValue(t *testing.T, err error, values ...string) {
	t.Helper()
	var texts []string
	var walk func(error)
	walk = func(e error) {
		for ; e != nil; e = errors.Unwrap(e) {
			texts = append(texts, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
			if pe, ok := e.(*pgconn.PgError); ok {
				texts = append(texts, pe.Message, pe.Detail, pe.Hint, pe.Where, pe.InternalQuery)
			}
			if j, ok := e.(interface{ Unwrap() []error }); ok {
				for _, x := range j.Unwrap() {
					walk(x)
				}
			}
		}
	}
	walk(err)
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Error("failed", "err", err)
	slog.New(slog.NewJSONHandler(&logs, nil)).Error("failed", "err", err)
	texts = append(texts, logs.String())
	for _, s := range texts {
		for _, v := range values {
			if strings.Contains(s, v) {
				t.Errorf("the error shows %q: %s", v, s)
			}
		}
		if m := shownBytes.FindString(s); m != "" {
			t.Errorf("the error shows %q: %s", m, s)
		}
	}
}

// shownBytes matches the bytes of invalid UTF-8 above as the server shows
// them (0xff 0xfe), not as part of a longer number such as a pointer that
// %#v prints.
var shownBytes = regexp.MustCompile(`0x(?:ff|fe)(?:[^0-9a-fA-F]|$)`)

func countRows(t *testing.T, db runtime.DBTX, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(testContext(t), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestChecksAgreeWithServer holds each Check helper against the server:
// a value passes exactly when the server stores it unchanged.
func TestChecksAgreeWithServer(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{},
		`CREATE TABLE fits (
			n52 numeric(5,2), n3m1 numeric(3,-1), t text, j jsonb, js json, s smallint, i integer,
			ts timestamptz, tsl timestamp, d date, b4 bit(4), vb4 varbit(4))`)

	// stores reports whether the server stores v in column col of a new
	// row and reads back the same value.
	stores := func(t *testing.T, col string, v any, same func(got any) bool) bool {
		t.Helper()
		tx, err := db.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		var got any
		switch v.(type) {
		case decimal.Decimal:
			var d decimal.Decimal
			err = tx.QueryRow(ctx, "INSERT INTO fits ("+col+") VALUES ($1) RETURNING "+col, v).Scan(&d)
			got = d
		case string:
			var s string
			err = tx.QueryRow(ctx, "INSERT INTO fits ("+col+") VALUES ($1) RETURNING "+col+"::text", v).Scan(&s)
			got = s
		case json.RawMessage:
			var b []byte
			err = tx.QueryRow(ctx, "INSERT INTO fits ("+col+") VALUES ($1) RETURNING "+col+"::text", v).Scan(&b)
			got = b
		case time.Time:
			var tm time.Time
			err = tx.QueryRow(ctx, "INSERT INTO fits ("+col+") VALUES ($1) RETURNING "+col, v).Scan(&tm)
			got = tm
		case pgtype.Bits:
			var b pgtype.Bits
			err = tx.QueryRow(ctx, "INSERT INTO fits ("+col+") VALUES ($1) RETURNING "+col, v).Scan(&b)
			got = b
		default:
			var n int64
			err = tx.QueryRow(ctx, "INSERT INTO fits ("+col+") VALUES ($1) RETURNING "+col, v).Scan(&n)
			got = n
		}
		if err != nil {
			if k := runtime.KindOf(err); k != runtime.KindValidation {
				t.Fatalf("%s %v: %v (kind %v), want a validation error", col, v, err, k)
			}
			return false
		}
		return same(got)
	}

	dec := decimal.RequireFromString
	for _, tc := range []struct {
		col          string
		v            decimal.Decimal
		prec, scale  int
		wantFits     bool
		wantMessage  string
		sameAsString string
	}{
		{"n52", dec("999.99"), 5, 2, true, "", ""},
		{"n52", dec("-999.99"), 5, 2, true, "", ""},
		{"n52", dec("1.500"), 5, 2, true, "", ""},
		{"n52", dec("0"), 5, 2, true, "", ""},
		{"n52", dec("1000"), 5, 2, false, "must have at most 3 digits before the decimal point", ""},
		{"n52", dec("-1000.00"), 5, 2, false, "must have at most 3 digits before the decimal point", ""},
		{"n52", dec("1.234"), 5, 2, false, "must have at most 2 digits after the decimal point", ""},
		{"n52", dec("999.995"), 5, 2, false, "must have at most 2 digits after the decimal point", ""},
		{"n52", dec("0.0000000001"), 5, 2, false, "must have at most 2 digits after the decimal point", ""},
		{"n3m1", dec("9990"), 3, -1, true, "", ""},
		{"n3m1", dec("120"), 3, -1, true, "", ""},
		{"n3m1", dec("125"), 3, -1, false, "must be a multiple of 1e1", ""},
		{"n3m1", dec("10000"), 3, -1, false, "must have at most 4 digits before the decimal point", ""},
	} {
		if got := runtime.FitsNumeric(tc.v, tc.prec, tc.scale); got != tc.wantFits {
			t.Errorf("FitsNumeric(%s, %d, %d) = %v", tc.v, tc.prec, tc.scale, got)
		}
		if got := runtime.CheckNumeric(tc.v, tc.prec, tc.scale); got != tc.wantMessage {
			t.Errorf("CheckNumeric(%s, %d, %d) = %q, want %q", tc.v, tc.prec, tc.scale, got, tc.wantMessage)
		}
		server := stores(t, tc.col, tc.v, func(got any) bool { return got.(decimal.Decimal).Equal(tc.v) })
		if server != tc.wantFits {
			t.Errorf("%s: the server stores %s unchanged: %v; FitsNumeric says %v", tc.col, tc.v, server, tc.wantFits)
		}
	}

	for _, s := range []string{"plain", "é ✓ 🙂", "", "a\x00b", "\x00", "\xff", "ok\xc3"} {
		ok := runtime.CheckText(s) == ""
		if server := stores(t, "t", s, func(got any) bool { return got.(string) == s }); server != ok {
			t.Errorf("CheckText(%q) passes: %v; the server stores it: %v", s, ok, server)
		}
	}
	if msg := runtime.CheckTexts([]string{"a", "b\x00"}); msg != "element 1 must not contain the NUL character (U+0000)" {
		t.Errorf("CheckTexts = %q", msg)
	}

	for _, doc := range []string{`{"a": 1}`, `"x"`, `{"a": "\u0041"}`, `{"a": "\\u0000"}`, `["\\\u0000"]`, `{"a": "\u0000"}`, `{"a":`, `"` + "\xff" + `"`, `{"a": "\ud800"}`, `{"a": "\udc00"}`, `{"a": "\ud83d\ude00"}`, `{"a": "\ud83d\u0041"}`, `{"a": "\ud83d"}`} {
		ok := runtime.CheckJSONB([]byte(doc)) == ""
		if server := stores(t, "j", json.RawMessage(doc), func(any) bool { return true }); server != ok {
			t.Errorf("CheckJSONB(%s) passes: %v; the server stores it: %v", doc, ok, server)
		}
		okJSON := runtime.CheckJSON([]byte(doc)) == ""
		if server := stores(t, "js", json.RawMessage(doc), func(got any) bool { return string(got.([]byte)) == doc }); server != okJSON {
			t.Errorf("CheckJSON(%s) passes: %v; the server stores it: %v", doc, okJSON, server)
		}
	}
	if runtime.CheckJSON(nil) != "" || runtime.CheckJSONB(nil) != "" {
		t.Error("nil (NULL) does not pass")
	}

	for _, tc := range []struct {
		col  string
		bits int
		v    int64
	}{{"s", 16, math.MaxInt16}, {"s", 16, math.MaxInt16 + 1}, {"s", 16, math.MinInt16}, {"s", 16, math.MinInt16 - 1}, {"i", 32, math.MaxInt32}, {"i", 32, math.MaxInt32 + 1}, {"i", 32, math.MinInt32 - 1}} {
		ok := runtime.FitsInt(tc.v, tc.bits)
		if ok != (runtime.CheckInt(tc.v, tc.bits) == "") {
			t.Errorf("FitsInt and CheckInt disagree on %d", tc.v)
		}
		if server := stores(t, tc.col, tc.v, func(got any) bool { return got.(int64) == tc.v }); server != ok {
			t.Errorf("FitsInt(%d, %d) = %v; the server stores it: %v", tc.v, tc.bits, ok, server)
		}
	}
	if runtime.FitsInt(uint64(math.MaxUint64), 64) || !runtime.FitsInt(uint8(200), 16) || runtime.CheckInt(int64(40000), 16) != "must be between -32768 and 32767" {
		t.Error("FitsInt of unsigned types or CheckInt's message")
	}

	minTS := time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC)
	endTS := time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC)
	endDate := time.Date(5874898, 1, 1, 0, 0, 0, 0, time.UTC)
	plus2 := time.FixedZone("+02", 2*3600)
	for _, tc := range []struct {
		col   string
		t     time.Time
		check func(time.Time) string
	}{
		{"ts", minTS, runtime.CheckTimestamptz},
		{"ts", minTS.Add(-time.Microsecond), runtime.CheckTimestamptz},
		{"ts", endTS.Add(-time.Microsecond), runtime.CheckTimestamptz},
		{"ts", endTS, runtime.CheckTimestamptz},
		// 294277-01-01 01:00 at +02 is 294276-12-31 23:00 UTC: in range.
		{"ts", time.Date(294277, 1, 1, 1, 0, 0, 0, plus2), runtime.CheckTimestamptz},
		{"tsl", endTS.Add(-time.Microsecond), runtime.CheckTimestamp},
		// A timestamp without time zone keeps the wall clock: out of range.
		{"tsl", time.Date(294277, 1, 1, 1, 0, 0, 0, plus2), runtime.CheckTimestamp},
		{"d", minTS, runtime.CheckDate},
		{"d", minTS.AddDate(0, 0, -1), runtime.CheckDate},
		{"d", endDate.AddDate(0, 0, -1), runtime.CheckDate},
		{"d", endDate, runtime.CheckDate},
	} {
		ok := tc.check(tc.t) == ""
		if server := stores(t, tc.col, tc.t, func(any) bool { return true }); server != ok {
			t.Errorf("%s %v: check passes: %v; the server stores it: %v", tc.col, tc.t, ok, server)
		}
	}
	bits := func(s string) pgtype.Bits {
		b := pgtype.Bits{Bytes: make([]byte, (len(s)+7)/8), Len: int32(len(s)), Valid: true}
		for i, c := range s {
			if c == '1' {
				b.Bytes[i/8] |= 0x80 >> (i % 8)
			}
		}
		return b
	}
	for _, s := range []string{"", "1", "101", "1010", "10101", "00000000"} {
		b := bits(s)
		same := func(got any) bool { g := got.(pgtype.Bits); return g.Len == b.Len && bytes.Equal(g.Bytes, b.Bytes) }
		for col, check := range map[string]func(pgtype.Bits, int) string{"b4": runtime.CheckBit, "vb4": runtime.CheckVarbit} {
			ok := check(b, 4) == ""
			if server := stores(t, col, b, same); server != ok {
				t.Errorf("%s %q: check passes: %v; the server stores it: %v", col, s, ok, server)
			}
		}
	}
	if runtime.CheckBit(pgtype.Bits{}, 4) != "" || runtime.CheckVarbit(pgtype.Bits{}, 4) != "" ||
		runtime.CheckBit(bits("11"), 1) != "must be exactly 1 bit" || runtime.CheckVarbit(bits("11111"), 4) != "must be at most 4 bits" {
		t.Error("NULL does not pass, or a message is off")
	}

	// Far enough out, pgx's arithmetic wraps around to a valid value: only
	// the check stops it.
	far := time.Date(11_755_000, 1, 1, 0, 0, 0, 0, time.UTC)
	if runtime.CheckDate(far) == "" {
		t.Error("CheckDate passes a date of year 11755000")
	}
}

// TestInputSyntaxTranslated classifies a type's input function refusing
// a value (SQLSTATE 42601) by the server's source file, as a server whose
// lc_messages is not English reports it, and hides the value: the
// German translation of tsquery's message, and ltxtquery's, whose
// English message the message test did not know. A statement's syntax
// error (the parser's scan.l) is no invalid input.
func TestInputSyntaxTranslated(t *testing.T) {
	for _, c := range []struct {
		pgErr *pgconn.PgError
		input bool
	}{
		{&pgconn.PgError{Severity: "ERROR", Code: "42601", Message: "Syntaxfehler in tsquery: »" + secret + " & &«", File: "tsquery.c", Routine: "makepol"}, true},
		{&pgconn.PgError{Severity: "ERROR", Code: "42601", Message: "operand syntax error", File: "ltxtquery_io.c", Routine: "gettoken_query"}, true},
		{&pgconn.PgError{Severity: "ERROR", Code: "42601", Message: "Syntaxfehler bei »x«", File: "scan.l", Routine: "scanner_yyerror"}, false},
	} {
		de := asDbError(t, runtime.WrapParams(c.pgErr, "inputs.Create", "inputs", []string{"", "query"}), nil)
		if got := de.Kind == runtime.KindValidation; got != c.input {
			t.Errorf("%s: kind %v", c.pgErr.Message, de.Kind)
		}
		if strings.Contains(de.Error(), secret) {
			t.Errorf("the message shows the value: %s", de.Error())
		}
	}
}
