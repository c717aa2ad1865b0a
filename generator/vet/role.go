package vet

import (
	"context"
	"errors"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
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
