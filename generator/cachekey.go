package generator

import (
	"encoding/binary"
	"errors"
	"reflect"
	"sync"

	"github.com/cpcgen/cpcgen/generator/gencache"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/parallel"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// The cache keys of the generated files. Every key holds the tool's
// identity (the cpcgen binary's build ID: emitters, templates, formatter)
// and the digest of the IR facts its file is rendered from:
//
//   - a table's Go file: the package's own facts (name, import path,
//     directories — not its lists of tables, enums and constraints), the
//     table's digest, and the digests of the tables it points to (its
//     relations' targets, the tables its foreign keys reference, those
//     whose foreign keys reference it). A table's digest covers
//     everything reachable from it except other tables, which it names;
//     source positions are left out, as the Go code never shows them (a
//     test holds the Go emitter to that), so that an edit higher up in a
//     spec file does not invalidate the tables below it;
//   - the store, the enums, schema.sql and the docs pages: the digest of
//     the whole package, positions included.
type cacheKeys struct {
	tool string
	// facts is the digest of the package's own facts.
	facts gencache.Key
	// table are the tables' digests, refs the tables each points to.
	table []gencache.Key
	refs  [][]int
	// whole is the digest of the whole package.
	whole gencache.Key
}

// staticTypes are the rows of the type table: the tool's identity covers
// their content, so a pointer to one encodes as its name.
var staticTypes = sync.OnceValue(func() map[*pgtypes.Type]bool {
	m := map[*pgtypes.Type]bool{}
	var add func(t *pgtypes.Type)
	add = func(t *pgtypes.Type) {
		if t != nil && !m[t] {
			m[t] = true
			add(t.Elem)
		}
	}
	for _, t := range pgtypes.All {
		add(t)
	}
	return m
})

var (
	tableType = reflect.TypeFor[*ir.Table]()
	typeType  = reflect.TypeFor[*pgtypes.Type]()
	posType   = reflect.TypeFor[ir.Pos]()
)

// staticRef encodes the type table's rows by name, and the rows of
// types named by their SQL by their spelling, which is all that is
// their own (pgtypes.SQLNamed).
func staticRef(p reflect.Value) (string, bool) {
	if p.Type() == typeType {
		t := (*pgtypes.Type)(p.UnsafePointer())
		if staticTypes()[t] {
			return "pgtype " + t.Name, true
		}
		if t != nil && t.SQLNamed {
			return "pgtype sql " + t.Name, true
		}
	}
	return "", false
}

// computeKeys digests the package: the tables in parallel.
func computeKeys(pkg *ir.Package, tool string) (*cacheKeys, error) {
	k := &cacheKeys{tool: tool, table: make([]gencache.Key, len(pkg.Tables)), refs: make([][]int, len(pkg.Tables))}
	index := make(map[*ir.Table]int, len(pkg.Tables))
	for i, t := range pkg.Tables {
		index[t] = i
	}
	var unknown error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if unknown == nil {
			unknown = err
		}
		mu.Unlock()
	}
	// One pair of digesters per worker, their Ref reading the table being
	// digested: d leaves positions out (the table's own digest), full
	// keeps them (its part of the whole package's digest).
	type walk struct {
		d, full *gencache.Digester
		root    *ir.Table
		refs    []int
		seen    map[int]bool
	}
	walks := sync.Pool{New: func() any {
		w := &walk{}
		w.d = &gencache.Digester{
			Omit: func(t reflect.Type) bool { return t == posType },
			Ref: func(p reflect.Value) (string, bool) {
				if p.Type() == tableType {
					t := (*ir.Table)(p.UnsafePointer())
					if t == w.root {
						return "", false
					}
					j, ok := index[t]
					if !ok {
						fail(errors.New("cache key: the IR points to a table that is not in the package"))
					} else if !w.seen[j] {
						w.seen[j] = true
						w.refs = append(w.refs, j)
					}
					return "table " + t.SQLName, true
				}
				return staticRef(p)
			},
		}
		w.full = &gencache.Digester{Ref: func(p reflect.Value) (string, bool) {
			if p.Type() == tableType {
				if t := (*ir.Table)(p.UnsafePointer()); t != w.root {
					return "table " + t.SQLName, true
				}
				return "", false
			}
			return staticRef(p)
		}}
		return w
	}}
	full := make([]gencache.Key, len(pkg.Tables))
	parallel.For(len(pkg.Tables), func(i int) {
		w := walks.Get().(*walk)
		defer walks.Put(w)
		w.root, w.refs, w.seen = pkg.Tables[i], nil, map[int]bool{}
		key, err := w.d.Sum(w.root)
		if err != nil {
			fail(err)
		}
		k.table[i] = key
		k.refs[i] = w.refs
		if full[i], err = w.full.Sum(w.root); err != nil {
			fail(err)
		}
	})
	if unknown != nil {
		return nil, unknown
	}
	facts := *pkg
	facts.Tables, facts.Enums, facts.Policies, facts.Distributions, facts.Constraints = nil, nil, nil, nil, nil
	d := &gencache.Digester{Ref: staticRef}
	var err error
	if k.facts, err = d.Sum(&facts); err != nil {
		return nil, err
	}
	// The whole package: what is reachable from it without going through
	// a table, then each table's full digest. Every part of the IR is on
	// a path from the package; the part of the path after its last table
	// is in that table's digest, a path without one in the first part.
	cut := &gencache.Digester{Ref: func(p reflect.Value) (string, bool) {
		if p.Type() == tableType {
			return "table " + (*ir.Table)(p.UnsafePointer()).SQLName, true
		}
		return staticRef(p)
	}}
	top, err := cut.Sum(pkg)
	if err != nil {
		return nil, err
	}
	h := gencache.NewHasher("package").Key(top)
	for _, f := range full {
		h.Key(f)
	}
	k.whole = h.Sum()
	return k, nil
}

// tableFile is the key of table i's Go file.
func (k *cacheKeys) tableFile(i int, name string) gencache.Key {
	h := gencache.NewHasher("go table file").String(k.tool).Key(k.facts).String(name).Key(k.table[i])
	var n [binary.MaxVarintLen64]byte
	h.Bytes(n[:binary.PutUvarint(n[:], uint64(len(k.refs[i])))])
	for _, j := range k.refs[i] {
		h.Key(k.table[j])
	}
	return h.Sum()
}

// packageFile is the key of a file rendered from the whole package.
func (k *cacheKeys) packageFile(kind string) gencache.Key {
	return gencache.NewHasher("package file").String(k.tool).String(kind).Key(k.whole).Sum()
}
