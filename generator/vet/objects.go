package vet

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// CreateObjects creates the package's SQL objects in the database conn
// is connected to, which holds its extensions and tables already, one
// object at a time in the package's order, and turns what the server
// refuses into findings at the spec: a syntax error in a function's body
// at its line and column, the server's message quoted. An object that
// depends on one the server refused is not tried. Other failures (a lost
// connection) are errors.
func CreateObjects(ctx context.Context, conn *pgx.Conn, pkg *ir.Package) ([]Finding, error) {
	failed := map[string]bool{}
	var out []Finding
	for _, o := range pkg.Objects {
		skip := false
		for _, d := range o.DependsOn {
			skip = skip || failed[d]
		}
		if skip {
			failed[o.Key] = true
			continue
		}
		if _, err := conn.Exec(ctx, o.Create); err != nil {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("create %s: %w", o.Title(), err)
			}
			failed[o.Key] = true
			out = append(out, Finding{Kind: "schema error", Pos: objectErrorPos(o, pe),
				Msg: fmt.Sprintf("%s: %s (SQLSTATE %s)%s", o.Title(), pe.Message, pe.Code, hint(pe))})
		}
	}
	return out, nil
}

// objectErrorPos maps the position the server gives (in characters,
// 1-based, in the text sent) to the spec.
func objectErrorPos(o *ir.Object, pe *pgconn.PgError) ir.Pos {
	if pe.Position <= 0 {
		return o.SQLPos
	}
	chars := int(pe.Position) - 1
	off := 0
	for i := range o.Create {
		if chars == 0 {
			off = i
			break
		}
		chars--
		off = len(o.Create)
	}
	return o.PosAt(off)
}
