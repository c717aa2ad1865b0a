package migration

import (
	"fmt"
	"regexp"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
)

// formatters are the migration-directory formatters of each format:
// Atlas's own, with the version the file names start with replaced by
// cpcgen's sequence number.
var formatters = map[string]migrate.Formatter{
	"golang-migrate": sqltool.GolangMigrateFormatter,
	"goose":          sqltool.GooseFormatter,
	"flyway":         sqltool.FlywayFormatter,
	"dbmate":         sqltool.DBMateFormatter,
	"atlas":          migrate.DefaultFormatter,
}

// downMarkers are the lines after which single-file formats hold the
// down part.
var downMarkers = map[string]string{
	"goose":  "-- +goose Down\n",
	"dbmate": "-- migrate:down\n",
}

// fileVersionRE matches the version a formatter put at the start of a
// file name.
var fileVersionRE = regexp.MustCompile(`^([VU]?)[0-9]+`)

// renderedFile is one file of a new migration.
type renderedFile struct {
	Name string
	Data []byte
	// Up is set on the file holding the up part.
	Up bool
}

// render writes the planned changes as the files of one migration in the
// given format. version is the zero-padded sequence number.
func render(format, version, name string, p *Planned, irreversible []string) ([]renderedFile, error) {
	f, ok := formatters[format]
	if !ok {
		return nil, fmt.Errorf("unknown migrations format %q; use golang-migrate, goose, flyway, dbmate or atlas", format)
	}
	plan := &migrate.Plan{Name: name, Version: version}
	for _, c := range p.Changes {
		mc := &migrate.Change{Cmd: c.Cmd, Comment: c.Comment}
		switch len(c.Reverse) {
		case 0:
		case 1:
			mc.Reverse = c.Reverse[0]
		default:
			mc.Reverse = c.Reverse
		}
		plan.Changes = append(plan.Changes, mc)
	}
	files, err := f.Format(plan)
	if err != nil {
		return nil, fmt.Errorf("render migration: %w", err)
	}
	header := fmt.Sprintf("-- Migration %s %s, planned by cpcgen migrate diff. Edit it only before it is\n-- applied anywhere, then run cpcgen migrate hash.\n\n", version, name)
	var notes strings.Builder
	for _, r := range irreversible {
		fmt.Fprintf(&notes, "-- cpcgen: irreversible: %s\n", r)
	}
	if notes.Len() > 0 {
		notes.WriteString("\n")
	}
	var out []renderedFile
	for i, file := range files {
		fname := fileVersionRE.ReplaceAllString(file.Name(), "${1}"+version)
		data := string(file.Bytes())
		up := i == 0
		isDown := !up && (format == "golang-migrate" || format == "flyway")
		switch {
		case isDown:
			data = header + notes.String() + data
		default:
			data = header + data
			if m, ok := downMarkers[format]; ok && notes.Len() > 0 {
				data = strings.Replace(data, m, m+notes.String(), 1)
			}
		}
		out = append(out, renderedFile{Name: fname, Data: []byte(data), Up: up})
	}
	return out, nil
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
