package migration

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"

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
	// AllowBreaking lets through the changes that break the code still
	// running during the deploy (the generated package at the last
	// migration), and plans renamed_from as a RENAME and drops at once
	// instead of expand/contract: for teams that stop the world.
	AllowBreaking bool
	// AllowRewrite lets through, with online plans, the changes that
	// rewrite a table under an ACCESS EXCLUSIVE lock.
	AllowRewrite bool
	// Offline plans plain DDL (migrations: {online: false}): no
	// concurrent indexes, constraints validated where they are added,
	// table rewrites reported but not refused. Compatibility with the
	// running code is still checked.
	Offline bool
	// Contract runs the pending contracts of earlier expand/contract
	// migrations: set it once the release they kept columns for runs
	// nowhere any more.
	Contract bool
	// TableSizes, when known (migrate diff --url), estimate the cost of
	// table rewrites, by table name.
	TableSizes map[string]TableSize
	// Current, when set, is the schema the existing migrations produce,
	// as inspected from a database they were replayed into (--dev-url);
	// otherwise the directory's snapshot is.
	Current *schema.Schema
	// Desired, when set, replaces the spec's schema in the comparison:
	// the spec's schema as that database normalizes it. The snapshot
	// written is always the spec's own.
	Desired *schema.Schema
}

// allows reports whether the options let a blocking finding through.
func (o Options) allows(f Finding) bool {
	switch f.Kind {
	case Destructive, DataDependent:
		return o.AllowDestructive
	case Breaking:
		return o.AllowBreaking
	case Rewrite:
		return o.AllowRewrite || o.Offline
	}
	return true
}

// Result is what Diff planned.
type Result struct {
	// Version is the new migration's number, "000003"; Versions are the
	// numbers of all its files when a lock-safe plan needs several
	// (000003, 000004, …), each with its up and down.
	Version  string
	Versions []string
	// Planned are the statements; Planned.Empty() means no changes.
	Planned *Planned
	// Findings are the risks found, blocking ones first.
	Findings []Finding
	// Irreversible lists the changes the down migration cannot undo.
	Irreversible []string
	// Blocked is set when blocking findings stopped the diff (their
	// Blocks is set): Files is then empty.
	Blocked bool
	// Files are the files to write, paths relative to the project root:
	// the migration's files, the snapshot and atlas.sum. A plan that only
	// defers drops writes the snapshot alone.
	Files []File
	// Pending are the contracts left after this migration, Contracted
	// those it runs.
	Pending    []*Pending
	Contracted []*Pending
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
	if err := dir.CheckVersions(); err != nil {
		return nil, err
	}
	// Planning changes the schema it starts from (renames); from stays
	// as it was, for the usage and the lint.
	current, from := opts.Current, (*schema.Schema)(nil)
	if current == nil {
		if len(dir.Files) > 0 && !dir.HasSnapshot {
			return nil, ErrNoSnapshot
		}
		from = dir.snapshotCopy()
		current = dir.snapshotToPlan()
	} else {
		from = cloneSchema(current)
	}
	desired := sqlschema.AtlasSchema(pkg)
	target, spec, was := desired, (*schema.Schema)(nil), (*schema.Schema)(nil)
	if opts.Desired != nil {
		target, spec = opts.Desired, desired
		if opts.Current != nil && dir.HasSnapshot {
			was = dir.pristineSnapshot()
		}
	}
	if opts.Contract && len(dir.Pending) == 0 {
		return nil, fmt.Errorf("--contract: no contract is pending in %s; run migrate diff without it", dir.Rel)
	}
	usage := dir.Usage
	if !dir.HasUsage {
		usage = schemaUsage(from)
	}
	planned, err := planDir(pkg, dir, current, target, planOptions{
		online:   !opts.Offline,
		expand:   !opts.Offline && !opts.AllowBreaking,
		usage:    usage,
		pending:  dir.Pending,
		contract: opts.Contract,
		spec:     spec,
		was:      was,
	})
	if err != nil {
		return nil, err
	}
	first := dir.LastVersion + 1
	res := &Result{Version: fmt.Sprintf("%06d", first), Planned: planned, Pending: planned.Pending, Contracted: planned.Contracted}
	started := planned.started()
	if planned.Empty() && len(started) == 0 {
		return res, nil
	}
	since := res.Version
	if planned.Empty() {
		// Only the snapshot changes: the contract dates from the last
		// migration written.
		since = fmt.Sprintf("%06d", dir.LastVersion)
	}
	for _, pc := range started {
		pc.Since = since
	}
	isolateEnumValues(planned.Changes)
	unbindEarlyKeys(planned.Changes)
	stepList := steps(planned.Changes)
	for _, c := range planned.Changes {
		if c.Irreversible != "" {
			res.Irreversible = append(res.Irreversible, c.Irreversible)
		}
	}
	files, err := render(dir.Format, first, opts.Name, stepList)
	if err != nil {
		return nil, err
	}
	for i := range stepList {
		res.Versions = append(res.Versions, fmt.Sprintf("%06d", first+int64(i)))
	}
	var upName string
	var up []byte
	for _, f := range files {
		if f.Up {
			upName, up = f.Name, f.Data
		}
	}
	made := newObjects(planned.Schema)
	own := classify(pkg, planned.Schema, planned.Contracted, planned.again, made)
	own = append(own, classify(pkg, planned.Deferred, nil, nil, made)...)
	own = append(own, compatibility(pkg, usage, planned.Schema, planned.refusals)...)
	own = append(own, compatLabels(usage, planned.relabeled)...)
	own = append(own, rewrites(pkg, from, planned.Schema, opts.TableSizes, !opts.Offline)...)
	own = append(own, lintQueries(pkg, append(append([]schema.Change(nil), planned.Schema...), planned.Deferred...))...)
	own = append(own, planned.Notes...)
	own = append(own, objectFindings(planned)...)
	atlas, err := atlasLint(pkg, upName, up, planned, from, target)
	if err != nil {
		return nil, err
	}
	res.Findings = merge(own, atlas)
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Blocking() && !opts.allows(*f) {
			f.Blocks, res.Blocked = true, true
		}
	}
	if res.Blocked {
		return res, nil
	}
	snap, err := Snapshot(SnapshotContent{
		Schema:        snapshotSchema(desired, current, planned.kept),
		Policies:      pkg.Policies,
		Distributions: pkg.Distributions,
		EnumComments:  enumComments(pkg),
		Usage:         usageOf(pkg),
		Pending:       planned.Pending,
		Extensions:    pkg.Extensions,
		Objects:       pkg.Objects,
	})
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
	last, err := snapshotAndSum(dir.Rel, all, snap)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files, last...)
	return res, nil
}

