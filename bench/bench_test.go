package bench_test

// Benchmarks of the same operations on the same schema and data, through
// hand-written pgx/v5 (the reference), cpcgen's generated repositories,
// GORM and ent, over one PostgreSQL server. Run them with bench/run.sh,
// which also summarizes them; by hand:
//
//	cd bench
//	for k in 0 1 2 3 4; do BENCH_PASS=$k go test -run '^$' -bench . -benchmem -count 1; done | tee raw.txt
//	go run ./cmd/benchtable raw.txt
//
// With -short the slow benchmarks (CreateLoop10k, CreateManyVsLoop) are
// left out.
//
// Every benchmark reports, beside ns/op (wall time) and allocs/op:
//
//   - cpu-ns/op: user+sys CPU time of this process (getrusage
//     RUSAGE_SELF) per operation, which is what the client code costs;
//     on a small machine wall time is mostly the server and round trips;
//   - stmts/op: statements sent per operation (BEGIN and COMMIT
//     included), counted by a pgx tracer on every tool's connections;
//   - params/op: parameters bound per operation, counted by the same
//     tracer (an UPDATE that binds every column shows here).
//
// BENCH_PASS=k (bench/run.sh sets it) rotates the order in which the tools
// run each operation by k places, so that over the passes every tool runs
// at every position of the sequence.
//
// Every operation checks its result (row counts, returned values), so a
// broken implementation cannot look fast.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/shopspring/decimal"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/cpcgen/cpcgen/bench/benchdb"
	"github.com/cpcgen/cpcgen/bench/ent"
	enttransaction "github.com/cpcgen/cpcgen/bench/ent/transaction"
	entuser "github.com/cpcgen/cpcgen/bench/ent/user"
	"github.com/cpcgen/cpcgen/bench/gormdb"
	"github.com/cpcgen/cpcgen/bench/handpgx"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("benchdb/schema.sql")))
}

// poolSize is the number of connections of every tool's pool. The
// benchmarks run one operation at a time, so one is in use.
const poolSize = 4

// Sizes of the data set.
const (
	fixtureRows = 1000   // transactions of the reading user, and of the updated one
	listLimit   = 100    // rows of the List operation
	largeMin    = 975    // LargeForUser's minimum amount: 25 rows match
	largeRows   = 25     // …
	bulkRows    = 10_000 // rows of CreateMany
)

// --- the tools ------------------------------------------------------------

// txn is what the checks read from a returned transaction.
type txn struct {
	ID     uuid.UUID
	UserID uuid.UUID
	Amount decimal.Decimal
	Status string
}

// tool is one implementation of every operation.
type tool interface {
	Create(ctx context.Context, n handpgx.NewTransaction) (txn, error)
	FindByID(ctx context.Context, id uuid.UUID) (txn, error)
	Update(ctx context.Context, id uuid.UUID, status string, amount decimal.Decimal) (txn, error)
	List(ctx context.Context, user uuid.UUID, limit int) (int, txn, error)
	LargeForUser(ctx context.Context, user uuid.UUID, min decimal.Decimal) (int, txn, error)
	// PrepareMany turns rows into the tool's input type, untimed.
	PrepareMany(rows []handpgx.NewTransaction) any
	CreateMany(ctx context.Context, rows any) (int64, error)
	Delete(ctx context.Context, id uuid.UUID) (bool, error)
	Transfer(ctx context.Context, debit, credit handpgx.NewTransaction, name string) (txn, txn, error)
}

// pgxTool is the hand-written reference.
type pgxTool struct{ r *handpgx.Repo }

func fromHand(t handpgx.Transaction) txn {
	return txn{ID: t.ID, UserID: t.UserID, Amount: t.Amount, Status: t.Status}
}

func (p pgxTool) Create(ctx context.Context, n handpgx.NewTransaction) (txn, error) {
	t, err := p.r.Create(ctx, n)
	return fromHand(t), err
}

func (p pgxTool) FindByID(ctx context.Context, id uuid.UUID) (txn, error) {
	t, err := p.r.FindByID(ctx, id)
	return fromHand(t), err
}

func (p pgxTool) Update(ctx context.Context, id uuid.UUID, status string, amount decimal.Decimal) (txn, error) {
	t, err := p.r.UpdateStatusAmount(ctx, id, status, amount)
	return fromHand(t), err
}

func (p pgxTool) List(ctx context.Context, user uuid.UUID, limit int) (int, txn, error) {
	ts, err := p.r.RecentForUser(ctx, user, limit)
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromHand(ts[0]), nil
}

func (p pgxTool) LargeForUser(ctx context.Context, user uuid.UUID, min decimal.Decimal) (int, txn, error) {
	ts, err := p.r.LargeForUser(ctx, user, min)
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromHand(ts[0]), nil
}

func (p pgxTool) PrepareMany(rows []handpgx.NewTransaction) any { return rows }

