package spec

// The families of repository methods cpcgen generates for a table. A
// table has every family unless methods: (in cpcgen.yaml for every
// table, or on the table) lists the ones it wants; the spec's queries
// are generated whatever it says.
const (
	// MethodsCRUD: Create, FindByID, FindByIDs, FindAll, Stream, List,
	// Update, Delete, Count and the single-row methods of the table's
	// behaviours (soft delete's HardDelete and Restore, audit's
	// AuditTrail).
	MethodsCRUD = "crud"
	// MethodsBatch: CreateMany (COPY), CreateManyReturning, UpdateMany,
	// UpdateManyReturning, DeleteMany and the batch forms of the
	// behaviours' methods.
	MethodsBatch = "batch"
	// MethodsUpsert: UpsertBy<Key> and CreateIfAbsentBy<Key> per unique
	// key; with MethodsBatch also their batch forms, UpsertManyBy<Key>
	// and CreateManyIfAbsentBy<Key>.
	MethodsUpsert = "upsert"
	// MethodsRelations: ListBy<FK> and LoadBy<FK> on the child's
	// repository, Load<Children> (and Link, Unlink of many_to_many) on
	// the parent's; the parent's methods need the family on both tables.
	MethodsRelations = "relations"
)

// methodFamilies are the method families, in the order the docs list
// them, with the field of Methods each sets.
var methodFamilies = []struct {
	name string
	on   func(*Methods) *bool
}{
	{MethodsCRUD, func(m *Methods) *bool { return &m.CRUD }},
	{MethodsBatch, func(m *Methods) *bool { return &m.Batch }},
	{MethodsUpsert, func(m *Methods) *bool { return &m.Upsert }},
	{MethodsRelations, func(m *Methods) *bool { return &m.Relations }},
}

// MethodFamilies are the names of the method families, in the order the
// docs list them.
var MethodFamilies = func() []string {
	var out []string
	for _, f := range methodFamilies {
		out = append(out, f.name)
	}
	return out
}()

// Methods is a set of method families (methods:).
type Methods struct {
	CRUD, Batch, Upsert, Relations bool
	// Pos is where methods: was written; zero for the default.
	Pos Pos
}

// AllMethods is every family: the default.
func AllMethods() Methods { return Methods{CRUD: true, Batch: true, Upsert: true, Relations: true} }

// methods decodes methods: (a list of family names, possibly empty) at
// n; ctx names it in errors.
func (d *decoder) methods(n *node, ctx string) (Methods, bool) {
	m := Methods{Pos: n.pos}
	if n.isNull() || n.kind != sequenceNode {
		d.errs.Add(n.pos, "%s: expected a list of method families (%s), or [] for none, got %s",
			ctx, quoteList(MethodFamilies), describe(n))
		return m, false
	}
	for _, it := range n.items {
		s, ok := d.oneOf(it, ctx, MethodFamilies...)
		if !ok {
			continue
		}
		for _, f := range methodFamilies {
			if f.name != s {
				continue
			}
			if on := f.on(&m); *on {
				d.errs.Add(it.pos, "%s: %q is listed twice", ctx, s)
			} else {
				*on = true
			}
		}
	}
	return m, true
}
