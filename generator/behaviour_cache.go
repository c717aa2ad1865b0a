package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// cache is cache: true (or {ttl, max_entries}). FindByID, FindByIDs and
// the finders on unique keys read through a runtime.CacheTable, and
// every write of the package invalidates exactly what it changes in it:
// its own rows by key, and every row of a cached table it reaches
// through foreign key actions. A raw query that writes a cached table
// must say so (writes:). Structured and raw queries are not cached
// otherwise: their results have no invalidation rule that is exact.
type cache struct{ noHooks }

func (cache) kind() ir.BehaviourKind { return ir.BehaviourCache }

func (cache) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	if st.Cache == nil {
		return nil
	}
	if !t.Families.CRUD {
		b.errs.Add(st.Cache.Pos, "table %q is cached, which needs its crud methods (FindByID and FindByIDs read "+
			"through the cache); add crud to the table's methods: or drop cache:", t.SQLName)
		return nil
	}
	c := &ir.Cache{Var: names.LowerGoName(t.Plural) + "Cache", TTL: st.Cache.TTL, MaxEntries: st.Cache.MaxEntries, Version: cacheVersion(t)}
	what := fmt.Sprintf("the row cache of table %q", t.SQLName)
	b.declareDerived(t, c.Var, what, st.Cache.Pos)
	ok := true
	if t.Tenant != nil {
		c.Tenant, ok = b.cacheKey(t, c, []*ir.Column{t.Tenant}, "", st.Cache.Pos, "tenant")
	}
	pkOK := true
	if len(t.PK) == 1 && t.PK[0].Type.Enum != nil {
		b.errs.Add(st.Cache.Pos, "table %q cannot be cached: its primary key column %q is an enum, whose order (by label "+
			"position) a cached FindByIDs cannot keep; key the table by a uuid, smallint, integer, bigint, text or varchar column",
			t.SQLName, t.PK[0].SQLName)
		pkOK = false
	} else {
		c.Key, pkOK = b.cacheKey(t, c, t.PK, names.LowerGoName(t.Model)+"Key", st.Cache.Pos, "primary key")
	}
	if !ok || !pkOK {
		return nil
	}
	t.Cache = c
	return &ir.Behaviour{Kind: ir.BehaviourCache, Name: "row cache",
		Doc: "FindByID, FindByIDs and the finders on a unique key read through the row cache of a *runtime.DB " +
			"with caching on (runtime.CacheConfig), outside transactions. Every write invalidates the rows it " +
			"changed, in every instance, when it commits. A row served from the cache is shared: treat it as read-only."}
}

