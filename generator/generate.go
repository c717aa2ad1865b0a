package generator

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/cpcgen/cpcgen/generator/docs"
	"github.com/cpcgen/cpcgen/generator/gencache"
	"github.com/cpcgen/cpcgen/generator/gocode"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/internal/parallel"
	"github.com/cpcgen/cpcgen/spec"
)

// Options configure a Run and EmitWith.
type Options struct {
	// Cache, when set, holds rendered files under keys computed from the
	// inputs each is rendered from and the tool's identity (see package
	// gencache and cachekey.go): a file whose key is in the cache is not
	// rendered, and a project whose every file is in the cache is not
	// even built. The tree is the same with or without it.
	Cache *gencache.Cache
}

// Stats says how the files of a tree were obtained.
type Stats struct {
	// Built is set when the IR was built: not every file came from the
	// cache under the project's key.
	Built bool
	// Rendered counts the jobs run (a job renders one file, or all the
	// docs pages); Cached those whose files came from the cache.
	Rendered, Cached int
}

// Generate runs the whole pipeline on a loaded project: Build, then every
// emitter on the IR. It returns the IR and the tree the writer brings the
// project to — the Go package, its schema.sql, and the docs page when
// cpcgen.yaml has docs.dir — with the directories the generation owns.
// cpcgen generate writes the tree, cpcgen check compares it, and the
// golden tests do either.
func Generate(proj *spec.Project) (*ir.Package, writer.Tree, error) {
	pkg, err := Build(proj)
	if err != nil {
		return nil, writer.Tree{}, err
	}
	tree, err := Emit(pkg)
	if err != nil {
		return nil, writer.Tree{}, err
	}
	return pkg, tree, nil
}

// Run is one run of the pipeline on a loaded project with options, for
// the CLI: Tree returns the same tree as Generate, taking from the cache
// what it holds, and the IR is built only when something is missing
// there or a caller asks for it (Package).
//
//	run := generator.NewRun(proj, generator.Options{Cache: cache})
//	tree, stats, err := run.Tree()
//
// A Run may be used from several goroutines.
type Run struct {
	proj *spec.Project
	opts Options

	build    sync.Once
	pkg      *ir.Package
	buildErr error

	digest     sync.Once
	project    gencache.Key // the project's digest
	projectErr error
}

// NewRun starts a run on proj.
func NewRun(proj *spec.Project, opts Options) *Run { return &Run{proj: proj, opts: opts} }

// Package builds the IR, once.
func (r *Run) Package() (*ir.Package, error) {
	r.build.Do(func() { r.pkg, r.buildErr = Build(r.proj) })
	return r.pkg, r.buildErr
}

// Key returns a cache key for a result computed from the project and
// the parts given (the CLI's check caches its migrations report so), and
// false when there is no cache or the project cannot be digested. Build
// is a pure function of the project and the tool, so a key made from
// their digests stands for everything the IR holds.
func (r *Run) Key(kind string, parts ...[]byte) (gencache.Key, bool) {
	if r.opts.Cache == nil {
		return gencache.Key{}, false
	}
	r.digest.Do(func() {
		d := &gencache.Digester{Ref: staticRef}
		r.project, r.projectErr = d.Sum(r.proj)
	})
	if r.projectErr != nil {
		return gencache.Key{}, false
	}
	h := gencache.NewHasher(kind).String(r.opts.Cache.Tool()).Key(r.project)
	for _, p := range parts {
		h.Bytes(p)
	}
	return h.Sum(), true
}

// Tree returns the tree Generate would. With a cache, it first looks up
// the project's manifest — the keys and paths of every job of the last
// run on the same project — and when every job's files are in the cache
// it returns them without building the IR; otherwise it builds, renders
// what the cache lacks, and records the manifest.
func (r *Run) Tree() (writer.Tree, Stats, error) {
	mkey, useManifest := r.Key("manifest")
	if useManifest {
		if tree, n, ok := r.fromManifest(mkey); ok {
			return tree, Stats{Cached: n}, nil
		}
	}
	pkg, err := r.Package()
	if err != nil {
		return writer.Tree{}, Stats{}, err
	}
	tree, stats, jobs, err := emit(pkg, r.opts)
	if err != nil {
		return writer.Tree{}, Stats{}, err
	}
	stats.Built = true
	if useManifest && jobs != nil {
		_ = r.opts.Cache.Put(mkey, encodeManifest(jobs, tree.Dirs))
	}
	return tree, stats, nil
}

