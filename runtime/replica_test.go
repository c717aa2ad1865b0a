package runtime_test

import (
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestParseOperationReplicaOK(t *testing.T) {
	for sql, want := range map[string]bool{
		"-- name: accounts.FindByID replica=ok\nSELECT 1":               true,
		"-- name: users.FindByID sensitive=2 replica=ok\nSELECT 1":      true,
		"-- name: users.FindByID replica=ok sensitive=2\nSELECT 1":      true,
		"-- name: accounts.Create\nINSERT INTO accounts DEFAULT VALUES": false,
		"-- name: accounts.Create replica=yes\nSELECT 1":                false,
		"-- name: accounts.Create\nSELECT 1 -- replica=ok":              false,
		"SELECT 1 -- name: x.Y replica=ok":                              false,
		"-- name: replica=ok\nSELECT 1":                                 false,
	} {
		op := runtime.ParseOperation(sql)
		if op.ReplicaOK != want {
			t.Errorf("ParseOperation(%q).ReplicaOK = %v, want %v", sql, op.ReplicaOK, want)
		}
	}
	op := runtime.ParseOperation("-- name: users.FindByID sensitive=2 replica=ok\nSELECT 1")
	if !op.Sensitive(2) || op.Name != "users.FindByID" {
		t.Errorf("attributes beside replica=ok: %+v", op)
	}
}