// convert returns rows turned into a tool's input type by f.
func convert[T any](rows []handpgx.NewTransaction, f func(handpgx.NewTransaction) T) []T {
	out := make([]T, len(rows))
	for i, n := range rows {
		out[i] = f(n)
	}
	return out
}

func (p pgxTool) CreateMany(ctx context.Context, rows any) (int64, error) {
	return p.r.CreateMany(ctx, rows.([]handpgx.NewTransaction))
}

func (p pgxTool) Delete(ctx context.Context, id uuid.UUID) (bool, error) { return p.r.Delete(ctx, id) }

func (p pgxTool) Transfer(ctx context.Context, debit, credit handpgx.NewTransaction, name string) (txn, txn, error) {
	d, c, err := p.r.Transfer(ctx, debit, credit, name)
	return fromHand(d), fromHand(c), err
}

// cpcgenTool uses the generated package.
type cpcgenTool struct{ s *benchdb.Store }

func fromGen(t benchdb.Transaction) txn {
	return txn{ID: t.ID, UserID: t.UserID, Amount: t.Amount, Status: t.Status}
}

func genNew(n handpgx.NewTransaction) benchdb.NewTransaction {
	return benchdb.NewTransaction{UserID: n.UserID, Amount: n.Amount, Currency: n.Currency, Status: n.Status, Memo: runtime.NullFrom(n.Memo)}
}

func (c cpcgenTool) Create(ctx context.Context, n handpgx.NewTransaction) (txn, error) {
	t, err := c.s.Transactions.Create(ctx, genNew(n))
	return fromGen(t), err
}

func (c cpcgenTool) FindByID(ctx context.Context, id uuid.UUID) (txn, error) {
	t, err := c.s.Transactions.FindByID(ctx, id)
	return fromGen(t), err
}

func (c cpcgenTool) Update(ctx context.Context, id uuid.UUID, status string, amount decimal.Decimal) (txn, error) {
	t, err := c.s.Transactions.Update(ctx, id, benchdb.TransactionUpdate{Status: runtime.Set(status), Amount: runtime.Set(amount)})
	return fromGen(t), err
}

func (c cpcgenTool) List(ctx context.Context, user uuid.UUID, limit int) (int, txn, error) {
	ts, err := c.s.Transactions.RecentForUser(ctx, benchdb.RecentForUserParams{UserID: user, Limit: int32(limit)})
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromGen(ts[0]), nil
}

func (c cpcgenTool) LargeForUser(ctx context.Context, user uuid.UUID, min decimal.Decimal) (int, txn, error) {
	ts, err := c.s.Transactions.LargeForUser(ctx, benchdb.LargeForUserParams{UserID: user, MinAmount: min})
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromGen(ts[0]), nil
}

func (c cpcgenTool) PrepareMany(rows []handpgx.NewTransaction) any { return convert(rows, genNew) }

func (c cpcgenTool) CreateMany(ctx context.Context, rows any) (int64, error) {
	return c.s.Transactions.CreateMany(ctx, rows.([]benchdb.NewTransaction))
}

func (c cpcgenTool) Delete(ctx context.Context, id uuid.UUID) (bool, error) {
	return c.s.Transactions.Delete(ctx, id)
}

func (c cpcgenTool) Transfer(ctx context.Context, debit, credit handpgx.NewTransaction, name string) (txn, txn, error) {
	var d, cr benchdb.Transaction
	err := c.s.InTx(ctx, func(tx *benchdb.Store) error {
		var err error
		if d, err = tx.Transactions.Create(ctx, genNew(debit)); err != nil {
			return err
		}
		if cr, err = tx.Transactions.Create(ctx, genNew(credit)); err != nil {
			return err
		}
		n, err := tx.Users.Rename(ctx, name, debit.UserID)
		if err == nil && n != 1 {
			return errors.New("cpcgen: user not renamed")
		}
		return err
	})
	return fromGen(d), fromGen(cr), err
}

// gormTool uses GORM, with its defaults or tuned.
type gormTool struct{ db *gorm.DB }

func fromGorm(t *gormdb.Transaction) txn {
	return txn{ID: t.ID, UserID: t.UserID, Amount: t.Amount, Status: t.Status}
}

func gormNew(n handpgx.NewTransaction) gormdb.Transaction {
	return gormdb.Transaction{UserID: n.UserID, Amount: n.Amount, Currency: n.Currency, Status: n.Status, Memo: n.Memo}
}

func (g gormTool) Create(ctx context.Context, n handpgx.NewTransaction) (txn, error) {
	t := gormNew(n)
	err := g.db.WithContext(ctx).Create(&t).Error
	return fromGorm(&t), err
}

func (g gormTool) FindByID(ctx context.Context, id uuid.UUID) (txn, error) {
	var t gormdb.Transaction
	err := g.db.WithContext(ctx).Take(&t, "id = ?", id).Error
	return fromGorm(&t), err
}

