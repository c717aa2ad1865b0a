package vet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/runtime"
)

// RoleKind is the Kind of AppRole's findings.
const RoleKind = "row-level security"

// AppRole checks the role db connects as, in the application's database,
// the way runtime.CheckAppRole does at an application's start-up: when
// pkg has tenant tables, whose row-level security policies keep tenants
// apart, a role that is a superuser, has BYPASSRLS, or owns tables with
// row-level security (or finds one that does not force it) is not bound
// by them. It returns one finding of kind RoleKind naming every such
// problem, or none; nil, without a query, for a package without tenant
// tables. It reads the catalogs only.
func AppRole(ctx context.Context, db runtime.DBTX, pkg *ir.Package) ([]Finding, error) {
	if len(pkg.Policies) == 0 {
		return nil, nil
	}
	err := runtime.CheckAppRole(ctx, db)
	var de *runtime.DbError
	switch {
	case err == nil:
		return nil, nil
	case !errors.Is(err, runtime.ErrRowLevelSecurityBypassed) || !errors.As(err, &de):
		return nil, err
	}
	var tables []string
	for _, p := range pkg.Policies {
		tables = append(tables, p.Table)
	}
	return []Finding{{Kind: RoleKind, Msg: de.Message + "; the policies of the tenant tables (" + strings.Join(tables, ", ") +
		") do not keep its statements to their tenant: connect the application as a role that is no superuser, has NOBYPASSRLS " +
		"and owns no table (docs/operations.md, \"Database roles and least privilege\")"}}, nil
}

// SearchPathKind is the Kind of SearchPath's findings.
const SearchPathKind = "search path"

// SearchPath checks the search_path of the role db connects as, in the
// application's database: for each extension whose types columns of pkg
// have that pkg installs in a named schema (ir.Type.Schema), the
// generated statements name the types there, but PostgreSQL finds the
// extension's operators through the search_path only: without the
// schema, citext's = is text's, which compares with case, and ltree's
// is missing. It returns a finding, at the extension's declaration, for
// each such schema the search_path lacks; nil, without a query, when no
// column has such a type.
func SearchPath(ctx context.Context, db runtime.DBTX, pkg *ir.Package) ([]Finding, error) {
	used := map[string]bool{}
	for _, t := range pkg.Tables {
		for _, c := range t.Columns {
			if c.Type.Schema != "" {
				used[c.Type.Base.Extension] = true
			}
		}
	}
	if len(used) == 0 {
		return nil, nil
	}
	var path []string
	if err := db.QueryRow(ctx, "SELECT current_schemas(true)").Scan(&path); err != nil {
		return nil, err
	}
	// The search_path to suggest: the role's own schemas (not the
	// implicit pg_catalog and pg_temp), then the missing one.
	var keep []string
	for _, s := range path {
		if s != "pg_catalog" && !strings.HasPrefix(s, "pg_temp") {
			keep = append(keep, names.QuoteIdent(s))
		}
	}
	var out []Finding
	for _, e := range pkg.Extensions {
		if !used[e.Name] || slices.Contains(path, e.Schema) {
			continue
		}
		out = append(out, Finding{Kind: SearchPathKind, Pos: e.Pos,
			Msg: fmt.Sprintf("extension %q is in schema %q, which the search_path of the role (%s) lacks: the generated statements name its types there, but PostgreSQL finds its operators through the search_path only (citext's = becomes text's, which compares with case); add the schema to the search_path of the role or the database: ALTER ROLE … SET search_path = %s",
				e.Name, e.Schema, strings.Join(path, ", "), strings.Join(append(keep, names.QuoteIdent(e.Schema)), ", "))})
	}
	return out, nil
}
