//go:build long

package migration_test

import "testing"

// TestOnlineStalls (build tag long: it takes a minute and a half) applies
// each kind of change to a table of 1,000,000 rows while two writers of
// the running release's generated package update and insert rows, once
// as planned with online: false and once as planned by default, and
// reports the longest write of each (the driver's TestStalls; its table
// is in the log). With the default plans no write fails and none waits
// longer than the lock timeout plus 100 ms.
//
//	go test -tags long ./generator/migration -run TestOnlineStalls -v
func TestOnlineStalls(t *testing.T) {
	runDriver(t, "TestStalls", 1_000_000)
}
