package runtime

import (
	"context"
	"github.com/cpcgen/cpcgen/internal/sqllex"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Observer is told about every statement a DB runs: the one hook behind
// query logging (NewSlogObserver), the query metrics of Stats, and the
// adapters in runtime/promexport and runtime/oteltrace. Observers are
// given to Open in Config.Observers; with none (and neither logging nor
// metrics configured) Open installs no pgx tracer at all, and
// observation costs nothing.
//
// ObserveQuery is called once per statement, after it finished (for a
// Query, when its rows are closed), on the goroutine that finished it,
// with the context the statement ran with (so a span or request id in it
// is the statement's parent). It must be safe for concurrent use and
// must not block. It must not keep e after returning, since the runtime
// reuses it; the slice Args returns is the observer's own.
type Observer interface {
	ObserveQuery(ctx context.Context, e *QueryEvent)
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(ctx context.Context, e *QueryEvent)

// ObserveQuery calls f(ctx, e).
func (f ObserverFunc) ObserveQuery(ctx context.Context, e *QueryEvent) { f(ctx, e) }

// QueryEvent describes one statement that ran: a Query, QueryRow or Exec
// call, one statement of a batch, or a COPY.
type QueryEvent struct {
	// Op is the statement's operation: the name from its first line
	// ("accounts.Create", see ParseOperation), for a COPY the name set
	// with WithOperation or "<table>.CopyFrom", otherwise the statement's
	// first SQL keyword in upper case ("SELECT", "BEGIN"), or "" when
	// there is none.
	Op string
	// Table is the table part of Op ("accounts"), or "" when the
	// statement has no name line.
	Table string
	// SQL is the statement's text, parameters as $1, $2, … (values are
	// never part of it). For a COPY it is empty.
	SQL string
	// Start is when the statement began; for a statement of a batch,
	// when its result began to be read. A statement that found no
	// connection (the pool could not make one, or AcquireTimeout ran
	// out) is reported too, with Start when the DB began to acquire one
	// and the acquire's error.
	Start time.Time
	// Duration is how long it took, including reading its rows for a
	// Query that the caller reads to the end.
	Duration time.Duration
	// Rows is the number of rows the statement returned or affected,
	// from the server's command tag.
	Rows int64
	// Err is nil when the statement succeeded, otherwise a *DbError
	// (made with Wrap for Op and Table) whose message holds no argument
	// values. A QueryRow that finds no row is not a failure here: Rows
	// is 0 and the caller decides that it means KindNotFound.
	Err error
	// Kind is the Kind of Err; KindUnknown when Err is nil.
	Kind Kind
	// Batch is set for a statement sent with SendBatch, Copy for a COPY.
	Batch, Copy bool
	// Pool names the pool that ran the statement: "primary", or
	// "replica <host>:<port>" for a read replica (Config.ReplicaURLs).
	// Replica is set for the latter. A read that failed on a replica and
	// ran again on the primary is reported twice, once from each.
	Pool    string
	Replica bool
	// Host, Port and Database are where the statement's pool connects:
	// the host (or Unix socket directory) of its connection string — the
	// first one, when it lists several — its port and the database name,
	// for the server.address, server.port and db.namespace attributes of
	// traces and metrics.
	Host     string
	Port     uint16
	Database string

	op   Operation
	args []any
}

// Method returns the method part of Op: "Create" for "accounts.Create",
// Op itself when it has no table part.
func (e *QueryEvent) Method() string {
	if e.op.Name == e.Op {
		return e.op.Method
	}
	// An event made by hand, in a test of an observer, say.
	if dot := strings.LastIndexByte(e.Op, '.'); dot >= 0 {
		return e.Op[dot+1:]
	}
	return e.Op
}

// Args returns a copy of the statement's argument values in placeholder
// order ($1 first), with every value bound to a column the spec marks
// sensitive replaced by Redacted{}. pgx's query options (such as
// pgx.QueryExecModeSimpleProtocol) are left out. When the name line marks
// sensitive parameters but the arguments are named (pgx.NamedArgs), every
// value is redacted, since positions cannot be matched.
//
// The arguments are only copied when Args is called: observers that do
// not log values pay nothing for them.
func (e *QueryEvent) Args() []any {
	args := e.args
	var rewriter any
	for len(args) > 0 {
		switch args[0].(type) {
		case pgx.QueryExecMode, pgx.QueryResultFormats, pgx.QueryResultFormatsByOID:
			args = args[1:]
			continue
		case pgx.QueryRewriter:
			// pgx.NamedArgs and the like: the rewriter holds the values.
			rewriter = args[0]
			args = args[1:]
		}
		break
	}
	if rewriter != nil {
		out := make([]any, 0, 1+len(args))
		out = append(out, rewriter)
		out = append(out, args...)
		if e.op.sensitive == "" {
			return out
		}
		for i, a := range out {
			out[i] = redactAll(a)
		}
		return out
	}
	if len(args) == 0 {
		return nil
	}
	out := make([]any, len(args))
	copy(out, args)
	for i := range out {
		if e.op.Sensitive(i + 1) {
			out[i] = Redacted{}
		}
	}
	return out
}

// redactAll returns a with every value redacted, keeping the names of
// named arguments.
func redactAll(a any) any {
	var names []string
	switch v := a.(type) {
	case pgx.NamedArgs:
		for k := range v {
			names = append(names, k)
		}
	case pgx.StrictNamedArgs:
		for k := range v {
			names = append(names, k)
		}
	default:
		return Redacted{}
	}
	out := make(map[string]any, len(names))
	for _, k := range names {
		out[k] = Redacted{}
	}
	return out
}

// Redacted stands in for the value of an argument bound to a sensitive
// column, in QueryEvent.Args and so in logs.
type Redacted struct{}

// String returns "[redacted]".
func (Redacted) String() string { return "[redacted]" }

// LogValue returns "[redacted]" for log/slog.
func (Redacted) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalText returns "[redacted]", for JSON and text encoders.
func (Redacted) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// Operation is what the first line of a generated statement says about
// it; see ParseOperation.
type Operation struct {
	// Name is the operation, such as "accounts.Create".
	Name string
	// Table is the part of Name before its last dot ("accounts"); empty
	// when Name has no dot.
	Table string
	// Method is the part of Name after its last dot ("Create").
	Method string
	// ReplicaOK is set by the replica=ok attribute: the statement only
	// reads, so a DB with read replicas may run it on one (see
	// Config.ReplicaURLs).
	ReplicaOK bool
	// sensitive is the raw value of the sensitive= attribute ("2,5").
	sensitive string
}

// namePrefix starts the first line of every generated statement.
const namePrefix = "-- name:"

// replicaOKAttr is the name-line attribute of statements that may run on
// a read replica.
const replicaOKAttr = "replica=ok"

// ParseOperation reads the operation of sql from its name line, the first
// line of every statement cpcgen generates:
//
//	-- name: <table>.<Method>[ <key>=<value>]…
//
// for example
//
//	-- name: accounts.Create
//	-- name: users.Create sensitive=2,5
//	-- name: accounts.FindByID replica=ok
//
// Leading blank space is skipped. The name is the first word after
// "-- name:"; the words after it are key=value attributes, of which two
// are understood and the others are ignored, so that later generators can
// add more:
//
//   - sensitive=N[,N…] lists the 1-based placeholder numbers ($N) bound
//     to columns the spec marks sensitive: true. Their values never reach
//     an Observer (QueryEvent.Args redacts them). The numbers are
//     decimal, separated by commas, without spaces.
//   - replica=ok marks a statement that only reads (Operation.ReplicaOK):
//     the generator puts it on CRUD reads (FindByID, FindAll, List,
//     Stream, Count, FindByIDs, ListBy and LoadBy finders, eager loaders),
//     on structured queries and on raw queries with read_only: true, and
//     never on a write. A DB with read replicas sends such a statement to
//     a replica when it runs outside a transaction (see
//     Config.ReplicaURLs); any other value than ok is ignored.
//
// For any other statement, Name and Method are its first SQL keyword in
// upper case (comments and blank space before it skipped), such as
// "SELECT" or "BEGIN", and Table is empty; when sql starts with no word,
// all are empty.
//
// ParseOperation does not allocate: the strings it returns are slices of
// sql (or constants), so it costs nothing per call beyond scanning the
// first line.
func ParseOperation(sql string) Operation {
	s := trimSpaceLeft(sql)
	if rest, ok := strings.CutPrefix(s, namePrefix); ok {
		line := rest
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		if op := parseNameLine(line); op.Name != "" {
			return op
		}
	}
	kw := firstKeyword(s)
	return Operation{Name: kw, Method: kw}
}

// parseNameLine parses what follows "-- name:" on a name line.
func parseNameLine(line string) Operation {
	name, attrs := cutWord(trimSpaceLeft(line))
	if name == "" {
		return Operation{}
	}
	op := Operation{Name: name, Method: name}
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		op.Table, op.Method = name[:dot], name[dot+1:]
	}
	for attrs != "" {
		var attr string
		attr, attrs = cutWord(trimSpaceLeft(attrs))
		if v, ok := strings.CutPrefix(attr, "sensitive="); ok {
			op.sensitive = v
		} else if attr == replicaOKAttr {
			op.ReplicaOK = true
		}
	}
	return op
}

// Sensitive reports whether placeholder $n is bound to a sensitive
// column, according to the name line's sensitive= attribute.
func (o Operation) Sensitive(n int) bool {
	list := o.sensitive
	for list != "" {
		var item string
		item, list, _ = strings.Cut(list, ",")
		v, ok := 0, item != ""
		for i := 0; i < len(item) && ok; i++ {
			c := item[i]
			if c < '0' || c > '9' || v > 1<<20 {
				ok = false
				break
			}
			v = v*10 + int(c-'0')
		}
		if ok && v == n {
			return true
		}
	}
	return false
}

// HasSensitive reports whether the name line marks any placeholder
// sensitive.
func (o Operation) HasSensitive() bool { return o.sensitive != "" }

// cutWord splits s at its first space or tab.
func cutWord(s string) (word, rest string) {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' || s[i] == '\r' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func trimSpaceLeft(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// keywords are the statement keywords firstKeyword returns in upper case
// without allocating.
var keywords = [...]string{
	"ABORT", "ALTER", "ANALYZE", "BEGIN", "CALL", "CHECKPOINT", "CLOSE", "CLUSTER", "COMMENT", "COMMIT",
	"COPY", "CREATE", "DEALLOCATE", "DECLARE", "DELETE", "DISCARD", "DO", "DROP", "END", "EXECUTE",
	"EXPLAIN", "FETCH", "GRANT", "IMPORT", "INSERT", "LISTEN", "LOAD", "LOCK", "MERGE", "MOVE",
	"NOTIFY", "PREPARE", "REASSIGN", "REFRESH", "REINDEX", "RELEASE", "RESET", "REVOKE", "ROLLBACK",
	"SAVEPOINT", "SECURITY", "SELECT", "SET", "SHOW", "START", "TABLE", "TRUNCATE", "UNLISTEN",
	"UPDATE", "VACUUM", "VALUES", "WITH",
}

// firstKeyword returns the first word of s after comments and opening
// parentheses ((SELECT …) UNION …), in upper case when it is a known
// keyword and as written otherwise.
func firstKeyword(s string) string {
	t, ok, _ := sqllex.Next(s, 0)
	for ok && t.IsPunct("(") {
		t, ok, _ = sqllex.Next(s, t.End())
	}
	if !ok || t.Kind != sqllex.Word {
		return ""
	}
	n := 0
	for n < len(t.Text) && (t.Text[n] >= 'a' && t.Text[n] <= 'z' || t.Text[n] >= 'A' && t.Text[n] <= 'Z' || t.Text[n] == '_') {
		n++
	}
	word := t.Text[:n]
	for _, kw := range keywords {
		if strings.EqualFold(word, kw) {
			return kw
		}
	}
	return word
}

// operationKey is the context key of WithOperation.
type operationKey struct{}

// WithOperation returns a context that names the COPY run with it, for
// example "accounts.CreateMany", in QueryEvent.Op; without it a COPY is
// named "<table>.CopyFrom". Statements need no context: they carry their
// name in their first line (see ParseOperation).
func WithOperation(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}
