package migration

import (
	"fmt"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// compatibility classifies the schema changes a migration applies now
// against the code still running while it is applied: the generated
// package at the last migration, whose reads and writes the snapshot
// recorded (us). A change that makes a statement of that code fail is a
// Breaking finding, which stops the diff unless --allow-breaking: during
// a rolling deploy the old release keeps serving after the migration
// ran. Expand/contract plans (renames, deferred drops) are not breaking:
// they keep what the old code uses until the contract.
func compatibility(pkg *ir.Package, us []*Usage, changes []schema.Change, refusals map[string]string) []Finding {
	var out []Finding
	oldName := map[string]string{}
	for _, c := range changes {
		if r, ok := c.(*schema.RenameTable); ok {
			oldName[r.To.Name] = r.From.Name
		}
	}
	usage := func(table string) *Usage {
		if u := usageOfTable(us, table); u != nil {
			return u
		}
		return usageOfTable(us, oldName[table])
	}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			if usage(c.T.Name) != nil {
				out = append(out, Finding{
					Kind: Breaking, Code: "CPC501",
					Message: fmt.Sprintf("drop table %q breaks the running code: its repository reads and writes the table", c.T.Name),
					Hint:    "stop calling its repository in a release first and deploy it everywhere (keep the table in the specs until then), then drop it; run again with --allow-breaking once no running code uses it",
				})
			}
		case *schema.RenameTable:
			if usage(c.From.Name) != nil {
				out = append(out, Finding{
					Kind: Breaking, Code: "CPC502", Pos: tablePos(pkg, c.To.Name),
					Message: fmt.Sprintf("rename table %q to %q breaks the running code, which reads and writes %q", c.From.Name, c.To.Name, c.From.Name),
					Hint:    "renaming a table cannot be made online; create the new table, copy the rows and switch the code over several releases, or stop the world: run again with --allow-breaking",
				})
			}
		case *schema.ModifyTable:
			out = append(out, compatTable(pkg, usage(c.T.Name), c, refusals)...)
		}
	}
	return out
}

func compatTable(pkg *ir.Package, u *Usage, mt *schema.ModifyTable, refusals map[string]string) []Finding {
	if u == nil {
		return nil // a table the running code does not know
	}
	var out []Finding
	table := mt.T.Name
	regen := regeneratedColumns(mt)
	for _, c := range mt.Changes {
		switch c := c.(type) {
		case *schema.DropColumn:
			if u.reads(c.C.Name) && !regen[c.C.Name] {
				hint := "with online plans (the default) the drop is deferred: the column stays until migrate diff --contract, after this release is deployed everywhere; or stop the world: run again with --allow-breaking"
				if why := refusals[table+"."+c.C.Name]; why != "" {
					hint = "it cannot be kept for the contract: " + why + "; make it nullable (or give it a default) in a release first, or stop the world: run again with --allow-breaking"
				}
				out = append(out, Finding{
					Kind: Breaking, Code: "CPC503", Pos: tablePos(pkg, table),
					Message: fmt.Sprintf("drop column %q.%q breaks the running code: every statement reading %q selects it", table, c.C.Name, table),
					Hint:    hint,
				})
			}
		case *schema.RenameColumn:
			if u.reads(c.From.Name) {
				hint := "with online plans (the default) renamed_from is planned as expand/contract instead; or stop the world: run again with --allow-breaking"
				if why := refusals[table+"."+c.To.Name]; why != "" {
					hint = "it cannot be planned as expand/contract: " + why + "; run again with --allow-breaking to rename it in place while no old code runs"
				}
				out = append(out, Finding{
					Kind: Breaking, Code: "CPC504", Pos: columnPos(pkg, table, c.To.Name),
					Message: fmt.Sprintf("rename column %q.%q to %q breaks the running code, which selects and writes %q", table, c.From.Name, c.To.Name, c.From.Name),
					Hint:    hint,
				})
			}
		case *schema.AddColumn:
			if !c.C.Type.Null && c.C.Default == nil && !isIdentity(c.C) && !isGenerated(c.C) {
				out = append(out, Finding{
					Kind: Breaking, Code: "CPC505", Pos: columnPos(pkg, table, c.C.Name),
					Message: fmt.Sprintf("add column %q.%q NOT NULL without a default breaks the running code: its inserts into %q leave the column out", table, c.C.Name, table),
					Hint:    "give the column a default, or add it with nullable: true now and drop nullable in a later release, once every running release writes it",
				})
			}
		case *schema.ModifyColumn:
			out = append(out, compatColumn(pkg, u, table, c)...)
		}
	}
	return out
}

