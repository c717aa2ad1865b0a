package runtime

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// TxOptions configures InTx.
type TxOptions struct {
	// Isolation is the isolation level; empty means the server's default
	// (normally read committed).
	Isolation pgx.TxIsoLevel
	// ReadOnly starts a READ ONLY transaction.
	ReadOnly bool
	// Deferrable starts a DEFERRABLE transaction (meaningful for
	// serializable read-only transactions).
	Deferrable bool
	// MaxAttempts bounds how often the transaction runs when it fails with
	// a retryable error (see IsRetryable): 0 means 5, 1 means no retry.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the wait before a retry: the n-th
	// retry waits a random time up to min(MaxBackoff, MinBackoff*2^(n-1))
	// ("full jitter"). Zero means 2ms and 250ms.
	MinBackoff, MaxBackoff time.Duration
	// Settings are run-time parameters for the transaction alone, sent
	// with BEGIN in one round trip as SET LOCAL name = 'value' (in name
	// order) and gone at its end: for example {"lock_timeout": "2s"} or
	// {"statement_timeout": "500ms"}. Names are parameter names
	// (letters, digits, underscores, one dot for a custom parameter);
	// InTx refuses others with KindValidation before sending anything.
	// A nested call's Settings are ignored, like its other options.
	Settings map[string]string
}

// Defaults of TxOptions.
const (
	defaultMaxAttempts = 5
	defaultMinBackoff  = 2 * time.Millisecond
	defaultMaxBackoff  = 250 * time.Millisecond
)

// rollbackTimeout bounds a rollback that runs after ctx has ended.
const rollbackTimeout = 10 * time.Second

// beginner is what InTx needs to start a transaction: *pgxpool.Pool,
// *pgxpool.Conn, *pgx.Conn and *DB have it.
type beginner interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// InTx runs fn in a transaction and commits it when fn returns nil.
//
// When db is a pgx.Tx, the call is nested: fn runs inside a savepoint of
// that transaction, which is released when fn returns nil and rolled back
// when fn returns an error or panics, keeping the outer transaction's
// earlier work. A nested call never retries, and its opts are ignored: a
// retryable error goes back to the caller so that the outermost InTx runs
// the whole transaction again.
//
// Otherwise db must be able to begin a transaction (*DB, *pgxpool.Pool,
// *pgxpool.Conn, *pgx.Conn). InTx begins one with opts, runs fn, commits
// on nil and rolls back on an error or a panic (the panic continues after
// the rollback). When fn, BEGIN or COMMIT fails with a retryable error
// (serialization failure, deadlock, a connection lost before the statement
// was sent), InTx waits a random, growing backoff and runs everything
// again, up to opts.MaxAttempts times; a context that ends while waiting
// stops it with KindCanceled or KindTimeout.
//
// fn may therefore run several times: it must do all its work through tx
// and have no effects outside the transaction (no messages sent, no
// counters kept outside) that would be wrong to repeat.
//
// A non-nil result is a *DbError. When fn's error is not one, it is
// wrapped, and stays reachable with errors.Is and errors.As. InTx never
// names itself as the operation: an error from fn keeps the Op it has
// (that of the generated method that failed) or none, and so does a
// failure of BEGIN, COMMIT or a savepoint, so that a generated method
// running InTx on its own behalf (CreateMany) reports its own name when
// it wraps the result. When the attempts run out, the message says how
// many were made.
func InTx(ctx context.Context, db DBTX, opts TxOptions, fn func(tx pgx.Tx) error) error {
	if tx, ok := db.(pgx.Tx); ok {
		return inSavepoint(ctx, tx, fn)
	}
	b, ok := db.(beginner)
	if !ok {
		return &DbError{
			Kind:    KindMisuse,
			Message: fmt.Sprintf("%T cannot begin a transaction: pass a *runtime.DB, *pgxpool.Pool, *pgxpool.Conn, *pgx.Conn or pgx.Tx", db),
		}
	}

	maxAttempts := opts.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = defaultMaxAttempts
	}
	minBackoff, maxBackoff := opts.MinBackoff, opts.MaxBackoff
	if minBackoff <= 0 {
		minBackoff = defaultMinBackoff
	}
	if maxBackoff <= 0 {
		maxBackoff = defaultMaxBackoff
	}
	maxBackoff = max(maxBackoff, minBackoff)
	txOpts := pgx.TxOptions{IsoLevel: opts.Isolation}
	if opts.ReadOnly {
		txOpts.AccessMode = pgx.ReadOnly
	}
	if opts.Deferrable {
		txOpts.DeferrableMode = pgx.Deferrable
	}
	if len(opts.Settings) > 0 {
		begin, err := beginWithSettings(txOpts, opts.Settings)
		if err != nil {
			return err
		}
		txOpts.BeginQuery = begin
	}

	for attempt := 1; ; attempt++ {
		err := runTx(ctx, b, txOpts, fn)
		if err == nil {
			return nil
		}
		if !IsRetryable(err) {
			return txError(err)
		}
		if attempt >= maxAttempts {
			return exhaustedError(err, attempt)
		}
		if werr := sleepBackoff(ctx, attempt, minBackoff, maxBackoff); werr != nil {
			last := txError(err).(*DbError)
			e := Wrap(werr, last.Op, last.OpTable).(*DbError)
			e.Message = fmt.Sprintf("%s while waiting to retry after %s (attempt %d of %d)", e.Message, last.Kind, attempt, maxAttempts)
			return e
		}
	}
}

