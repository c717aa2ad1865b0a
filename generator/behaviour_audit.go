package generator

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// audit is audit: true. A trigger on the table records every row any
// statement changes — generated methods, cascades, hand-written SQL,
// COPY — in the audit log, and AuditTrail reads a row's records. The
// statements themselves carry nothing of it; the objects it needs are
// cpcgen's own SQL objects (see auditObjects):
//
//   - cpcgen_audit(), the trigger function, SECURITY DEFINER and owned by
//     the schema's owner, so that the app role needs no right on the log
//     but SELECT; each audited table's trigger passes it the table's
//     tenant column, primary key, soft-delete column and sensitive
//     columns (TG_ARGV);
//   - a per-tenant hash chain: each audit row has its tenant's next seq
//     and the SHA-256 of the previous row's hash and its own canonical
//     payload (cpcgen_audit_hash), the chain's head kept in
//     cpcgen_audit_head, whose row each change locks;
//   - sensitive values replaced by an HMAC-SHA256 under a random key
//     kept in cpcgen_audit_key (cpcgen_audit_mask);
//   - cpcgen_audit_verify(tenant), which walks the chains and reports
//     the first broken link, and cpcgen_audit_adopt(), which brings rows
//     written before the chain (by the statements of earlier versions)
//     into it;
//   - row-level security on the log: the app role reads its tenant's
//     rows and those of tables without a tenant.
type audit struct{ noHooks }

func (audit) kind() ir.BehaviourKind { return ir.BehaviourAudit }

func (audit) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	if !st.Audit {
		return nil
	}
	t.Audit = true
	return &ir.Behaviour{Kind: ir.BehaviourAudit, Name: "audit", Methods: []string{"AuditTrail"},
		Doc: fmt.Sprintf("A trigger records every row any statement changes (these methods, cascades, hand-written SQL) in %s, "+
			"with the actor the write methods send from their context (runtime.WithActor), sensitive values as keyed hashes, "+
			"in a hash chain per tenant; AuditTrail reads a row's records back.", ir.AuditTable)}
}

// check puts the audit log and its objects in the package's schema, adds
// t's trigger, and marks the tables whose writes send the actor: t, and
// the tables whose deletes or key updates cascade into it.
func (audit) check(b *builder, pkg *ir.Package, t *ir.Table) {
	for _, c := range t.PK {
		if c.Sensitive {
			b.errs.Add(b.columnSpec[c].Pos, "column %q of table %q is sensitive and part of its primary key, which the audit log "+
				"keeps in clear to find a row's records; remove sensitive: true, or key the table by another column", c.SQLName, t.SQLName)
		}
	}
	if !pkg.Audit {
		pkg.Audit = true
		pkg.Objects = append(pkg.Objects, auditObjects(pkg)...)
	}
	adopt := pkg.Object("function " + auditAdopt)
	tables := append(auditedTables(pkg), t)
	adopt.Create, adopt.Replace = adoptSQL(tables, false), adoptSQL(tables, true)
	pkg.Objects = append(pkg.Objects, auditTriggerObject(t))
	markActor(pkg, t)
}

// auditedTables returns the tables whose triggers pkg holds so far.
func auditedTables(pkg *ir.Package) []*ir.Table {
	var out []*ir.Table
	for _, o := range pkg.Objects {
		if o.Kind == "trigger" && o.Name == ir.AuditTrigger {
			out = append(out, pkg.Table(o.Table))
		}
	}
	return out
}

// markActor sets Actor on t and on every table a write of which can
// change t's rows through a foreign key's action (ON DELETE CASCADE, SET
// NULL, SET DEFAULT; ON UPDATE likewise), transitively.
func markActor(pkg *ir.Package, t *ir.Table) {
	if t.Actor {
		return
	}
	t.Actor = true
	for _, c := range t.Columns {
		ref := c.References
		if ref == nil || ref.Table == nil {
			continue
		}
		if acts(ref.OnDelete) || acts(ref.OnUpdate) {
			markActor(pkg, ref.Table)
		}
	}
}

// acts reports whether a foreign key action changes the referencing rows.
func acts(action string) bool {
	switch strings.ToLower(action) {
	case "cascade", "set null", "set default":
		return true
	}
	return false
}

