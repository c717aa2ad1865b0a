package hostiledb

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile are the strings every method stores, passes as keys and
// parameters, and reads back.
var hostile = []string{
	`'; DROP TABLE things; --`,
	`" OR 1=1; DROP SCHEMA public CASCADE; --`,
	`O'Reilly "quoted" \back\slash\ \\double \' \"`,
	`$1 $2 $$dollar$$ $tag$ @param @tenant @name :name ? %s %v %% {}`,
	`-- not a comment */ /* nor this`,
	"line 1\nline 2\r\n\ttabbed\x01\x1f\x7f",
	"é世界😀 \u202eright-to-left\u202c \u200bzero-width e\u0301",
	`{"json": [1, "two"], "q": "it's"}`,
	`{a,b,"c,d",NULL}`,
	`NULL`,
	``,
	` leading and trailing `,
	`%_\%\_ like wildcards`,
	strings.Repeat("long 'value' \\ ", 6000),
}

// fingerprint describes the schema: every column, constraint, index,
// policy and function of the public schema, so that a test can tell it
// did not change.
func fingerprint(t *testing.T, db *pgxpool.Pool) string {
	t.Helper()
	var s string
	err := db.QueryRow(context.Background(), `
		SELECT concat_ws(E'\n',
		  (SELECT string_agg(table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, ''), E'\n' ORDER BY table_name, ordinal_position)
		     FROM information_schema.columns WHERE table_schema = 'public'),
		  (SELECT string_agg(conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid), E'\n' ORDER BY conrelid::regclass::text, conname)
		     FROM pg_constraint WHERE connamespace = 'public'::regnamespace),
		  (SELECT string_agg(indexname || ' ' || indexdef, E'\n' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'),
		  (SELECT string_agg(tablename || ' ' || policyname || ' ' || coalesce(qual, ''), E'\n' ORDER BY tablename) FROM pg_policies WHERE schemaname = 'public'),
		  (SELECT string_agg(relname || ' ' || relkind::text || ' ' || relrowsecurity::text, E'\n' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace),
		  (SELECT count(*)::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type coverage map[string]bool

func (c coverage) check(t *testing.T, repos ...any) {
	t.Helper()
	for _, r := range repos {
		typ := reflect.TypeOf(r)
		for i := 0; i < typ.NumMethod(); i++ {
			if name := typ.Elem().Name() + "." + typ.Method(i).Name; !c[name] {
				t.Errorf("%s is not exercised", name)
			}
		}
	}
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, w := fmt.Sprintf("%q", got), fmt.Sprintf("%q", want)
		if len(g) > 200 {
			g = g[:200] + "…"
		}
		if len(w) > 200 {
			w = w[:200] + "…"
		}
		t.Errorf("%s: got %s, want %s", what, g, w)
	}
}

// mustError is a failure of must, which the test reports.
type mustError struct{ err error }

// must returns v, or stops the test (see caught) when err is not nil.
func must[T any](v T, err error) T {
	if err != nil {
		panic(mustError{err})
	}
	return v
}

// caught turns a failure of must into a test failure with its line.
func caught(t *testing.T) {
	if r := recover(); r != nil {
		if m, ok := r.(mustError); ok {
			t.Fatalf("unexpected error: %v", m.err)
		}
		panic(r)
	}
}

func docOf(h string) json.RawMessage {
	data, _ := json.Marshal(map[string]string{"v": h})
	return data
}

// code fits char(24): char(n) pads with spaces, which PostgreSQL drops
// when it compares, so the value is cut where its characters end.
func code(h string) string {
	r := []rune(strings.TrimRight(h, " "))
	if len(r) > 24 {
		r = r[:24]
	}
	return strings.TrimRight(string(r), " ")
}

// TestHostileInputRoundTrips stores every hostile string through every
// generated method of the package — as values, keys, array elements,
// JSON, query and raw-SQL parameters, LIKE patterns, and as the tenant
// itself — reads each back byte-identical, and checks the schema is
// exactly as before.
func TestHostileInputRoundTrips(t *testing.T) {
	defer caught(t)
	pool := pgtest.Pool(t)
	before := fingerprint(t, pool)
	s := NewStore(pool)
	cov := coverage{}
	call := func(names ...string) {
		for _, n := range names {
			cov[n] = true
		}
	}
	for i, h := range hostile {
		// The tenant is hostile too: set_config gets it as a parameter.
		// Keys stay under the size a btree index entry may have.
		kh := h
		if len(kh) > 1000 {
			kh = kh[:1000]
		}
		ctx := runtime.WithActor(runtime.WithTenant(context.Background(), kh+fmt.Sprint(i)), h)
		tenant := kh + fmt.Sprint(i)
		key := fmt.Sprint(i) + kh
		n := NewThing{Key: key, Name: h, Code: runtime.NullOf(code(h)), Tags: runtime.Set([]string{h, "", "NULL", h}), Doc: docOf(h), Note: runtime.NullOf(h)}
		th := must(s.Things.Create(ctx, n))
		call("ThingRepo.Create")
		check := func(what string, got Thing) {
			t.Helper()
			eq(t, what+" owner", got.Owner, tenant)
			eq(t, what+" key", got.Key, key)
			eq(t, what+" name", got.Name, h)
			eq(t, what+" code", strings.TrimRight(got.Code.V, " "), code(h))
			eq(t, what+" tags", got.Tags, []string{h, "", "NULL", h})
			eq(t, what+" note", got.Note.V, h)
			var doc map[string]string
			if err := json.Unmarshal(got.Doc, &doc); err != nil || doc["v"] != h {
				t.Errorf("%s doc: %s, %v", what, got.Doc, err)
			}
		}
		check("Create", th)
		check("FindByID", must(s.Things.FindByID(ctx, th.ID)))
		all := must(s.Things.FindAll(ctx))
		eq(t, "FindAll", len(all), 1)
		check("FindAll", all[0])
		for got, err := range s.Things.Stream(ctx) {
			check("Stream", must(got, err))
		}
		page := must(s.Things.List(ctx, runtime.PageArgs{Limit: 5}))
		check("List", page.Items[0])
		eq(t, "Count", must(s.Things.Count(ctx)), int64(1))
		check("FindByIDs", must(s.Things.FindByIDs(ctx, []int64{th.ID}))[0])
		check("ByName", must(s.Things.ByName(ctx, h))[0])
		check("AmongKeys", must(s.Things.AmongKeys(ctx, []string{key, "x"}))[0])
		// As a LIKE pattern the string is a pattern; escaped, it matches
		// itself only.
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(h)
		check("NoteLike", must(s.Things.NoteLike(ctx, esc))[0])
		echo := must(s.Things.Echo(ctx, h, h))
		eq(t, "Echo", echo, []EchoRow{{ID: th.ID, Name: h, Probe: h, Lit: "it's -- not a comment"}})
		call("ThingRepo.FindByID", "ThingRepo.FindAll", "ThingRepo.Stream", "ThingRepo.List", "ThingRepo.Count",
			"ThingRepo.FindByIDs", "ThingRepo.ByName", "ThingRepo.AmongKeys", "ThingRepo.NoteLike", "ThingRepo.Echo")

		rh := "¡" + h + "!" // a second hostile value
		th = must(s.Things.Update(ctx, th.ID, th.Version, ThingUpdate{Name: runtime.Set(rh), Note: runtime.SetNullable(rh)}))
		eq(t, "Update name", th.Name, rh)
		n.Name = h
		up := must(s.Things.UpsertByOwnerAndKey(ctx, n))
		check("UpsertByOwnerAndKey", up)
		got, created, err := s.Things.CreateIfAbsentByOwnerAndKey(ctx, n)
		if err != nil || created {
			t.Fatalf("CreateIfAbsentByOwnerAndKey: %v, %v", created, err)
		}
		check("CreateIfAbsentByOwnerAndKey", got)
		call("ThingRepo.Update", "ThingRepo.UpsertByOwnerAndKey", "ThingRepo.CreateIfAbsentByOwnerAndKey")
		// The audit trail reads the hostile values back as written.
		trail := must(s.Things.AuditTrail(ctx, th.ID))
		var last struct {
			Name string `json:"name"`
		}
		if len(trail) != 3 || json.Unmarshal(trail[2].New, &last) != nil {
			t.Fatalf("AuditTrail = %+v", trail)
		}
		eq(t, "AuditTrail", []string{trail[0].Action, trail[1].Action, trail[2].Action, last.Name}, []string{"create", "update", "update", h})
		call("ThingRepo.AuditTrail")

		p := must(s.Parts.Create(ctx, NewPart{ThingID: th.ID, Body: h}))
		eq(t, "part owner", p.Owner, tenant)
		eq(t, "part body", p.Body, h)
		eq(t, "Parts.FindByID", must(s.Parts.FindByID(ctx, p.ID)).Body, h)
		p = must(s.Parts.Update(ctx, p.ID, PartUpdate{Body: runtime.Set(rh)}))
		eq(t, "Parts.Update", p.Body, rh)
		eq(t, "Parts.ListByThingID", must(s.Parts.ListByThingID(ctx, th.ID))[0].Body, rh)
		eq(t, "Parts.LoadByThingID", must(s.Parts.LoadByThingID(ctx, []int64{th.ID}))[th.ID][0].Body, rh)
		eq(t, "Things.LoadParts", must(s.Things.LoadParts(ctx, []Thing{th}))[th.ID][0].Body, rh)
		eq(t, "Parts.FindAll", must(s.Parts.FindAll(ctx))[0].Body, rh)
		for got, err := range s.Parts.Stream(ctx) {
			eq(t, "Parts.Stream", must(got, err).Body, rh)
		}
		eq(t, "Parts.List", must(s.Parts.List(ctx, runtime.PageArgs{})).Items[0].Body, rh)
		eq(t, "Parts.FindByIDs", must(s.Parts.FindByIDs(ctx, []int64{p.ID}))[0].Body, rh)
		more := must(s.Parts.CreateManyReturning(ctx, []NewPart{{ThingID: th.ID, Body: h}, {ThingID: th.ID, Body: rh}}))
		eq(t, "Parts.CreateManyReturning", []string{more[0].Body, more[1].Body, more[0].Owner}, []string{h, rh, tenant})
		eq(t, "Parts.CreateMany", must(s.Parts.CreateMany(ctx, []NewPart{{ThingID: th.ID, Body: h}})), int64(1))
		eq(t, "Parts.Count", must(s.Parts.Count(ctx)), int64(4))
		eq(t, "Parts.Delete", must(s.Parts.Delete(ctx, p.ID)), true)
		call("PartRepo.Create", "PartRepo.FindByID", "PartRepo.Update", "PartRepo.ListByThingID", "PartRepo.LoadByThingID",
			"ThingRepo.LoadParts", "PartRepo.FindAll", "PartRepo.Stream", "PartRepo.List", "PartRepo.FindByIDs",
			"PartRepo.CreateManyReturning", "PartRepo.CreateMany", "PartRepo.Count", "PartRepo.Delete")

		many := must(s.Things.CreateManyReturning(ctx, []NewThing{{Key: key + "a", Name: h}, {Key: key + "b", Name: rh, Note: runtime.NullOf(h)}}))
		eq(t, "CreateManyReturning", []string{many[0].Name, many[1].Name, many[1].Note.V, many[0].Owner}, []string{h, rh, h, tenant})
		eq(t, "CreateMany", must(s.Things.CreateMany(ctx, []NewThing{{Key: key + "c", Name: h}})), int64(1))
		eq(t, "Delete", must(s.Things.Delete(ctx, many[0].ID, many[0].Version)), true)
		eq(t, "Restore", must(s.Things.Restore(ctx, many[0].ID)), true)
		eq(t, "WithDeleted", must(s.Things.WithDeleted().Count(ctx)), int64(4))
		eq(t, "HardDelete", must(s.Things.HardDelete(ctx, many[1].ID)), true)
		call("ThingRepo.CreateManyReturning", "ThingRepo.CreateMany", "ThingRepo.Delete", "ThingRepo.Restore",
			"ThingRepo.WithDeleted", "ThingRepo.HardDelete")

		// Batch writes: the values travel in arrays (array values as the
		// text of their literals), in key order, and come back as written.
		odd := []string{h, `"`, `{`, `}`, `\`, ",", "NULL", ""}
		batch := must(s.Things.UpsertManyByOwnerAndKey(ctx, []NewThing{
			{Key: key + "u", Name: rh, Tags: runtime.Set(odd), Doc: docOf(h), Note: runtime.NullOf(h)},
			n,
		}))
		check("UpsertManyByOwnerAndKey", batch[1])
		eq(t, "UpsertManyByOwnerAndKey new", []any{batch[0].Name, batch[0].Tags, batch[0].Owner}, []any{rh, odd, tenant})
		absent, absentNew, err := s.Things.CreateManyIfAbsentByOwnerAndKey(ctx, []NewThing{{Key: key, Name: "ignored"}, {Key: key + "v", Name: h}})
		if err != nil || !slices.Equal(absentNew, []bool{false, true}) {
			t.Fatalf("CreateManyIfAbsentByOwnerAndKey: %v, %v", absentNew, err)
		}
		check("CreateManyIfAbsentByOwnerAndKey", absent[0])
		upd := must(s.Things.UpdateManyReturning(ctx, []ThingKeyedUpdate{
			{ID: batch[1].ID, Version: batch[1].Version, Changes: ThingUpdate{Note: runtime.SetNullable(rh)}},
			{ID: batch[0].ID, Version: batch[0].Version, Changes: ThingUpdate{Name: runtime.Set(h), Tags: runtime.Set([]string{rh}), Code: runtime.SetNull[string](), Doc: runtime.Set(docOf(rh))}},
		}))
		var doc map[string]string
		if err := json.Unmarshal(upd[1].Doc, &doc); err != nil || doc["v"] != rh {
			t.Errorf("UpdateManyReturning doc: %s, %v", upd[1].Doc, err)
		}
		eq(t, "UpdateManyReturning", []any{upd[0].Note.V, upd[1].Name, upd[1].Tags, upd[1].Code}, []any{rh, h, []string{rh}, runtime.Null[string]{}})
		eq(t, "UpdateMany", must(s.Things.UpdateMany(ctx, []ThingKeyedUpdate{{ID: upd[0].ID, Version: upd[0].Version, Changes: ThingUpdate{Note: runtime.SetNullable(h)}}})), int64(1))
		eq(t, "DeleteMany", must(s.Things.DeleteMany(ctx, []runtime.Versioned[int64, int64]{{Key: upd[1].ID, Version: upd[1].Version}, {Key: -1, Version: 1}})), []bool{true, false})
		eq(t, "RestoreMany", must(s.Things.RestoreMany(ctx, []int64{upd[1].ID, absent[1].ID})), []bool{true, false})
		eq(t, "HardDeleteMany", must(s.Things.HardDeleteMany(ctx, []int64{absent[1].ID, upd[1].ID})), []bool{true, true})
		check("after the batches", must(s.Things.FindByID(ctx, th.ID)))
		call("ThingRepo.UpsertManyByOwnerAndKey", "ThingRepo.CreateManyIfAbsentByOwnerAndKey", "ThingRepo.UpdateManyReturning",
			"ThingRepo.UpdateMany", "ThingRepo.DeleteMany", "ThingRepo.RestoreMany", "ThingRepo.HardDeleteMany")
		parts := must(s.Parts.UpdateManyReturning(ctx, []PartKeyedUpdate{{ID: more[1].ID, Changes: PartUpdate{Body: runtime.Set(h)}}, {ID: more[0].ID, Changes: PartUpdate{Body: runtime.Set(rh)}}}))
		eq(t, "Parts.UpdateManyReturning", []string{parts[0].Body, parts[1].Body, parts[0].Owner}, []string{h, rh, tenant})
		eq(t, "Parts.UpdateMany", must(s.Parts.UpdateMany(ctx, []PartKeyedUpdate{{ID: more[0].ID, Changes: PartUpdate{Body: runtime.Set(h)}}})), int64(1))
		eq(t, "Parts.DeleteMany", must(s.Parts.DeleteMany(ctx, []int64{more[0].ID, more[1].ID})), []bool{true, true})
		call("PartRepo.UpdateManyReturning", "PartRepo.UpdateMany", "PartRepo.DeleteMany")

		// The audit log holds the values as JSON, byte-identical, and the
		// actor.
		var name string
		var actor *string
		if err := pool.QueryRow(context.Background(),
			`SELECT new->>'name', actor FROM cpcgen_audit_log WHERE row_key = jsonb_build_object('id', $1::bigint) AND action = 'create'`,
			th.ID).Scan(&name, &actor); err != nil {
			t.Fatal(err)
		}
		eq(t, "audit name", name, h)
		if h == "" {
			eq(t, "audit actor", actor, (*string)(nil)) // an empty actor is none
		} else {
			eq(t, "audit actor", *actor, h)
		}

		// A table without behaviours: COPY, upserts and queries by text key.
		pn := NewPlain{Name: key, Label: h, Words: []string{h, `"`, `\`}, Doc: json.RawMessage(docOf(h))}
		pl := must(s.Plain.Create(ctx, pn))
		eq(t, "Plain.Create", []any{pl.Name, pl.Label, pl.Words}, []any{key, h, []string{h, `"`, `\`}})
		eq(t, "Plain.FindByID", must(s.Plain.FindByID(ctx, key)).Label, h)
		eq(t, "Plain.Labelled", must(s.Plain.Labelled(ctx, h))[0].Name, key)
		eq(t, "Plain.Update", must(s.Plain.Update(ctx, key, PlainUpdate{Label: runtime.Set(rh)})).Label, rh)
		eq(t, "Plain.UpsertByName", must(s.Plain.UpsertByName(ctx, pn)).Label, h)
		pg, created, err := s.Plain.CreateIfAbsentByName(ctx, pn)
		if err != nil || created || pg.Label != h {
			t.Fatalf("Plain.CreateIfAbsentByName: %+v %v %v", pg, created, err)
		}
		eq(t, "Plain.CreateMany", must(s.Plain.CreateMany(ctx, []NewPlain{{Name: key + "/copy", Label: h, Words: []string{h}}})), int64(1))
		eq(t, "Plain.FindByIDs", must(s.Plain.FindByIDs(ctx, []string{key + "/copy"}))[0].Words, []string{h})
		rs := must(s.Plain.CreateManyReturning(ctx, []NewPlain{{Name: key + "/ret", Label: rh}}))
		eq(t, "Plain.CreateManyReturning", rs[0].Label, rh)
		eq(t, "Plain.Delete", must(s.Plain.Delete(ctx, key+"/ret")), true)
		call("PlainRepo.Create", "PlainRepo.FindByID", "PlainRepo.Labelled", "PlainRepo.Update", "PlainRepo.UpsertByName",
			"PlainRepo.CreateIfAbsentByName", "PlainRepo.CreateMany", "PlainRepo.FindByIDs", "PlainRepo.CreateManyReturning",
			"PlainRepo.Delete")
		pls := must(s.Plain.UpsertManyByName(ctx, []NewPlain{{Name: key + "/b", Label: rh, Words: odd, Doc: json.RawMessage(docOf(rh))}, pn}))
		eq(t, "Plain.UpsertManyByName", []any{pls[0].Label, pls[0].Words, pls[1].Label, pls[1].Words}, []any{rh, odd, h, []string{h, `"`, `\`}})
		pla, plaNew, err := s.Plain.CreateManyIfAbsentByName(ctx, []NewPlain{{Name: key + "/c", Label: h}, {Name: key, Label: "ignored"}})
		if err != nil || !slices.Equal(plaNew, []bool{true, false}) || pla[1].Label != h {
			t.Fatalf("Plain.CreateManyIfAbsentByName: %+v %v %v", pla, plaNew, err)
		}
		plu := must(s.Plain.UpdateManyReturning(ctx, []PlainKeyedUpdate{{Name: key + "/b", Changes: PlainUpdate{Words: runtime.Set[[]string](nil), Doc: runtime.Set[json.RawMessage](nil)}}, {Name: key, Changes: PlainUpdate{Label: runtime.Set(rh)}}}))
		eq(t, "Plain.UpdateManyReturning", []any{plu[0].Words == nil, plu[0].Doc == nil, plu[1].Label}, []any{true, true, rh})
		eq(t, "Plain.UpdateMany", must(s.Plain.UpdateMany(ctx, []PlainKeyedUpdate{{Name: key + "/c", Changes: PlainUpdate{Words: runtime.Set(odd)}}})), int64(1))
		eq(t, "Plain.FindByID words", must(s.Plain.FindByID(ctx, key+"/c")).Words, odd)
		eq(t, "Plain.DeleteMany", must(s.Plain.DeleteMany(ctx, []string{key + "/c", key + "/b", key + "/none"})), []bool{true, true, false})
		call("PlainRepo.UpsertManyByName", "PlainRepo.CreateManyIfAbsentByName", "PlainRepo.UpdateManyReturning", "PlainRepo.UpdateMany",
			"PlainRepo.DeleteMany")
	}
	plains := must(s.Plain.FindAll(context.Background()))
	for got, err := range s.Plain.Stream(context.Background()) {
		must(got, err)
	}
	listed := must(s.Plain.List(context.Background(), runtime.PageArgs{Limit: 1000}))
	eq(t, "Plain.List", len(listed.Items), len(plains))
	eq(t, "Plain.Count", must(s.Plain.Count(context.Background())), int64(len(plains)))
	if !slices.ContainsFunc(plains, func(p Plain) bool { return p.Label == hostile[len(hostile)-1] }) {
		t.Error("the long value is not stored whole")
	}
	call("PlainRepo.FindAll", "PlainRepo.Stream", "PlainRepo.List", "PlainRepo.Count")
	cov.check(t, s.Things, s.Parts, s.Plain)

	if after := fingerprint(t, pool); after != before {
		t.Fatalf("the schema changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	for _, table := range []string{"things", "parts", "plain", "cpcgen_audit_log"} {
		var n int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil || n == 0 {
			t.Errorf("table %s: %d rows, %v", table, n, err)
		}
	}
}
