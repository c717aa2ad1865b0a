package migration

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// DirMigration is one version of a migrations directory as its file
// names say: the files holding it, and the migration it is a step of.
type DirMigration struct {
	Version int64
	// Name is the name after the version ("add_login_index_users_login_key").
	Name string
	// Files are its files: the up file first, then the down file of the
	// paired formats.
	Files []string
	// Group is the migration a lock-safe plan split into steps, as the
	// step's note line names it ("add_login"); Name otherwise.
	Group string
}

var (
	groupRE  = regexp.MustCompile(`(?m)^-- cpcgen: note: step [0-9]+ of [0-9]+ of migration ([A-Za-z0-9_]+):`)
	headerRE = regexp.MustCompile(`(?m)^-- Migration ([0-9]+) `)
)

// Migrations lists the directory's versions in version order, names
// breaking ties. Two entries with one version are a conflict (see
// CheckVersions). Files that do not follow the format's naming are left
// out; the runner reports them.
func (d *Dir) Migrations() []*DirMigration {
	type key struct {
		v    int64
		name string
	}
	byKey := map[key]*DirMigration{}
	var out []*DirMigration
	for _, f := range d.Files {
		v, name, ok := d.fileVersion(f)
		if !ok {
			continue
		}
		k := key{v, name}
		m := byKey[k]
		if m == nil {
			m = &DirMigration{Version: v, Name: name, Group: name}
			byKey[k] = m
			out = append(out, m)
		}
		m.Files = append(m.Files, f)
		if g := groupRE.FindSubmatch(d.data[f]); g != nil {
			m.Group = string(g[1])
		}
	}
	for _, m := range out {
		// The up file first: it names the migration in messages.
		sort.SliceStable(m.Files, func(i, j int) bool { return isUpFile(m.Files[i]) && !isUpFile(m.Files[j]) })
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Version != out[j].Version {
			return out[i].Version < out[j].Version
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func isUpFile(name string) bool {
	return strings.HasSuffix(name, ".up.sql") || strings.HasPrefix(name, "V")
}

// fileVersion reads the version and the name of a migration file, as
// the directory's format (a row of the runner's table) names them.
func (d *Dir) fileVersion(file string) (int64, string, bool) {
	f := runmigrate.LookupFormat(d.Format)
	if f == nil {
		return 0, "", false
	}
	v, name, _, ok := f.ParseName(file)
	return v, name, ok
}

// Duplicates returns the groups of migrations that share a version, each
// in name order: the trace of two branches that each ran migrate diff
// from the same base and were merged.
func (d *Dir) Duplicates() [][]*DirMigration { return duplicates(d.Migrations()) }

// duplicates groups the migrations of ms (in version order) that share a
// version.
func duplicates(ms []*DirMigration) [][]*DirMigration {
	var out [][]*DirMigration
	for i := 0; i < len(ms); {
		j := i + 1
		for j < len(ms) && ms[j].Version == ms[i].Version {
			j++
		}
		if j-i > 1 {
			out = append(out, ms[i:j])
		}
		i = j
	}
	return out
}

// CheckVersions refuses a directory in which two migrations share a
// version, naming their files and the command that renumbers them.
func (d *Dir) CheckVersions() error {
	dups := d.Duplicates()
	if len(dups) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", d.Rel, DuplicateMessage(dups[0]))
}

// DuplicateMessage says what is wrong with migrations sharing a version
// and how to fix it.
func DuplicateMessage(ms []*DirMigration) string {
	var files, groups []string
	for _, m := range ms {
		files = append(files, m.Files[0])
		groups = append(groups, m.Group)
	}
	return fmt.Sprintf("migrations %s have the same version %d (two branches each added one); run cpcgen migrate rebase NAME with the name of the one the merge brought in (%s), which renumbers it after the others",
		names.JoinAnd(files), ms[0].Version, names.JoinOr(groups))
}

// RebaseOptions configure Rebase.
type RebaseOptions struct {
	// Names are the migrations to renumber, by name ("add_yb", which
	// takes its steps along) or file name; empty: the ones a database
	// (Applied) has not applied among each set sharing a version.
	Names []string
	// Applied are the migrations a database applied (--url), by
	// version: their names. Rebase refuses to renumber one of them.
	Applied map[int64]string
	// Replay, when set (--dev-url), replays the renumbered migration
	// files (by name) into a scratch database and returns its schema,
	// without what the SQL objects the migrations create (objects, those
	// of the merged snapshot) made, and the specs' schema as that
	// database normalizes it: the snapshot is rebuilt from them. Without
	// it the merged snapshot is kept, if it covers the specs.
	Replay func(files map[string][]byte, objects []*ir.Object) (current, desired *schema.Schema, err error)
}

// Move is a migration file Rebase renames.
type Move struct {
	From, To string
}

// RebaseResult is what Rebase wants done.
type RebaseResult struct {
	// Moves are the renamed files, in the directory.
	Moves []Move
	// Files are the files to write (the renamed files with their new
	// headers, the snapshot, atlas.sum), paths relative to the project
	// root; Remove the old paths.
	Files  []File
	Remove []string
	// Rebuilt is set when the snapshot's schema was rebuilt from the
	// replayed migrations; Uncovered then lists what the specs have that
	// they do not produce.
	Rebuilt   bool
	Uncovered []string
}

// Rebase renumbers the migrations a merge brought in after the others,
// as Atlas's migrate rebase does: their files get the next versions after
// the highest one left (in their order), their headers the new numbers,
// and atlas.sum and the snapshot follow. The snapshot the merge left is
// kept when it covers the merged specs; otherwise (git merged only one
// side of it, or it has conflict markers) it must be rebuilt from the
// migrations replayed into a database (opts.Current).
func Rebase(pkg *ir.Package, dir *Dir, opts RebaseOptions) (*RebaseResult, error) {
	ms := dir.Migrations()
	moving, err := rebaseSelection(ms, duplicates(ms), opts)
	if err != nil {
		return nil, err
	}
	for _, m := range moving {
		if name, ok := opts.Applied[m.Version]; ok && name == m.Name {
			return nil, fmt.Errorf("migration %s is applied to the database, so renumbering it would make the runner see it as a new migration; renumber the other one of version %d instead", m.Files[0], m.Version)
		}
	}
	var last int64
	moved := map[*DirMigration]bool{}
	for _, m := range moving {
		moved[m] = true
	}
	for _, m := range ms {
		if !moved[m] && m.Version > last {
			last = m.Version
		}
	}
	data := map[string][]byte{}
	for n, b := range dir.data {
		if n != SnapshotFile {
			data[n] = b
		}
	}
	res := &RebaseResult{}
	renumbered := map[string]string{}
	for i, m := range moving {
		v := last + 1 + int64(i)
		from, to := fmt.Sprintf("%06d", m.Version), fmt.Sprintf("%06d", v)
		renumbered[from] = to
		for _, f := range m.Files {
			nf := renumberName(dir.Format, f, v)
			if _, clash := data[nf]; clash && nf != f {
				return nil, fmt.Errorf("renumbering %s: %s already exists", f, nf)
			}
			content := headerRE.ReplaceAll(dir.data[f], []byte("-- Migration "+to+" "))
			delete(data, f)
			data[nf] = content
			res.Files = append(res.Files, File{Path: path.Join(dir.Rel, nf), Data: content})
			if nf != f {
				res.Moves = append(res.Moves, Move{From: f, To: nf})
				res.Remove = append(res.Remove, path.Join(dir.Rel, f))
			}
		}
	}
	snap, err := rebaseSnapshot(pkg, dir, data, renumbered, opts, res)
	if err != nil {
		return nil, err
	}
	files, err := snapshotAndSum(dir.Rel, data, snap)
	if err != nil {
		return nil, err
	}
	res.Files = append(res.Files, files...)
	return res, nil
}

// rebaseSelection returns the migrations to renumber, in version order.
func rebaseSelection(ms []*DirMigration, dups [][]*DirMigration, opts RebaseOptions) ([]*DirMigration, error) {
	pick := map[*DirMigration]bool{}
	for _, n := range opts.Names {
		found := false
		for _, m := range ms {
			if m.Name == n || m.Group == n || slices.Contains(m.Files, n) {
				pick[m] = true
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no migration named %q; name one as its file names do after the version (add_yb)", n)
		}
	}
	if len(opts.Names) == 0 {
		if len(dups) == 0 {
			return nil, fmt.Errorf("no two migrations share a version: nothing to renumber")
		}
		for _, set := range dups {
			var notApplied []*DirMigration
			for _, m := range set {
				if name, ok := opts.Applied[m.Version]; !ok || name != m.Name {
					notApplied = append(notApplied, m)
				}
			}
			if opts.Applied == nil || len(notApplied) != len(set)-1 {
				return nil, fmt.Errorf("%s", DuplicateMessage(set))
			}
			for _, m := range notApplied {
				pick[m] = true
			}
		}
	}
	// A step takes the other steps of its migration along.
	groups := map[string]bool{}
	for m := range pick {
		groups[m.Group] = true
	}
	var out []*DirMigration
	for _, m := range ms {
		if pick[m] || groups[m.Group] && m.Group != m.Name {
			out = append(out, m)
		}
	}
	return out, nil
}

// renumberName gives a migration file the version v, in the format's
// spelling.
func renumberName(format, file string, v int64) string {
	f := runmigrate.LookupFormat(format)
	if f == nil {
		return file
	}
	_, name, down, ok := f.ParseName(file)
	if !ok {
		return file
	}
	return f.FileName(fmt.Sprintf("%06d", v), name, down)
}

// rebaseSnapshot returns the snapshot after the renumbering: the merged
// one when it covers the specs, with its pending contracts renumbered;
// else one rebuilt from the replayed migrations.
func rebaseSnapshot(pkg *ir.Package, dir *Dir, files map[string][]byte, renumbered map[string]string, opts RebaseOptions, res *RebaseResult) ([]byte, error) {
	content := mergedSnapshotLines(dir.data[SnapshotFile], pkg)
	for _, p := range content.Pending {
		if to, ok := renumbered[p.Since]; ok {
			p.Since = to
		}
	}
	desired := sqlschema.AtlasSchema(pkg)
	if opts.Replay == nil {
		if dir.SnapshotErr != nil {
			return nil, fmt.Errorf("%s/%s: %w; it has the marks of a merge conflict or another edit: run cpcgen migrate rebase again with --dev-url to rebuild it from the migrations", dir.Rel, SnapshotFile, dir.SnapshotErr)
		}
		planned, err := planDir(pkg, dir, dir.snapshotCopy(), desired, planOptions{pending: dir.Pending})
		if err != nil {
			return nil, err
		}
		if len(planned.Summary) > 0 {
			return nil, fmt.Errorf("%s/%s does not cover the merged specs (%s): git kept one side of it, or a branch did not run migrate diff; run cpcgen migrate rebase again with --dev-url to rebuild it from the migrations, then cpcgen check",
				dir.Rel, SnapshotFile, names.JoinAnd(firstN(planned.Summary, 3)))
		}
		content.Schema = dir.pristineSnapshot()
		return Snapshot(content)
	}
	current, norm, err := opts.Replay(files, content.Objects)
	if err != nil {
		return nil, err
	}
	res.Rebuilt = true
	var kept []keptColumn
	for _, p := range content.Pending {
		kept = append(kept, keptColumn{table: p.Table, column: p.Column})
		if p.Kind == PendingRename {
			kept = append(kept, keptColumn{table: p.Table, heldDefault: p.To})
		}
	}
	if norm == nil {
		norm = desired
	}
	want := snapshotSchema(norm, current, kept)
	planned, err := Drift(cloneSchema(current), want)
	if err != nil {
		return nil, err
	}
	if planned.Empty() {
		// The migrations produce the specs' schema: keep the specs'
		// spelling, as migrate diff writes it.
		content.Schema = snapshotSchema(desired, current, kept)
	} else {
		content.Schema = current
		res.Uncovered = planned.Summary
	}
	return Snapshot(content)
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("%d more", len(s)-n))
	}
	return s
}

// mergedSnapshotLines reads the comment lines of a snapshot that a merge
// may have left with conflict markers: every line of both sides is
// read, identical ones once, and the usage of a table that both sides
// changed is the union of the two (the merged code does both). A line
// that does not parse is skipped. Without a snapshot, they come from the
// package.
func mergedSnapshotLines(data []byte, pkg *ir.Package) SnapshotContent {
	if data == nil {
		return SnapshotContent{Policies: pkg.Policies, Distributions: pkg.Distributions, EnumComments: enumComments(pkg), Usage: usageOf(pkg),
			Extensions: pkg.Extensions, Objects: pkg.Objects}
	}
	var c SnapshotContent
	seen := map[string]bool{}
	usage := map[string]*Usage{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if seen[line] || !strings.HasPrefix(line, "# cpcgen:") {
			continue
		}
		seen[line] = true
		one := []byte(line + "\n")
		switch {
		case strings.HasPrefix(line, policyPrefix):
			if ps, err := ParsePolicies(one); err == nil {
				c.Policies = append(c.Policies, ps...)
			}
		case strings.HasPrefix(line, distributionPrefix):
			if ds, err := ParseDistributions(one); err == nil {
				c.Distributions = append(c.Distributions, ds...)
			}
		case strings.HasPrefix(line, enumCommentPrefix):
			if es, err := ParseEnumComments(one); err == nil {
				c.EnumComments = append(c.EnumComments, es...)
			}
		case strings.HasPrefix(line, usagePrefix):
			us, _, err := ParseUsage(one)
			if err != nil {
				continue
			}
			for _, u := range us {
				if have := usage[u.Table]; have != nil {
					have.Read = union(have.Read, u.Read)
					have.Insert = union(have.Insert, u.Insert)
					have.Write = union(have.Write, u.Write)
					continue
				}
				usage[u.Table] = u
				c.Usage = append(c.Usage, u)
			}
		case strings.HasPrefix(line, pendingPrefix):
			if ps, err := ParsePending(one); err == nil {
				c.Pending = append(c.Pending, ps...)
			}
		case strings.HasPrefix(line, extensionPrefix), strings.HasPrefix(line, objectPrefix):
			exts, objs, err := ParseObjects(one)
			if err != nil {
				continue
			}
			for _, e := range exts {
				if !seen["extension "+e.Name] {
					seen["extension "+e.Name] = true
					c.Extensions = append(c.Extensions, e)
				}
			}
			for _, o := range objs {
				if !seen["object "+o.Key] {
					seen["object "+o.Key] = true
					c.Objects = append(c.Objects, o)
				}
			}
		}
	}
	return c
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