// markActingQueries sets Actor on the queries of pkg that may write
// (raw queries not marked read_only) when pkg audits: hand-written SQL
// can change audited rows of any table, and the trigger records the
// actor the method sends.
func markActingQueries(pkg *ir.Package) {
	if !pkg.Audit {
		return
	}
	for _, t := range pkg.Tables {
		for _, q := range t.Queries {
			for _, v := range q.Variants {
				q.Actor = q.Actor || !v.Main.ReadOnly
			}
		}
	}
}

func (audit) statements(t *ir.Table, s *ir.CRUDSQL) { s.AuditTrail = auditTrailSQL(t) }

// AuditColumns are the columns of the audit log an audit trail reads, in
// the order runtime.ScanAuditEntry scans them.
var AuditColumns = []string{"id", "action", "actor", "at", "txid", "old", "new"}

// auditTrailSQL reads the audit log rows of one row of t, oldest first,
// by the row's key as the trigger writes it (jsonb_build_object of the
// key columns), which the audit log's row index serves. On a tenant
// table, only rows of the context's tenant are read (and the log's
// row-level security lets the app role read no other). It only reads
// (replica=ok).
func auditTrailSQL(t *ir.Table) ir.Statement {
	p := placeholders{readOnly: true}
	pairs := make([]string, 0, 2*len(t.PK))
	for _, c := range t.PK {
		pairs = append(pairs, names.QuoteLiteral(c.SQLName), cast(p.nextFor(c), c))
	}
	cols := make([]string, len(AuditColumns))
	for i, c := range AuditColumns {
		cols[i] = names.QuoteIdent(c)
	}
	conds := []string{
		names.QuoteIdent("table_name") + " = " + names.QuoteLiteral(t.SQLName),
		names.QuoteIdent("row_key") + " = jsonb_build_object(" + strings.Join(pairs, ", ") + ")",
	}
	if c := t.Tenant; c != nil {
		conds = append(conds, names.QuoteIdent("tenant")+" = "+castType(mark(ir.TailTenant), c.Type)+"::text")
	}
	s := p.finish(t, "AuditTrail", "SELECT "+strings.Join(cols, ", ")+" FROM "+names.QuoteIdent(ir.AuditTable)+
		"\nWHERE "+and(conds)+"\nORDER BY "+names.QuoteIdent("id"))
	s.Const = sqlName(t, "AuditTrail")
	return s
}

// The names of the audit log's helper functions.
const (
	auditHash  = "cpcgen_audit_hash"
	auditMask  = "cpcgen_audit_mask"
	auditAdopt = "cpcgen_audit_adopt"
)

// auditSQL fills in the names of cpcgen's audit tables and functions.
var auditSQL = strings.NewReplacer(
	"{log}", ir.AuditTable, "{head}", ir.AuditHeadTable, "{key}", ir.AuditKeyTable,
	"{trigger}", ir.AuditTrigger, "{verify}", ir.AuditVerify,
	"{hash}", auditHash, "{mask}", auditMask, "{adopt}", auditAdopt,
).Replace

// pinSearchPath is the statement that pins the search_path of a
// function to the schema it is created in, then pg_temp: a SECURITY
// DEFINER function must not find a temporary table of the caller's
// under the name of one of its own.
func pinSearchPath(signature string) string {
	return "DO $pin$ BEGIN EXECUTE format('ALTER FUNCTION " + signature +
		" SET search_path = %I, pg_temp', current_schema()); END $pin$"
}

// auditFunction is one of the audit log's functions as an SQL object:
// the CREATE FUNCTION body (without CREATE), created with EXECUTE taken
// from PUBLIC and its search_path pinned.
func auditFunction(name, args, body string, dependsOn ...string) *ir.Object {
	sig := name + "(" + args + ")"
	tail := ";\nREVOKE ALL ON FUNCTION " + sig + " FROM PUBLIC;\n" + pinSearchPath(sig)
	body = auditSQL(body)
	return &ir.Object{
		Key: "function " + name, Kind: "function", Noun: "function", Name: name,
		Create:    "CREATE FUNCTION " + body + tail,
		Replace:   "CREATE OR REPLACE FUNCTION " + body + tail,
		Signature: sig,
		Drop:      "DROP FUNCTION " + sig,
		DependsOn: dependsOn,
	}
}

