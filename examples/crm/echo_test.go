package crm_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/examples/crm/crmdb"
	"github.com/cpcgen/cpcgen/runtime"
)

// TestSensitiveInputNotEchoed sends invalid UTF-8 holding a marker
// through the sensitive columns of generated methods (email and phone,
// refused by Validate) and through the @email parameter of the raw query
// ByEmail (sensitive by its name, refused by the server), and checks that
// no text of the error a caller or a logger can reach holds the marker or
// the invalid bytes, raw or as the server shows them (0xff): Error(), %v,
// %+v, %#v, every error its chain unwraps to, the fields of a
// *pgconn.PgError in it, slog's text and JSON, and the statement log of a
// runtime.NewSlogObserver.
func TestSensitiveInputNotEchoed(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	e := newEnv(t)
	logged, err := runtime.Open(testContext(t), runtime.Config{URL: e.url,
		Observers: []runtime.Observer{runtime.NewSlogObserver(slog.New(slog.NewTextHandler(&log, nil)), runtime.SlogOptions{})}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(logged.Close)
	st := crmdb.NewStore(logged)
	a := seed(t, st, "acme")
	const marker = "S3CRET-MARK"
	bad := "\xff\xfe" + marker + "\xc3(@example.com"
	leaks := []string{marker, "\xff", "\xfe"}

	_, err = st.Customers.Create(a.ctx, crmdb.NewCustomer{Name: "Hooli", Email: bad})
	assertNotEchoed(t, "Customers.Create email", err, leaks)
	_, err = st.Customers.Update(a.ctx, a.customers[0].ID, crmdb.CustomerUpdate{Phone: runtime.SetNullable("+1" + bad)})
	assertNotEchoed(t, "Customers.Update phone", err, leaks)
	_, err = st.Customers.ByEmail(a.ctx, bad)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "22021" {
		t.Fatalf("ByEmail: %v, want the server's invalid byte sequence (22021)", err)
	}
	assertNotEchoed(t, "Customers.ByEmail (raw query)", err, leaks)
	if !strings.Contains(log.String(), "customers.ByEmail") {
		t.Fatalf("the statement log lacks the refused statement:\n%s", log.String())
	}
	for _, l := range leaks {
		if strings.Contains(log.String(), l) {
			t.Errorf("the statement log shows %q:\n%s", l, log.String())
		}
	}
	if m := shownBytes.FindString(log.String()); m != "" {
		t.Errorf("the statement log shows %q:\n%s", m, log.String())
	}
}

// shownBytes matches the invalid bytes of the tests' input as the server
// shows them (0xff 0xfe, 0xc3 0x28), not as part of a longer number such
// as a pointer that %#v prints.
var shownBytes = regexp.MustCompile(`0x(?:ff|fe|c3|28)(?:[^0-9a-fA-F]|$)`)

// assertNotEchoed fails when err is nil or any text of err that a caller
// or a logger can reach holds one of leaks, or bytes of the input as the
// server shows them (shownBytes).
func assertNotEchoed(t *testing.T, what string, err error, leaks []string) {
	t.Helper()
	if !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("%s: %v, want a validation error", what, err)
	}
	var texts []string
	for e := err; e != nil; e = errors.Unwrap(e) {
		texts = append(texts, e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e))
		if pe, ok := e.(*pgconn.PgError); ok {
			texts = append(texts, pe.Message, pe.Detail, pe.Hint, pe.Where, pe.InternalQuery)
		}
	}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Error("failed", "err", err)
	slog.New(slog.NewJSONHandler(&logs, nil)).Error("failed", "err", err)
	texts = append(texts, logs.String())
	for _, s := range texts {
		for _, l := range leaks {
			if strings.Contains(s, l) {
				t.Errorf("%s: the error shows %q: %s", what, l, s)
			}
		}
		if m := shownBytes.FindString(s); m != "" {
			t.Errorf("%s: the error shows %q: %s", what, m, s)
		}
	}
}
