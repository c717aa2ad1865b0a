package migration

import (
	"fmt"
	"regexp"
	"strings"
)

// fileFormat is how one migration format lays out a migration: the
// names of its files, where the down part goes, and the format's own
// directives. The layouts are those of Atlas's formatters for each tool
// (ariga.io/atlas/sql/sqltool), with cpcgen's sequence number as the
// version.
type fileFormat struct {
	// up and down name the files of a version; down is "" when the down
	// part shares the up file (sections) or the format has none.
	up, down func(version, name string) string
	// upMarker and downMarker start the sections of a single-file
	// format; noTxUpMarker and noTxDownMarker replace them in a file that
	// runs outside a transaction (dbmate's transaction:false).
	upMarker, downMarker         string
	noTxUpMarker, noTxDownMarker string
	// noTxLines are the format's own lines, after cpcgen's, that make a
	// file run outside a transaction; noTxTop ones go first in the file.
	noTxLines []string
	noTxTop   []string
	// hasDown is false for Atlas's up-only files.
	hasDown bool
	// capitalize writes comments with an upper-case first letter, as
	// Atlas's own formatter does.
	capitalize bool
	// blocks wraps a statement holding semicolons (a function body) in
	// goose's StatementBegin and StatementEnd lines.
	blocks bool
}

// formats are the migration formats cpcgen writes, by name.
var formats = map[string]*fileFormat{
	"golang-migrate": {
		up:      func(v, n string) string { return v + "_" + n + ".up.sql" },
		down:    func(v, n string) string { return v + "_" + n + ".down.sql" },
		hasDown: true,
	},
	"goose": {
		up:         func(v, n string) string { return v + "_" + n + ".sql" },
		upMarker:   "-- +goose Up\n",
		downMarker: "-- +goose Down\n",
		noTxLines:  []string{"-- +goose NO TRANSACTION"},
		hasDown:    true,
		blocks:     true,
	},
	"flyway": {
		up:      func(v, n string) string { return "V" + v + "__" + n + ".sql" },
		down:    func(v, n string) string { return "U" + v + "__" + n + ".sql" },
		hasDown: true,
	},
	"dbmate": {
		up:             func(v, n string) string { return v + "_" + n + ".sql" },
		upMarker:       "-- migrate:up\n",
		downMarker:     "-- migrate:down\n",
		noTxUpMarker:   "-- migrate:up transaction:false\n",
		noTxDownMarker: "-- migrate:down transaction:false\n",
		hasDown:        true,
	},
	"atlas": {
		up:         func(v, n string) string { return v + "_" + n + ".sql" },
		noTxTop:    []string{"-- atlas:txmode none"},
		capitalize: true,
	},
}

// renderedFile is one file of a new migration.
type renderedFile struct {
	Name string
	Data []byte
	// Up is set on the file holding the first step's up part.
	Up bool
}

// noTransaction is the runner's directive (runtime/migrate.NoTransaction).
const noTransaction = "-- cpcgen:no-transaction"

// render writes the steps of one migration as files in the given
// format. Each step is a version of its own, numbered from first.
func render(format string, first int64, name string, steps []*step) ([]renderedFile, error) {
	f, ok := formats[format]
	if !ok {
		return nil, fmt.Errorf("unknown migrations format %q; use golang-migrate, goose, flyway, dbmate or atlas", format)
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
		up, down := f.body(s.Changes)
		if down == "" && f.hasDown && notes.Len() == 0 && len(steps) > 1 {
			down = "-- cpcgen: note: nothing to undo in this step\n"
		}
		var top, directive string
		if s.NoTx {
			for _, l := range f.noTxTop {
				top += l + "\n"
			}
			if top != "" {
				top += "\n"
			}
			directive = noTransaction + "\n"
			for _, l := range f.noTxLines {
				directive += l + "\n"
			}
		}
		upMarker, downMarker := f.upMarker, f.downMarker
		if s.NoTx && f.noTxUpMarker != "" {
			upMarker, downMarker = f.noTxUpMarker, f.noTxDownMarker
		}
		switch {
		case f.down != nil:
			downDirective := directive
			if !s.NoTx || len(s.reverseStatements()) == 0 {
				downDirective = ""
			}
			out = append(out,
				renderedFile{Name: f.up(version, fname), Data: []byte(top + header + directive + up), Up: i == 0},
				renderedFile{Name: f.down(version, fname), Data: []byte(header + downDirective + notes.String() + down)})
		case upMarker != "":
			data := top + header + directive + upMarker + up + "\n" + downMarker + notes.String() + down
			out = append(out, renderedFile{Name: f.up(version, fname), Data: []byte(data), Up: i == 0})
		default:
			out = append(out, renderedFile{Name: f.up(version, fname), Data: []byte(top + header + directive + up), Up: i == 0})
		}
	}
	return out, nil
}

// body renders the up and down statements of a step: each statement
// after its comment, the down part in reverse order.
func (f *fileFormat) body(changes []*Change) (string, string) {
	var up, down strings.Builder
	for _, c := range changes {
		if c.Comment != "" {
			up.WriteString("-- " + f.comment(c.Comment) + "\n")
		}
		if c.Directive != "" {
			up.WriteString(c.Directive + "\n")
		}
		f.statement(&up, c.Cmd)
	}
	if !f.hasDown {
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
			f.statement(&down, r)
		}
	}
	return up.String(), down.String()
}

func (f *fileFormat) comment(s string) string {
	if f.capitalize && s != "" {
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// statement writes one statement and its semicolon; goose gets a
// statement holding semicolons (a function body) between
// StatementBegin and StatementEnd.
func (f *fileFormat) statement(b *strings.Builder, sql string) {
	if f.blocks && strings.Contains(sql, ";") {
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
