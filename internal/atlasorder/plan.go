package atlasorder

import (
	"context"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// Plan plans changes with Atlas's PostgreSQL planner, without schema
// qualifiers and indented by two spaces, as the plan called name. Atlas
// orders the changes in a time quadratic in their number; Plan gives it
// Sort's order, found in linear time, whenever Sort knows every change.
func Plan(name string, changes []schema.Change) (*migrate.Plan, error) {
	sorted, presorted := Sort(changes)
	if presorted {
		changes = sorted
	}
	return planAs(name, changes, presorted)
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
