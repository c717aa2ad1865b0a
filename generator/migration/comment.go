package migration

import (
	"fmt"
	"iter"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// EnumComment is the comment of an enum type as the snapshot keeps it:
// Atlas models no comment on a type, so the snapshot holds one line per
// commented enum ("# cpcgen:enum-comment {json}").
type EnumComment struct {
	Enum    string `json:"enum"`
	Comment string `json:"comment"`
}

// enumCommentPrefix starts the snapshot's enum comment lines.
const enumCommentPrefix = "# cpcgen:enum-comment "

// enumComments returns the comments of pkg's enums, by enum name.
func enumComments(pkg *ir.Package) []*EnumComment {
	var out []*EnumComment
	for _, e := range pkg.Enums {
		if e.Comment != "" {
			out = append(out, &EnumComment{Enum: e.SQLName, Comment: e.Comment})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Enum < out[j].Enum })
	return out
}

// ParseEnumComments reads the enum comment lines of a snapshot file.
func ParseEnumComments(data []byte) ([]*EnumComment, error) {
	return parseLines(data, enumCommentPrefix, "enum comment", func(c *EnumComment) bool { return c.Enum != "" })
}

// planEnumComments adds to p, after every other change (so after the
// types are created or renamed), a COMMENT ON TYPE for each enum of pkg
// whose comment differs from the one current (the snapshot's) has for it
// or, renamed by renamed_from, for its old name, or that the migration
// creates (a new enum, or one replaced to drop or reorder values: the
// type made has no comment yet). And each enum type the down migration
// makes again (a dropped one, or the old one of a replaced enum, made
// under its aside name and renamed back) gets its comment back after
// the reverse statement that creates it.
func planEnumComments(p *Planned, pkg *ir.Package, current []*EnumComment) {
	have := map[string]string{}
	for _, c := range current {
		have[c.Enum] = c.Comment
	}
	created := map[string]bool{}
	for _, c := range p.Changes {
		if name, ok := createdEnum(c.Cmd); ok {
			created[name] = true
		}
	}
	for _, e := range pkg.Enums {
		old, ok := have[e.SQLName]
		if !ok && e.RenamedFrom != "" {
			old = have[e.RenamedFrom]
		}
		if created[e.SQLName] {
			old = ""
		}
		if old == e.Comment {
			continue
		}
		p.Changes = append(p.Changes, &Change{
			Cmd:     sqlschema.CommentOnType(e.SQLName, e.Comment),
			Reverse: []string{sqlschema.CommentOnType(e.SQLName, old)},
			Comment: fmt.Sprintf("set comment to enum type %q", e.SQLName),
		})
		p.Summary = append(p.Summary, fmt.Sprintf("set comment to enum type %q", e.SQLName))
	}
	// The comments the down migration gives back, by the name its
	// CREATE TYPE makes: an enum's own, or a replaced one's aside name.
	back := map[string]string{}
	for _, c := range current {
		back[asideName(c.Enum)] = c.Comment
	}
	maps.Copy(back, have)
	for _, c := range p.Changes {
		for i := 0; i < len(c.Reverse); i++ {
			name, ok := createdEnum(c.Reverse[i])
			if comment := back[name]; ok && comment != "" {
				c.Reverse = slices.Insert(c.Reverse, i+1, sqlschema.CommentOnType(name, comment))
				i++
			}
		}
	}
}

// createdEnumRE matches a statement creating an enum type, capturing its
// quoted name.
var createdEnumRE = regexp.MustCompile(`^CREATE TYPE ("(?:[^"]|"")+") AS ENUM `)

// createdEnum returns the name of the enum type stmt creates, if it
// creates one.
func createdEnum(stmt string) (string, bool) {
	m := createdEnumRE.FindStringSubmatch(stmt)
	if m == nil {
		return "", false
	}
	return unquoteIdent(m[1]), true
}

// droppedColumnComments gives the reverse of a dropped column its
// comment back: Atlas's reverse of DROP COLUMN adds the column again
// without it (its reverse of DROP TABLE keeps the comments). The
// COMMENT ON COLUMN follows the reverse statement that adds the column.
func droppedColumnComments(planned []*Change, changes []schema.Change) {
	for mt, d := range droppedColumns(changes) {
		stmt := columnCommentSQL(mt.T.Name, d.C)
		if stmt == "" {
			continue
		}
		table, col := quote(mt.T.Name), quote(d.C.Name)
		for _, p := range planned {
			i := slices.IndexFunc(p.Reverse, func(r string) bool {
				return strings.HasPrefix(r, "ALTER TABLE "+table+" ") && strings.Contains(r, "ADD COLUMN "+col+" ")
			})
			if i >= 0 {
				p.Reverse = slices.Insert(p.Reverse, i+1, stmt)
				break
			}
		}
	}
}

// droppedColumns yields each column drop of changes with the change of
// its table.
func droppedColumns(changes []schema.Change) iter.Seq2[*schema.ModifyTable, *schema.DropColumn] {
	return func(yield func(*schema.ModifyTable, *schema.DropColumn) bool) {
		for _, c := range changes {
			mt, ok := c.(*schema.ModifyTable)
			if !ok {
				continue
			}
			for _, tc := range mt.Changes {
				if d, ok := tc.(*schema.DropColumn); ok && !yield(mt, d) {
					return
				}
			}
		}
	}
}

// columnCommentSQL returns the statement giving column c of table its
// comment, or "" when it has none.
func columnCommentSQL(table string, c *schema.Column) string {
	comment := attrOf[schema.Comment](c.Attrs)
	if comment == nil || comment.Text == "" {
		return ""
	}
	return "COMMENT ON COLUMN " + quote(table) + "." + quote(c.Name) + " IS " + names.QuoteLiteral(comment.Text)
}

// commentTargets returns what the COMMENT ON statements of sql comment
// on, as written after ON ("FUNCTION random_string(int4)").
func commentTargets(sql string) []string {
	toks, err := sqllex.Lex(sql)
	if err != nil {
		return nil
	}
	var out []string
	for len(toks) > 0 {
		end := slices.IndexFunc(toks, func(t sqllex.Tok) bool { return t.IsPunct(";") })
		if end < 0 {
			end = len(toks)
		}
		stmt := toks[:end]
		toks = toks[min(end+1, len(toks)):]
		if len(stmt) < 4 || !stmt[0].Is("comment") || !stmt[1].Is("on") {
			continue
		}
		for j := 3; j < len(stmt); j++ {
			if stmt[j].Is("is") {
				out = append(out, sql[stmt[2].Off:stmt[j-1].End()])
				break
			}
		}
	}
	return out
}

// uncomment returns the statements that take away the comments the
// COMMENT ON statements of from set and those of to do not (CREATE OR
// REPLACE leaves an object's comment as it was), each ending in a
// semicolon and a newline: "" when to sets every one again.
func uncomment(from, to string) string {
	fold := func(target string) string { return strings.ToLower(strings.Join(strings.Fields(target), " ")) }
	have := map[string]bool{}
	for _, t := range commentTargets(to) {
		have[fold(t)] = true
	}
	var b strings.Builder
	for _, t := range commentTargets(from) {
		if !have[fold(t)] {
			b.WriteString("COMMENT ON " + t + " IS NULL;\n")
		}
	}
	return b.String()
}
