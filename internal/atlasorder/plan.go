package atlasorder

import (
	"context"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// Plan plans changes with Atlas's PostgreSQL planner, without schema
// qualifiers and indented by two spaces, as the plan called name. Atlas
// orders the changes in a time quadratic in their number; Plan gives it
// Sort's order, found in linear time, whenever Sort knows every change.
// A comment taken away, which Atlas sets to the empty string, is set to
// NULL, as every other statement of cpcgen that takes a comment away.
func Plan(name string, changes []schema.Change) (*migrate.Plan, error) {
	sorted, presorted := Sort(changes)
	if presorted {
		changes = sorted
	}
	plan, err := planAs(name, changes, presorted)
	if err != nil {
		return nil, err
	}
	for _, c := range plan.Changes {
		c.Cmd = nullComment(c.Cmd)
		switch r := c.Reverse.(type) {
		case string:
			c.Reverse = nullComment(r)
		case []string:
			for i := range r {
				r[i] = nullComment(r[i])
			}
		}
	}
	return plan, nil
}

// planAs plans changes with Atlas: ordering them itself, or, with
// presorted, as they are.
func planAs(name string, changes []schema.Change, presorted bool) (*migrate.Plan, error) {
	q := ""
	return postgres.DefaultPlan.PlanChanges(context.Background(), name, changes, func(o *migrate.PlanOptions) {
		o.SchemaQualifier = &q
		o.Indent = "  "
		if presorted {
			o.Mode = migrate.PlanModeUnsortedDump
		}
	})
}

// nullComment returns a COMMENT ON statement that sets the empty string
// (a string constant of no characters) as one that sets NULL, which
// PostgreSQL takes for the same (no comment), and every other statement
// as it is.
func nullComment(stmt string) string {
	toks, err := sqllex.Lex(stmt)
	n := len(toks)
	if err != nil || n < 5 || !toks[0].Is("COMMENT") || !toks[1].Is("ON") || !toks[n-2].Is("IS") ||
		toks[n-1].Kind != sqllex.String || toks[n-1].Text != "''" {
		return stmt
	}
	return stmt[:toks[n-1].Off] + "NULL" + stmt[toks[n-1].End():]
}