func (g gormTool) Update(ctx context.Context, id uuid.UUID, status string, amount decimal.Decimal) (txn, error) {
	t := gormdb.Transaction{ID: id}
	res := g.db.WithContext(ctx).Model(&t).Clauses(clause.Returning{}).Updates(map[string]any{"status": status, "amount": amount})
	if res.Error == nil && res.RowsAffected != 1 {
		return txn{}, errors.New("gorm: no row updated")
	}
	return fromGorm(&t), res.Error
}

func (g gormTool) List(ctx context.Context, user uuid.UUID, limit int) (int, txn, error) {
	var ts []gormdb.Transaction
	err := g.db.WithContext(ctx).Where("user_id = ?", user).Order("created_at DESC, id DESC").Limit(limit).Find(&ts).Error
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromGorm(&ts[0]), nil
}

func (g gormTool) LargeForUser(ctx context.Context, user uuid.UUID, min decimal.Decimal) (int, txn, error) {
	var ts []gormdb.Transaction
	err := g.db.WithContext(ctx).Where("user_id = ? AND amount >= ?", user, min).Order("created_at DESC, id DESC").Find(&ts).Error
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromGorm(&ts[0]), nil
}

func (g gormTool) PrepareMany(rows []handpgx.NewTransaction) any { return convert(rows, gormNew) }

func (g gormTool) CreateMany(ctx context.Context, rows any) (int64, error) {
	ts := rows.([]gormdb.Transaction)
	// GORM writes the ids and created_at the database chose back into
	// the rows; cleared, so that a second call with the same prepared
	// rows inserts them as new again (with them set, 10k rows × 8
	// columns exceed PostgreSQL's 65,535 parameters). A few µs beside
	// GORM's milliseconds.
	for i := range ts {
		ts[i].ID, ts[i].CreatedAt = uuid.UUID{}, time.Time{}
	}
	// One INSERT of every row: 10k rows × 6 columns stay under
	// PostgreSQL's 65,535 parameters.
	res := g.db.WithContext(ctx).Create(&ts)
	return res.RowsAffected, res.Error
}

func (g gormTool) Delete(ctx context.Context, id uuid.UUID) (bool, error) {
	res := g.db.WithContext(ctx).Delete(&gormdb.Transaction{ID: id})
	return res.RowsAffected > 0, res.Error
}

func (g gormTool) Transfer(ctx context.Context, debit, credit handpgx.NewTransaction, name string) (txn, txn, error) {
	d, c := gormNew(debit), gormNew(credit)
	err := g.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&d).Error; err != nil {
			return err
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		res := tx.Model(&gormdb.User{ID: debit.UserID}).Update("name", name)
		if res.Error == nil && res.RowsAffected != 1 {
			return errors.New("gorm: user not renamed")
		}
		return res.Error
	})
	return fromGorm(&d), fromGorm(&c), err
}

// entTool uses ent.
type entTool struct{ c *ent.Client }

func fromEnt(t *ent.Transaction) txn {
	if t == nil {
		return txn{}
	}
	return txn{ID: t.ID, UserID: t.UserID, Amount: t.Amount, Status: t.Status}
}

func entCreate(c *ent.TransactionClient, n handpgx.NewTransaction) *ent.TransactionCreate {
	return c.Create().SetUserID(n.UserID).SetAmount(n.Amount).SetCurrency(n.Currency).SetStatus(n.Status).SetNillableMemo(n.Memo)
}

func (e entTool) Create(ctx context.Context, n handpgx.NewTransaction) (txn, error) {
	t, err := entCreate(e.c.Transaction, n).Save(ctx)
	return fromEnt(t), err
}

func (e entTool) FindByID(ctx context.Context, id uuid.UUID) (txn, error) {
	t, err := e.c.Transaction.Get(ctx, id)
	return fromEnt(t), err
}

func (e entTool) Update(ctx context.Context, id uuid.UUID, status string, amount decimal.Decimal) (txn, error) {
	t, err := e.c.Transaction.UpdateOneID(id).SetStatus(status).SetAmount(amount).Save(ctx)
	return fromEnt(t), err
}

func (e entTool) List(ctx context.Context, user uuid.UUID, limit int) (int, txn, error) {
	ts, err := e.c.Transaction.Query().
		Where(enttransaction.UserID(user)).
		Order(ent.Desc(enttransaction.FieldCreatedAt), ent.Desc(enttransaction.FieldID)).
		Limit(limit).All(ctx)
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromEnt(ts[0]), nil
}

func (e entTool) LargeForUser(ctx context.Context, user uuid.UUID, min decimal.Decimal) (int, txn, error) {
	ts, err := e.c.Transaction.Query().
		Where(enttransaction.UserID(user), enttransaction.AmountGTE(min)).
		Order(ent.Desc(enttransaction.FieldCreatedAt), ent.Desc(enttransaction.FieldID)).
		All(ctx)
	if err != nil || len(ts) == 0 {
		return len(ts), txn{}, err
	}
	return len(ts), fromEnt(ts[0]), nil
}