// cloneSchema copies a schema through its HCL form, so that renames
// applied while planning leave the original alone.
func cloneSchema(s *schema.Schema) *schema.Schema {
	data, err := Snapshot(SnapshotContent{Schema: s})
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
	return cloneSchema(d.pristineSnapshot())
}

// snapshotToPlan returns the directory's snapshot schema for planning,
// which may change it: Snapshot itself the first time (at 5,000 tables
// parsing the snapshot again costs seconds), a copy after.
func (d *Dir) snapshotToPlan() *schema.Schema {
	if d.spent || d.Snapshot == nil {
		return d.snapshotCopy()
	}
	d.spent = true
	return d.Snapshot
}

// pristineSnapshot is Snapshot as read from the file, even after
// planning was given it.
func (d *Dir) pristineSnapshot() *schema.Schema {
	if !d.spent {
		return d.Snapshot
	}
	if data, ok := d.data[SnapshotFile]; ok && d.HasSnapshot {
		if s, err := ParseSnapshot(data); err == nil {
			return s
		}
	}
	return schema.New(d.Snapshot.Name)
}

// Uncovered returns the changes of the spec that no migration covers
// yet: the plan from the snapshot to the package's schema, one line per
// change, without the changes pending contracts will make (see
// Dir.Pending). A checksum mismatch is an error.
func Uncovered(pkg *ir.Package, dir *Dir) ([]string, error) {
	if err := dir.CheckSum(); err != nil {
		return nil, err
	}
	if len(dir.Files) > 0 && !dir.HasSnapshot {
		return nil, ErrNoSnapshot
	}
	planned, err := planDir(pkg, dir, dir.snapshotToPlan(), sqlschema.AtlasSchema(pkg), planOptions{pending: dir.Pending})
	if err != nil {
		return nil, err
	}
	return planned.Summary, nil
}

// planDir plans the migration from current, the schema of dir's
// migrations, to target, with what the snapshot keeps beside the schema:
// the row-level security policies, the Citus distribution, the enum
// comments, the extensions and the SQL objects.
func planDir(pkg *ir.Package, dir *Dir, current, target *schema.Schema, o planOptions) (*Planned, error) {
	o.recreated, o.overloaded = recreatedEarly(pkg, dir.Objects)
	o.objects = append(slices.Clone(dir.Objects), pkg.Objects...)
	o.partitions = map[string][]string{}
	for _, t := range pkg.Tables {
		if t.Partition != nil {
			for _, p := range t.Partition.Partitions {
				o.partitions[t.SQLName] = append(o.partitions[t.SQLName], p.Name)
			}
		}
	}
	o.seqRenames = sequenceRenames(pkg, dir.Objects)
	planned, err := planWith(pkg, current, target, o)
	if err != nil {
		return nil, err
	}
	planDistributions(planned, pkg, dir.Distributions)
	planEnumComments(planned, pkg, dir.EnumComments)
	if err := planObjects(planned, pkg, current, dir.Extensions, dir.Objects); err != nil {
		return nil, err
	}
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
	return WriteAndRemove(root, files, nil)
}

// WriteAndRemove is Write, then removes the files at the paths of remove
// (relative to root): what a renumbering renamed.
func WriteAndRemove(root string, files []File, remove []string) error {
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
	for _, r := range remove {
		if err := os.Remove(filepath.Join(root, filepath.FromSlash(r))); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", r, err)
		}
	}
	return nil
}