// auditObjects are the objects every package with audited tables holds:
// the helper functions, the trigger function, verify, adopt (its table
// list is filled in as tables are checked) and the log's row-level
// security.
func auditObjects(pkg *ir.Package) []*ir.Object {
	log, head, key := ir.TableKey(ir.AuditTable), ir.TableKey(ir.AuditHeadTable), ir.TableKey(ir.AuditKeyTable)
	hash := auditFunction(auditHash, "bytea, bigint, "+ir.AuditTable, hashBody, log)
	mask := auditFunction(auditMask, "jsonb, text, text, text[]", maskBody, key)
	adopt := auditFunction(auditAdopt, "", "", log, head, hash.Key, mask.Key)
	trigger := auditFunction(ir.AuditTrigger, "", triggerBody, log, head, hash.Key, mask.Key)
	verify := auditFunction(ir.AuditVerify, "text", verifyBody, log, head, hash.Key)
	// The app role reads the rows of its tenant, by the policy of the
	// tenant tables compared as text (the tenant of the statement's
	// verified token, when the package has tenant tables), and the rows
	// of tables without one.
	tenants := false
	for _, t := range pkg.Tables {
		tenants = tenants || t.Tenant != nil
	}
	expr := (&ir.Policy{Table: ir.AuditTable, Column: "tenant", Type: "text", Token: tenants}).Expr()
	table := names.QuoteIdent(ir.AuditTable)
	policy := &ir.Object{
		Key: "policy " + ir.TenantPolicy + " on " + ir.AuditTable, Kind: "other", Noun: "row-level security policy",
		Name: ir.TenantPolicy, Table: ir.AuditTable,
		Create: "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY;\n" +
			"CREATE POLICY " + names.QuoteIdent(ir.TenantPolicy) + " ON " + table + " FOR SELECT USING (" +
			names.QuoteIdent("tenant") + " IS NULL OR " + expr + ")",
		Drop: "DROP POLICY " + names.QuoteIdent(ir.TenantPolicy) + " ON " + table + ";\n" +
			"ALTER TABLE " + table + " DISABLE ROW LEVEL SECURITY",
		DependsOn: []string{log},
	}
	if tenants {
		policy.DependsOn = append(policy.DependsOn, ir.TenantKeyObject().Key)
	}
	for _, o := range []*ir.Object{hash, mask, adopt, trigger, verify, policy} {
		o.Source = "audit: true"
	}
	hash.Comment = "The hash of an audit row in its tenant's chain."
	mask.Comment = "Sensitive values of a row image as keyed hashes (HMAC-SHA256)."
	adopt.Comment = "Chains the audit rows written before the trigger; run by the migration that creates or changes it."
	trigger.Comment = "The audit trigger: one chained audit row per changed row."
	verify.Comment = "Checks the chains; reports the first broken link."
	policy.Comment = "The app role reads its tenant's audit rows and those of tables without a tenant."
	return []*ir.Object{hash, mask, adopt, trigger, verify, policy}
}

// auditTriggerObject is the trigger of audited table t. Its arguments
// configure the trigger function for t: the tenant column ("" for
// none), the primary key columns, the soft-delete column ("" for none)
// and the sensitive columns.
func auditTriggerObject(t *ir.Table) *ir.Object {
	tenant, soft := "", ""
	if t.Tenant != nil {
		tenant = t.Tenant.SQLName
	}
	if t.DeletedAt != nil {
		soft = t.DeletedAt.SQLName
	}
	var pk, sensitive []string
	for _, c := range t.PK {
		pk = append(pk, c.SQLName)
	}
	for _, c := range t.Columns {
		if c.Sensitive {
			sensitive = append(sensitive, c.SQLName)
		}
	}
	name := names.QuoteIdent(ir.AuditTrigger)
	return &ir.Object{
		Key: "trigger " + ir.AuditTrigger + " on " + t.SQLName, Kind: "trigger", Noun: "trigger",
		Name: ir.AuditTrigger, Table: t.SQLName,
		Create: "CREATE TRIGGER " + name + " AFTER INSERT OR UPDATE OR DELETE ON " + t.Quoted +
			" FOR EACH ROW EXECUTE FUNCTION " + name + "(" + names.QuoteLiteral(tenant) + ", " +
			names.QuoteLiteral(textArray(pk)) + ", " + names.QuoteLiteral(soft) + ", " + names.QuoteLiteral(textArray(sensitive)) + ")",
		Drop:      "DROP TRIGGER " + name + " ON " + t.Quoted,
		DependsOn: []string{ir.TableKey(t.SQLName), "function " + ir.AuditTrigger},
		Source:    "audit: true",
		Comment:   "Logs every change to the table's rows in " + ir.AuditTable + ".",
	}
}