func (e entTool) PrepareMany(rows []handpgx.NewTransaction) any { return rows }

// entBatch is the number of rows of one ent CreateBulk: 1,000 rows × 7
// columns stay under PostgreSQL's 65,535 parameters.
const entBatch = 1000

func (e entTool) CreateMany(ctx context.Context, rows any) (int64, error) {
	in := rows.([]handpgx.NewTransaction)
	tx, err := e.c.Tx(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	builders := make([]*ent.TransactionCreate, 0, entBatch)
	for start := 0; start < len(in); start += entBatch {
		builders = builders[:0]
		for _, r := range in[start:min(start+entBatch, len(in))] {
			builders = append(builders, entCreate(tx.Transaction, r))
		}
		ts, err := tx.Transaction.CreateBulk(builders...).Save(ctx)
		if err != nil {
			tx.Rollback()
			return 0, err
		}
		n += int64(len(ts))
	}
	return n, tx.Commit()
}

func (e entTool) Delete(ctx context.Context, id uuid.UUID) (bool, error) {
	err := e.c.Transaction.DeleteOneID(id).Exec(ctx)
	if ent.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func (e entTool) Transfer(ctx context.Context, debit, credit handpgx.NewTransaction, name string) (txn, txn, error) {
	tx, err := e.c.Tx(ctx)
	if err != nil {
		return txn{}, txn{}, err
	}
	fail := func(err error) (txn, txn, error) {
		tx.Rollback()
		return txn{}, txn{}, err
	}
	d, err := entCreate(tx.Transaction, debit).Save(ctx)
	if err != nil {
		return fail(err)
	}
	c, err := entCreate(tx.Transaction, credit).Save(ctx)
	if err != nil {
		return fail(err)
	}
	// Update().Where() is one statement; UpdateOneID would read the row
	// back, which the transfer does not need.
	n, err := tx.User.Update().Where(entuser.ID(debit.UserID)).SetName(name).Save(ctx)
	if err != nil {
		return fail(err)
	}
	if n != 1 {
		return fail(errors.New("ent: user not renamed"))
	}
	return fromEnt(d), fromEnt(c), tx.Commit()
}

// --- the environment --------------------------------------------------------

// statementCounter counts the statements sent through the connections
// it traces: queries (BEGIN and COMMIT included), COPYs and batches, and
// the parameters bound to the queries.
type statementCounter struct{ n, params atomic.Int64 }

func (s *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.n.Add(1)
	s.params.Add(int64(len(d.Args)))
	return ctx
}

func (s *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (s *statementCounter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	s.n.Add(1)
	return ctx
}

func (s *statementCounter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// env is one database with the data set, and every tool on it.
type env struct {
	pool    *pgxpool.Pool // the reference's pool; also loads fixtures
	stmts   *statementCounter
	tools   []namedTool
	reader  uuid.UUID // user with fixtureRows transactions, read by List and LargeForUser
	updated uuid.UUID // user whose fixtureRows transactions Update changes
	writer  uuid.UUID // user Create and Transfer add rows to
	bulk    uuid.UUID // user CreateMany adds rows to
	doomed  uuid.UUID // user whose rows Delete removes

	readIDs   []uuid.UUID // reader's transactions, by created_at
	updateIDs []uuid.UUID

	pairedDeleteIDs []uuid.UUID
	pairedBulk      map[tool]any
}

type namedTool struct {
	name string
	tool tool
}

// toolNames are the tools in table order.
var toolNames = []string{"pgx", "cpcgen", "gorm", "gorm-tuned", "ent", "pgx-textfallback"}

func newEnv(b *testing.B) *env {
	b.Helper()
	ctx := context.Background()
	url := pgtest.URL(b)
	e := &env{stmts: &statementCounter{}, pairedBulk: map[tool]any{}}

	pgxPool := func(codecs bool) *pgxpool.Pool {
		cfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			b.Fatal(err)
		}
		cfg.MaxConns = poolSize
		cfg.ConnConfig.Tracer = e.stmts
		if codecs {
			cfg.AfterConnect = runtime.AfterConnect
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		return pool
	}
	e.pool = pgxPool(true)

	// The generated repositories run on the reference's pool, so that
	// both sides use the same connections and server backends: what
	// differs is the code. (On a *runtime.DB from runtime.Open, as
	// applications use it, a statement costs one branch more.)

	// GORM and ent run on database/sql over pgx's stdlib driver, the
	// same protocol code, with the same tracer.
	sqlDB := func() *sql.DB {
		cc, err := pgx.ParseConfig(url)
		if err != nil {
			b.Fatal(err)
		}
		cc.Tracer = e.stmts
		d := stdlib.OpenDB(*cc)
		d.SetMaxOpenConns(poolSize)
		d.SetMaxIdleConns(poolSize)
		b.Cleanup(func() { d.Close() })
		return d
	}
	gormOpen := func(cfg *gorm.Config) *gorm.DB {
		cfg.Logger = logger.Discard
		g, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB()}), cfg)
		if err != nil {
			b.Fatal(err)
		}
		return g
	}
	entClient := ent.NewClient(ent.Driver(entsql.OpenDB("postgres", sqlDB())))

	tools := map[string]tool{
		"pgx":              pgxTool{r: &handpgx.Repo{Pool: e.pool}},
		"pgx-textfallback": pgxTool{r: &handpgx.Repo{Pool: pgxPool(false)}},
		"cpcgen":           cpcgenTool{s: benchdb.NewStore(e.pool)},
		"gorm":             gormTool{db: gormOpen(&gorm.Config{})},
		"gorm-tuned":       gormTool{db: gormOpen(&gorm.Config{SkipDefaultTransaction: true, PrepareStmt: true})},
		"ent":              entTool{c: entClient},
	}
	for _, name := range toolNames {
		e.tools = append(e.tools, namedTool{name: name, tool: tools[name]})
	}

	users := make([]uuid.UUID, 5)
	for i := range users {
		if err := e.pool.QueryRow(ctx, `INSERT INTO users (email, name) VALUES ($1, 'bench') RETURNING id`, fmt.Sprintf("u%d@bench.test", i)).Scan(&users[i]); err != nil {
			b.Fatal(err)
		}
	}
	e.reader, e.updated, e.writer, e.bulk, e.doomed = users[0], users[1], users[2], users[3], users[4]
	e.readIDs = e.load(b, e.reader, fixtureRows)
	e.updateIDs = e.load(b, e.updated, fixtureRows)
	if _, err := e.pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return e
}

// load copies n transactions of user: row i has amount i.25 and is i
// minutes newer than row 0. It returns their ids in that order.
func (e *env) load(b *testing.B, user uuid.UUID, n int) []uuid.UUID {
	b.Helper()
	ids := make([]uuid.UUID, n)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []string{"pending", "settled", "failed"}
	next := 0
	_, err := e.pool.CopyFrom(context.Background(), pgx.Identifier{"transactions"},
		[]string{"id", "user_id", "amount", "currency", "status", "memo", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			i := next
			if i == n {
				return nil, nil
			}
			next++
			ids[i] = uuid.New()
			var memo *string
			if i%2 == 0 {
				m := fmt.Sprintf("memo %d", i)
				memo = &m
			}
			return []any{ids[i], user, decimal.New(int64(i)*100+25, -2), "EUR", statuses[i%3], memo, base.Add(time.Duration(i) * time.Minute)}, nil
		}))
	if err != nil {
		b.Fatal(err)
	}
	return ids
}

