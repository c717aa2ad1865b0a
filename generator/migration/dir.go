package migration

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// SnapshotFile is the file beside the migrations that holds the schema
// the migrations produce, in Atlas's HCL, so that diffs need no database.
// atlas.sum lists it last.
const SnapshotFile = "cpcgen.snapshot.hcl"

// SumFile is the directory's checksum file, in Atlas's atlas.sum format.
const SumFile = migrate.HashFileName

// Dir is a migrations directory as the planner reads it.
type Dir struct {
	// Path is the directory on disk; Rel the same relative to the project
	// root, slash-separated, for messages and written paths.
	Path string
	Rel  string
	// Format is the configured format.
	Format string
	// Files are the directory's .sql files, sorted by name.
	Files []string
	// LastVersion is the highest version among Files (0 when empty).
	LastVersion int64
	// Snapshot is the schema after the last migration, read from
	// SnapshotFile; an empty schema when there is none. Policies are the
	// row-level security policies of tenant tables after the last
	// migration, which the snapshot keeps beside the schema (Atlas does
	// not model policies). Diff and Uncovered plan on it, which may
	// change it (renames): read the directory again to use it after
	// them.
	Snapshot    *schema.Schema
	Policies    []*ir.Policy
	HasSnapshot bool
	// Distributions are how Citus distributes the tables after the last
	// migration (engine: citus), kept in the snapshot like Policies.
	Distributions []*ir.Distribution
	// EnumComments are the comments of the enum types after the last
	// migration, kept in the snapshot like Policies.
	EnumComments []*EnumComment
	// Usage is what the generated package at the last migration reads
	// and writes, by table, kept in the snapshot; HasUsage is false for a
	// snapshot written before cpcgen recorded it.
	Usage    []*Usage
	HasUsage bool
	// Pending are the contracts earlier expand/contract migrations left
	// for a later migrate diff --contract, kept in the snapshot.
	Pending []*Pending
	// SnapshotErr is why the snapshot could not be read, for a directory
	// read by ReadDirAfterMerge (ReadDir fails instead).
	SnapshotErr error
	// Extensions and Objects are the extensions and the SQL objects after
	// the last migration, objects in the order they were created, kept
	// in the snapshot like Policies.
	Extensions []*ir.Extension
	Objects    []*ir.Object
	// Sum is the content of atlas.sum, nil when there is none.
	Sum []byte
	// data holds the bytes of Files and of the snapshot, by name.
	data map[string][]byte
	// spent is set when planning was given Snapshot itself, which it
	// may have changed: the package's other readers parse the file
	// again (pristineSnapshot).
	spent bool
}

// ReadDir reads the migrations directory rel (relative to root). A
// directory that does not exist reads as empty.
func ReadDir(root, rel, format string) (*Dir, error) {
	return readDir(root, rel, format, false)
}

// ReadDirAfterMerge reads the directory like ReadDir, but a snapshot it
// cannot read (a merge left conflict markers in it) is kept in
// SnapshotErr instead of failing: migrate rebase rebuilds it.
func ReadDirAfterMerge(root, rel, format string) (*Dir, error) {
	return readDir(root, rel, format, true)
}

func readDir(root, rel, format string, tolerant bool) (*Dir, error) {
	d := &Dir{
		Path:     filepath.Join(root, filepath.FromSlash(rel)),
		Rel:      rel,
		Format:   format,
		Snapshot: schema.New(sqlschema.SchemaName),
		data:     map[string][]byte{},
	}
	entries, err := os.ReadDir(d.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read migrations directory %s: %w", rel, err)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
			continue
		}
		switch {
		case strings.HasSuffix(name, ".sql"):
			data, err := os.ReadFile(filepath.Join(d.Path, name))
			if err != nil {
				return nil, fmt.Errorf("read %s/%s: %w", rel, name, err)
			}
			d.data[name] = data
			d.Files = append(d.Files, name)
			if v, ok := runmigrate.VersionOf(name); ok && v > d.LastVersion {
				d.LastVersion = v
			}
		case name == SnapshotFile:
			data, err := os.ReadFile(filepath.Join(d.Path, name))
			if err != nil {
				return nil, fmt.Errorf("read %s/%s: %w", rel, name, err)
			}
			s, err := ParseSnapshot(data)
			if err == nil {
				d.Policies, err = ParsePolicies(data)
			}
			if err == nil {
				d.Distributions, err = ParseDistributions(data)
			}
			if err == nil {
				d.EnumComments, err = ParseEnumComments(data)
			}
			if err == nil {
				d.Extensions, d.Objects, err = ParseObjects(data)
			}
			if err == nil {
				d.Usage, d.HasUsage, err = ParseUsage(data)
			}
			if err == nil {
				d.Pending, err = ParsePending(data)
			}
			d.data[name] = data
			if err != nil && tolerant {
				d.SnapshotErr = err
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%s/%s: %w; restore it from version control, or rebuild it with cpcgen migrate diff --dev-url", rel, name, err)
			}
			d.Snapshot, d.HasSnapshot = s, true
		case name == SumFile:
			if d.Sum, err = os.ReadFile(filepath.Join(d.Path, name)); err != nil {
				return nil, fmt.Errorf("read %s/%s: %w", rel, name, err)
			}
		}
	}
	sort.Strings(d.Files)
	return d, nil
}