// fromManifest assembles the tree from the entries the manifest under
// mkey names, and returns their number; any entry missing is a miss of
// the whole.
func (r *Run) fromManifest(mkey gencache.Key) (writer.Tree, int, bool) {
	payload, ok := r.opts.Cache.Get(mkey)
	if !ok {
		return writer.Tree{}, 0, false
	}
	jobs, dirs, ok := decodeManifest(payload)
	if !ok {
		return writer.Tree{}, 0, false
	}
	results := make([][]writer.File, len(jobs))
	var missing atomic.Bool
	parallel.For(len(jobs), func(i int) {
		if missing.Load() {
			return
		}
		p, ok := r.opts.Cache.Get(jobs[i].key)
		if ok {
			results[i], ok = decodeFiles(p, jobs[i].paths)
		}
		if !ok {
			missing.Store(true)
		}
	})
	if missing.Load() {
		return writer.Tree{}, 0, false
	}
	tree := writer.Tree{Dirs: dirs}
	for _, files := range results {
		tree.Files = append(tree.Files, files...)
	}
	writer.SortFiles(tree.Files)
	return tree, len(jobs), true
}

// Emit runs every emitter on a built package and returns the tree as
// Generate does.
func Emit(pkg *ir.Package) (writer.Tree, error) {
	tree, _, err := EmitWith(pkg, Options{})
	return tree, err
}

// EmitWith runs every emitter on a built package, taking from
// opts.Cache the files whose keys it holds and storing the others, on
// GOMAXPROCS workers, the largest jobs first.
func EmitWith(pkg *ir.Package, opts Options) (writer.Tree, Stats, error) {
	tree, stats, _, err := emit(pkg, opts)
	return tree, stats, err
}

// emitJob is one unit of emission: a file or a group of files, and the
// key it is cached under.
type emitJob struct {
	key    func() gencache.Key
	render func() ([]writer.File, error)
	// paths are the files the job produces, when known beforehand; a
	// cached entry must hold exactly these.
	paths []string
}