// newRows returns n new transactions of user.
func newRows(user uuid.UUID, n int) []handpgx.NewTransaction {
	rows := make([]handpgx.NewTransaction, n)
	memo := "bulk"
	for i := range rows {
		rows[i] = handpgx.NewTransaction{UserID: user, Amount: decimal.New(int64(i)*100+99, -2), Currency: "USD", Status: "pending"}
		if i%2 == 0 {
			rows[i].Memo = &memo
		}
	}
	return rows
}

// --- measuring ----------------------------------------------------------------

// processCPU returns the user+sys CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// meter accumulates the CPU time and statements of the timed parts of a
// benchmark.
type meter struct {
	b       *testing.B
	e       *env
	cpu     time.Duration
	stmts   int64
	params  int64
	cpu0    time.Duration
	stmts0  int64
	params0 int64
	running bool
}

func newMeter(b *testing.B, e *env) *meter { return &meter{b: b, e: e} }

func (m *meter) start() {
	m.stmts0 = m.e.stmts.n.Load()
	m.params0 = m.e.stmts.params.Load()
	m.cpu0 = processCPU()
	m.running = true
}

func (m *meter) stop() {
	m.cpu += processCPU() - m.cpu0
	m.stmts += m.e.stmts.n.Load() - m.stmts0
	m.params += m.e.stmts.params.Load() - m.params0
	m.running = false
}

// report adds cpu-ns/op, stmts/op and params/op.
func (m *meter) report() {
	if m.running {
		m.stop()
	}
	m.b.ReportMetric(float64(m.cpu.Nanoseconds())/float64(m.b.N), "cpu-ns/op")
	m.b.ReportMetric(float64(m.stmts)/float64(m.b.N), "stmts/op")
	m.b.ReportMetric(float64(m.params)/float64(m.b.N), "params/op")
}

// untimed runs fn with the timers and the meter stopped.
func (m *meter) untimed(fn func()) {
	m.b.StopTimer()
	m.stop()
	fn()
	m.start()
	m.b.StartTimer()
}

// --- the benchmarks -------------------------------------------------------------