// textArray is names as the text of a text[] literal: {id,org_id}.
// Column names are identifiers, which need no quoting there.
func textArray(names []string) string { return "{" + strings.Join(names, ",") + "}" }

// adoptSQL is the definition of cpcgen_audit_adopt() for the audited
// tables, followed by a call of it: each migration that creates or
// changes it adopts the rows written before the chain there.
func adoptSQL(tables []*ir.Table, replace bool) string {
	var rows []string
	for _, t := range tables {
		tenant := ""
		if t.Tenant != nil {
			tenant = t.Tenant.SQLName
		}
		var sensitive []string
		for _, c := range t.Columns {
			if c.Sensitive {
				sensitive = append(sensitive, c.SQLName)
			}
		}
		rows = append(rows, "("+names.QuoteLiteral(t.SQLName)+", "+names.QuoteLiteral(tenant)+", "+names.QuoteLiteral(textArray(sensitive))+")")
	}
	o := auditFunction(auditAdopt, "", strings.ReplaceAll(adoptBody, "{tables}", strings.Join(rows, ",\n      ")))
	s := o.Create
	if replace {
		s = o.Replace
	}
	return s + ";\nSELECT " + auditAdopt + "()"
}

// hashBody computes the hash of an audit row r at place seq of its
// chain, after the row whose hash is prev (NULL for the first): the
// SHA-256 of prev and the row's canonical payload, a JSON array of its
// columns whose text PostgreSQL writes the same way whatever the
// session's settings (jsonb; the time in UTC).
const hashBody = `{hash}(prev bytea, seq bigint, r {log}) RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(COALESCE(prev, '\x'::bytea) || convert_to(jsonb_build_array(
    r.id, seq, r.tenant, r.table_name, r.row_key, r.action, r.actor, r."old", r."new",
    to_char(r."at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), r.txid)::text, 'UTF8'))
$$`

// maskBody replaces the sensitive values of a row image by
// "hmac-sha256:" and the hex HMAC-SHA256 of the tenant, table, column
// and value, under the key of {key}: equal values give equal hashes
// (change detection), the value cannot be read back, and nobody without
// the key can test a guess. The key is made on first use: 32 bytes (244
// random bits from two gen_random_uuid(), a strong random source),
// stored as the inner and outer padded keys of HMAC.
const maskBody = `{mask}(image jsonb, table_name text, tenant text, columns text[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  k {key};
  ik bytea;
  ok bytea;
  c text;
BEGIN
  IF image IS NULL OR cardinality(columns) = 0 THEN
    RETURN image;
  END IF;
  SELECT * INTO k FROM {key};
  IF NOT FOUND THEN
    ik := decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex') || '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    ok := ik;
    FOR i IN 0..63 LOOP
      ok := set_byte(ok, i, get_byte(ik, i) # 92);
      ik := set_byte(ik, i, get_byte(ik, i) # 54);
    END LOOP;
    INSERT INTO {key} (inner_key, outer_key) VALUES (ik, ok) ON CONFLICT DO NOTHING;
    SELECT * INTO STRICT k FROM {key};
  END IF;
  FOREACH c IN ARRAY columns LOOP
    IF image ? c AND jsonb_typeof(image -> c) <> 'null' THEN
      image := jsonb_set(image, ARRAY[c], to_jsonb('hmac-sha256:' || encode(sha256(k.outer_key || sha256(k.inner_key ||
        convert_to(jsonb_build_array(tenant, table_name, c, image -> c)::text, 'UTF8'))), 'hex')));
    END IF;
  END LOOP;
  RETURN image;
END $$`

