package migration

import (
	"fmt"
	"slices"
	"strings"
)

// The roles of the steps of a migration. A lock-safe plan is several
// versioned files: statements that cannot share a transaction with
// others, or must not hold the locks of one, get steps of their own.
// Steps run in the order of roleOrder; the down parts in reverse.
const (
	// roleEnumValue is an ALTER TYPE … ADD VALUE whose value later
	// statements of the migration use: PostgreSQL refuses a value added
	// in the same transaction, so it is committed first.
	roleEnumValue = "enum_value"
	// roleDropIndex is one DROP INDEX CONCURRENTLY, outside a
	// transaction, before the schema changes (so that its down, which
	// builds the index again, runs after theirs put its columns back).
	roleDropIndex = "drop_index"
	// roleEarlyIndex builds an index with CREATE INDEX CONCURRENTLY,
	// outside a transaction, before the schema step: one a foreign key
	// the schema step adds needs, over columns there already; or one
	// replacing an index the schema step would drop with its column,
	// which it then drops concurrently, so that the table is never
	// without either (buildBeforeDrop).
	roleEarlyIndex = "early_index"
	// roleEarlyKey builds the unique index of a primary key an existing
	// table gets, with CREATE UNIQUE INDEX CONCURRENTLY under a name of
	// its own, outside a transaction, before the schema step, which
	// makes it the key (primaryKeyBeforeAttach).
	roleEarlyKey = "early_key"
	// roleSchema holds every other statement, in one transaction.
	roleSchema = ""
	// roleBackfill is one batched UPDATE (the runner's backfill
	// directive), outside a transaction.
	roleBackfill = "backfill"
	// roleIndex is one CREATE INDEX CONCURRENTLY, outside a transaction.
	roleIndex = "index"
	// roleNotNull adds, NOT VALID, the NOT NULL checks of columns a
	// backfill filled: before it ends, an update of a row it has not
	// reached yet would violate them.
	roleNotNull = "not_null"
	// roleValidate validates the constraints added NOT VALID, sets NOT
	// NULL through them and attaches unique indexes as constraints, in
	// one transaction that takes no lock blocking writes for long.
	roleValidate = "validate"
)

var roleOrder = []string{roleEnumValue, roleDropIndex, roleEarlyIndex, roleEarlyKey, roleSchema, roleBackfill, roleIndex, roleNotNull, roleValidate}

// step is one file (one version) of a migration.
type step struct {
	Role string
	// Object names what a step of its own is about: the enum type, the
	// index, "table_column" for a backfill.
	Object string
	// NoTx makes the runner apply the file outside a transaction.
	NoTx    bool
	Changes []*Change
}

// steps groups the planned statements into the migration's files, in
// run order: one per role, except that each index, backfill and enum
// value gets a file of its own.
func steps(changes []*Change) []*step {
	var out []*step
	for _, role := range roleOrder {
		byObject := map[string]*step{}
		for _, c := range changes {
			if c.Step != role {
				continue
			}
			key := c.Object
			transactional := role == roleSchema || role == roleNotNull || role == roleValidate
			if transactional {
				key = ""
			}
			s := byObject[key]
			if s == nil {
				s = &step{Role: role, Object: key, NoTx: !transactional}
				byObject[key] = s
				out = append(out, s)
			}
			s.Changes = append(s.Changes, c)
		}
	}
	return out
}

// fileName is the name part of the step's files: the migration's name,
// followed, for a step of its own in a migration of several, by what it
// does: the index it builds ("add_login_users_login_key"), "drop_" and
// the index it drops, "backfill_" and the column it fills, "value_" and
// the enum type, or "validate".
func (s *step) fileName(name string, alone bool) string {
	var suffix string
	switch {
	case alone || s.Role == roleSchema:
		return name
	case s.Role == roleValidate:
		return name + "_validate"
	case s.Role == roleNotNull:
		return name + "_not_null"
	case s.Role == roleIndex || s.Role == roleEarlyIndex || s.Role == roleEarlyKey:
		suffix = s.Object
	case s.Role == roleDropIndex:
		suffix = "drop_" + s.Object
	case s.Role == roleBackfill:
		suffix = "backfill_" + s.Object
	case s.Role == roleEnumValue:
		suffix = "value_" + s.Object
	}
	words := nameWordRE.FindAllString(strings.ToLower(suffix), -1)
	return name + "_" + strings.Join(words, "_")
}