// SnapshotContent is what the snapshot file keeps: the schema after the
// last migration and what Atlas's schema does not model.
type SnapshotContent struct {
	Schema *schema.Schema
	// Policies are the row-level security policies of tenant tables.
	Policies []*ir.Policy
	// Distributions are how Citus distributes the tables.
	Distributions []*ir.Distribution
	// EnumComments are the comments of enum types.
	EnumComments []*EnumComment
	// Usage is what the generated package reads and writes (see Usage).
	Usage []*Usage
	// Pending are the contracts left to a later migration.
	Pending []*Pending
	// Extensions and Objects are the extensions and SQL objects, objects
	// in the order they were created.
	Extensions []*ir.Extension
	Objects    []*ir.Object
}

// Snapshot renders the snapshot file's content: Atlas's HCL for
// PostgreSQL, deterministic, after one comment line per row-level
// security policy ("# cpcgen:policy {json}"), per distributed or
// reference table ("# cpcgen:distribution {json}"), per commented enum
// ("# cpcgen:enum-comment {json}"), per table the generated code uses
// ("# cpcgen:usage {json}"), per pending contract ("# cpcgen:pending
// {json}") and per column with a collation ("# cpcgen:collation {json}"),
// after the extension and SQL object lines ("# cpcgen:extension
// {json}", "# cpcgen:object {json}"), which HCL ignores and
// ParsePolicies, ParseDistributions, ParseEnumComments, ParseUsage,
// ParsePending and ParseObjects read.
func Snapshot(c SnapshotContent) ([]byte, error) {
	sl, restore, err := setColumnLines(c.Schema)
	if err != nil {
		return nil, err
	}
	restoreTimes := zeroPrecisionTimes(c.Schema)
	data, err := marshalHCL(c.Schema)
	restoreTimes()
	restore()
	if err != nil {
		return nil, fmt.Errorf("render snapshot: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("# " + snapshotHeader + "\n")
	b.Write(sl)
	for _, err := range []error{
		writeLines(&b, extensionPrefix, c.Extensions),
		writeLines(&b, objectPrefix, c.Objects),
		writeLines(&b, policyPrefix, sortedPolicies(c.Policies)),
		writeLines(&b, distributionPrefix, sortedDistributions(c.Distributions)),
		writeLines(&b, enumCommentPrefix, c.EnumComments),
		writeLines(&b, usagePrefix, c.Usage),
		writeLines(&b, pendingPrefix, sortedPending(c.Pending)),
		writeCollations(&b, c.Schema),
	} {
		if err != nil {
			return nil, err
		}
	}
	b.Write(data)
	return b.Bytes(), nil
}

// policyPrefix starts the snapshot's policy lines.
const policyPrefix = "# cpcgen:policy "

// ParsePolicies reads the policy lines of a snapshot file.
func ParsePolicies(data []byte) ([]*ir.Policy, error) {
	return parseLines(data, policyPrefix, "policy", func(p *ir.Policy) bool { return p.Table != "" && p.Column != "" && p.Type != "" })
}

// sortedPolicies orders policies by table.
func sortedPolicies(ps []*ir.Policy) []*ir.Policy {
	out := append([]*ir.Policy(nil), ps...)
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out
}

// snapshotHeader is the first line of the snapshot file.
const snapshotHeader = "Schema after the last migration, written by cpcgen migrate diff; listed in atlas.sum."

// ParseSnapshot reads a snapshot file back into a schema.
func ParseSnapshot(data []byte) (*schema.Schema, error) {
	var r schema.Realm
	if err := postgres.EvalHCLBytes(data, &r, nil); err != nil {
		return nil, fmt.Errorf("parse snapshot: %w", err)
	}
	switch len(r.Schemas) {
	case 0:
		return schema.New(sqlschema.SchemaName), nil
	case 1:
		if err := applySetColumns(data, r.Schemas[0]); err != nil {
			return nil, err
		}
		if err := applyCollations(data, r.Schemas[0]); err != nil {
			return nil, err
		}
		linkEnumArrays(r.Schemas[0])
		return r.Schemas[0], nil
	}
	return nil, fmt.Errorf("parse snapshot: %d schemas, want 1", len(r.Schemas))
}

// setColumnsPrefix starts the snapshot's lines for the foreign keys
// whose ON DELETE SET NULL or SET DEFAULT lists the columns it sets
// (sqlschema.SetColumns): Atlas's HCL keeps only the action.
const setColumnsPrefix = "# cpcgen:fk-set-columns "

// setColumnsLine is one foreign key's line.
type setColumnsLine struct {
	Table      string   `json:"table"`
	Constraint string   `json:"constraint"`
	OnDelete   string   `json:"on_delete"`
	Columns    []string `json:"columns"`
}

// setColumnLines returns the snapshot lines of s's foreign keys whose
// action lists columns, and leaves only the action in s until restore
// is called.
func setColumnLines(s *schema.Schema) ([]byte, func(), error) {
	var b bytes.Buffer
	var undo []func()
	restore := func() {
		for _, f := range undo {
			f()
		}
	}
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			action, cols := sqlschema.SplitColumns(fk.OnDelete)
			if cols == nil {
				continue
			}
			line, err := json.Marshal(setColumnsLine{Table: t.Name, Constraint: fk.Symbol, OnDelete: string(action), Columns: cols})
			if err != nil {
				restore()
				return nil, nil, fmt.Errorf("render snapshot: %w", err)
			}
			b.WriteString(setColumnsPrefix)
			b.Write(line)
			b.WriteString("\n")
			fk, was := fk, fk.OnDelete
			fk.OnDelete = action
			undo = append(undo, func() { fk.OnDelete = was })
		}
	}
	return b.Bytes(), restore, nil
}