// triggerBody is the audit trigger: one audit row per changed row, its
// action from the operation (an UPDATE setting or clearing the
// soft-delete column is a delete or a restore; a DELETE of a
// soft-delete table a hard_delete), its tenant from the row, its actor
// from the setting runtime.Acting sends, sensitive values masked, and
// its place in the tenant's chain taken under the lock of the chain's
// head row, which the transaction holds until it ends.
const triggerBody = `{trigger}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  r {log};
  img jsonb;
  prior jsonb;
  soft text := NULLIF(TG_ARGV[2], '');
  sensitive text[] := TG_ARGV[3]::text[];
  k text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    prior := to_jsonb(OLD);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    img := to_jsonb(NEW);
  END IF;
  r.table_name := TG_TABLE_NAME;
  IF TG_ARGV[0] <> '' THEN
    r.tenant := COALESCE(img, prior) ->> TG_ARGV[0];
  END IF;
  r.row_key := '{}';
  FOREACH k IN ARRAY TG_ARGV[1]::text[] LOOP
    r.row_key := r.row_key || jsonb_build_object(k, COALESCE(img, prior) -> k);
  END LOOP;
  r.action := CASE
    WHEN TG_OP = 'INSERT' THEN 'create'
    WHEN TG_OP = 'DELETE' AND soft IS NULL THEN 'delete'
    WHEN TG_OP = 'DELETE' THEN 'hard_delete'
    WHEN soft IS NOT NULL AND prior -> soft = 'null' AND img -> soft <> 'null' THEN 'delete'
    WHEN soft IS NOT NULL AND prior -> soft <> 'null' AND img -> soft = 'null' THEN 'restore'
    ELSE 'update' END;
  r.actor := NULLIF(current_setting('cpcgen.actor', true), '');
  IF cardinality(sensitive) > 0 THEN
    prior := {mask}(prior, r.table_name, r.tenant, sensitive);
    img := {mask}(img, r.table_name, r.tenant, sensitive);
  END IF;
  r."old" := prior;
  r."new" := img;
  r.id := nextval(pg_get_serial_sequence('{log}', 'id'));
  r."at" := now();
  r.txid := txid_current();
  INSERT INTO {head} AS h (tenant, seq, hash)
  VALUES (COALESCE(r.tenant, ''), 1, {hash}(NULL, 1, r))
  ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = {hash}(h.hash, h.seq + 1, r)
  RETURNING h.seq, h.hash INTO r.seq, r.hash;
  INSERT INTO {log} VALUES (r.*);
  RETURN NULL;
END $$`

