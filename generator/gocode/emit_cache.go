package gocode

import (
	"fmt"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// The row cache (cache:) in generated code: the package-level
// runtime.CacheTable of a cached table and its unique-key caches
// (genCache), the bodies of the reads through them (cachedFindByID,
// cachedFindByIDs, cachedFinder), and what the writes of every table run
// their statements on to invalidate what they change (invalidatingDB,
// writeDBPrelude, genReturnedWrite). The shared method emitters call
// these hooks; everything the hooks decide comes from the IR
// (ir.Table.Cache, ir.Table.CacheWrites, ir.Query.CacheIndex).

// genCache emits the row cache of a cached table: key codecs and types,
// the runtime.CacheTable, its unique-key caches, and cacheDB when a
// WithDeleted view must bypass it.
func genCache(f *jen.File, t *ir.Table) {
	c := t.Cache
	if c == nil {
		return
	}
	for _, kc := range c.Codecs {
		genCacheKeyCodec(f, t, kc)
	}
	if c.Tenant != nil {
		genCacheCompositeKey(f, t, c.Tenant, "the tenant")
	}
	genCacheCompositeKey(f, t, c.Key, "the primary key")
	kv := []jen.Code{
		field("Table", jen.Lit(t.SQLName)),
		field("Tenant", cacheTenantCodec(c)),
		field("Key", cacheKeyCodec(c.Key)),
		field("KeyOf", jen.Func().Params(jen.Id("v").Op("*").Id(t.Model)).Add(cacheKeyType(c.Key)).
			Add(inline(jen.Return(cacheKeyValue(c.Key, func(col *ir.Column) jen.Code { return jen.Id("v").Dot(col.Field) }))))),
	}
	kv = append(kv, cacheLimits(c)...)
	comment(f, fmt.Sprintf("%s is the row cache of table %s (cache:): FindByID, FindByIDs and the finders on unique keys "+
		"read through it, and every write of the package invalidates the rows it changes.", c.Var, t.SQLName))
	f.Var().Id(c.Var).Op("=").Qual(ir.PathRuntime, "NewCacheTable").Call(
		literal(jen.Qual(ir.PathRuntime, "CacheTableSpec").Types(cacheTenantType(c), cacheKeyType(c.Key), jen.Id(t.Model)), kv...))
	f.Line()
	for _, x := range c.Indexes {
		genCacheCompositeKey(f, t, x.Key, "the unique key ("+x.Name+")")
		kv := []jen.Code{
			field("Table", jen.Lit(t.SQLName)),
			field("Index", jen.Lit(x.Name)),
			field("Tenant", cacheTenantCodec(c)),
			field("Unique", cacheKeyCodec(x.Key)),
			field("Key", cacheKeyCodec(c.Key)),
		}
		kv = append(kv, cacheLimits(c)...)
		comment(f, fmt.Sprintf("%s caches which row of table %s has each (%s), for the finders by that key: a hint, "+
			"checked against the row, which comes from %s.", x.Var, t.SQLName, x.Name, c.Var))
		f.Var().Id(x.Var).Op("=").Qual(ir.PathRuntime, "NewCacheIndex").Call(
			literal(jen.Qual(ir.PathRuntime, "CacheIndexSpec").Types(cacheTenantType(c), cacheKeyType(x.Key), cacheKeyType(c.Key)), kv...))
		f.Line()
	}
	if t.ReadsDeleted && t.DeletedAt != nil {
		comment(f, "cacheDB is the database the cached reads look up: none for a WithDeleted view, whose reads "+
			"include deleted rows, which the cache does not hold.")
		f.Func().Params(jen.Id("r").Op("*").Id(t.Repo)).Id("cacheDB").Params().Qual(ir.PathRuntime, "DBTX").Block(
			jen.If(jen.Id("r").Dot("withDeleted")).Block(jen.Return(jen.Nil())),
			jen.Return(jen.Id("r").Dot("db")),
		)
		f.Line()
	}
}

// cacheLimits are the TTL, MaxEntries and Version fields of a cache's
// spec.
func cacheLimits(c *ir.Cache) []jen.Code {
	var kv []jen.Code
	if c.TTL > 0 {
		kv = append(kv, field("TTL", cacheDuration(c.TTL)))
	}
	if c.MaxEntries > 0 {
		kv = append(kv, field("MaxEntries", jen.Lit(c.MaxEntries)))
	}
	return append(kv, field("Version", jen.Lit(c.Version)))
}

// cacheDuration renders d in its largest whole unit: 10 * time.Minute.
func cacheDuration(d time.Duration) jen.Code {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}} {
		if d%u.d == 0 {
			if d == u.d {
				return jen.Qual(ir.PathTime, u.name)
			}
			return jen.Lit(int(d/u.d)).Op("*").Qual(ir.PathTime, u.name)
		}
	}
	return jen.Qual(ir.PathTime, "Duration").Call(jen.Lit(int64(d)))
}

