package runtime_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestParseOperation(t *testing.T) {
	type parsed struct{ Name, Table, Method string }
	tests := []struct {
		sql  string
		want parsed
	}{
		{"-- name: accounts.Create\nINSERT INTO accounts …", parsed{"accounts.Create", "accounts", "Create"}},
		{"-- name: accounts.Create", parsed{"accounts.Create", "accounts", "Create"}},
		{"  \n\t-- name:   users.FindByEmail   \r\nSELECT 1", parsed{"users.FindByEmail", "users", "FindByEmail"}},
		{"-- name: users.Create sensitive=2,5\nINSERT …", parsed{"users.Create", "users", "Create"}},
		{"-- name: users.Create future=x sensitive=1\nINSERT …", parsed{"users.Create", "users", "Create"}},
		{"-- name: billing.invoices.Create\n…", parsed{"billing.invoices.Create", "billing.invoices", "Create"}},
		{"-- name: Health\nSELECT 1", parsed{"Health", "", "Health"}},
		{"-- name:\nSELECT 1", parsed{"SELECT", "", "SELECT"}},
		{"select * from t", parsed{"SELECT", "", "SELECT"}},
		{"begin", parsed{"BEGIN", "", "BEGIN"}},
		{"savepoint sp_1", parsed{"SAVEPOINT", "", "SAVEPOINT"}},
		{"-- a comment\n/* another */ WITH x AS (SELECT 1) SELECT * FROM x", parsed{"WITH", "", "WITH"}},
		{"(select 1) union (select 2)", parsed{"SELECT", "", "SELECT"}},
		{"frobnicate now", parsed{"frobnicate", "", "frobnicate"}},
		{"-- ping", parsed{}},
		{"", parsed{}},
		{";", parsed{}},
		{"/* unterminated", parsed{}},
		{"/* a /* nested */ comment */ DELETE FROM t", parsed{"DELETE", "", "DELETE"}},
	}
	for _, tt := range tests {
		op := runtime.ParseOperation(tt.sql)
		if diff := cmp.Diff(tt.want, parsed{op.Name, op.Table, op.Method}); diff != "" {
			t.Errorf("ParseOperation(%q) (-want +got):\n%s", tt.sql, diff)
		}
	}
}

func TestParseOperationSensitive(t *testing.T) {
	tests := []struct {
		sql  string
		want []int // sensitive placeholders among $1..$12
	}{
		{"-- name: users.Create sensitive=2,5\nINSERT …", []int{2, 5}},
		{"-- name: users.Create sensitive=11\n…", []int{11}},
		{"-- name: users.Create sensitive=1,x,3,,4\n…", []int{1, 3, 4}},
		{"-- name: users.Create\n-- sensitive=1\n…", nil},
		{"-- name: users.Create sensitive=\n…", nil},
		{"SELECT $1 -- name: users.Create sensitive=1", nil},
	}
	for _, tt := range tests {
		op := runtime.ParseOperation(tt.sql)
		var got []int
		for n := 1; n <= 12; n++ {
			if op.Sensitive(n) {
				got = append(got, n)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseOperation(%q).Sensitive (-want +got):\n%s", tt.sql, diff)
		}
		if op.HasSensitive() != (len(tt.want) > 0) {
			t.Errorf("ParseOperation(%q).HasSensitive() = %v", tt.sql, op.HasSensitive())
		}
	}
}

// TestParseOperationAllocs checks that naming a statement costs no
// allocation, with and without a name line.
func TestParseOperationAllocs(t *testing.T) {
	for _, sql := range []string{
		"-- name: users.Create sensitive=2,5\nINSERT INTO users VALUES ($1, $2)",
		"select 1",
		"/* c */ frobnicate",
	} {
		var op runtime.Operation
		allocs := testing.AllocsPerRun(100, func() {
			op = runtime.ParseOperation(sql)
			_ = op.Sensitive(5)
		})
		if allocs != 0 {
			t.Errorf("ParseOperation(%q): %v allocations", sql, allocs)
		}
	}
}

func TestKindName(t *testing.T) {
	want := map[runtime.Kind]string{
		runtime.KindUnknown: "unknown", runtime.KindNotFound: "not_found", runtime.KindConflict: "conflict",
		runtime.KindForeignKey: "foreign_key", runtime.KindCheck: "check", runtime.KindNotNull: "not_null",
		runtime.KindValidation: "validation", runtime.KindSerialization: "serialization", runtime.KindDeadlock: "deadlock",
		runtime.KindConnection: "connection", runtime.KindTimeout: "timeout", runtime.KindCanceled: "canceled",
		runtime.KindEncoding: "encoding", runtime.Kind(200): "kind_200",
	}
	for k, name := range want {
		if got := k.Name(); got != name {
			t.Errorf("Kind(%d).Name() = %q, want %q", k, got, name)
		}
	}
}

func TestQueryBuckets(t *testing.T) {
	b := runtime.QueryBuckets()
	if len(b) == 0 {
		t.Fatal("no buckets")
	}
	for i := 1; i < len(b); i++ {
		if b[i] <= b[i-1] {
			t.Errorf("buckets not increasing: %v", b)
		}
	}
	b[0] = 0
	if runtime.QueryBuckets()[0] == 0 {
		t.Error("QueryBuckets returns shared storage")
	}
}

func TestEventMethodByHand(t *testing.T) {
	for op, want := range map[string]string{"accounts.Create": "Create", "SELECT": "SELECT", "": ""} {
		e := &runtime.QueryEvent{Op: op}
		if got := e.Method(); got != want {
			t.Errorf("Method of %q = %q, want %q", op, got, want)
		}
	}
}
