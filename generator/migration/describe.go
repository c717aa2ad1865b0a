package migration

import (
	"fmt"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// summarize names each schema change in a line, such as
// `add column "users"."nickname"` or `drop index "users_email_idx"`.
func summarize(changes []schema.Change) []string {
	var out []string
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			out = append(out, fmt.Sprintf("create table %q", c.T.Name))
		case *schema.DropTable:
			out = append(out, fmt.Sprintf("drop table %q", c.T.Name))
		case *schema.RenameTable:
			out = append(out, fmt.Sprintf("rename table %q to %q", c.From.Name, c.To.Name))
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				if s := describeTableChange(c.T, tc); s != "" {
					out = append(out, s)
				}
			}
		case *schema.AddObject:
			if e, ok := c.O.(*schema.EnumType); ok {
				out = append(out, fmt.Sprintf("create enum type %q", e.T))
			}
		case *schema.DropObject:
			if e, ok := c.O.(*schema.EnumType); ok {
				out = append(out, fmt.Sprintf("drop enum type %q", e.T))
			}
		case *schema.ModifyObject:
			from, ok1 := c.From.(*schema.EnumType)
			to, ok2 := c.To.(*schema.EnumType)
			if ok1 && ok2 {
				for _, v := range addedValues(from, to) {
					out = append(out, fmt.Sprintf("add value %q to enum type %q", v, to.T))
				}
			}
		default:
			out = append(out, fmt.Sprintf("%T", c))
		}
	}
	return out
}

func describeTableChange(t *schema.Table, c schema.Change) string {
	col := func(name string) string { return fmt.Sprintf("%q.%q", t.Name, name) }
	switch c := c.(type) {
	case *schema.AddColumn:
		return "add column " + col(c.C.Name)
	case *schema.DropColumn:
		return "drop column " + col(c.C.Name)
	case *schema.RenameColumn:
		return fmt.Sprintf("rename column %s to %q", col(c.From.Name), c.To.Name)
	case *schema.ModifyColumn:
		var what []string
		switch _, serial := c.To.Type.Type.(*postgres.SerialType); {
		case c.Change.Is(schema.ChangeType) && collationChanged(c.From, c.To):
			what = append(what, fmt.Sprintf("collation %s → %s", collationName(c.From), collationName(c.To)))
		case retyped(c):
			what = append(what, fmt.Sprintf("type %s → %s", typeString(c.From.Type.Type), typeString(c.To.Type.Type)))
		case c.Change.Is(schema.ChangeType) && serial:
			what = append(what, "serial")
		case c.Change.Is(schema.ChangeType):
			what = append(what, "no longer serial")
		}
		if c.Change.Is(schema.ChangeNull) {
			if c.To.Type.Null {
				what = append(what, "drop NOT NULL")
			} else {
				what = append(what, "set NOT NULL")
			}
		}
		if c.Change.Is(schema.ChangeDefault) {
			what = append(what, "default")
		}
		if c.Change.Is(schema.ChangeComment) {
			what = append(what, "comment")
		}
		if c.Change.Is(schema.ChangeAttr) {
			what = append(what, "identity")
		}
		if c.Change.Is(schema.ChangeGenerated) {
			what = append(what, "generation expression")
		}
		return fmt.Sprintf("alter column %s (%s)", col(c.From.Name), strings.Join(what, ", "))
	case *schema.AddIndex:
		return fmt.Sprintf("add %sindex %q on %q", uniqueWord(c.I), c.I.Name, t.Name)
	case *schema.DropIndex:
		return fmt.Sprintf("drop %sindex %q on %q", uniqueWord(c.I), c.I.Name, t.Name)
	case *schema.ModifyIndex:
		return fmt.Sprintf("change index %q on %q", c.From.Name, t.Name)
	case *schema.RenameIndex:
		return fmt.Sprintf("rename index %q to %q", c.From.Name, c.To.Name)
	case *schema.AddForeignKey:
		return fmt.Sprintf("add foreign key %q on %q", c.F.Symbol, t.Name)
	case *schema.DropForeignKey:
		return fmt.Sprintf("drop foreign key %q on %q", c.F.Symbol, t.Name)
	case *schema.ModifyForeignKey:
		return fmt.Sprintf("change foreign key %q on %q", c.From.Symbol, t.Name)
	case *schema.AddCheck:
		return fmt.Sprintf("add check %q on %q", c.C.Name, t.Name)
	case *schema.DropCheck:
		return fmt.Sprintf("drop check %q on %q", c.C.Name, t.Name)
	case *schema.ModifyCheck:
		return fmt.Sprintf("change check %q on %q", c.From.Name, t.Name)
	case *schema.AddPrimaryKey:
		return fmt.Sprintf("add primary key on %q", t.Name)
	case *schema.DropPrimaryKey:
		return fmt.Sprintf("drop primary key on %q", t.Name)
	case *schema.ModifyPrimaryKey:
		return fmt.Sprintf("change primary key on %q", t.Name)
	case *schema.AddAttr, *schema.ModifyAttr, *schema.DropAttr:
		return fmt.Sprintf("change comment of table %q", t.Name)
	}
	return fmt.Sprintf("%T on %q", c, t.Name)
}

func uniqueWord(i *schema.Index) string {
	if i.Unique {
		return "unique "
	}
	return ""
}

// addedValues lists the labels of to that from lacks.
func addedValues(from, to *schema.EnumType) []string {
	have := map[string]bool{}
	for _, v := range from.Values {
		have[v] = true
	}
	var out []string
	for _, v := range to.Values {
		if !have[v] {
			out = append(out, v)
		}
	}
	return out
}

// typeString formats a column type as PostgreSQL writes it.
func typeString(t schema.Type) string {
	if e, ok := t.(*schema.EnumType); ok {
		return e.T
	}
	s, err := postgres.FormatType(t)
	if err != nil {
		return fmt.Sprintf("%T", t)
	}
	return s
}