// genCacheKeyCodec emits the codec of a key column whose Go type is a named
// type: the runtime codec of its base type, converted.
func genCacheKeyCodec(f *jen.File, t *ir.Table, kc *ir.CacheKeyCodec) {
	g := typeCode(kc.Column.Go.Elem())
	base := jen.Qual(ir.PathRuntime, kc.Runtime)
	comment(f, fmt.Sprintf("%s is the cache key codec of column %s.%s: runtime.%s, converted.", kc.Var, t.SQLName, kc.Column.SQLName, kc.Runtime))
	f.Var().Id(kc.Var).Op("=").Add(literal(jen.Qual(ir.PathRuntime, "KeyCodec").Types(g.Clone()),
		field("Append", jen.Func().Params(jen.Id("dst").Index().Byte(), jen.Id("k").Add(g.Clone())).Index().Byte().Block(
			jen.Return(base.Clone().Dot("Append").Call(jen.Id("dst"), typeCode(kc.Base).Call(jen.Id("k")))),
		)),
		field("Parse", jen.Func().Params(jen.Id("s").String()).Params(g.Clone(), jen.Error()).Block(
			jen.List(jen.Id("k"), jen.Err()).Op(":=").Add(base.Clone()).Dot("Parse").Call(jen.Id("s")),
			jen.Return(g.Clone().Call(jen.Id("k")), jen.Err()),
		)),
	))
	f.Line()
}

// genCacheCompositeKey emits the struct type and codec of a key of several
// columns; nothing for a key of one.
func genCacheCompositeKey(f *jen.File, t *ir.Table, k *ir.CacheKey, what string) {
	if k.Struct == "" {
		return
	}
	comment(f, fmt.Sprintf("%s is %s of table %s, as its row cache keys rows.", k.Struct, what, t.SQLName))
	f.Type().Id(k.Struct).StructFunc(func(g *jen.Group) {
		for _, c := range k.Columns {
			g.Id(c.Field).Add(typeCode(c.Go.Elem()))
		}
	})
	f.Line()
	var appends, parses []jen.Code
	for i, c := range k.Columns {
		part := jen.Qual(ir.PathRuntime, "AppendKeyPart").Call(jen.Id("dst"), cacheCodecExpr(k.Codecs[i]), jen.Id("k").Dot(c.Field))
		parse := jen.Id("k").Dot(c.Field).Op(",").Err().Op("=").Add(cacheCodecExpr(k.Codecs[i])).Dot("Parse").Call(jen.Id("p").Index(jen.Lit(i)))
		if i == len(k.Columns)-1 {
			appends = append(appends, jen.Return(part))
			parses = append(parses, parse, jen.Return(jen.Id("k"), jen.Err()))
			break
		}
		appends = append(appends, jen.Id("dst").Op("=").Add(part))
		parses = append(parses, jen.If(parse, jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("k"), jen.Err())))
	}
	comment(f, fmt.Sprintf("%s is the cache key codec of %s.", k.Var, k.Struct))
	f.Var().Id(k.Var).Op("=").Add(literal(jen.Qual(ir.PathRuntime, "KeyCodec").Types(jen.Id(k.Struct)),
		field("Append", jen.Func().Params(jen.Id("dst").Index().Byte(), jen.Id("k").Id(k.Struct)).Index().Byte().Block(appends...)),
		field("Parse", jen.Func().Params(jen.Id("s").String()).Params(jen.Id("k").Id(k.Struct), jen.Err().Error()).Block(append([]jen.Code{
			jen.List(jen.Id("p"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "SplitKey").Call(jen.Id("s"), jen.Lit(len(k.Columns))),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("k"), jen.Err())),
		}, parses...)...)),
	))
	f.Line()
}