// BenchmarkOps runs every operation with every tool, as
// BenchmarkOps/op=<operation>/tool=<tool>.
func BenchmarkOps(b *testing.B) {
	e := newEnv(b)
	tools := rotate(e.tools, benchPass(b))
	for _, op := range operations {
		if op.slow && testing.Short() {
			continue
		}
		b.Run("op="+op.name, func(b *testing.B) {
			for _, t := range tools {
				if op.tools != nil && !contains(op.tools, t.name) {
					continue
				}
				b.Run("tool="+t.name, func(b *testing.B) {
					b.ReportAllocs()
					m := newMeter(b, e)
					op.run(b, e, t.tool, m)
					m.report()
				})
			}
		})
	}
}

// benchPass returns the pass number in BENCH_PASS, 0 when unset.
func benchPass(b *testing.B) int {
	v := os.Getenv("BENCH_PASS")
	if v == "" {
		return 0
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < 0 {
		b.Fatalf("BENCH_PASS=%q: want a pass number (0, 1, 2, …)", v)
	}
	return k
}

// rotate returns tools rotated left by k places.
func rotate(tools []namedTool, k int) []namedTool {
	k %= len(tools)
	return append(append([]namedTool(nil), tools[k:]...), tools[:k]...)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// operation is one benchmarked operation. run does b.N of them, calling
// m.start before the timed loop; the meter is reported after.
type operation struct {
	name  string
	tools []string // nil: every tool
	slow  bool     // left out with -short
	run   func(b *testing.B, e *env, t tool, m *meter)
}

// operations run reads first, so that the planner statistics taken
// after loading the data set still hold for them.
var operations = []operation{
	{name: "FindByID", run: benchFindByID},
	{name: "List100", run: benchList},
	{name: "Query2Filters", run: benchQuery2},
	{name: "Create", run: benchCreate},
	{name: "Update", run: benchUpdate},
	{name: "Delete", run: benchDelete},
	{name: "Tx3Writes", run: benchTransfer},
	{name: "CreateMany10k", run: benchCreateMany},
	{name: "CreateLoop10k", tools: []string{"pgx", "cpcgen"}, slow: true, run: benchCreateLoop},
}

func benchCreate(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	memo := "coffee"
	n := handpgx.NewTransaction{UserID: e.writer, Amount: decimal.New(1250, -2), Currency: "EUR", Status: "pending", Memo: &memo}
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		got, err := t.Create(ctx, n)
		if err != nil || got.ID == uuid.Nil || got.UserID != e.writer || !got.Amount.Equal(n.Amount) {
			b.Fatalf("Create: %+v, %v", got, err)
		}
	}
}

func benchFindByID(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	id := e.readIDs[500] // status 500%3: failed
	want := decimal.New(500*100+25, -2)
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		got, err := t.FindByID(ctx, id)
		if err != nil || got.ID != id || !got.Amount.Equal(want) || got.Status != "failed" {
			b.Fatalf("FindByID: %+v, %v", got, err)
		}
	}
}

func benchUpdate(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	statuses := [2]string{"settled", "refunded"}
	amounts := [2]decimal.Decimal{decimal.New(4200, -2), decimal.New(4300, -2)}
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		id := e.updateIDs[i%len(e.updateIDs)]
		got, err := t.Update(ctx, id, statuses[i&1], amounts[i&1])
		if err != nil || got.ID != id || got.Status != statuses[i&1] || !got.Amount.Equal(amounts[i&1]) {
			b.Fatalf("Update: %+v, %v", got, err)
		}
	}
}

func benchList(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	newest := e.readIDs[fixtureRows-1]
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		n, first, err := t.List(ctx, e.reader, listLimit)
		if err != nil || n != listLimit || first.ID != newest {
			b.Fatalf("List: %d rows, first %v, %v", n, first.ID, err)
		}
	}
}

func benchQuery2(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	newest := e.readIDs[fixtureRows-1]
	min := decimal.New(largeMin, 0)
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		n, first, err := t.LargeForUser(ctx, e.reader, min)
		if err != nil || n != largeRows || first.ID != newest || first.Amount.LessThan(min) {
			b.Fatalf("LargeForUser: %d rows, first %+v, %v", n, first, err)
		}
	}
}

// clearBulk removes the rows CreateMany added, and their dead tuples.
func (e *env) clearBulk(b *testing.B) {
	ctx := context.Background()
	if _, err := e.pool.Exec(ctx, "DELETE FROM transactions WHERE user_id = $1", e.bulk); err != nil {
		b.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, "VACUUM transactions"); err != nil {
		b.Fatal(err)
	}
}

// countBulk returns the number of rows of the bulk user.
func (e *env) countBulk(b *testing.B) int64 {
	var n int64
	if err := e.pool.QueryRow(context.Background(), "SELECT count(*) FROM transactions WHERE user_id = $1", e.bulk).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// benchCreateMany prepares the tool's input once, and collects the
// garbage before every timed call, so that neither the preparation nor
// another benchmark's garbage is marked on a tool's time.
func benchCreateMany(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	in := t.PrepareMany(newRows(e.bulk, bulkRows))
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		m.untimed(func() {
			e.clearBulk(b)
			goruntime.GC()
		})
		n, err := t.CreateMany(ctx, in)
		if err != nil || n != bulkRows {
			b.Fatalf("CreateMany: %d, %v", n, err)
		}
	}
	m.untimed(func() {
		if n := e.countBulk(b); n != bulkRows {
			b.Fatalf("CreateMany left %d rows, want %d", n, bulkRows)
		}
	})
}