// linkEnumArrays gives the array columns of s whose elements are an
// enum of s that enum as their element type, as the schema built from
// the specs has it. The snapshot writes such a type as
// sql("\"status\"[]"), with the enum's name quoted and lower-cased
// ("Role"[] becomes "role"[]), and Atlas reads it back as an array of an
// unknown type (it finds the enum only by its bare name), which would
// compare as changed with the specs' on every check and migrate diff. An
// enum whose name differs from another's only in case is found by its
// exact name only.
func linkEnumArrays(s *schema.Schema) {
	enums := map[string]*schema.EnumType{}
	folded := map[string][]*schema.EnumType{}
	for _, o := range s.Objects {
		if e, ok := o.(*schema.EnumType); ok {
			enums[e.T] = e
			folded[strings.ToLower(e.T)] = append(folded[strings.ToLower(e.T)], e)
		}
	}
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			a, ok := c.Type.Type.(*postgres.ArrayType)
			if !ok {
				continue
			}
			if _, ok := a.Type.(*schema.EnumType); ok {
				continue
			}
			elem := strings.TrimRight(a.T, "[]")
			if len(elem) > 1 && elem[0] == '"' && elem[len(elem)-1] == '"' {
				elem = strings.ReplaceAll(elem[1:len(elem)-1], `""`, `"`)
			}
			e := enums[elem]
			if f := folded[strings.ToLower(elem)]; e == nil && len(f) == 1 {
				e = f[0]
			}
			if e != nil {
				a.Type = e
				a.T = names.QuoteIdent(e.T) + strings.Repeat("[]", strings.Count(a.T, "[]"))
			}
		}
	}
}

