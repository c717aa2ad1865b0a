package migration

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
)

// Options configure Diff.
type Options struct {
	// Name is the migration's name, already checked by MigrationName.
	Name string
	// AllowDestructive lets destructive and data-dependent changes
	// through; they are still reported.
	AllowDestructive bool
	// Current, when set, is the schema the existing migrations produce,
	// as inspected from a database they were replayed into (--dev-url);
	// otherwise the directory's snapshot is.
	Current *schema.Schema
	// Desired, when set, replaces the spec's schema in the comparison:
	// the spec's schema as that database normalizes it. The snapshot
	// written is always the spec's own.
	Desired *schema.Schema
}

// Result is what Diff planned.
type Result struct {
	// Version is the new migration's number, "000003".
	Version string
	// Planned are the statements; Planned.Empty() means no changes.
	Planned *Planned
	// Findings are the risks found, blocking ones first.
	Findings []Finding
	// Irreversible lists the changes the down migration cannot undo.
	Irreversible []string
	// Blocked is set when blocking findings stopped the diff: Files is
	// then empty.
	Blocked bool
	// Files are the files to write, paths relative to the project root:
	// the migration's files, the snapshot and atlas.sum.
	Files []File
}

// File is one file Diff wants written.
type File struct {
	Path string
	Data []byte
}

// ErrNoSnapshot is returned by Diff for a directory with migrations but
// no snapshot, when no database was given to replay them into.
var ErrNoSnapshot = errors.New("the migrations directory has migrations but no " + SnapshotFile +
	"; run cpcgen migrate diff with --dev-url once to compute it from the migrations")

// Diff compares the schema the directory's migrations produce with the
// package's and plans the next migration. It writes nothing; see Write.
func Diff(pkg *ir.Package, dir *Dir, opts Options) (*Result, error) {
	if err := dir.CheckSum(); err != nil {
		return nil, err
	}
	current := opts.Current
	if current == nil {
		if len(dir.Files) > 0 && !dir.HasSnapshot {
			return nil, ErrNoSnapshot
		}
		current = dir.Snapshot
	}
	from := cloneSchema(current)
	desired := sqlschema.AtlasSchema(pkg)
	target := desired
	if opts.Desired != nil {
		target = opts.Desired
	}
	planned, err := planDir(pkg, dir, current, target)
	if err != nil {
		return nil, err
	}
	res := &Result{Version: fmt.Sprintf("%06d", dir.LastVersion+1), Planned: planned}
	if planned.Empty() {
		return res, nil
	}
	for _, c := range planned.Changes {
		if c.Irreversible != "" {
			res.Irreversible = append(res.Irreversible, c.Irreversible)
		}
	}
	files, err := render(dir.Format, res.Version, opts.Name, planned, res.Irreversible)
	if err != nil {
		return nil, err
	}
	var upName string
	var up []byte
	for _, f := range files {
		if f.Up {
			upName, up = f.Name, f.Data
		}
	}
	own := classify(pkg, planned.Schema)
	own = append(own, lintQueries(pkg, planned.Schema)...)
	own = append(own, objectFindings(planned)...)
	atlas, err := atlasLint(pkg, upName, up, planned, from, target)
	if err != nil {
		return nil, err
	}
	res.Findings = merge(own, atlas)
	for _, f := range res.Findings {
		if f.Blocking() && !opts.AllowDestructive {
			res.Blocked = true
		}
	}
	if res.Blocked {
		return res, nil
	}
	snap, err := Snapshot(desired, pkg.Policies, pkg.Distributions, enumComments(pkg))
	if err == nil {
		snap, err = withObjects(snap, pkg)
	}
	if err != nil {
		return nil, err
	}
	all := map[string][]byte{}
	for n, d := range dir.data {
		all[n] = d
	}
	for _, f := range files {
		if _, exists := all[f.Name]; exists {
			return nil, fmt.Errorf("%s/%s already exists; remove it or renumber the directory", dir.Rel, f.Name)
		}
		all[f.Name] = f.Data
		res.Files = append(res.Files, File{Path: path.Join(dir.Rel, f.Name), Data: f.Data})
	}
	all[SnapshotFile] = snap
	sum, err := SumOf(all)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files,
		File{Path: path.Join(dir.Rel, SnapshotFile), Data: snap},
		File{Path: path.Join(dir.Rel, SumFile), Data: sum})
	return res, nil
}

// cloneSchema copies a schema through its HCL form, so that renames
// applied while planning leave the original alone.
func cloneSchema(s *schema.Schema) *schema.Schema {
	data, err := Snapshot(s, nil, nil, nil)
	if err != nil {
		return s
	}
	c, err := ParseSnapshot(data)
	if err != nil {
		return s
	}
	return c
}

// snapshotCopy returns a copy of the directory's snapshot schema that
// planning may change: parsed again from the file, which costs half of
// what cloneSchema's render and parse do.
func (d *Dir) snapshotCopy() *schema.Schema {
	if data, ok := d.data[SnapshotFile]; ok && d.HasSnapshot {
		if s, err := ParseSnapshot(data); err == nil {
			return s
		}
	}
	return cloneSchema(d.Snapshot)
}

// Uncovered returns the changes of the spec that no migration covers
// yet: the plan from the snapshot to the package's schema, one line per
// change. A checksum mismatch is an error.
func Uncovered(pkg *ir.Package, dir *Dir) ([]string, error) {
	if err := dir.CheckSum(); err != nil {
		return nil, err
	}
	if len(dir.Files) > 0 && !dir.HasSnapshot {
		return nil, ErrNoSnapshot
	}
	planned, err := planDir(pkg, dir, dir.snapshotCopy(), sqlschema.AtlasSchema(pkg))
	if err != nil {
		return nil, err
	}
	return planned.Summary, nil
}

// planDir plans the migration from current, the schema of dir's
// migrations, to target, with what the snapshot keeps beside the schema:
// the row-level security policies, the Citus distribution, the enum
// comments, the extensions and the SQL objects.
func planDir(pkg *ir.Package, dir *Dir, current, target *schema.Schema) (*Planned, error) {
	planned, err := Plan(pkg, current, target)
	if err != nil {
		return nil, err
	}
	planDistributions(planned, pkg, dir.Distributions)
	planEnumComments(planned, pkg, dir.EnumComments)
	planObjects(planned, pkg, dir.Extensions, dir.Objects)
	// After the objects, so that policies are dropped before and created
	// after the function they call (cpcgen_tenant).
	planPolicies(planned, pkg, dir.Policies)
	return planned, nil
}

// Write writes files under root all or nothing as far as the file system
// allows: every file is first written beside its target under a temporary
// name, and only when all are written are they renamed into place, the
// checksum file last.
func Write(root string, files []File) error {
	type staged struct{ tmp, dst string }
	var plan []staged
	cleanup := func() {
		for _, s := range plan {
			os.Remove(s.tmp)
		}
	}
	for _, f := range files {
		dst := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
		if err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		_, werr := tmp.Write(f.Data)
		if werr == nil {
			werr = tmp.Sync()
		}
		if cerr := tmp.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Chmod(tmp.Name(), 0o644)
		}
		plan = append(plan, staged{tmp: tmp.Name(), dst: dst})
		if werr != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", f.Path, werr)
		}
	}
	for i, s := range plan {
		if err := os.Rename(s.tmp, s.dst); err != nil {
			for _, rest := range plan[i:] {
				os.Remove(rest.tmp)
			}
			return fmt.Errorf("write %s: %w", files[i].Path, err)
		}
	}
	return nil
}
