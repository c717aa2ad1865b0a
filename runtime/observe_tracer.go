package runtime

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tracer is the one pgx tracer Open installs when anything observes the
// DB. It implements pgx.QueryTracer, pgx.BatchTracer and
// pgx.CopyFromTracer and hands every statement to each observer.
//
// It keeps what it needs between the start and the end of a statement in
// a small record stored on the connection (pgconn.PgConn.CustomData):
// a connection runs one statement at a time, so the record is reused and
// tracing allocates nothing per statement.
type tracer struct {
	observers []Observer
	// pool and replica label the statements of this tracer's pool
	// (QueryEvent.Pool and Replica); each pool of a DB has its own tracer.
	pool    string
	replica bool
	// host, port and database are where the pool connects
	// (QueryEvent.Host, Port, Database).
	host     string
	port     uint16
	database string
}

// poolTracer is tracer plus pgxpool's acquire hooks, used when query
// metrics are on, to count the acquires in progress.
type poolTracer struct {
	*tracer
	waiting *atomic.Int64
}

// TraceAcquireStart counts an acquire in progress.
func (t poolTracer) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	t.waiting.Add(1)
	return ctx
}

// TraceAcquireEnd counts the end of an acquire.
func (t poolTracer) TraceAcquireEnd(context.Context, *pgxpool.Pool, pgxpool.TraceAcquireEndData) {
	t.waiting.Add(-1)
}

// traceKey is the CustomData key of a connection's trace record.
const traceKey = "cpcgen.runtime.trace"

// maxTraceDepth bounds how many statements can be open at once on one
// connection: a statement started while another one's rows are open
// (which pgx rejects as "conn busy", but still traces) nests.
const maxTraceDepth = 4

// connTrace is the trace record of one connection.
type connTrace struct {
	open  [maxTraceDepth]openStatement
	depth int
	// overflow counts the statements started beyond maxTraceDepth, which
	// are not observed; their ends come first.
	overflow int
}

// openStatement is a statement, batch or COPY that started and has not
// ended.
type openStatement struct {
	event QueryEvent
	batch bool
	// pending holds the batch's queued statements not yet reported.
	pending []*pgx.QueuedQuery
}

// newTracer returns the pgx tracer for observers, combined with user
// (which may be nil); waiting, when not nil, counts acquires in progress.
func newTracer(observers []Observer, user pgx.QueryTracer, waiting *atomic.Int64) pgx.QueryTracer {
	return (&tracer{observers: observers, pool: primaryPool}).withUser(user, waiting)
}

// withUser returns the pgx tracer to install: t, counting acquires in
// waiting when it is not nil, after user when it is not nil.
func (t *tracer) withUser(user pgx.QueryTracer, waiting *atomic.Int64) pgx.QueryTracer {
	var own pgx.QueryTracer = t
	if waiting != nil {
		own = poolTracer{tracer: t, waiting: waiting}
	}
	if user == nil {
		return own
	}
	return multitracer.New(user, own)
}

// record returns conn's trace record, creating it on first use.
func record(conn *pgx.Conn) *connTrace {
	if conn == nil {
		return nil
	}
	data := conn.PgConn().CustomData()
	if data == nil {
		return nil
	}
	if r, ok := data[traceKey].(*connTrace); ok {
		return r
	}
	r := &connTrace{}
	data[traceKey] = r
	return r
}

// push opens a statement on r and returns it, or nil when r cannot hold
// more (then the statement is not observed).
func (r *connTrace) push() *openStatement {
	if r == nil {
		return nil
	}
	if r.depth == maxTraceDepth {
		r.overflow++
		return nil
	}
	s := &r.open[r.depth]
	r.depth++
	*s = openStatement{}
	return s
}

// top returns the innermost open statement, or nil.
func (r *connTrace) top() *openStatement {
	if r == nil || r.depth == 0 || r.overflow > 0 {
		return nil
	}
	return &r.open[r.depth-1]
}

// end returns the innermost open statement for its end, or nil when that
// statement was not observed.
func (r *connTrace) end() *openStatement {
	if r != nil && r.overflow > 0 {
		r.overflow--
		return nil
	}
	return r.top()
}

// pop closes the innermost open statement.
func (r *connTrace) pop() {
	r.depth--
	r.open[r.depth] = openStatement{}
}

// TraceQueryStart records the start of Query, QueryRow or Exec.
func (t *tracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	s := record(conn).push()
	if s == nil {
		return ctx
	}
	s.event.SQL = data.SQL
	s.event.args = data.Args
	s.event.Start = time.Now()
	return ctx
}

// TraceQueryEnd reports the statement to the observers.
func (t *tracer) TraceQueryEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryEndData) {
	r := record(conn)
	s := r.end()
	if s == nil || s.batch {
		return
	}
	t.report(ctx, &s.event, time.Now(), data.CommandTag, data.Err)
	r.pop()
}

