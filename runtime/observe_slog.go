package runtime

import (
	"context"
	"log/slog"
	"strconv"
	"time"
	"unicode/utf8"
)

// SlogOptions configure NewSlogObserver.
type SlogOptions struct {
	// LogArgs adds the statement's argument values to every line, as the
	// group "args" with keys "$1", "$2", …; values bound to sensitive
	// columns show as "[redacted]" (see QueryEvent.Args), and long texts
	// and byte strings are cut to 256 bytes. Off by default: argument
	// values are personal data more often than not.
	LogArgs bool
	// SlowQuery is the duration from which a statement is logged at
	// level Warn with the message "slow query"; zero turns this off.
	SlowQuery time.Duration
}

// The messages of the lines NewSlogObserver writes.
const (
	msgQuery       = "query"
	msgSlowQuery   = "slow query"
	msgQueryFailed = "query failed"
)

// maxLoggedArg is how many bytes of a text or byte-string argument are
// logged.
const maxLoggedArg = 256

// NewSlogObserver returns an Observer that logs statements through
// logger:
//
//   - every statement at level Debug, message "query";
//   - a statement that took opts.SlowQuery or longer at level Warn,
//     message "slow query";
//   - a failed statement, message "query failed", at level Warn when the
//     failure is about the data or the transaction (KindConflict,
//     KindForeignKey, KindCheck, KindNotNull, KindValidation,
//     KindSerialization, KindDeadlock, KindCanceled) and at level Error
//     otherwise (connection, timeout, encoding and unknown failures).
//
// Each line carries db.operation ("accounts.Create"), db.table,
// duration, rows, for a statement run on a read replica db.pool
// (QueryEvent.Pool) and, for a failure, error.kind (Kind.Name, such as
// "conflict") and error (the DbError's message, which holds no values).
// Arguments are logged only with opts.LogArgs. The SQL text, the
// connection string and passwords are never logged.
//
// A statement whose line the logger's handler would drop (Debug lines
// under the usual Info level) costs one Enabled call.
func NewSlogObserver(logger *slog.Logger, opts SlogOptions) Observer {
	if logger == nil {
		logger = slog.Default()
	}
	return &slogObserver{logger: logger, opts: opts}
}

type slogObserver struct {
	logger *slog.Logger
	opts   SlogOptions
}

// ObserveQuery logs e.
func (o *slogObserver) ObserveQuery(ctx context.Context, e *QueryEvent) {
	level, msg := slog.LevelDebug, msgQuery
	switch {
	case e.Err != nil:
		level, msg = failureLevel(e.Kind), msgQueryFailed
	case o.opts.SlowQuery > 0 && e.Duration >= o.opts.SlowQuery:
		level, msg = slog.LevelWarn, msgSlowQuery
	}
	if !o.logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("db.operation", e.Op),
		slog.String("db.table", e.Table),
		slog.Duration("duration", e.Duration),
		slog.Int64("rows", e.Rows),
	)
	if e.Batch {
		attrs = append(attrs, slog.Bool("batch", true))
	}
	if e.Replica {
		attrs = append(attrs, slog.String("db.pool", e.Pool))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error.kind", e.Kind.Name()), slog.String("error", e.Err.Error()))
	}
	if o.opts.LogArgs {
		if args := e.Args(); len(args) > 0 {
			group := make([]slog.Attr, len(args))
			for i, a := range args {
				group[i] = slog.Any("$"+strconv.Itoa(i+1), loggedArg(a))
			}
			attrs = append(attrs, slog.Attr{Key: "args", Value: slog.GroupValue(group...)})
		}
	}
	o.logger.LogAttrs(ctx, level, msg, attrs...)
}

// failureLevel is the level of a failure of kind k; see NewSlogObserver.
func failureLevel(k Kind) slog.Level {
	switch k {
	case KindConflict, KindForeignKey, KindCheck, KindNotNull, KindValidation,
		KindSerialization, KindDeadlock, KindCanceled, KindNotFound:
		return slog.LevelWarn
	}
	return slog.LevelError
}

// loggedArg returns a, with a long text or byte string cut.
func loggedArg(a any) any {
	switch v := a.(type) {
	case string:
		if len(v) > maxLoggedArg {
			return cutUTF8(v, maxLoggedArg) + "…(" + strconv.Itoa(len(v)) + " bytes)"
		}
	case *string:
		if v != nil {
			return loggedArg(*v)
		}
	case []byte:
		if len(v) > maxLoggedArg {
			return slog.GroupValue(slog.Int("bytes", len(v)), slog.Any("head", v[:maxLoggedArg]))
		}
	}
	return a
}

// cutUTF8 returns s cut to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
