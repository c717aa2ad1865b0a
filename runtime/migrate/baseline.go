package migrate

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Baseline records the directory's migrations up to and including
// version as applied without running them, for a database that already
// has the schema they build (one imported with cpcgen import). Those
// already recorded are left alone; it returns the ones it recorded, with
// Duration 0. version must be a migration of the directory. It refuses a
// database that has a migration newer than version applied, and one
// whose recorded migrations were changed, as Up does.
func (m *Migrator) Baseline(ctx context.Context, version int64) ([]Applied, error) {
	if m.find(version) == nil {
		return nil, fmt.Errorf("migrate: no migration has version %d; run status to list them", version)
	}
	revs, err := m.prepare(ctx)
	if err != nil {
		return nil, err
	}
	for v, r := range revs {
		if v > version {
			return nil, fmt.Errorf("migrate: the database has migration %d (%s) applied, newer than the baseline %d; a baseline is for a database whose migrations have not been recorded yet", v, r.Name, version)
		}
	}
	var done []Applied
	for _, mig := range m.migrations {
		if mig.Version > version {
			break
		}
		if _, ok := revs[mig.Version]; ok {
			continue
		}
		err := m.inTx(ctx, func(tx pgx.Tx) error {
			if err := m.checkRevision(ctx, tx, mig); err != nil {
				return err
			}
			return m.record(ctx, tx, mig, 0)
		})
		switch {
		case errors.Is(err, errSkip):
			continue
		case err != nil:
			return done, err
		}
		a := Applied{Version: mig.Version, Name: mig.Name, File: mig.File}
		done = append(done, a)
		if m.opts.OnApply != nil {
			m.opts.OnApply(a)
		}
	}
	return done, nil
}