// TraceBatchStart records the start of SendBatch.
func (t *tracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	s := record(conn).push()
	if s == nil {
		return ctx
	}
	s.batch = true
	s.event.Batch = true
	s.event.Start = time.Now()
	if data.Batch != nil {
		s.pending = data.Batch.QueuedQueries
	}
	// pgx may end a batch that failed early twice; the context tells the
	// second end from the end of an enclosing batch.
	return context.WithValue(ctx, batchKey{}, s)
}

// batchKey is the context key under which TraceBatchStart leaves the
// batch's record.
type batchKey struct{}

// openBatch returns the record of the batch that ctx belongs to, when it
// is the innermost open statement of r.
func openBatch(ctx context.Context, r *connTrace) *openStatement {
	s, _ := ctx.Value(batchKey{}).(*openStatement)
	if s == nil || r.top() != s {
		return nil
	}
	return s
}

// TraceBatchQuery reports one statement of a batch.
func (t *tracer) TraceBatchQuery(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchQueryData) {
	s := openBatch(ctx, record(conn))
	if s == nil {
		return
	}
	if len(s.pending) > 0 {
		s.pending = s.pending[1:]
	}
	e := QueryEvent{Batch: true, SQL: data.SQL, args: data.Args, Start: data.ReadStartTime}
	if e.Start.IsZero() {
		e.Start = s.event.Start
	}
	s.event = e
	t.report(ctx, &s.event, time.Now(), data.CommandTag, data.Err)
}

// TraceBatchEnd closes the batch. When it failed before every statement
// was read (for example because it could not be sent), the statements
// not reported yet are reported with its error.
func (t *tracer) TraceBatchEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchEndData) {
	r := record(conn)
	if r != nil && r.overflow > 0 {
		// This batch was not observed; overflowed statements are the
		// innermost. (A second end of it finds overflow already spent
		// and no record of its own below.)
		r.overflow--
		return
	}
	s := openBatch(ctx, r)
	if s == nil {
		return
	}
	if data.Err != nil {
		start, end := s.event.Start, time.Now()
		for _, q := range s.pending {
			s.event = QueryEvent{Batch: true, SQL: q.SQL, args: q.Arguments, Start: start}
			t.report(ctx, &s.event, end, pgconn.CommandTag{}, data.Err)
		}
	}
	r.pop()
}

// TraceCopyFromStart records the start of CopyFrom.
func (t *tracer) TraceCopyFromStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceCopyFromStartData) context.Context {
	s := record(conn).push()
	if s == nil {
		return ctx
	}
	s.event.Copy = true
	s.event.Start = time.Now()
	s.event.op = copyOperation(ctx, data.TableName)
	return ctx
}

// copyOperation names a COPY into tableName: the operation ctx carries
// (WithOperation) or "<table>.CopyFrom".
func copyOperation(ctx context.Context, tableName pgx.Identifier) Operation {
	if op, ok := ctx.Value(operationKey{}).(string); ok && op != "" {
		return parseNameLine(op)
	}
	var table string
	if n := len(tableName); n > 0 {
		table = tableName[n-1]
	}
	return Operation{Name: table + ".CopyFrom", Table: table, Method: "CopyFrom"}
}

// TraceCopyFromEnd reports the COPY.
func (t *tracer) TraceCopyFromEnd(ctx context.Context, conn *pgx.Conn, data pgx.TraceCopyFromEndData) {
	r := record(conn)
	s := r.end()
	if s == nil || s.batch || !s.event.Copy {
		return
	}
	t.report(ctx, &s.event, time.Now(), data.CommandTag, data.Err)
	r.pop()
}

// reportUnsent tells the observers about a statement that failed before
// it reached a connection, because none could be acquired.
func (t *tracer) reportUnsent(ctx context.Context, e *QueryEvent, err error) {
	t.report(ctx, e, time.Now(), pgconn.CommandTag{}, err)
}

// report completes e and hands it to every observer.
func (t *tracer) report(ctx context.Context, e *QueryEvent, end time.Time, tag pgconn.CommandTag, err error) {
	if !e.Copy {
		e.op = ParseOperation(e.SQL)
	}
	e.Op, e.Table = e.op.Name, e.op.Table
	e.Pool, e.Replica = t.pool, t.replica
	e.Host, e.Port, e.Database = t.host, t.port, t.database
	e.Duration = end.Sub(e.Start)
	e.Rows = tag.RowsAffected()
	if err != nil {
		e.Err = Wrap(err, e.Op, e.Table)
		e.Kind = KindOf(e.Err)
	}
	for _, o := range t.observers {
		o.ObserveQuery(ctx, e)
	}
}