// cacheCodecExpr is the codec of one key column.
func cacheCodecExpr(kc *ir.CacheKeyCodec) *jen.Statement {
	if kc.Var != "" {
		return jen.Id(kc.Var)
	}
	return jen.Qual(ir.PathRuntime, kc.Runtime)
}

// cacheKeyCodec is the codec of a key: its column's, or its struct's.
func cacheKeyCodec(k *ir.CacheKey) *jen.Statement {
	if k.Struct != "" {
		return jen.Id(k.Var)
	}
	return cacheCodecExpr(k.Codecs[0])
}

// cacheKeyType is the Go type of a key.
func cacheKeyType(k *ir.CacheKey) *jen.Statement {
	if k.Struct != "" {
		return jen.Id(k.Struct)
	}
	return typeCode(k.Columns[0].Go.Elem())
}

// cacheKeyValue is a key's value, its columns' read by get.
func cacheKeyValue(k *ir.CacheKey, get func(*ir.Column) jen.Code) jen.Code {
	if k.Struct == "" {
		return get(k.Columns[0])
	}
	var kv []jen.Code
	for _, c := range k.Columns {
		kv = append(kv, field(c.Field, get(c)))
	}
	return jen.Id(k.Struct).Custom(jen.Options{Open: "{", Close: "}", Separator: ", "}, kv...)
}

// cacheTenantType and cacheTenantCodec are the tenant's Go type and codec in a
// cache's spec: runtime.NoTenant for a table without tenant.
func cacheTenantType(c *ir.Cache) *jen.Statement {
	if c.Tenant == nil {
		return jen.Qual(ir.PathRuntime, "NoTenant")
	}
	return cacheKeyType(c.Tenant)
}

func cacheTenantCodec(c *ir.Cache) *jen.Statement {
	if c.Tenant == nil {
		return jen.Qual(ir.PathRuntime, "NoTenantKeys")
	}
	return cacheKeyCodec(c.Tenant)
}

// cacheTenantValue is the tenant of a cached call: the method's tenant local,
// or runtime.NoTenant{}.
func cacheTenantValue(c *ir.Cache) jen.Code {
	if c.Tenant == nil {
		return jen.Qual(ir.PathRuntime, "NoTenant").Values()
	}
	return jen.Id("tenant")
}

// cacheDBOf is the database a cached read of t looks up: r.db, or
// r.cacheDB() when a WithDeleted view must bypass the cache.
func cacheDBOf(t *ir.Table) jen.Code {
	if t.ReadsDeleted && t.DeletedAt != nil {
		return jen.Id("r").Dot("cacheDB").Call()
	}
	return jen.Id("r").Dot("db")
}

// cacheTenantOnly reads the tenant of ctx without scoping the database yet: a
// cached read scopes it only when it misses, so that a hit allocates
// nothing.
func cacheTenantOnly(t *ir.Table, method string, fail func(jen.Code) jen.Code) []jen.Code {
	if t.Tenant == nil {
		return nil
	}
	return tenantPrelude(t, method, t.Tenant.Go.Elem(), fail, false)[:2]
}

// cacheScopeOnMiss scopes the database to the tenant once a cached read
// missed: the db local, or nothing (the read then runs on r.db).
func cacheScopeOnMiss(t *ir.Table) []jen.Code {
	if t.Tenant == nil {
		return nil
	}
	return []jen.Code{jen.Id("db").Op(":=").Qual(ir.PathRuntime, "Scope").Call(jen.Id("r").Dot("db"), jen.Id("tenant"))}
}

// cachedFindByID is the body of FindByID of a cached table: a hit
// returns the cached row; a miss reads the primary, into a variable of
// its own (a hit stays free of allocations), and fills the cache.
func cachedFindByID(t *ir.Table) []jen.Code {
	c, s := t.Cache, t.SQL.FindByID
	body := cacheTenantOnly(t, "FindByID", returnsModel(t))
	body = append(body,
		jen.List(jen.Id("v"), jen.Id("ok"), jen.Id("fill")).Op(":=").Id(c.Var).Dot("Get").Call(jen.Id("ctx"), cacheDBOf(t), cacheTenantValue(c),
			cacheKeyValue(c.Key, func(col *ir.Column) jen.Code { return jen.Id(col.Param) })),
		jen.If(jen.Id("ok")).Block(jen.Return(jen.Id("v"), jen.Nil())),
	)
	body = append(body, cacheScopeOnMiss(t)...)
	args := append([]jen.Code{jen.Id("fill").Dot("Context").Call(jen.Id("ctx"))}, callArgs(s, pkArgs(t))[1:]...)
	return append(body,
		jen.List(jen.Id("row"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "ScanOne").Call(dbOf(t.Tenant != nil).Dot("QueryRow").Call(args...), jen.Id(t.Scan)),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("fill").Dot("Abort").Call(),
			jen.Return(jen.Id(t.Model).Values(), wrapErr(t, "FindByID")),
		),
		jen.Id("fill").Dot("Done").Call(jen.Id("ctx"), jen.Op("&").Id("row")),
		jen.Return(jen.Id("row"), jen.Nil()),
	)
}