// applySetColumns puts back the columns of the foreign keys' actions
// that the snapshot's lines list.
func applySetColumns(data []byte, s *schema.Schema) error {
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), setColumnsPrefix)
		if !ok {
			continue
		}
		var l setColumnsLine
		if err := json.Unmarshal([]byte(rest), &l); err != nil || len(l.Columns) == 0 {
			return fmt.Errorf("parse snapshot: bad foreign key line %q", clipLine(line))
		}
		t, ok := s.Table(l.Table)
		if !ok {
			return fmt.Errorf("parse snapshot: foreign key line for unknown table %q", l.Table)
		}
		fk, ok := t.ForeignKey(l.Constraint)
		if !ok {
			return fmt.Errorf("parse snapshot: foreign key line for unknown constraint %q of table %q", l.Constraint, l.Table)
		}
		fk.OnDelete = sqlschema.SetColumns(schema.ReferenceOption(l.OnDelete), l.Columns...)
	}
	return nil
}

// snapshotAndSum adds snap to the files of the directory rel (data, by
// name) and returns the two files that end every change to it: the
// snapshot and the atlas.sum of all its files.
func snapshotAndSum(rel string, data map[string][]byte, snap []byte) ([]File, error) {
	data[SnapshotFile] = snap
	sum, err := SumOf(data)
	if err != nil {
		return nil, err
	}
	return []File{{Path: path.Join(rel, SnapshotFile), Data: snap}, {Path: path.Join(rel, SumFile), Data: sum}}, nil
}

// SumOf computes atlas.sum for a directory's files: the .sql files in
// name order, then the snapshot (when present), hashed the way Atlas
// does (migrate.NewHashFile).
func SumOf(files map[string][]byte) ([]byte, error) {
	var names []string
	for n := range files {
		if strings.HasSuffix(n, ".sql") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if _, ok := files[SnapshotFile]; ok {
		names = append(names, SnapshotFile)
	}
	list := make([]migrate.File, len(names))
	for i, n := range names {
		list[i] = migrate.NewLocalFile(n, files[n])
	}
	sum, err := migrate.NewHashFile(list)
	if err != nil {
		return nil, fmt.Errorf("compute %s: %w", SumFile, err)
	}
	return sum.MarshalText()
}

// CheckSum compares the directory's atlas.sum with its files. It returns
// nil when they match or the directory has no migrations at all.
func (d *Dir) CheckSum() error {
	if len(d.Files) == 0 && !d.HasSnapshot && d.Sum == nil {
		return nil
	}
	want, err := SumOf(d.data)
	if err != nil {
		return err
	}
	if d.Sum == nil {
		return fmt.Errorf("%s/%s is missing; run `cpcgen migrate hash` after checking the directory's files", d.Rel, SumFile)
	}
	if bytes.Equal(want, d.Sum) {
		return nil
	}
	return fmt.Errorf("%s/%s does not match the directory (%s); restore the files from version control, or, if the edit is intended and not applied anywhere, run `cpcgen migrate hash`",
		d.Rel, SumFile, sumDifference(d.Sum, want))
}

// sumDifference names the first file whose line differs between two sums.
func sumDifference(have, want []byte) string {
	var h, w migrate.HashFile
	if err := h.UnmarshalText(have); err != nil {
		return "the sum file itself was edited"
	}
	_ = w.UnmarshalText(want)
	listed := map[string]string{}
	for _, l := range h {
		listed[l.N] = l.H
	}
	for _, l := range w {
		hh, ok := listed[l.N]
		switch {
		case !ok:
			return l.N + " is not listed"
		case hh != l.H:
			return l.N + " changed"
		}
		delete(listed, l.N)
	}
	for _, l := range h {
		if _, ok := listed[l.N]; ok {
			return l.N + " was removed"
		}
	}
	return "the files changed"
}

// Hash recomputes atlas.sum for the directory as it is and returns the
// file to write.
func (d *Dir) Hash() ([]byte, error) { return SumOf(d.data) }

// zeroPrecisionTimes gives the time types of precision 0 in s their
// long names (timestamp without time zone) until the returned function
// is called: under its short name, which a snapshot reads back, the
// HCL writer leaves a precision of 0 out, and the next read took
// timestamp(0) for timestamp(6).
func zeroPrecisionTimes(s *schema.Schema) (restore func()) {
	long := map[string]string{"timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
		"time": "time without time zone", "timetz": "time with time zone"}
	var undo []func()
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			tt, ok := c.Type.Type.(*schema.TimeType)
			if !ok || tt.Precision == nil || *tt.Precision != 0 || long[tt.T] == "" {
				continue
			}
			short := tt.T
			tt.T = long[short]
			undo = append(undo, func() { tt.T = short })
		}
	}
	return func() {
		for _, u := range undo {
			u()
		}
	}
}
