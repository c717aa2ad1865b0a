package migration

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// writerExtras is what the writer adds to a format of the runner's table
// (runtime/migrate.Formats) for the files of lock-safe plans, where the
// format's own tool needs it: the tool's directive that runs a file
// outside a transaction, after cpcgen's (top: at the very start of the
// file, as Atlas wants its directives), and goose's StatementBegin and
// StatementEnd around a statement holding semicolons (a function body).
var writerExtras = map[string]struct {
	directive string
	top       bool
	blocks    bool
}{
	runmigrate.FormatGoose: {directive: "-- +goose NO TRANSACTION", blocks: true},
	runmigrate.FormatAtlas: {directive: "-- atlas:txmode none", top: true},
}

// renderedFile is one file of a new migration.
type renderedFile struct {
	Name string
	Data []byte
	// Up is set on the file holding the first step's up part.
	Up bool
}

// render writes the steps of one migration as files in the given format
// (a row of runtime/migrate's Formats, which the runner reads them by).
// Each step is a version of its own, numbered from first: each change's
// comment line and statement, the down part the reverse statements in
// reverse order, in the format's files and sections, after cpcgen's
// header; the changes the down part cannot undo are noted at its start.
func render(format string, first int64, name string, steps []*step) ([]renderedFile, error) {
	f := runmigrate.LookupFormat(format)
	if f == nil {
		return nil, fmt.Errorf("unknown migrations format %q; use %s", format, strings.Join(runmigrate.FormatNames(), ", "))
	}
	extra := writerExtras[format]
	for _, s := range steps {
		for _, c := range s.Changes {
			for _, sql := range append([]string{c.Cmd}, c.Reverse...) {
				if line := directiveIn(f, sql); line != "" {
					return nil, fmt.Errorf("the SQL to %s holds the line %q, which the runner or %s reads as a marker or directive of the file, not as SQL: "+
						"the migration would not run as written. Change that line of the SQL (a comment or string in a function body, say), "+
						"or write migrations in another format (migrations.format in cpcgen.yaml)", c.Comment, line, f.Name)
				}
			}
		}
	}
	var out []renderedFile
	for i, s := range steps {
		version := fmt.Sprintf("%06d", first+int64(i))
		fname := s.fileName(name, len(steps) == 1)
		header := fmt.Sprintf("-- Migration %s %s, planned by cpcgen migrate diff. Edit it only before it is\n-- applied anywhere, then run cpcgen migrate hash.\n", version, fname)
		if len(steps) > 1 {
			header += fmt.Sprintf("-- cpcgen: note: step %d of %d of migration %s: %s\n", i+1, len(steps), name, s.purpose())
		}
		header += "\n"
		var notes strings.Builder
		for _, c := range s.Changes {
			if c.Irreversible != "" {
				fmt.Fprintf(&notes, "-- cpcgen: irreversible: %s\n", c.Irreversible)
			}
		}
		if notes.Len() > 0 {
			notes.WriteString("\n")
		}
		up, down := body(f, extra.blocks, s.Changes)
		if down == "" && f.HasDown() && notes.Len() == 0 && len(steps) > 1 {
			down = "-- cpcgen: note: nothing to undo in this step\n"
		}
		var top, directive string
		upMarker, downMarker := f.UpMarker, f.DownMarker
		if s.NoTx {
			directive = runmigrate.NoTransaction + "\n"
			switch {
			case extra.directive != "" && extra.top:
				top = extra.directive + "\n\n"
			case extra.directive != "":
				directive += extra.directive + "\n"
			}
			if f.MarkerNoTransaction != "" {
				upMarker += " " + f.MarkerNoTransaction
				downMarker += " " + f.MarkerNoTransaction
			}
		}
		switch {
		case f.DownFile != "":
			downDirective := directive
			if !s.NoTx || len(s.reverseStatements()) == 0 {
				downDirective = ""
			}
			out = append(out,
				renderedFile{Name: f.FileName(version, fname, false), Data: []byte(top + header + directive + up), Up: i == 0},
				renderedFile{Name: f.FileName(version, fname, true), Data: []byte(header + downDirective + notes.String() + down)})
		case upMarker != "":
			data := top + header + directive + upMarker + "\n" + up + "\n" + downMarker + "\n" + notes.String() + down
			out = append(out, renderedFile{Name: f.FileName(version, fname, false), Data: []byte(data), Up: i == 0})
		default:
			out = append(out, renderedFile{Name: f.FileName(version, fname, false), Data: []byte(top + header + directive + up), Up: i == 0})
		}
	}
	return out, nil
}