// emit is EmitWith; with a cache, it also returns the jobs' keys and
// the paths of their files, for the manifest.
func emit(pkg *ir.Package, opts Options) (writer.Tree, Stats, []manifestJob, error) {
	var keys *cacheKeys
	if opts.Cache != nil {
		// A package that cannot be digested is rendered without the
		// cache.
		keys, _ = computeKeys(pkg, opts.Cache.Tool())
	}
	tableIndex := make(map[*ir.Table]int, len(pkg.Tables))
	for i, t := range pkg.Tables {
		tableIndex[t] = i
	}
	var goJobs []emitJob
	for _, j := range gocode.Jobs(pkg) {
		job := emitJob{
			paths:  []string{pkg.Path(j.Name)},
			render: func() ([]writer.File, error) { f, err := j.Render(); return []writer.File{f}, err },
		}
		if j.Table == nil {
			job.key = func() gencache.Key { return keys.packageFile("go file " + j.Name) }
		} else {
			i := tableIndex[j.Table]
			job.key = func() gencache.Key { return keys.tableFile(i, j.Name) }
		}
		goJobs = append(goJobs, job)
	}
	// The largest jobs first, so that they do not finish last: the store,
	// the docs pages, schema.sql, then the enums and the tables.
	jobs := []emitJob{goJobs[0]}
	if pkg.DocsDir != "" {
		jobs = append(jobs, emitJob{
			key:    func() gencache.Key { return keys.packageFile("docs " + pkg.DocsDir) },
			render: func() ([]writer.File, error) { return docs.Generate(pkg, pkg.DocsDir) },
		})
	}
	schema := pkg.Path("schema.sql")
	jobs = append(jobs, emitJob{
		paths: []string{schema},
		key:   func() gencache.Key { return keys.packageFile("schema.sql") },
		render: func() ([]writer.File, error) {
			ddl, err := sqlschema.SchemaSQL(pkg)
			return []writer.File{{Path: schema, Data: ddl}}, err
		},
	})
	jobs = append(jobs, goJobs[1:]...)

	results := make([][]writer.File, len(jobs))
	errs := make([]error, len(jobs))
	used := make([]gencache.Key, len(jobs))
	var rendered, cached atomic.Int64
	// The files rendered are stored at the end, at once (one pack for
	// many files: see gencache.Cache.PutMany).
	var puts []gencache.Entry
	if keys != nil {
		puts = make([]gencache.Entry, len(jobs))
	}
	parallel.For(len(jobs), func(i int) {
		j := jobs[i]
		var key gencache.Key
		if keys != nil {
			key = j.key()
			used[i] = key
			if payload, ok := opts.Cache.Get(key); ok {
				if files, ok := decodeFiles(payload, j.paths); ok {
					results[i] = files
					cached.Add(1)
					return
				}
			}
		}
		files, err := j.render()
		if err != nil {
			errs[i] = err
			return
		}
		rendered.Add(1)
		results[i] = files
		if keys != nil {
			puts[i] = gencache.Entry{Key: key, Payload: encodeFiles(files)}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return writer.Tree{}, Stats{}, nil, err
	}
	if keys != nil {
		stored := puts[:0]
		for _, e := range puts {
			if e.Payload != nil {
				stored = append(stored, e)
			}
		}
		// The cache is an optimisation: a failure to store is not one
		// of generation.
		_ = opts.Cache.PutMany(stored)
	}
	tree := writer.Tree{Dirs: []string{pkg.Dir}}
	var manifest []manifestJob
	for i, files := range results {
		tree.Files = append(tree.Files, files...)
		if keys != nil {
			mj := manifestJob{key: used[i]}
			for _, f := range files {
				mj.paths = append(mj.paths, f.Path)
			}
			manifest = append(manifest, mj)
		}
	}
	if pkg.DocsDir != "" {
		tree.Dirs = append(tree.Dirs, pkg.DocsDir)
	}
	writer.SortFiles(tree.Files)
	return tree, Stats{Rendered: int(rendered.Load()), Cached: int(cached.Load())}, manifest, nil
}

// manifestJob is a job as the manifest records it: its key and the
// paths of its files.
type manifestJob struct {
	key   gencache.Key
	paths []string
}

// encodeManifest is the manifest's payload: the jobs, then the tree's
// directories.
func encodeManifest(jobs []manifestJob, dirs []string) []byte {
	var out []byte
	out = binary.AppendUvarint(out, uint64(len(jobs)))
	for _, j := range jobs {
		out = append(out, j.key[:]...)
		out = appendStrings(out, j.paths)
	}
	return appendStrings(out, dirs)
}

func appendStrings(out []byte, ss []string) []byte {
	out = binary.AppendUvarint(out, uint64(len(ss)))
	for _, s := range ss {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	return out
}

// decodeManifest reads a payload of encodeManifest.
func decodeManifest(p []byte) ([]manifestJob, []string, bool) {
	r := byteReader{p: p}
	n := r.uvarint()
	if n > uint64(len(p)) {
		return nil, nil, false
	}
	jobs := make([]manifestJob, 0, n)
	for range n {
		var j manifestJob
		copy(j.key[:], r.bytes(len(j.key)))
		j.paths = r.strings()
		jobs = append(jobs, j)
	}
	dirs := r.strings()
	if r.bad || len(r.p) != 0 {
		return nil, nil, false
	}
	return jobs, dirs, true
}

// byteReader reads what encodeManifest wrote; a short or malformed
// payload sets bad.
type byteReader struct {
	p   []byte
	bad bool
}

func (r *byteReader) uvarint() uint64 {
	v, k := binary.Uvarint(r.p)
	if k <= 0 {
		r.bad, r.p = true, nil
		return 0
	}
	r.p = r.p[k:]
	return v
}

func (r *byteReader) bytes(n int) []byte {
	if n < 0 || n > len(r.p) {
		r.bad, r.p = true, nil
		return nil
	}
	b := r.p[:n]
	r.p = r.p[n:]
	return b
}

func (r *byteReader) strings() []string {
	n := r.uvarint()
	if n > uint64(len(r.p)) {
		r.bad, r.p = true, nil
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		l := r.uvarint()
		if l > uint64(len(r.p)) {
			r.bad, r.p = true, nil
			return nil
		}
		out = append(out, string(r.bytes(int(l))))
	}
	return out
}

// encodeFiles is the cache payload of a job's files: their number, then
// each path and content, with their lengths.
func encodeFiles(files []writer.File) []byte {
	size := binary.MaxVarintLen64
	for _, f := range files {
		size += 2*binary.MaxVarintLen64 + len(f.Path) + len(f.Data)
	}
	out := make([]byte, 0, size)
	out = binary.AppendUvarint(out, uint64(len(files)))
	for _, f := range files {
		out = binary.AppendUvarint(out, uint64(len(f.Path)))
		out = append(out, f.Path...)
		out = binary.AppendUvarint(out, uint64(len(f.Data)))
		out = append(out, f.Data...)
	}
	return out
}

// decodeFiles reads a payload of encodeFiles; when paths is not nil the
// files must be exactly those. Anything else is a miss.
func decodeFiles(payload []byte, paths []string) ([]writer.File, bool) {
	n, k := binary.Uvarint(payload)
	if k <= 0 || n > uint64(len(payload)) {
		return nil, false
	}
	payload = payload[k:]
	files := make([]writer.File, 0, n)
	next := func() ([]byte, bool) {
		l, k := binary.Uvarint(payload)
		if k <= 0 || l > uint64(len(payload)-k) {
			return nil, false
		}
		b := payload[k : k+int(l)]
		payload = payload[k+int(l):]
		return b, true
	}
	for range n {
		p, ok := next()
		if !ok {
			return nil, false
		}
		d, ok := next()
		if !ok {
			return nil, false
		}
		files = append(files, writer.File{Path: string(p), Data: d})
	}
	if len(payload) != 0 {
		return nil, false
	}
	if paths != nil {
		if len(files) != len(paths) {
			return nil, false
		}
		for i, f := range files {
			if f.Path != paths[i] {
				return nil, false
			}
		}
	}
	return files, true
}