// verifyBody walks the chains (every chain, or the one of tenant; ""
// is the chain of the rows without a tenant) in seq order, recomputing
// each row's hash, and returns a row per chain: the rows verified, the
// head, and the first broken link with what is wrong there — a row
// changed, rows missing (deleted) inside or at the end of the chain, a
// row outside it. STABLE: one snapshot for the whole walk, so that a
// verify running beside writers sees each chain as of one moment.
const verifyBody = `{verify}(chain text DEFAULT NULL)
RETURNS TABLE (tenant text, verified bigint, head_seq bigint, head_hash text, broken_seq bigint, broken_id bigint, problem text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  c text;
  r {log};
  h {head};
  prev bytea;
  rows refcursor;
BEGIN
  FOR c IN
    SELECT x.t FROM (SELECT hd.tenant AS t FROM {head} hd UNION SELECT COALESCE(l.tenant, '') FROM {log} l) x
    WHERE chain IS NULL OR x.t = chain ORDER BY x.t
  LOOP
    tenant := c; verified := 0; prev := NULL; broken_seq := NULL; broken_id := NULL; problem := NULL;
    IF c = '' THEN
      OPEN rows FOR SELECT * FROM {log} l WHERE l.tenant IS NULL OR l.tenant = '' ORDER BY l.seq NULLS FIRST, l.id;
    ELSE
      OPEN rows FOR SELECT * FROM {log} l WHERE l.tenant = c ORDER BY l.seq NULLS FIRST, l.id;
    END IF;
    LOOP
      FETCH rows INTO r;
      EXIT WHEN NOT FOUND;
      IF r.seq IS NULL OR r.seq <> verified + 1 THEN
        broken_seq := verified + 1;
        broken_id := r.id;
        problem := CASE
          WHEN r.seq IS NULL THEN format('row %s is outside the chain (no seq): it was not written by the audit trigger; cpcgen_audit_adopt() adopts such rows', r.id)
          WHEN r.seq <= verified THEN format('row %s repeats seq %s: a row was copied, or its seq changed', r.id, r.seq)
          WHEN r.seq = verified + 2 THEN format('the row with seq %s is missing (deleted), before row %s', verified + 1, r.id)
          ELSE format('the rows with seq %s to %s are missing (deleted), before row %s', verified + 1, r.seq - 1, r.id) END;
        EXIT;
      END IF;
      IF r.hash IS DISTINCT FROM {hash}(prev, r.seq, r) THEN
        broken_seq := r.seq;
        broken_id := r.id;
        problem := format('row %s (seq %s) does not match its hash: it was changed after it was written', r.id, r.seq);
        EXIT;
      END IF;
      prev := r.hash;
      verified := verified + 1;
    END LOOP;
    CLOSE rows;
    h := NULL;
    SELECT * INTO h FROM {head} hd WHERE hd.tenant = c;
    head_seq := h.seq;
    head_hash := encode(h.hash, 'hex');
    IF problem IS NULL THEN
      IF h.tenant IS NULL THEN
        broken_seq := verified;
        problem := 'the chain has no head in {head}: the head was deleted';
      ELSIF h.seq <> verified THEN
        broken_seq := verified + 1;
        problem := format('the head says the chain has %s rows but the log holds %s: the last rows were deleted', h.seq, verified);
      ELSIF h.hash IS DISTINCT FROM prev THEN
        broken_seq := verified;
        problem := 'the hash of the head is not that of the last row: the head was changed';
      END IF;
    END IF;
    RETURN NEXT;
  END LOOP;
END $$`

// adoptBody brings the audit rows written before the chain (seq NULL:
// rows of cpcgen's earlier statement-level audit) into it, in id order:
// their tenant from the row image, by each audited table's tenant
// column (the empty string, no tenant's, for a table no longer audited), sensitive
// values masked, then each chained as the trigger chains a new row.
// Nothing else writes rows without a seq, so it does nothing after the
// first run; verify reports rows outside the chain.
const adoptBody = `{adopt}() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  cfg record;
  r {log};
  n bigint := 0;
BEGIN
  FOR cfg IN SELECT * FROM (VALUES
      {tables}
    ) AS t(table_name, tenant_column, sensitive)
  LOOP
    UPDATE {log} l SET
      tenant = CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l."new", l."old") ->> cfg.tenant_column END,
      "old" = {mask}(l."old", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l."new", l."old") ->> cfg.tenant_column END, cfg.sensitive::text[]),
      "new" = {mask}(l."new", l.table_name, CASE WHEN cfg.tenant_column = '' THEN NULL ELSE COALESCE(l."new", l."old") ->> cfg.tenant_column END, cfg.sensitive::text[])
    WHERE l.seq IS NULL AND l.hash IS NULL AND l.table_name = cfg.table_name;
  END LOOP;
  UPDATE {log} l SET tenant = '' WHERE l.seq IS NULL AND l.hash IS NULL AND l.tenant IS NULL
    AND l.table_name NOT IN (SELECT t.table_name FROM (VALUES
      {tables}
    ) AS t(table_name, tenant_column, sensitive));
  FOR r IN SELECT * FROM {log} l WHERE l.seq IS NULL ORDER BY l.id FOR UPDATE LOOP
    INSERT INTO {head} AS h (tenant, seq, hash)
    VALUES (COALESCE(r.tenant, ''), 1, {hash}(NULL, 1, r))
    ON CONFLICT (tenant) DO UPDATE SET seq = h.seq + 1, hash = {hash}(h.hash, h.seq + 1, r)
    RETURNING h.seq, h.hash INTO r.seq, r.hash;
    UPDATE {log} l SET seq = r.seq, hash = r.hash WHERE l.id = r.id;
    n := n + 1;
  END LOOP;
  RETURN n;
END $$`
