package migration

import (
	"fmt"
	"regexp"
	"strings"

	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// renderedFile is one file of a new migration.
type renderedFile struct {
	Name string
	Data []byte
	// Up is set on the file holding the up part.
	Up bool
}

// render writes the planned changes as the files of one migration in the
// given format (a row of runtime/migrate's Formats, which the runner
// reads them by): each change's comment line and statement, the down
// part the reverse statements in reverse order, in the format's files
// and sections, after cpcgen's header. version is the zero-padded
// sequence number. irreversible lists the changes the down part cannot
// undo, noted at its start.
func render(format, version, name string, p *Planned, irreversible []string) ([]renderedFile, error) {
	f := runmigrate.LookupFormat(format)
	if f == nil {
		return nil, fmt.Errorf("unknown migrations format %q; use %s", format, strings.Join(runmigrate.FormatNames(), ", "))
	}
	comment := func(c string) string {
		if f.CapitalComments && c != "" {
			return strings.ToUpper(c[:1]) + c[1:]
		}
		return c
	}
	var up, down strings.Builder
	for _, c := range p.Changes {
		if c.Comment != "" {
			fmt.Fprintf(&up, "-- %s\n", comment(c.Comment))
		}
		fmt.Fprintf(&up, "%s;\n", c.Cmd)
	}
	for i := len(p.Changes) - 1; i >= 0; i-- {
		c := p.Changes[i]
		if len(c.Reverse) == 0 {
			continue
		}
		if c.Comment != "" {
			fmt.Fprintf(&down, "-- reverse: %s\n", c.Comment)
		}
		for _, r := range c.Reverse {
			fmt.Fprintf(&down, "%s;\n", r)
		}
	}
	header := fmt.Sprintf("-- Migration %s %s, planned by cpcgen migrate diff. Edit it only before it is\n-- applied anywhere, then run cpcgen migrate hash.\n\n", version, name)
	var notes strings.Builder
	for _, r := range irreversible {
		fmt.Fprintf(&notes, "-- cpcgen: irreversible: %s\n", r)
	}
	if notes.Len() > 0 {
		notes.WriteString("\n")
	}
	upData := header + up.String()
	if f.UpMarker != "" {
		upData = header + f.UpMarker + "\n" + up.String() + "\n" + f.DownMarker + "\n" + notes.String() + down.String()
	}
	out := []renderedFile{{Name: f.FileName(version, name, false), Data: []byte(upData), Up: true}}
	if f.DownFile != "" {
		out = append(out, renderedFile{Name: f.FileName(version, name, true), Data: []byte(header + notes.String() + down.String())})
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
