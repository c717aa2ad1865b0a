package runtime

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

// TestTextScan: Text takes a value as text or as database/sql gives it,
// and refuses NULL and other values with a message that names no value.
func TestTextScan(t *testing.T) {
	var v Text
	if err := v.ScanText(pgtype.Text{String: "(1,2)", Valid: true}); err != nil || v != "(1,2)" {
		t.Fatalf("ScanText: %q %v", v, err)
	}
	if err := v.Scan([]byte("(3,4)")); err != nil || v != "(3,4)" {
		t.Fatalf("Scan bytes: %q %v", v, err)
	}
	if err := v.Scan("x"); err != nil || v != "x" {
		t.Fatalf("Scan string: %q %v", v, err)
	}
	for _, err := range []error{v.ScanText(pgtype.Text{}), v.Scan(nil)} {
		if err == nil || !strings.Contains(err.Error(), "cannot scan NULL into a string") {
			t.Errorf("NULL: %v", err)
		}
	}
	if err := v.Scan(42); err == nil || strings.Contains(err.Error(), "42") {
		t.Errorf("an int: %v", err)
	}
}
