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

// TestSerialToDeclaredSequenceOwnership makes a serial column a plain one
// whose default takes nextval of a sequence the specs declare without
// an owner: the sequence keeps its value and, as in a database made
// from the specs, no longer belongs to the column (it was left owned,
// so that dropping the column would drop it); the down migration gives
// it back to the column.
func TestSerialToDeclaredSequenceOwnership(t *testing.T) {
	before := `
tables:
  users:
    columns:
      id:   {type: integer, primary_key: true, serial: true}
      name: {type: text}
`
	after := `
tables:
  users:
    columns:
      id:   {type: integer, primary_key: true, default: {sql: "nextval('users_id_seq'::regclass)"}}
      name: {type: text}
sql_objects:
  - name: users_id_seq
    kind: sequence
    sql: CREATE SEQUENCE users_id_seq AS integer
`
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(before))
	p.diff("initial", false)
	p.setSpec([]byte(after))
	p.diff("declare", true)
	db := openDB(t)
	ctx := context.Background()
	m := p.migrator(t, db, "golang-migrate")
	if _, err := m.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO users (name) VALUES ('a'), ('b')`); err != nil {
		t.Fatal(err)
	}
	owner := func() string {
		var s *string
		if err := db.pool.QueryRow(ctx, `SELECT pg_get_serial_sequence('users', 'id')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s == nil {
			return "none"
		}
		return *s
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if got := owner(); got != "none" {
		t.Errorf("sequence of users.id after the up migration: %s, want none", got)
	}
	var id int
	if err := db.pool.QueryRow(ctx, `INSERT INTO users (name) VALUES ('c') RETURNING id`).Scan(&id); err != nil || id != 3 {
		t.Errorf("next id after the up migration: %d, %v; want 3", id, err)
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := owner(); got != "public.users_id_seq" {
		t.Errorf("sequence of users.id after the down migration: %s, want public.users_id_seq", got)
	}
}

// TestSerialTakesDroppedSequenceName creates a table with a serial
// column, and adds a serial column to a table there was, whose
// sequences PostgreSQL names as sequences the specs declared and no
// longer do (pgcodekeeper's alter_sequence_owned_by: a sequence made
// first, then a table's serial taking it): the sequences were dropped
// after the tables, so the columns got sequences numbered as the names
// were taken (t1_c1_seq1), and an object setting the options of
// t1_c1_seq set the old one's before it was dropped. Dropped before the
// tables, the names are the columns' sequences'.
func TestSerialTakesDroppedSequenceName(t *testing.T) {
	ctx := context.Background()
	before := `
tables:
  t2:
    columns:
      id: {type: bigint, primary_key: true}
sql_objects:
  - name: t1_c1_seq
    kind: sequence
    sql: CREATE SEQUENCE t1_c1_seq AS integer
  - name: t2_n_seq
    kind: sequence
    sql: CREATE SEQUENCE t2_n_seq
`
	after := `
tables:
  t1:
    columns:
      c1: {type: integer, primary_key: true, serial: true}
  t2:
    columns:
      id: {type: bigint, primary_key: true}
      n: {type: bigint, serial: true}
sql_objects:
  - name: t1_c1_seq_options
    kind: other
    depends_on: [t1]
    sql: ALTER SEQUENCE t1_c1_seq START WITH 2 RESTART
    drop: ALTER SEQUENCE t1_c1_seq START WITH 1 RESTART
`
	runSteps(t, []migrationStep{
		{[]byte(before), "none none t1_c1_seq,t2_n_seq"},
		{[]byte(after), "public.t1_c1_seq public.t2_n_seq t1_c1_seq,t2_n_seq 2"},
	}, func(db *testDB) string {
		var t1, t2, seqs, next string
		if err := db.pool.QueryRow(ctx, `SELECT
			CASE WHEN to_regclass('t1') IS NULL THEN 'none' ELSE pg_get_serial_sequence('t1', 'c1') END,
			CASE WHEN (SELECT count(*) FROM pg_attribute WHERE attrelid = 't2'::regclass AND attname = 'n') = 0 THEN 'none' ELSE pg_get_serial_sequence('t2', 'n') END,
			(SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace)`).Scan(&t1, &t2, &seqs); err != nil {
			t.Fatal(err)
		}
		if t1 != "none" {
			if err := db.pool.QueryRow(ctx, `INSERT INTO t1 DEFAULT VALUES RETURNING c1::text`).Scan(&next); err != nil {
				t.Fatal(err)
			}
			if _, err := db.pool.Exec(ctx, `DELETE FROM t1; ALTER SEQUENCE t1_c1_seq RESTART`); err != nil {
				t.Fatal(err)
			}
			return t1 + " " + t2 + " " + seqs + " " + next
		}
		return t1 + " " + t2 + " " + seqs
	})
}