func compatColumn(pkg *ir.Package, u *Usage, table string, c *schema.ModifyColumn) []Finding {
	var out []Finding
	name := c.From.Name
	pos := columnPos(pkg, table, c.To.Name)
	if fe, te := replacedEnum(c); fe != nil && retyped(c) {
		if gone, _ := enumLoss(fe, te); len(gone) > 0 && u.writes(name) {
			out = append(out, Finding{
				Kind: Breaking, Code: "CPC506", Pos: pos,
				Message: fmt.Sprintf("enum type %q drops %s, which the running code may still write to %q.%q", te.T, quotedList(gone), table, name),
				Hint:    "release code that no longer writes them first, then run again with --allow-breaking",
			})
		}
	} else if retyped(c) {
		desc := fmt.Sprintf("%q.%q from %s to %s", table, name, typeString(c.From.Type.Type), typeString(c.To.Type.Type))
		switch widening(c.From.Type.Type, c.To.Type.Type) {
		case -1:
			if u.writes(name) {
				out = append(out, Finding{
					Kind: Breaking, Code: "CPC506", Pos: pos,
					Message: "narrowing type of " + desc + " breaks the running code, whose writes may not fit",
					Hint:    "add a new column of the narrower type, fill it with a backfill and switch the code to it over two releases; or run again with --allow-breaking",
				})
			}
		case 0:
			if u.reads(name) {
				out = append(out, Finding{
					Kind: Breaking, Code: "CPC507", Pos: pos,
					Message: "changing type of " + desc + " breaks the running code, which reads and writes it as " + typeString(c.From.Type.Type),
					Hint:    "add a new column of the new type, keep both in sync and switch the code to it over two releases; or run again with --allow-breaking",
				})
			}
		}
	}
	if c.Change.Is(schema.ChangeNull) && !c.To.Type.Null && c.From.Type.Null && u.writes(name) {
		out = append(out, Finding{
			Kind: Breaking, Code: "CPC508", Pos: pos,
			Message: fmt.Sprintf("set NOT NULL on %q.%q breaks the running code, which may write NULL into it", table, name),
			Hint:    "deploy a release that always sets the column before this migration (--allow-breaking once it runs everywhere), or give the column a default the old inserts fall back to",
		})
	}
	if filler := stopsFilling(c); filler != "" && !u.inserts(name) {
		out = append(out, Finding{
			Kind: Breaking, Code: "CPC509", Pos: pos,
			Message: fmt.Sprintf("%q.%q stops being %s, which breaks the running code: its inserts leave the column out, and it is NOT NULL without a default", table, name, filler),
			Hint:    "keep a default that fills the column (a sequence's nextval) until every running release sets it, and drop that default in a later release; or run again with --allow-breaking",
		})
	} else if c.Change.Is(schema.ChangeDefault) && c.To.Default == nil && c.From.Default != nil && !c.To.Type.Null &&
		u.writes(name) && !u.inserts(name) {
		out = append(out, Finding{
			Kind: Breaking, Code: "CPC509", Pos: pos,
			Message: fmt.Sprintf("drop the default of %q.%q breaks the running code: its inserts leave the column out when it is not set, and it is NOT NULL", table, name),
			Hint:    "drop the default in a later release, once every running release sets the column; or run again with --allow-breaking",
		})
	}
	return out
}

// stopsFilling names what filled a column the change leaves NOT NULL
// with nothing to fill it (no default, not numbered, not generated): an
// identity, a serial or a generation expression; "" when the column
// keeps one, or had none.
func stopsFilling(c *schema.ModifyColumn) string {
	if c.To.Type.Null || c.To.Default != nil || isIdentity(c.To) || isGenerated(c.To) {
		return ""
	}
	switch {
	case isIdentity(c.From) && numbering(c.From) == "serial":
		return "a serial column"
	case isIdentity(c.From):
		return "an identity column"
	case isGenerated(c.From):
		return "a generated column"
	}
	return ""
}
