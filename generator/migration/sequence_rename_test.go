package migration_test

import (
	"context"
	"testing"
)

// TestRenameKeepsSequenceNames renames a table and an identity column
// and wants the identity sequences to have the names a database made
// from the specs gives them, and their old names back after the down
// migration; a sequence named otherwise is left alone.
func TestRenameKeepsSequenceNames(t *testing.T) {
	before := `
tables:
  users:
    columns:
      id:    {type: bigint, primary_key: true, identity: true}
      email: {type: text}
  posts:
    columns:
      id:  {type: bigint, primary_key: true}
      seq: {type: bigint, identity: true}
  tags:
    columns:
      id: {type: bigint, primary_key: true, identity: true}
`
	after := `
tables:
  members:
    renamed_from: users
    columns:
      id:    {type: bigint, primary_key: true, identity: true}
      email: {type: text}
  posts:
    columns:
      id:     {type: bigint, primary_key: true}
      number: {type: bigint, identity: true, renamed_from: seq}
  labels:
    renamed_from: tags
    columns:
      id: {type: bigint, primary_key: true, identity: true}
`
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(before))
	p.diff("initial", false)
	p.setSpec([]byte(after))
	p.diff("rename", true)
	db := openDB(t)
	ctx := context.Background()
	m := p.migrator(t, db, "golang-migrate")
	if _, err := m.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// A sequence renamed by hand keeps its name through the rename.
	if _, err := db.pool.Exec(ctx, `ALTER SEQUENCE tags_id_seq RENAME TO tag_numbers`); err != nil {
		t.Fatal(err)
	}
	seqs := func() string {
		var s string
		if err := db.pool.QueryRow(ctx, `SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class WHERE relkind = 'S'`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if got, want := seqs(), "members_id_seq posts_number_seq tag_numbers"; got != want {
		t.Errorf("sequences after the up migration: %q, want %q", got, want)
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got, want := seqs(), "posts_seq_seq tag_numbers users_id_seq"; got != want {
		t.Errorf("sequences after the down migration: %q, want %q", got, want)
	}
}