// cachedFindByIDs is the body of FindByIDs of a cached table: the keys
// not cached are read with one statement, and the rows are sorted as the
// statement sorts them.
func cachedFindByIDs(t *ir.Table) []jen.Code {
	c, s, pk := t.Cache, *t.Batch.FindByIDs, t.PK[0]
	body := cacheTenantOnly(t, "FindByIDs", returnsNil)
	miss := append(cacheScopeOnMiss(t),
		jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(dbOf(t.Tenant != nil)).Dot("Query").Call(
			append([]jen.Code{jen.Id("batch").Dot("Context").Call(jen.Id("ctx"))}, callArgs(s, []jen.Code{jen.Id("miss")})[1:]...)...),
		jen.List(jen.Id("items"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "Collect").Call(jen.Id("rows"), jen.Err(), jen.Len(jen.Id("miss")), jen.Id(t.Scan)),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("batch").Dot("Abort").Call(),
			jen.Return(jen.Nil(), wrapErr(t, "FindByIDs")),
		),
		jen.Id("batch").Dot("Done").Call(jen.Id("ctx"), jen.Id("items")),
	)
	x, y := jen.Id("x").Dot(pk.Field), jen.Id("y").Dot(pk.Field)
	compare := jen.Qual(ir.PathCmp, "Compare").Call(x, y)
	if kc := c.Key.Codecs[0]; kc.Base.Path == ir.PathUUID {
		compare = jen.Qual(ir.PathBytes, "Compare").Call(x.Clone().Index(jen.Empty().Op(":")), y.Clone().Index(jen.Empty().Op(":")))
	}
	return append(body,
		jen.If(jen.Len(jen.Id("ids")).Op("==").Lit(0)).Block(jen.Return(emptySlice(t), jen.Nil())),
		jen.Id("batch").Op(":=").Id(c.Var).Dot("GetMany").Call(jen.Id("ctx"), cacheDBOf(t), cacheTenantValue(c), jen.Id("ids")),
		jen.If(jen.Id("miss").Op(":=").Id("batch").Dot("Misses").Call(), jen.Len(jen.Id("miss")).Op(">").Lit(0)).Block(miss...),
		jen.Id("out").Op(":=").Id("batch").Dot("Values").Call(),
		jen.Qual(ir.PathSlices, "SortFunc").Call(jen.Id("out"), jen.Func().Params(jen.List(jen.Id("x"), jen.Id("y")).Id(t.Model)).Int().
			Add(inline(jen.Return(compare)))),
		jen.Return(jen.Id("out"), jen.Nil()),
	)
}