// body renders the up and down statements of a step: each statement
// after its comment, the down part in reverse order.
func body(f *runmigrate.Format, blocks bool, changes []*Change) (string, string) {
	var up, down strings.Builder
	for _, c := range changes {
		if c.Comment != "" {
			comment := c.Comment
			if f.CapitalComments {
				comment = strings.ToUpper(comment[:1]) + comment[1:]
			}
			up.WriteString("-- " + comment + "\n")
		}
		if c.Directive != "" {
			up.WriteString(c.Directive + "\n")
		}
		statement(&up, blocks, c.Cmd)
	}
	if !f.HasDown() {
		return up.String(), ""
	}
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		if len(c.Reverse) == 0 {
			continue
		}
		if c.Comment != "" {
			down.WriteString("-- reverse: " + c.Comment + "\n")
		}
		for _, r := range c.Reverse {
			statement(&down, blocks, r)
		}
	}
	return up.String(), down.String()
}

// directiveIn returns the first line of a statement that the runner or
// the format's own tool would read as part of the file's structure
// rather than as SQL, or "": goose's annotations (the runner finds
// StatementBegin and StatementEnd anywhere in a line), dbmate's
// markers, a format's directive that runs the file outside a
// transaction, and cpcgen's own directives (-- cpcgen:no-transaction,
// -- cpcgen:lock-timeout, -- cpcgen:backfill), which the runner reads on
// any line. A function body can hold any such line.
func directiveIn(f *runmigrate.Format, sql string) string {
	for _, line := range strings.Split(sql, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case f.Name == runmigrate.FormatGoose && strings.Contains(line, "+goose"),
			f.UpMarker != "" && strings.HasPrefix(trimmed, f.UpMarker),
			f.DownMarker != "" && strings.HasPrefix(trimmed, f.DownMarker),
			slices.Contains(f.NoTransaction, trimmed),
			runmigrate.IsDirective(trimmed):
			return trimmed
		}
	}
	return ""
}

// statement writes one statement and its semicolon; with blocks, a
// statement holding semicolons (a function body) goes between goose's
// StatementBegin and StatementEnd.
func statement(b *strings.Builder, blocks bool, sql string) {
	if blocks && strings.Contains(sql, ";") {
		b.WriteString("-- +goose StatementBegin\n" + sql + ";\n-- +goose StatementEnd\n")
		return
	}
	b.WriteString(sql + ";\n")
}

var nameWordRE = regexp.MustCompile(`[A-Za-z0-9]+`)

// MigrationName turns NAME into the file-name part of a migration:
// lower-case words joined by underscores ("Add nickname" →
// "add_nickname").
func MigrationName(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("the migration needs a name, like add_nickname")
	}
	for _, r := range s {
		if r > 127 || !(r == ' ' || r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", fmt.Errorf("migration name %q may hold only letters, digits, spaces, '-' and '_'; try add_nickname", s)
		}
	}
	words := nameWordRE.FindAllString(strings.ToLower(s), -1)
	name := strings.Join(words, "_")
	if len(name) > 100 {
		return "", fmt.Errorf("migration name %q is longer than 100 characters; shorten it", s)
	}
	return name, nil
}