// cacheVersion hashes what the encoding of t's rows depends on: the
// columns' names, types, Go types and JSON names, in order.
func cacheVersion(t *ir.Table) string {
	h := sha256.New()
	for _, c := range t.Columns {
		fmt.Fprintf(h, "%s\t%s\t%s\t%s\t%v\n", c.SQLName, c.SQLType, c.Go, c.JSON, c.Nullable)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// cacheKey makes the key of columns cols of cached table t (its tenant,
// primary key or a unique key): a struct named structName and its codec
// when there are several. what names the key in errors; pos is the
// cache option's position. It reports false when a column's type cannot
// key a cache (errors are added when pos is valid).
func (b *builder) cacheKey(t *ir.Table, c *ir.Cache, cols []*ir.Column, structName string, pos spec.Pos, what string) (*ir.CacheKey, bool) {
	k := &ir.CacheKey{Columns: cols}
	for _, col := range cols {
		codec, why := b.cacheKeyCodec(t, c, col, pos)
		if codec == nil {
			if pos.IsValid() {
				b.errs.Add(pos, "table %q cannot be cached: its %s column %q %s; a cached table's keys are uuid, smallint, "+
					"integer, bigint, text, varchar or enum columns", t.SQLName, what, col.SQLName, why)
			}
			return nil, false
		}
		k.Codecs = append(k.Codecs, codec)
	}
	if len(cols) > 1 {
		k.Struct, k.Var = structName, structName+"s"
		b.declareDerived(t, k.Struct, "the cache key type of table "+t.SQLName, pos)
		b.declareDerived(t, k.Var, "the cache key codec of table "+t.SQLName, pos)
	}
	return k, true
}

// cacheKeyCodec returns the codec of key column col, declared once per table
// when it converts a named Go type, or nil and why the column's values
// cannot key a cache.
func (b *builder) cacheKeyCodec(t *ir.Table, c *ir.Cache, col *ir.Column, pos spec.Pos) (*ir.CacheKeyCodec, string) {
	for _, k := range c.Codecs {
		if k.Column == col {
			return k, ""
		}
	}
	typ := col.Type
	var out *ir.CacheKeyCodec
	switch {
	case typ.ArrayDims > 0:
		return nil, "is an array"
	case col.Go.Ptr || col.Go.Slice:
		return nil, fmt.Sprintf("has the Go type %s, which does not compare by value", col.Go)
	case typ.Enum != nil:
		out = &ir.CacheKeyCodec{Column: col, Runtime: "StringKeys", Base: ir.GoType{Name: "string"}}
	case typ.Base == nil || typ.Base.CacheKey == "":
		return nil, "is " + typ.String()
	default:
		out = &ir.CacheKeyCodec{Column: col, Runtime: typ.Base.CacheKey, Base: ir.GoTypeOf(typ.Base)}
	}
	if g := col.Go.Elem(); g.Path != out.Base.Path || g.Name != out.Base.Name {
		out.Var = b.declareColumnDerived(t, col, "", "Keys", "the cache key codec of column "+t.SQLName+"."+col.SQLName, pos)
		c.Codecs = append(c.Codecs, out)
	}
	return out, ""
}

// cachedKeyOrder is the ORDER BY term of FindByIDs on key column pk: a
// cached table's text key sorts by COLLATE "C", the order the cached
// FindByIDs sorts its rows in, byte by byte.
func cachedKeyOrder(t *ir.Table, pk *ir.Column) string {
	if t.Has(ir.BehaviourCache) && pk.Type.Base != nil && pk.Type.Base.Text {
		return pk.Quoted + ` COLLATE "C"`
	}
	return pk.Quoted
}

// finish runs once every table and query of the package is built: it
// finds the finders of t that read through a unique key's cache, adds
// what each write of the package invalidates in t's cache, and refuses
// raw queries that write t without declaring it.
func (cache) finish(b *builder, pkg *ir.Package, t *ir.Table) {
	for _, q := range t.Queries {
		b.cacheFinder(t, q)
	}
	for _, p := range pkg.Tables {
		b.cacheWrites(pkg, p, t)
	}
	b.cacheTriggers(pkg, t)
}

// cacheTriggers refuses SQL objects that write cached table t behind the
// generated code's back: triggers, the functions triggers execute, and
// objects cpcgen does not model (rules, say), as far as their SQL text
// shows. Writes through them would change cached rows that no generated
// write knows it changes. A function that no trigger executes runs only
// when a raw query calls it, and that query declares what it writes.
func (b *builder) cacheTriggers(pkg *ir.Package, t *ir.Table) {
	triggered := map[string]string{}
	for _, o := range pkg.Objects {
		if o.Kind == "trigger" {
			for _, d := range o.DependsOn {
				triggered[d] = o.Title()
			}
		}
	}
	for _, o := range pkg.Objects {
		via, isTriggered := triggered[o.Key]
		if (o.Kind == "function" || o.Kind == "procedure") && !isTriggered {
			continue
		}
		for _, wt := range spec.WrittenTables(o.Create) {
			if wt.Name != t.SQLName {
				continue
			}
			what := o.Title()
			if isTriggered {
				what += ", which " + via + " executes,"
			}
			b.errs.Add(o.PosAt(wt.Offset), "%s writes table %q, which is cached: the generated writes that fire it "+
				"cannot tell which rows it changes, so the cache would keep them stale; remove cache: from table %q, "+
				"or move the write into a raw query that declares writes: [%s]", what, t.SQLName, t.SQLName, t.SQLName)
			break
		}
	}
}

// cacheFinder gives q, a query of cached table t, the cache of a unique
// key when it is a finder by that key: a structured query returning one
// row by equality on every column of the key (a tenant table's tenant
// column is implied), reading live rows only.
func (b *builder) cacheFinder(t *ir.Table, q *ir.Query) {
	if q.Kind != ir.Structured || q.Returns != "one" || q.IncludeDeleted {
		return
	}
	var cols []*ir.Column
	if len(q.Where) == 0 {
		return
	}
	for _, f := range q.Where {
		if f.Op != "eq" || f.Optional || f.HasValue || f.Param == "" || f.Column == t.Tenant || slices.Contains(cols, f.Column) {
			return
		}
		cols = append(cols, f.Column)
	}
	for _, p := range q.Params {
		if p.Kind != ir.FilterParam && p.Kind != ir.TenantParam {
			return
		}
	}
	key := matchUniqueKey(t, cols)
	if key == nil || sameColumns(key, t.PK) {
		return
	}
	var colNames []string
	for _, c := range key {
		colNames = append(colNames, c.SQLName)
	}
	name := strings.Join(colNames, ",")
	for _, x := range t.Cache.Indexes {
		if x.Name == name {
			q.CacheIndex = x
			return
		}
	}
	var fields []string
	for _, c := range key {
		fields = append(fields, c.Field)
	}
	suffix := "By" + strings.Join(fields, "And")
	k, ok := b.cacheKey(t, t.Cache, key, names.LowerGoName(t.Model)+suffix+"Key", spec.Pos{}, "unique key")
	if !ok {
		return
	}
	x := &ir.CacheIndex{Var: names0(t.Cache.Var) + suffix, Name: name, Key: k}
	b.declareDerived(t, x.Var, "the unique-key cache of table "+t.SQLName, b.querySpec[q].Pos)
	t.Cache.Indexes = append(t.Cache.Indexes, x)
	q.CacheIndex = x
}

// names0 is the stem of a table's cache variable: organizations of
// organizationsCache.
func names0(cacheVar string) string { return strings.TrimSuffix(cacheVar, "Cache") }

// matchUniqueKey returns the columns of a unique key of t that cols
// (with the tenant column, on a tenant table) are exactly, less the
// tenant column; nil when none is. Only keys without a predicate of
// their own count (a soft-delete table's keys hold among live rows,
// which the finders read), and only over non-null columns.
func matchUniqueKey(t *ir.Table, cols []*ir.Column) []*ir.Column {
	var keys [][]*ir.Column
	keys = append(keys, t.PK)
	for _, c := range t.Columns {
		if c.UniqueName != "" {
			keys = append(keys, []*ir.Column{c})
		}
	}
	for _, ix := range t.Indexes {
		if !ix.Unique || ix.Where != "" {
			continue
		}
		if key := ix.Columns(); key != nil {
			keys = append(keys, key)
		}
	}
	for _, key := range keys {
		var rest []*ir.Column
		nullable := false
		for _, c := range key {
			nullable = nullable || c.Nullable
			if c != t.Tenant {
				rest = append(rest, c)
			}
		}
		if nullable {
			continue
		}
		if sameColumns(key, cols) {
			return key
		}
		if t.Tenant != nil && len(rest) < len(key) && sameColumns(rest, cols) {
			return rest
		}
	}
	return nil
}

// sameColumns reports whether a and b hold the same columns, in any
// order.
func sameColumns(a, b []*ir.Column) bool {
	if len(a) != len(b) {
		return false
	}
	for _, c := range a {
		if !slices.Contains(b, c) {
			return false
		}
	}
	return true
}

// cacheWrites adds to the writes of table p what they invalidate in the
// cache of t: their own rows when p is t, and every row of t when they
// reach it through foreign key actions or declare it (raw queries). A
// raw query that writes t without declaring it is an error.
func (b *builder) cacheWrites(pkg *ir.Package, p, t *ir.Table) {
	own := func(method string, how ir.CacheOwn) {
		if p == t {
			w := cacheWrite(p, method)
			w.Own = how
			if how == ir.CacheOwnReturned {
				w.Inner = names.LowerGoName(method)
				b.repoMethod(p, w.Inner, "the statements of "+method, spec.Pos{})
			}
		}
	}
	reach := func(method string, del bool, cols []*ir.Column, when *ir.Column) {
		if fkReached(pkg, p, del, cols)[t] {
			addFlush(cacheWrite(p, method), t, when)
		}
	}
	stamped := func(extra ...*ir.Column) []*ir.Column {
		var cols []*ir.Column
		for _, c := range append(extra, p.UpdatedAt, p.Version) {
			if c != nil {
				cols = append(cols, c)
			}
		}
		return cols
	}

	own("Update", ir.CacheOwnParams)
	for _, c := range p.Updatable {
		reach("Update", false, []*ir.Column{c}, c)
	}
	reach("Update", false, stamped(), nil)
	own("Delete", ir.CacheOwnParams)
	if p.DeletedAt != nil {
		reach("Delete", false, stamped(p.DeletedAt), nil)
		own("HardDelete", ir.CacheOwnParams)
		reach("HardDelete", true, nil, nil)
		own("Restore", ir.CacheOwnParams)
		reach("Restore", false, stamped(p.DeletedAt), nil)
	} else {
		reach("Delete", true, nil, nil)
	}
	for _, k := range p.UniqueKeys {
		if sameColumns(k.Columns, p.PK) {
			own(k.Upsert, ir.CacheOwnInsert)
		} else {
			own(k.Upsert, ir.CacheOwnReturned)
		}
		var cols []*ir.Column
		for _, c := range p.Insert {
			if !slices.Contains(k.Columns, c) && !c.PrimaryKey {
				cols = append(cols, c)
			}
		}
		reach(k.Upsert, false, stamped(cols...), nil)
	}
	// A batch write by key invalidates every cached row of t it may
	// change: all of them when p is t (its keys are many, and one flush
	// costs one notification), and all of those its single-row form
	// reaches through foreign key actions, whatever it sets.
	for _, m := range batchWrites(p) {
		if p == t {
			addFlush(cacheWrite(p, m[0]), t, nil)
		}
		if w := p.CacheWrite(m[1]); w != nil {
			for _, fl := range w.Flushes {
				if fl.Table == t {
					addFlush(cacheWrite(p, m[0]), t, nil)
				}
			}
		}
	}
	for _, r := range p.Relations {
		if r.Kind != ir.ManyToMany || r.Skipped != "" || r.LinkSkipped != "" || r.Unlink == "" {
			continue
		}
		if r.Through == t || fkReached(pkg, r.Through, true, nil)[t] {
			addFlush(cacheWrite(p, r.Unlink), t, nil)
		}
	}
	for _, q := range p.Queries {
		if q.Kind != ir.Raw {
			continue
		}
		sq := b.querySpec[q]
		if sq.ReadOnly {
			continue
		}
		declared := false
		for _, w := range q.Writes {
			if w == t || rawWriteReaches(pkg, q.SQL, w)[t] {
				addFlush(cacheWrite(p, q.Name), t, nil)
			}
			declared = declared || w == t
		}
		if declared {
			continue
		}
		for _, wt := range spec.WrittenTables(q.SQL) {
			if wt.Name == t.SQLName {
				b.errs.Add(sq.SQLPos, "query %q writes table %q, which is cached, but does not say so; add writes: [%s] to the "+
					"query, so that its writes invalidate the table's cached rows", q.Name, t.SQLName, t.SQLName)
				declared = true
				break
			}
		}
		if !declared && p == t && !sq.WritesPos.IsValid() && (q.Returns == "exec" || q.Returns == "rows_affected") {
			b.errs.Add(sq.Pos, "query %q on cached table %q returns %s, so it may write the table: list the tables it "+
				"writes with writes: [%s] (writes: [] when it writes none), so that its writes invalidate their cached rows",
				q.Name, t.SQLName, q.Returns, t.SQLName)
		}
	}
}

// batchWrites lists the batch writes by key of t that may change
// existing rows, each beside its single-row form: {batch, single}.
// CreateManyIfAbsent is not among them: it only inserts.
func batchWrites(t *ir.Table) [][2]string {
	if len(t.Bulk.PK) == 0 {
		return nil
	}
	var out [][2]string
	if t.Bulk.KeyedUpdate != "" {
		out = append(out, [2]string{"UpdateMany", "Update"}, [2]string{"UpdateManyReturning", "Update"})
	}
	out = append(out, [2]string{"DeleteMany", "Delete"})
	if t.Bulk.HardDeleteMany.Const != "" {
		out = append(out, [2]string{"HardDeleteMany", "HardDelete"}, [2]string{"RestoreMany", "Restore"})
	}
	for _, k := range t.UniqueKeys {
		if k.UpsertMany != "" {
			out = append(out, [2]string{k.UpsertMany, k.Upsert})
		}
	}
	return out
}

// cacheWrite returns the invalidations of method of t, added when new.
func cacheWrite(t *ir.Table, method string) *ir.CacheWrite {
	if w := t.CacheWrite(method); w != nil {
		return w
	}
	w := &ir.CacheWrite{Method: method}
	t.CacheWrites = append(t.CacheWrites, w)
	return w
}

// addFlush adds the invalidation of every row of t to w: always (when
// nil) or when the update struct sets column when.
func addFlush(w *ir.CacheWrite, t *ir.Table, when *ir.Column) {
	for _, f := range w.Flushes {
		if f.Table != t {
			continue
		}
		switch {
		case len(f.When) == 0:
		case when == nil:
			f.When = nil
		case !slices.Contains(f.When, when):
			f.When = append(f.When, when)
		}
		return
	}
	f := &ir.CacheFlush{Table: t}
	if when != nil {
		f.When = []*ir.Column{when}
	}
	w.Flushes = append(w.Flushes, f)
}

// fkReached returns the tables whose rows PostgreSQL changes through the
// ON DELETE and ON UPDATE actions of foreign keys when rows of start are
// deleted (del) or have columns cols updated, following each change on
// (a cascaded delete deletes further; SET NULL, SET DEFAULT and a
// cascaded update update the referencing column).
func fkReached(pkg *ir.Package, start *ir.Table, del bool, cols []*ir.Column) map[*ir.Table]bool {
	type change struct {
		t   *ir.Table
		col *ir.Column // nil: a delete
	}
	out := map[*ir.Table]bool{}
	seen := map[change]bool{}
	var work []change
	push := func(c change) {
		if !seen[c] {
			seen[c] = true
			work = append(work, c)
		}
	}
	if del {
		push(change{t: start})
	}
	for _, c := range cols {
		push(change{t: start, col: c})
	}
	for len(work) > 0 {
		ch := work[len(work)-1]
		work = work[:len(work)-1]
		for _, child := range pkg.Tables {
			for _, c := range child.Columns {
				ref := c.References
				if ref == nil || ref.Table != ch.t || (ch.col != nil && ref.Column != ch.col) {
					continue
				}
				action := ref.OnDelete
				if ch.col != nil {
					action = ref.OnUpdate
				}
				switch {
				case action == "cascade" && ch.col == nil:
					out[child] = true
					push(change{t: child})
				case action == "cascade", action == "set null", action == "set default":
					out[child] = true
					push(change{t: child, col: c})
				}
			}
		}
	}
	return out
}

// rawWriteReaches returns the tables whose rows PostgreSQL changes
// through foreign keys when raw SQL writes table w, as far as the verbs
// its statements write w with tell (spec.WrittenTables): deletes follow
// ON DELETE actions, updates (and inserts, which may update on
// conflict) ON UPDATE actions of any column, a TRUNCATE every table
// referencing w (TRUNCATE … CASCADE). When the text names no write of w
// (a function writes it), all of them.
func rawWriteReaches(pkg *ir.Package, sql string, w *ir.Table) map[*ir.Table]bool {
	verbs := map[string]bool{}
	for _, wt := range spec.WrittenTables(sql) {
		if wt.Name == w.SQLName {
			verbs[wt.Verb] = true
		}
	}
	if len(verbs) == 0 {
		verbs = map[string]bool{"delete": true, "update": true, "truncate": true}
	}
	out := map[*ir.Table]bool{}
	add := func(m map[*ir.Table]bool) {
		for t := range m {
			out[t] = true
		}
	}
	if verbs["delete"] || verbs["merge"] {
		add(fkReached(pkg, w, true, nil))
	}
	if verbs["update"] || verbs["insert"] || verbs["merge"] {
		add(fkReached(pkg, w, false, w.Columns))
	}
	if verbs["truncate"] {
		add(fkReferencing(pkg, w))
	}
	return out
}

// fkReferencing returns the tables with a foreign key to w, or to a table
// that has one, and so on: what TRUNCATE w CASCADE empties.
func fkReferencing(pkg *ir.Package, w *ir.Table) map[*ir.Table]bool {
	out := map[*ir.Table]bool{}
	work := []*ir.Table{w}
	for len(work) > 0 {
		t := work[len(work)-1]
		work = work[:len(work)-1]
		for _, child := range pkg.Tables {
			for _, c := range child.Columns {
				if c.References != nil && c.References.Table == t && !out[child] {
					out[child] = true
					work = append(work, child)
				}
			}
		}
	}
	return out
}
