package ir

// GeneratedStatement is one SQL statement the generated package holds
// as a constant, with where it comes from. Statements lists them all;
// cpcgen vet prepares each on a database.
type GeneratedStatement struct {
	// Const is the Go constant's name; SQL the statement, whose first
	// line is "-- name: <Name>".
	Statement
	// Name is the operation the statement belongs to: "accounts.Create",
	// "accounts.ForUser".
	Name string
	// Table is the table whose repository runs the statement.
	Table *Table
	// Query is the spec query the statement belongs to, and Variant the
	// form of it; both nil for the methods generated for every table.
	Query   *Query
	Variant *QueryVariant
	// Pos is where the statement comes from in the specs: the SQL of a
	// raw query, the query, the relation, or else the table.
	Pos Pos
}

// Statements returns every statement the generated package declares as
// a constant, in the order the emitter writes them: per table the CRUD
// statements, the bulk and upsert statements, the batch writes, the relations', then the
// queries' (each variant's main, after-cursor and stream statements).
// COPY (CreateMany) has no statement text and is not listed.
func (p *Package) Statements() []GeneratedStatement {
	var out []GeneratedStatement
	for _, t := range p.Tables {
		out = tableStatements(out, t)
	}
	for _, t := range p.Views {
		out = tableStatements(out, t)
		add := func(method string, s Statement) {
			if s.Const != "" {
				out = append(out, GeneratedStatement{Statement: s, Name: t.Op + "." + method, Table: t, Pos: t.Pos})
			}
		}
		add("Refresh", t.View.Refresh)
		add("RefreshConcurrently", t.View.RefreshConcurrently)
	}
	return out
}

// tableStatements appends the statements of one table.
func tableStatements(out []GeneratedStatement, t *Table) []GeneratedStatement {
	pos := t.Pos
	// add adds a statement and its variant including soft-deleted rows;
	// a statement without a constant is not generated.
	add := func(method string, s Statement, pos Pos) {
		if s.Const == "" {
			return
		}
		out = append(out, GeneratedStatement{Statement: s, Name: t.Op + "." + method, Table: t, Pos: pos})
		if s.WithDeleted != nil {
			out = append(out, GeneratedStatement{Statement: *s.WithDeleted, Name: t.Op + "." + method, Table: t, Pos: pos})
		}
	}
	fam := t.Families
	if fam.CRUD {
		add("Create", t.SQL.Create, pos)
		add("FindByID", t.SQL.FindByID, pos)
		add("FindAll", t.SQL.FindAll, pos)
		add("List", t.SQL.ListFirst, pos)
		add("List", t.SQL.ListAfter, pos)
		add("Update", t.SQL.Update, pos)
		add("Exists", t.SQL.Exists, pos)
		add("Delete", t.SQL.Delete, pos)
		add("HardDelete", t.SQL.HardDelete, pos)
		add("Restore", t.SQL.Restore, pos)
		add("Count", t.SQL.Count, pos)
		add("AuditTrail", t.SQL.AuditTrail, pos)
		if s := t.Batch.FindByIDs; s != nil {
			add("FindByIDs", *s, pos)
		}
	}
	if fam.Batch {
		if t.QueuesCreate() {
			add("Create", t.SQL.Create, pos)
		}
		add("CreateMany", t.Batch.Insert, pos)
		if !t.Batch.ReturningBatch {
			add("CreateManyReturning", t.Batch.Returning, pos)
		}
	}
	if fam.Upsert {
		for _, k := range t.UniqueKeys {
			add(k.Upsert, k.UpsertSQL, pos)
			add(k.CreateIfAbsent, k.CreateIfAbsentSQL, pos)
		}
	}
	if fam.Batch {
		add("UpdateMany", t.Bulk.UpdateMany, pos)
		add("UpdateManyReturning", t.Bulk.UpdateManyReturning, pos)
		add("DeleteMany", t.Bulk.DeleteMany, pos)
		add("HardDeleteMany", t.Bulk.HardDeleteMany, pos)
		add("RestoreMany", t.Bulk.RestoreMany, pos)
	}
	if fam.Batch && fam.Upsert {
		for _, k := range t.UniqueKeys {
			add(k.UpsertMany, k.UpsertManySQL, pos)
			add(k.CreateManyIfAbsent, k.CreateManyIfAbsentSQL, pos)
		}
	}

	for _, r := range t.Relations {
		if !r.Generated() {
			continue
		}
		rel := func(method string, s Statement) { add(method, s, r.Pos) }
		switch r.Kind {
		case BelongsTo:
			rel(r.List, r.ListSQL)
			if r.Skipped == "" {
				rel(r.Load, r.LoadSQL)
			}
		case ManyToMany:
			if r.Skipped == "" {
				rel(r.Load, r.LoadSQL)
			}
			if r.LinkSkipped == "" {
				rel(r.Link, r.LinkSQL)
				rel(r.Unlink, r.UnlinkSQL)
			}
		}
	}

	for _, q := range t.Queries {
		qpos := q.Pos
		if q.Kind == Raw && q.SQLPos.IsValid() {
			qpos = q.SQLPos
		}
		for _, v := range q.Variants {
			for _, s := range []Statement{v.Main, v.After, v.Stream} {
				if s.Const != "" {
					out = append(out, GeneratedStatement{Statement: s, Name: t.Op + "." + q.Name, Table: t, Query: q, Variant: v, Pos: qpos})
				}
			}
		}
	}
	return out
}