// cachedFinder is the body of a finder on a unique key of a cached
// table: the key's cache gives a primary key, whose row (from FindByID,
// through the row cache) is the answer when it still has the key's
// values; otherwise the statement runs and its row's key is cached. The
// database is scoped to the tenant only then, so that a hit allocates
// nothing. A finder has no optional filter, so no statement variants.
func cachedFinder(q *ir.Query, c queryCall) []jen.Code {
	t := q.Table
	x, cache := q.CacheIndex, t.Cache
	param := func(col *ir.Column) jen.Code {
		for _, p := range q.Params {
			if p.Kind == ir.FilterParam && p.Column == col {
				return paramExpr(q, p)
			}
		}
		return jen.Id(col.Param) // not reached: the builder matched a parameter to every column
	}
	var pkArgs []jen.Code
	for _, col := range t.PK {
		if cache.Key.Struct == "" {
			pkArgs = append(pkArgs, jen.Id("cached"))
		} else {
			pkArgs = append(pkArgs, jen.Id("cached").Dot(col.Field))
		}
	}
	match := jen.Err().Op("==").Nil()
	for _, col := range x.Key.Columns {
		match = match.Op("&&").Id("v").Dot(col.Field).Op("==").Add(param(col))
	}
	tenant := cacheTenantValue(cache)
	var body []jen.Code
	if q.Scoped {
		body = cacheTenantOnly(t, q.Name, returnsModel(t))
	}
	body = append(body,
		jen.If(jen.List(jen.Id("cached"), jen.Id("ok")).Op(":=").Id(x.Var).Dot("Get").Call(jen.Id("ctx"), cacheDBOf(t), tenant, cacheKeyValue(x.Key, param)), jen.Id("ok")).Block(
			jen.Comment("A hint: the row is used only if it still has the key's values."),
			jen.If(jen.List(jen.Id("v"), jen.Err()).Op(":=").Id("r").Dot("FindByID").Call(append([]jen.Code{jen.Id("ctx")}, pkArgs...)...), match).Block(
				jen.Return(jen.Id("v"), jen.Nil()),
			).Else().If(jen.Err().Op("!=").Nil().Op("&&").Op("!").Qual(ir.PathErrors, "Is").Call(jen.Err(), jen.Qual(ir.PathRuntime, "ErrNotFound"))).Block(
				jen.Return(jen.Id(t.Model).Values(), jen.Err()),
			),
		),
	)
	if q.Scoped {
		body = append(body, cacheScopeOnMiss(t)...)
	}
	return append(body,
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "ScanOne").Call(
			dbOf(q.Scoped).Dot("QueryRow").Call(append([]jen.Code{jen.Id("ctx")}, c.call(mainStmt)...)...), jen.Id(q.Result.Scan)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id("v"), wrapErr(t, q.Name))),
		jen.Id(x.Var).Dot("Set").Call(jen.Id("ctx"), cacheDBOf(t), tenant, cacheKeyValue(x.Key, param),
			cacheKeyValue(cache.Key, func(col *ir.Column) jen.Code { return jen.Id("v").Dot(col.Field) })),
		jen.Return(jen.Id("v"), jen.Nil()),
	)
}

// invalidatingDB returns what a write method of t runs its statements
// on, given db, the database it would run them on: db itself when the
// method invalidates nothing before its statement, or
// runtime.Invalidating(db, …) with the keys it writes and the cached
// tables it reaches. pre are the statements computing a conditional
// invalidation (an update re-keying a referenced column), run first.
func invalidatingDB(t *ir.Table, method string, db *jen.Statement) (pre []jen.Code, out *jen.Statement, ok bool) {
	w := t.CacheWrite(method)
	if w == nil || w.Own == ir.CacheOwnReturned {
		return nil, db, false
	}
	var invs []jen.Code
	switch w.Own {
	case ir.CacheOwnParams:
		invs = append(invs, jen.Id(t.Cache.Var).Dot("Keys").Call(cacheTenantValue(t.Cache),
			cacheKeyValue(t.Cache.Key, func(col *ir.Column) jen.Code { return jen.Id(col.Param) })))
	case ir.CacheOwnInsert:
		invs = append(invs, jen.Id(t.Cache.Var).Dot("Keys").Call(cacheTenantValue(t.Cache),
			cacheKeyValue(t.Cache.Key, func(col *ir.Column) jen.Code {
				if col == t.Tenant {
					return jen.Id("tenant")
				}
				return jen.Id("n").Dot(col.Field)
			})))
	}
	var when []*ir.CacheFlush
	for _, fl := range w.Flushes {
		if len(fl.When) > 0 {
			when = append(when, fl)
			continue
		}
		invs = append(invs, jen.Id(fl.Table.Cache.Var).Dot("AllRows").Call())
	}
	if len(invs) == 0 && len(when) == 0 {
		return nil, db, false
	}
	if len(when) == 0 {
		return nil, jen.Qual(ir.PathRuntime, "Invalidating").Call(append([]jen.Code{db}, invs...)...), true
	}
	pre = append(pre, jen.Id("invs").Op(":=").Index().Qual(ir.PathRuntime, "Invalidation").Values(invs...))
	for _, fl := range when {
		var cond *jen.Statement
		for i, c := range fl.When {
			set := jen.Id("u").Dot(c.Field).Dot("Set")
			if i == 0 {
				cond = set
			} else {
				cond = cond.Op("||").Add(set)
			}
		}
		pre = append(pre, jen.If(cond).Block(
			jen.Comment(fmt.Sprintf("PostgreSQL changes rows of %s through the foreign keys referencing the column.", fl.Table.SQLName)),
			jen.Id("invs").Op("=").Append(jen.Id("invs"), jen.Id(fl.Table.Cache.Var).Dot("AllRows").Call()),
		))
	}
	return pre, jen.Qual(ir.PathRuntime, "Invalidating").Call(db, jen.Id("invs").Op("...")), true
}