// purpose says in a sentence what the step does, for its note line.
func (s *step) purpose() string {
	switch s.Role {
	case roleEnumValue:
		return fmt.Sprintf("adds a value to enum type %q and commits it, so that the next steps can use it", s.Object)
	case roleDropIndex:
		return fmt.Sprintf("drops index %q without blocking writes (DROP INDEX CONCURRENTLY, outside a transaction)", s.Object)
	case roleBackfill:
		return "fills a column in batches of rows, each in a short transaction; an interrupted run resumes where it stopped"
	case roleEarlyIndex:
		has := func(prefix string) bool {
			return slices.ContainsFunc(s.Changes, func(c *Change) bool { return strings.HasPrefix(c.Cmd, prefix) })
		}
		switch {
		case has("ALTER TABLE "):
			return fmt.Sprintf("builds index %q without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction) and makes it the unique constraint that the foreign keys of the next step need (ADD CONSTRAINT … USING INDEX); an invalid index left by an interrupted build is built again by the next run", s.Object)
		case !has("DROP INDEX "):
			return fmt.Sprintf("builds index %q, which the foreign keys of the next step need, without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run", s.Object)
		}
		return fmt.Sprintf("builds index %q under a name of its own, then drops the index it replaces, whose column a later step drops, both without blocking writes (CONCURRENTLY, outside a transaction), so that the table is never without either; the validate step gives it its name; an invalid index left by an interrupted build is built again by the next run", s.Object)
	case roleEarlyKey:
		const build = " under a name of its own without blocking writes (CREATE UNIQUE INDEX CONCURRENTLY, outside a transaction); the next step makes it the key (ADD CONSTRAINT … PRIMARY KEY USING INDEX) instead of building it under the table's lock; "
		if slices.ContainsFunc(s.Changes, func(c *Change) bool { return strings.HasPrefix(c.Cmd, "ALTER TABLE ") }) {
			return fmt.Sprintf("refuses NULL in the columns primary key %q takes with checks validated without blocking writes, so that the next step sets NOT NULL without a scan, then builds the key's unique index", s.Object) +
				build + "an interrupted run resumes at the statement that failed, and an invalid index it left is built again"
		}
		return fmt.Sprintf("builds the unique index of primary key %q", s.Object) + build + "an invalid index left by an interrupted build is built again by the next run"
	case roleIndex:
		if slices.ContainsFunc(s.Changes, func(c *Change) bool {
			return strings.HasPrefix(c.Cmd, "CREATE ") && strings.Contains(c.Cmd, " ON ONLY ")
		}) {
			return fmt.Sprintf("builds index %q of a partitioned table without blocking writes: made on the table alone (ON ONLY), each declared partition's index built with CREATE INDEX CONCURRENTLY and attached, any other partition's built under its lock by a DO block, outside a transaction; an interrupted run resumes at the statement that failed, and an invalid index it left is built again", s.Object)
		}
		return fmt.Sprintf("builds index %q without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run", s.Object)
	case roleNotNull:
		return "refuses NULL, for new rows, in the columns the backfill filled (NOT VALID checks, validated by the next step)"
	case roleValidate:
		if !slices.ContainsFunc(s.Changes, func(c *Change) bool { return !strings.HasPrefix(c.Cmd, "ALTER INDEX ") }) {
			return "gives the indexes built under names of their own their names, in one transaction"
		}
		return "validates the constraints added NOT VALID, scanning the rows without blocking writes"
	}
	return "the schema changes, in one transaction"
}

// reverseStatements lists the step's down statements.
func (s *step) reverseStatements() []string {
	var out []string
	for _, c := range s.Changes {
		out = append(out, c.Reverse...)
	}
	return out
}
