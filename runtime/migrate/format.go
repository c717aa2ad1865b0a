package migrate

import (
	"regexp"
	"strconv"
	"strings"
)

// The directory layouts Load reads and cpcgen migrate diff writes: the
// names of the rows of Formats.
const (
	// FormatGolangMigrate is golang-migrate's layout: 000001_name.up.sql
	// and 000001_name.down.sql.
	FormatGolangMigrate = "golang-migrate"
	// FormatGoose is goose's: 000001_name.sql with "-- +goose Up" and
	// "-- +goose Down" sections.
	FormatGoose = "goose"
	// FormatFlyway is Flyway's: V1__name.sql and the undo file
	// U1__name.sql.
	FormatFlyway = "flyway"
	// FormatDbmate is dbmate's: 000001_name.sql with "-- migrate:up" and
	// "-- migrate:down" sections.
	FormatDbmate = "dbmate"
	// FormatAtlas is Atlas's: 000001_name.sql, up only.
	FormatAtlas = "atlas"
)

// DefaultFormat is the format of a project that names none.
const DefaultFormat = FormatGolangMigrate

// Format is one migrations directory layout: how a migration's files are
// named, where its up and down parts are, and which directives run a
// file outside a transaction. The runner reads directories by it and
// cpcgen migrate diff writes them by it.
type Format struct {
	// Name is the format's name in cpcgen.yaml (migrations.format) and
	// Options.Format.
	Name string
	// UpFile names the file holding a migration's up part, DownFile the
	// one holding its down part when that is a file of its own ("" when
	// the down part is a section of the up file, or there is none):
	// {version} and {name} stand for the zero-padded version and the
	// name.
	UpFile   string
	DownFile string
	// UpMarker and DownMarker are the lines that start the up and down
	// sections of a format keeping both in one file ("" for the others).
	UpMarker   string
	DownMarker string
	// NoTransaction are the format's own directives, besides cpcgen's
	// NoTransaction line, that run a file outside a transaction when one
	// stands on a line of its own; MarkerNoTransaction, written after a
	// section marker on its line, does so for that section.
	NoTransaction       []string
	MarkerNoTransaction string
	// CapitalComments is set when the format's tool writes each change's
	// comment line with a capital letter (Atlas's own files); the others
	// keep the planner's lower case.
	CapitalComments bool

	// names matches the format's file names: the submatches version
	// and name, and for formats with a down file part, whose value down
	// marks a down file; namingHint is the pattern errors show.
	names      *regexp.Regexp
	version    int
	name       int
	part       int
	down       string
	namingHint string
}

// Formats are the layouts, DefaultFormat first. Detection (Load with no
// format) tries the ones with a down file by their file names, then the
// ones with sections by their markers, in this order; a directory that
// matches neither is Atlas's.
var Formats = []*Format{
	{
		Name: FormatGolangMigrate, UpFile: "{version}_{name}.up.sql", DownFile: "{version}_{name}.down.sql",
		NoTransaction: []string{"-- atlas:txmode none"},
		names:         regexp.MustCompile(`^([0-9]+)_?(.*)\.(up|down)\.sql$`), version: 1, name: 2, part: 3, down: "down",
		namingHint: "000001_name.up.sql and 000001_name.down.sql",
	},
	{
		Name: FormatGoose, UpFile: "{version}_{name}.sql", UpMarker: "-- +goose Up", DownMarker: "-- +goose Down",
		NoTransaction: []string{"-- +goose NO TRANSACTION"},
		names:         singleNames, version: 1, name: 2, namingHint: "000001_name.sql",
	},
	{
		Name: FormatFlyway, UpFile: "V{version}__{name}.sql", DownFile: "U{version}__{name}.sql",
		NoTransaction: []string{"-- atlas:txmode none"},
		names:         regexp.MustCompile(`^(V|U)([0-9]+)(?:__(.*))?\.sql$`), version: 2, name: 3, part: 1, down: "U",
		namingHint: "V1__name.sql and U1__name.sql",
	},
	{
		Name: FormatDbmate, UpFile: "{version}_{name}.sql", UpMarker: "-- migrate:up", DownMarker: "-- migrate:down",
		MarkerNoTransaction: "transaction:false",
		names:               singleNames, version: 1, name: 2, namingHint: "000001_name.sql",
	},
	{
		Name: FormatAtlas, UpFile: "{version}_{name}.sql", CapitalComments: true,
		NoTransaction: []string{"-- atlas:txmode none"},
		names:         singleNames, version: 1, name: 2, namingHint: "000001_name.sql",
	},
}

// singleNames matches the names of the formats with one file per
// migration.
var singleNames = regexp.MustCompile(`^([0-9]+)(?:_(.*))?\.sql$`)

// LookupFormat returns the format with the given name, or nil.
func LookupFormat(name string) *Format {
	for _, f := range Formats {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// FormatNames returns the formats' names, DefaultFormat first.
func FormatNames() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.Name
	}
	return out
}

// formatList writes the names for messages: "a, b or c".
func formatList() string {
	names := FormatNames()
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// HasDown reports whether migrations of the format have a down part.
func (f *Format) HasDown() bool { return f.DownFile != "" || f.DownMarker != "" }

// FileName names the file of a migration's up part, or of its down part
// (down; "" when the format keeps none in a file of its own).
func (f *Format) FileName(version, name string, down bool) string {
	pattern := f.UpFile
	if down {
		pattern = f.DownFile
	}
	if pattern == "" {
		return ""
	}
	return strings.NewReplacer("{version}", version, "{name}", name).Replace(pattern)
}

// ParseName reads a file name of the format: the version, the name, and
// whether the file holds a down part; ok is false for a name the format
// does not have.
func (f *Format) ParseName(file string) (version int64, name string, down, ok bool) {
	verText, name, down, ok := f.parseName(file)
	if !ok {
		return 0, "", false, false
	}
	v, err := strconv.ParseInt(verText, 10, 64)
	if err != nil {
		return 0, "", false, false
	}
	return v, name, down, true
}

// parseName is ParseName with the version as written.
func (f *Format) parseName(file string) (version, name string, down, ok bool) {
	m := f.names.FindStringSubmatch(file)
	if m == nil {
		return "", "", false, false
	}
	return m[f.version], m[f.name], f.part > 0 && m[f.part] == f.down, true
}

// noTransaction reports whether data holds one of the format's
// directives that run a whole file outside a transaction.
func (f *Format) noTransaction(data string) bool {
	return hasLineDirective(data, append([]string{NoTransaction}, f.NoTransaction...)...)
}

// VersionOf returns the version a migration file's name starts with, in
// whichever format it is named; ok is false for a name of none.
func VersionOf(file string) (version int64, ok bool) {
	for _, f := range Formats {
		if v, _, _, ok := f.ParseName(file); ok {
			return v, true
		}
	}
	return 0, false
}