// settingNameRE matches the run-time parameter names Settings accepts.
var settingNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)

// beginWithSettings returns the statements that begin a transaction with
// opts and then set settings for it alone, for pgx.TxOptions.BeginQuery.
// With no arguments, pgx sends them in one simple-protocol round trip.
func beginWithSettings(opts pgx.TxOptions, settings map[string]string) (string, error) {
	var b strings.Builder
	b.WriteString("BEGIN")
	if opts.IsoLevel != "" {
		b.WriteString(" ISOLATION LEVEL ")
		b.WriteString(string(opts.IsoLevel))
	}
	if opts.AccessMode != "" {
		b.WriteString(" ")
		b.WriteString(string(opts.AccessMode))
	}
	if opts.DeferrableMode != "" {
		b.WriteString(" ")
		b.WriteString(string(opts.DeferrableMode))
	}
	var bad []FieldError
	for _, name := range slices.Sorted(maps.Keys(settings)) {
		if !settingNameRE.MatchString(name) {
			bad = append(bad, FieldError{Field: "Settings", Message: fmt.Sprintf("%q is not a run-time parameter name", name)})
			continue
		}
		b.WriteString("; SET LOCAL ")
		b.WriteString(name)
		b.WriteString(" = '")
		b.WriteString(strings.ReplaceAll(settings[name], "'", "''"))
		b.WriteString("'")
	}
	if bad != nil {
		return "", NewValidationError("", "", bad)
	}
	return b.String(), nil
}

// runTx runs one attempt: begin, fn, commit, with a rollback when fn
// fails or panics.
func runTx(ctx context.Context, b beginner, opts pgx.TxOptions, fn func(pgx.Tx) error) (err error) {
	var tx pgx.Tx
	if db, ok := b.(*DB); ok {
		// Not BeginTx, whose errors name runtime.Begin.
		tx, err = db.begin(ctx, opts, "")
	} else {
		tx, err = b.BeginTx(ctx, opts)
	}
	if err != nil {
		return err
	}
	if err := runIn(ctx, tx, fn); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// inSavepoint runs fn inside a savepoint of tx.
func inSavepoint(ctx context.Context, tx pgx.Tx, fn func(pgx.Tx) error) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return txError(err)
	}
	if err := runIn(ctx, sp, fn); err != nil {
		return txError(err)
	}
	if err := sp.Commit(ctx); err != nil {
		return txError(err)
	}
	return nil
}

// runIn runs fn in tx (a transaction or a savepoint) and rolls tx back
// when fn fails, or panics or calls runtime.Goexit (the panic goes on).
func runIn(ctx context.Context, tx pgx.Tx, fn func(pgx.Tx) error) error {
	done := false
	defer func() {
		if !done {
			rollback(ctx, tx)
		}
	}()
	err := fn(tx)
	done = true
	if err != nil {
		rollback(ctx, tx)
	}
	return err
}

// rollback rolls tx back even when ctx has already ended, within a bound.
func rollback(ctx context.Context, tx pgx.Tx) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	_ = tx.Rollback(rctx)
}

// txError returns err as a *DbError, without naming an operation: the
// caller's Wrap does.
func txError(err error) error {
	return Wrap(err, "", "")
}

func exhaustedError(err error, attempts int) error {
	last := txError(err).(*DbError)
	if attempts <= 1 {
		return last
	}
	e := *last
	e.Message = fmt.Sprintf("gave up after %d attempts: %s", attempts, last.Message)
	e.Err = last
	return &e
}

// sleepBackoff waits before retry number attempt, or returns ctx's error.
func sleepBackoff(ctx context.Context, attempt int, minBackoff, maxBackoff time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ceiling := maxBackoff
	if shift := attempt - 1; shift < 32 {
		if d := minBackoff << shift; d > 0 && d < maxBackoff {
			ceiling = d
		}
	}
	wait := rand.N(ceiling) + 1
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