func benchCreateLoop(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	rows := newRows(e.bulk, bulkRows)
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		m.untimed(func() { e.clearBulk(b) })
		for _, r := range rows {
			if _, err := t.Create(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	m.untimed(func() {
		if n := e.countBulk(b); n != bulkRows {
			b.Fatalf("CreateLoop left %d rows, want %d", n, bulkRows)
		}
	})
}

func benchDelete(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	ids := e.load(b, e.doomed, b.N)
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		ok, err := t.Delete(ctx, ids[i])
		if err != nil || !ok {
			b.Fatalf("Delete: %v, %v", ok, err)
		}
	}
	m.stop()
	ok, err := t.Delete(ctx, ids[0])
	if err != nil || ok {
		b.Fatalf("Delete of a deleted row: %v, %v", ok, err)
	}
}

func benchTransfer(b *testing.B, e *env, t tool, m *meter) {
	ctx := context.Background()
	debit := handpgx.NewTransaction{UserID: e.writer, Amount: decimal.New(-500, -2), Currency: "EUR", Status: "settled"}
	credit := handpgx.NewTransaction{UserID: e.writer, Amount: decimal.New(500, -2), Currency: "EUR", Status: "settled"}
	names := [2]string{"alice", "bob"}
	b.ResetTimer()
	m.start()
	for i := 0; i < b.N; i++ {
		d, c, err := t.Transfer(ctx, debit, credit, names[i&1])
		if err != nil || d.ID == uuid.Nil || c.ID == uuid.Nil || d.ID == c.ID || !d.Amount.Equal(debit.Amount) || !c.Amount.Equal(credit.Amount) {
			b.Fatalf("Transfer: %+v %+v %v", d, c, err)
		}
	}
	m.stop()
	var name string
	if err := e.pool.QueryRow(ctx, "SELECT name FROM users WHERE id = $1", e.writer).Scan(&name); err != nil || name != names[(b.N-1)&1] {
		b.Fatalf("user name %q after %d transfers, %v", name, b.N, err)
	}
}

// --- paired: pgx and cpcgen call by call ----------------------------------------

// BenchmarkPaired alternates the hand-written pgx code and the generated
// code call by call for each operation, timing each call (wall, and this
// process's CPU time), so that load on the machine (the server's
// included) weighs on both alike. It reports pgx-ns/op, cpcgen-ns/op and
// their ratio, and the same for CPU time (pgx-cpu-ns/op, cpcgen-cpu-ns/op,
// cpu-ratio); the ratios are the comparisons to trust on a noisy machine.
func BenchmarkPaired(b *testing.B) {
	e := newEnv(b)
	hand, gen := e.tools[0].tool, e.tools[1].tool
	if e.tools[0].name != "pgx" || e.tools[1].name != "cpcgen" {
		b.Fatal("tool order changed")
	}
	for _, op := range pairedOps {
		b.Run("op="+op.name, func(b *testing.B) {
			var th, tg, ch, cg time.Duration // wall and CPU time of each side
			call := func(t tool, i int, total, cpu *time.Duration) {
				if op.setup != nil {
					op.setup(b, e, i)
				}
				cpu0 := processCPU()
				start := time.Now()
				op.call(b, e, t, i)
				*total += time.Since(start)
				*cpu += processCPU() - cpu0
			}
			if op.prepare != nil {
				op.prepare(b, e, 2*b.N)
			}
			for i := 0; i < b.N; i++ {
				if i%2 == 0 {
					call(hand, 2*i, &th, &ch)
					call(gen, 2*i+1, &tg, &cg)
				} else {
					call(gen, 2*i, &tg, &cg)
					call(hand, 2*i+1, &th, &ch)
				}
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(th.Nanoseconds())/float64(b.N), "pgx-ns/op")
			b.ReportMetric(float64(tg.Nanoseconds())/float64(b.N), "cpcgen-ns/op")
			b.ReportMetric(float64(tg)/float64(th), "ratio")
			b.ReportMetric(float64(ch.Nanoseconds())/float64(b.N), "pgx-cpu-ns/op")
			b.ReportMetric(float64(cg.Nanoseconds())/float64(b.N), "cpcgen-cpu-ns/op")
			b.ReportMetric(float64(cg)/float64(ch), "cpu-ratio")
		})
	}
}

// pairedOp is one operation of BenchmarkPaired: call i (numbered over
// both sides) after an untimed setup.
type pairedOp struct {
	name    string
	prepare func(b *testing.B, e *env, calls int)
	setup   func(b *testing.B, e *env, i int)
	call    func(b *testing.B, e *env, t tool, i int)
}

var pairedOps = []pairedOp{
	{name: "FindByID", call: func(b *testing.B, e *env, t tool, i int) {
		if got, err := t.FindByID(context.Background(), e.readIDs[500]); err != nil || got.ID != e.readIDs[500] {
			b.Fatal(got, err)
		}
	}},
	{name: "List100", call: func(b *testing.B, e *env, t tool, i int) {
		if n, _, err := t.List(context.Background(), e.reader, listLimit); err != nil || n != listLimit {
			b.Fatal(n, err)
		}
	}},
	{name: "Query2Filters", call: func(b *testing.B, e *env, t tool, i int) {
		if n, _, err := t.LargeForUser(context.Background(), e.reader, decimal.New(largeMin, 0)); err != nil || n != largeRows {
			b.Fatal(n, err)
		}
	}},
	{name: "Create", call: func(b *testing.B, e *env, t tool, i int) {
		n := handpgx.NewTransaction{UserID: e.writer, Amount: decimal.New(1250, -2), Currency: "EUR", Status: "pending"}
		if got, err := t.Create(context.Background(), n); err != nil || got.UserID != e.writer {
			b.Fatal(got, err)
		}
	}},
	{name: "Update", call: func(b *testing.B, e *env, t tool, i int) {
		id := e.updateIDs[i%len(e.updateIDs)]
		st := [2]string{"settled", "refunded"}[i&1]
		if got, err := t.Update(context.Background(), id, st, decimal.New(int64(i), -2)); err != nil || got.Status != st {
			b.Fatal(got, err)
		}
	}},
	{name: "Delete",
		prepare: func(b *testing.B, e *env, calls int) { e.pairedDeleteIDs = e.load(b, e.doomed, calls) },
		call: func(b *testing.B, e *env, t tool, i int) {
			if ok, err := t.Delete(context.Background(), e.pairedDeleteIDs[i]); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}},
	{name: "Tx3Writes", call: func(b *testing.B, e *env, t tool, i int) {
		debit := handpgx.NewTransaction{UserID: e.writer, Amount: decimal.New(-500, -2), Currency: "EUR", Status: "settled"}
		credit := debit
		credit.Amount = decimal.New(500, -2)
		if d, c, err := t.Transfer(context.Background(), debit, credit, "carol"); err != nil || d.ID == c.ID {
			b.Fatal(d, c, err)
		}
	}},
	{name: "CreateMany10k",
		setup: func(b *testing.B, e *env, i int) { e.clearBulk(b) },
		call: func(b *testing.B, e *env, t tool, i int) {
			in, ok := e.pairedBulk[t]
			if !ok {
				in = t.PrepareMany(newRows(e.bulk, bulkRows))
				e.pairedBulk[t] = in
			}
			if n, err := t.CreateMany(context.Background(), in); err != nil || n != bulkRows {
				b.Fatal(n, err)
			}
		}},
}

// BenchmarkCreateManyVsLoop alternates, with the generated code, a loop
// of 10,000 Create calls and one CreateMany of the same 10,000 rows, each
// on an emptied bulk user, and reports both times and how many times
// faster CreateMany is (speedup, wall; cpu-speedup, this process's CPU).
func BenchmarkCreateManyVsLoop(b *testing.B) {
	if testing.Short() {
		b.Skip("10,000 Create calls per run: left out with -short")
	}
	e := newEnv(b)
	gen := e.tools[1].tool
	if e.tools[1].name != "cpcgen" {
		b.Fatal("tool order changed")
	}
	ctx := context.Background()
	rows := newRows(e.bulk, bulkRows)
	in := gen.PrepareMany(rows)
	var loopWall, manyWall, loopCPU, manyCPU time.Duration
	timed := func(wall, cpu *time.Duration, fn func()) {
		e.clearBulk(b)
		cpu0, start := processCPU(), time.Now()
		fn()
		*wall += time.Since(start)
		*cpu += processCPU() - cpu0
		if n := e.countBulk(b); n != bulkRows {
			b.Fatalf("%d rows, want %d", n, bulkRows)
		}
	}
	loop := func() {
		for _, r := range rows {
			if _, err := gen.Create(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	many := func() {
		if n, err := gen.CreateMany(ctx, in); err != nil || n != bulkRows {
			b.Fatal(n, err)
		}
	}
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			timed(&loopWall, &loopCPU, loop)
			timed(&manyWall, &manyCPU, many)
		} else {
			timed(&manyWall, &manyCPU, many)
			timed(&loopWall, &loopCPU, loop)
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(loopWall.Nanoseconds())/float64(b.N), "loop-ns/op")
	b.ReportMetric(float64(manyWall.Nanoseconds())/float64(b.N), "many-ns/op")
	b.ReportMetric(float64(loopWall)/float64(manyWall), "speedup")
	b.ReportMetric(float64(loopCPU)/float64(manyCPU), "cpu-speedup")
}