// writeDBPrelude declares db for a write method of t that runs without a
// tenant but invalidates before its statement: db :=
// runtime.Invalidating(r.db, …), run as the actor of ctx when acting is
// set (runtime.Acting(ctx, …), see actingDB). It returns nil when the
// method neither invalidates nor acts.
func writeDBPrelude(t *ir.Table, method string, acting bool) []jen.Code {
	pre, db, ok := invalidatingDB(t, method, jen.Id("r").Dot("db"))
	switch {
	case ok && acting:
		db = jen.Qual(ir.PathRuntime, "Acting").Call(jen.Id("ctx"), db)
	case acting:
		return []jen.Code{actingDB()}
	case !ok:
		return nil
	}
	return append(pre, jen.Id("db").Op(":=").Add(db))
}

// returnedWrite returns what method of t invalidates when its keys come
// back from its statement (CacheOwnReturned), or nil.
func returnedWrite(t *ir.Table, method string) *ir.CacheWrite {
	if w := t.CacheWrite(method); w != nil && w.Own == ir.CacheOwnReturned {
		return w
	}
	return nil
}

// genReturnedWrite emits method w.Method of t, whose row's key comes back
// from its statement: it runs w.Inner (the statement, on the
// transaction) and sends the row's invalidation in the same transaction
// (runtime.Invalidate), in a transaction of its own or a savepoint of
// the caller's. doc is the method's doc comment.
func genReturnedWrite(f *jen.File, t *ir.Table, w *ir.CacheWrite, doc string) {
	c := t.Cache
	tenant := cacheTenantValue(c)
	if c.Tenant != nil {
		tenant = jen.Id("v").Dot(t.Tenant.Field)
	}
	invs := []jen.Code{jen.Id(c.Var).Dot("Keys").Call(tenant, cacheKeyValue(c.Key, func(col *ir.Column) jen.Code { return jen.Id("v").Dot(col.Field) }))}
	for _, fl := range w.Flushes {
		invs = append(invs, jen.Id(fl.Table.Cache.Var).Dot("AllRows").Call())
	}
	doc += " It runs in a transaction (a savepoint of the caller's), which also invalidates the cached row it returns."
	method(f, t, w.Method, doc).Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Error()).Block(
		jen.Var().Id("v").Id(t.Model),
		jen.Err().Op(":=").Qual(ir.PathRuntime, "InTx").Call(jen.Id("ctx"), jen.Id("r").Dot("db"),
			jen.Qual(ir.PathRuntime, "TxOptions").Values(jen.Dict{jen.Id("MaxAttempts"): jen.Lit(1)}),
			jen.Func().Params(jen.Id("tx").Qual(ir.PathPgx, "Tx")).Error().Block(
				jen.Var().Err().Error(),
				jen.If(jen.List(jen.Id("v"), jen.Err()).Op("=").Parens(jen.Op("&").Id(t.Repo).Values(jen.Dict{jen.Id("db"): jen.Id("tx")})).
					Dot(w.Inner).Call(jen.Id("ctx"), jen.Id("n")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
				jen.Return(jen.Qual(ir.PathRuntime, "Invalidate").Call(append([]jen.Code{jen.Id("ctx"), jen.Id("tx")}, invs...)...)),
			)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(t.Model).Values(), wrapErr(t, w.Method))),
		jen.Return(jen.Id("v"), jen.Nil()),
	)
	f.Line()
}

// cacheDoc is what a method's doc comment says about the cache, or "".
func cacheDoc(t *ir.Table, method string) string {
	if t.Cache == nil {
		return ""
	}
	switch method {
	case "FindByID", "FindByIDs":
		return " It reads through the table's row cache (see " + t.Repo + "); the rows it returns may be shared with it: treat them as read-only."
	}
	return ""
}
