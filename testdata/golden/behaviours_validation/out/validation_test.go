package validdb

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// good returns a member that passes every rule.
func good(i int) NewMember {
	return NewMember{
		Email:    strings.Repeat("x", i) + "ada@example.com",
		Handle:   "ada_lovelace",
		Name:     "Ada Lovelace",
		Website:  runtime.NullOf("https://example.com/ada"),
		Phone:    runtime.NullOf("+442071838750"),
		Host:     runtime.Set("engine.example.com"),
		Slug:     "ada-lovelace",
		Initials: runtime.NullOf("AL"),
		Code:     runtime.Set("AL1815"),
		Ref:      runtime.NullOf("123e4567-e89b-12d3-a456-426614174000"),
		Age:      runtime.NullOf(int32(36)),
		Score:    runtime.Set(int16(10)),
		Balance:  runtime.Set(decimal.RequireFromString("1000000")),
		Ratio:    runtime.Set(1.0),
		Plan:     runtime.Set(PlanEnterprise),
		Plans:    runtime.Set([]Plan{PlanFree, PlanPro}),
		Tags:     []string{"math"},
		Motto:    runtime.NullOf("that brain of mine"),
		Password: "correct horse",
	}
}

// bad returns a member that fails a rule in every field that has one.
func bad() NewMember {
	return NewMember{
		Email:    "ada@",
		Handle:   "A",
		Name:     "",
		Website:  runtime.NullOf("example.com"),
		Phone:    runtime.NullOf("0123"),
		Host:     runtime.Set("-engine"),
		Slug:     "Ada Lovelace",
		Initials: runtime.NullOf("A1"),
		Code:     runtime.Set("a-1"),
		Ref:      runtime.NullOf("not-a-uuid"),
		Age:      runtime.NullOf(int32(12)),
		Score:    runtime.Set(int16(11)),
		Balance:  runtime.Set(decimal.RequireFromString("-0.01")),
		Ratio:    runtime.Set(1.5),
		Plan:     runtime.Set(Plan("gold")),
		Plans:    runtime.Set([]Plan{PlanPro, "platinum"}),
		Tags:     []string{},
		Motto:    runtime.NullOf("!!!"),
		Password: "short",
	}
}

// badFields are the fields bad fails, in column order.
var badFields = []string{"email", "handle", "name", "website", "phone", "host", "slug", "initials", "code", "ref",
	"age", "score", "balance", "ratio", "plan", "plans", "tags", "motto", "password"}

func fieldNames(t *testing.T, err error) []string {
	t.Helper()
	var de *runtime.DbError
	if !errors.As(err, &de) || de.Kind != runtime.KindValidation {
		t.Fatalf("want a validation error, got %v", err)
	}
	var names []string
	for _, f := range de.Fields {
		names = append(names, f.Field)
	}
	return names
}

func TestValidateListsEveryFailingField(t *testing.T) {
	n := good(0)
	if err := n.Validate(); err != nil {
		t.Fatalf("good member: %v", err)
	}
	b := bad()
	err := b.Validate()
	if got := strings.Join(fieldNames(t, err), ","); got != strings.Join(badFields, ",") {
		t.Fatalf("failing fields %s, want %s", got, strings.Join(badFields, ","))
	}
	if !errors.Is(err, runtime.ErrValidation) {
		t.Fatal("a validation error does not match runtime.ErrValidation")
	}
	msg := err.Error()
	for _, want := range []string{"email: must be an email address", "handle: must be at least 3 characters long",
		"plan: must be one of \"free\", \"pro\", \"enterprise\"", "balance: must be at least 0", "tags: must not be empty"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "short") || strings.Contains(msg, "ada@") {
		t.Errorf("message holds a value: %s", msg)
	}
	// Lengths count characters, not bytes.
	n.Handle = "a" + strings.Repeat("b", 19)
	if err := n.Validate(); err != nil {
		t.Fatalf("20-character handle: %v", err)
	}
	n.Name = strings.Repeat("é", 50)
	if err := n.Validate(); err != nil {
		t.Fatalf("50 two-byte characters in varchar(50): %v", err)
	}
	n.Name = strings.Repeat("é", 51)
	if got := fieldNames(t, n.Validate()); len(got) != 1 || got[0] != "name" {
		t.Fatalf("51 characters: %v", got)
	}
	// Nullable and optional fields left out are not checked.
	min := NewMember{Email: "a@b.co", Handle: "abc", Name: "n", Slug: "s", Tags: []string{"t"}, Password: "12345678"}
	if err := min.Validate(); err != nil {
		t.Fatalf("minimal member: %v", err)
	}
}

func TestUpdateValidatesOnlySetFields(t *testing.T) {
	var u MemberUpdate
	if err := u.Validate(); err != nil {
		t.Fatalf("empty update: %v", err)
	}
	u = MemberUpdate{Email: runtime.Set("nope"), Age: runtime.SetNull[int32](), Website: runtime.SetNullable("ftp://files.example.com"),
		Tags: runtime.Set([]string{}), Plans: runtime.Set([]Plan{"x"})}
	if got := strings.Join(fieldNames(t, u.Validate()), ","); got != "email,plans,tags" {
		t.Fatalf("failing fields %s", got)
	}
}

// countingDB counts the statements sent through it.
type countingDB struct {
	runtime.DBTX
	n atomic.Int64
}

func (c *countingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.n.Add(1)
	return c.DBTX.Exec(ctx, sql, args...)
}
func (c *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.n.Add(1)
	return c.DBTX.Query(ctx, sql, args...)
}
func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n.Add(1)
	return c.DBTX.QueryRow(ctx, sql, args...)
}
func (c *countingDB) CopyFrom(ctx context.Context, t pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	c.n.Add(1)
	return c.DBTX.CopyFrom(ctx, t, cols, src)
}
func (c *countingDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	c.n.Add(1)
	return c.DBTX.SendBatch(ctx, b)
}

// TestEveryWriteValidatesFirst calls every write method with invalid
// input: each fails with the operation's validation error, and no
// statement reaches the database.
func TestEveryWriteValidatesFirst(t *testing.T) {
	ctx := context.Background()
	db := &countingDB{DBTX: pgtest.Open(t)}
	s := NewStore(db)
	m, err := s.Members.Create(ctx, good(0))
	if err != nil {
		t.Fatal(err)
	}
	before := db.n.Load()
	b := bad()
	check := func(op string, err error, fields ...string) {
		t.Helper()
		var de *runtime.DbError
		if !errors.As(err, &de) || de.Kind != runtime.KindValidation || de.Op != op || de.Table != "members" {
			t.Fatalf("%s: %v", op, err)
		}
		if len(fields) > 0 && strings.Join(fieldNames(t, err), ",") != strings.Join(fields, ",") {
			t.Fatalf("%s: fields %v, want %v", op, fieldNames(t, err), fields)
		}
	}
	_, err = s.Members.Create(ctx, b)
	check("members.Create", err, badFields...)
	_, err = s.Members.Update(ctx, m.ID, MemberUpdate{Slug: runtime.Set("No")})
	check("members.Update", err, "slug")
	_, err = s.Members.UpsertByEmail(ctx, b)
	check("members.UpsertByEmail", err)
	_, _, err = s.Members.CreateIfAbsentByEmail(ctx, b)
	check("members.CreateIfAbsentByEmail", err)
	rows := []NewMember{good(1), b, good(2), {Email: "x@y.zz", Handle: "abc", Name: "n", Slug: "s", Tags: []string{}, Password: "12345678"}}
	_, err = s.Members.CreateMany(ctx, rows)
	want := []string{}
	for _, f := range badFields {
		want = append(want, "[1]."+f)
	}
	want = append(want, "[3].tags")
	check("members.CreateMany", err, want...)
	_, err = s.Members.CreateManyReturning(ctx, rows)
	check("members.CreateManyReturning", err, want...)
	_, err = s.Teams.Create(ctx, NewTeam{Name: ""})
	if runtime.KindOf(err) != runtime.KindValidation {
		t.Fatalf("teams.Create: %v", err)
	}
	if n := db.n.Load() - before; n != 0 {
		t.Fatalf("%d statements reached the database", n)
	}
	if n, err := s.Members.Count(ctx); err != nil || n != 1 {
		t.Fatalf("%d members, %v", n, err)
	}
}

// TestDatabaseEnforcesTheSameRules sets each rule's column of a stored row
// to values Validate accepts and rejects, with plain SQL that bypasses the
// generated code: the database accepts exactly the values Validate does,
// for every rule PostgreSQL can express, and names the rule's constraint,
// matched by its sentinel.
func TestDatabaseEnforcesTheSameRules(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	s := NewStore(pool)
	n := good(0)
	n.Plan = runtime.Set(PlanPro) // no age limit
	m, err := s.Members.Create(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	type probe struct {
		column   string
		update   MemberUpdate
		value    any
		sentinel error
	}
	str := func(col string, sentinel error, set func(string) MemberUpdate, values ...string) []probe {
		var out []probe
		for _, v := range values {
			out = append(out, probe{col, set(v), v, sentinel})
		}
		return out
	}
	var probes []probe
	probes = append(probes, str("email", ErrMemberEmailFormatCheck, func(v string) MemberUpdate { return MemberUpdate{Email: runtime.Set(v)} },
		"a@b.co", "o'brien+x@mail.example.org", "ada@example", "a b@c.de", "ada@-x.io", "é@x.io", "ada@x.io\n", "'; DROP TABLE members; --@x.io")...)
	probes = append(probes, str("handle", ErrMemberHandlePatternCheck, func(v string) MemberUpdate { return MemberUpdate{Handle: runtime.Set(v)} },
		"abc", "a_1", "1abc", "abc-d", "ABC", "abcé", strings.Repeat("a", 20))...)
	probes = append(probes, str("handle", ErrMemberHandleMaxLengthCheck, func(v string) MemberUpdate { return MemberUpdate{Handle: runtime.Set(v)} },
		strings.Repeat("a", 21))...)
	probes = append(probes, str("handle", ErrMemberHandleMinLengthCheck, func(v string) MemberUpdate { return MemberUpdate{Handle: runtime.Set(v)} },
		"ab")...)
	probes = append(probes, str("name", ErrMemberNameNotEmptyCheck, func(v string) MemberUpdate { return MemberUpdate{Name: runtime.Set(v)} },
		"", " ", "x")...)
	probes = append(probes, str("phone", ErrMemberPhoneFormatCheck, func(v string) MemberUpdate { return MemberUpdate{Phone: runtime.SetNullable(v)} },
		"+12", "+123456789012345", "+1234567890123456", "+0123", "123", "+1 23")...)
	probes = append(probes, str("host", ErrMemberHostFormatCheck, func(v string) MemberUpdate { return MemberUpdate{Host: runtime.Set(v)} },
		"localhost", "a.b-c.d", "a..b", "-a", "a_b", strings.Repeat("a", 63)+".io", strings.Repeat("a", 64)+".io",
		strings.Repeat("abcdefghi.", 25)+"abc", strings.Repeat("abcdefghi.", 25)+"abcd")...)
	probes = append(probes, str("slug", ErrMemberSlugFormatCheck, func(v string) MemberUpdate { return MemberUpdate{Slug: runtime.Set(v)} },
		"a-b-1", "a--b", "-a", "A", "a_b", "")...)
	probes = append(probes, str("initials", ErrMemberInitialsFormatCheck, func(v string) MemberUpdate { return MemberUpdate{Initials: runtime.SetNullable(v)} },
		"ABC", "ab", "A1", "é")...)
	probes = append(probes, str("code", ErrMemberCodeFormatCheck, func(v string) MemberUpdate { return MemberUpdate{Code: runtime.Set(v)} },
		"A1b2", "a-1", "", "ü")...)
	probes = append(probes, str("ref", ErrMemberRefFormatCheck, func(v string) MemberUpdate { return MemberUpdate{Ref: runtime.SetNullable(v)} },
		uuid.NewString(), strings.ToUpper(uuid.NewString()), "123e4567e89b12d3a456426614174000", "g23e4567-e89b-12d3-a456-426614174000")...)
	for _, v := range []int32{13, 130, 12, 131} {
		sentinel := ErrMemberAgeMinCheck
		if v > 100 {
			sentinel = ErrMemberAgeMaxCheck
		}
		probes = append(probes, probe{"age", MemberUpdate{Age: runtime.SetNullable(v)}, v, sentinel})
	}
	for _, v := range []int16{-10, 10, -11, 11} {
		sentinel := ErrMemberScoreMinCheck
		if v > 0 {
			sentinel = ErrMemberScoreMaxCheck
		}
		probes = append(probes, probe{"score", MemberUpdate{Score: runtime.Set(v)}, v, sentinel})
	}
	for _, v := range []string{"0", "1000000", "-0.01", "1000000.01"} {
		d := decimal.RequireFromString(v)
		sentinel := ErrMemberBalanceMinCheck
		if d.IsPositive() {
			sentinel = ErrMemberBalanceMaxCheck
		}
		probes = append(probes, probe{"balance", MemberUpdate{Balance: runtime.Set(d)}, d, sentinel})
	}
	for _, v := range []float64{0, 1, -0.0001, 1.0001} {
		sentinel := ErrMemberRatioMinCheck
		if v > 0.5 {
			sentinel = ErrMemberRatioMaxCheck
		}
		probes = append(probes, probe{"ratio", MemberUpdate{Ratio: runtime.Set(v)}, v, sentinel})
	}
	probes = append(probes, probe{"tags", MemberUpdate{Tags: runtime.Set([]string{})}, []string{}, ErrMemberTagsNotEmptyCheck},
		probe{"tags", MemberUpdate{Tags: runtime.Set([]string{""})}, []string{""}, ErrMemberTagsNotEmptyCheck})
	probes = append(probes, str("password", ErrMemberPasswordMinLengthCheck, func(v string) MemberUpdate { return MemberUpdate{Password: runtime.Set(v)} },
		"12345678", "1234567", "ééééééé", "éééééééé")...)

	for _, p := range probes {
		goOK := p.update.Validate() == nil
		_, err := pool.Exec(ctx, `UPDATE members SET "`+p.column+`" = $1 WHERE id = $2`, p.value, m.ID)
		dbOK := err == nil
		if goOK != dbOK {
			t.Errorf("%s = %#v: Validate accepts it: %v, the database: %v (%v)", p.column, p.value, goOK, dbOK, err)
			continue
		}
		if !dbOK {
			werr := errs.Wrap(err, "test", "members")
			var de *runtime.DbError
			if !errors.Is(werr, p.sentinel) || !errors.Is(werr, runtime.ErrCheck) || !errors.As(werr, &de) ||
				de.SpecName != p.sentinel.(*runtime.ConstraintSentinel).Name {
				t.Errorf("%s = %#v: %v does not match %v", p.column, p.value, werr, p.sentinel)
			}
		}
	}
	// The motto pattern uses \b, which PostgreSQL reads otherwise: it is
	// checked by Validate only.
	if err := (&MemberUpdate{Motto: runtime.SetNullable("!!!")}).Validate(); err == nil {
		t.Fatal("Validate accepts a motto without a word")
	}
	if _, err := pool.Exec(ctx, `UPDATE members SET motto = '!!!' WHERE id = $1`, m.ID); err != nil {
		t.Fatalf("the database checks the motto: %v", err)
	}
}

// TestConstraintSentinels violates constraints that Validate cannot see
// (uniqueness, foreign keys, a table check across columns) through the
// generated methods: each error matches its constraint's sentinel and
// names it as the spec does.
func TestConstraintSentinels(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	m, err := s.Members.Create(ctx, good(0))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, err error, sentinel *runtime.ConstraintSentinel, kind error) {
		t.Helper()
		var de *runtime.DbError
		if !errors.Is(err, sentinel) || !errors.Is(err, kind) || !errors.As(err, &de) || de.SpecName != sentinel.Name || de.Constraint != sentinel.Constraint {
			t.Fatalf("%s: %v (%+v), want %v", what, err, de, sentinel)
		}
		if errors.Is(err, ErrMemberIDTaken) && sentinel != ErrMemberIDTaken {
			t.Fatalf("%s matches another constraint's sentinel", what)
		}
	}
	_, err = s.Members.Create(ctx, good(0))
	check("duplicate email", err, ErrMemberEmailTaken, runtime.ErrConflict)
	dup := good(1)
	dup.ID = runtime.Set(m.ID)
	_, err = s.Members.Create(ctx, dup)
	check("duplicate id", err, ErrMemberIDTaken, runtime.ErrConflict)
	young := good(2)
	young.Age = runtime.NullOf(int32(16))
	_, err = s.Members.Create(ctx, young)
	check("a 16-year-old on the enterprise plan", err, ErrMemberAdultEnterpriseCheck, runtime.ErrCheck)
	_, err = s.Members.Update(ctx, m.ID, MemberUpdate{TeamID: runtime.SetNullable(int64(999))})
	check("an unknown team", err, ErrMemberTeamIDNotFound, runtime.ErrForeignKey)
	if _, err := s.Teams.Create(ctx, NewTeam{Name: "core"}); err != nil {
		t.Fatal(err)
	}
	_, err = s.Teams.Create(ctx, NewTeam{Name: "core"})
	check("duplicate team", err, ErrTeamNameTaken, runtime.ErrConflict)
	if errors.Is(err, ErrMemberEmailTaken) {
		t.Fatal("a team's conflict matches a member's sentinel")
	}
}

// TestSensitiveColumnsAreRedacted logs every statement with its
// arguments: the password, bound to a sensitive column, never appears,
// in any write, while the other values do.
func TestSensitiveColumnsAreRedacted(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.URL(t), Logger: logger, LogArgs: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewStore(db)
	const secret = "hunter2-hunter2"
	n := good(0)
	n.Password = secret
	m, err := s.Members.Create(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Members.Update(ctx, m.ID, MemberUpdate{Password: runtime.Set(secret + "!")}); err != nil {
		t.Fatal(err)
	}
	n.Password = secret + "?"
	if _, err := s.Members.UpsertByEmail(ctx, n); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Members.CreateIfAbsentByEmail(ctx, n); err != nil {
		t.Fatal(err)
	}
	n2 := good(3)
	n2.Password = secret + "#"
	if _, err := s.Members.CreateManyReturning(ctx, []NewMember{n2}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, secret) {
		t.Fatalf("the password is in the log:\n%s", out)
	}
	if !strings.Contains(out, "[redacted]") || !strings.Contains(out, "ada_lovelace") {
		t.Fatalf("the log lacks the redacted password or the other values:\n%s", out)
	}
	for _, sql := range []string{opMembersCreate.SQL, updateMembers.FallbackSQL(), opMembersUpsertByEmail.SQL, opMembersCreateIfAbsentByEmail.SQL} {
		if line, _, _ := strings.Cut(sql, "\n"); !strings.Contains(line, " sensitive=") {
			t.Errorf("name line %q marks no sensitive placeholder", line)
		}
	}
	if line, _, _ := strings.Cut(opMembersFindByID.SQL, "\n"); strings.Contains(line, "sensitive") {
		t.Errorf("name line %q marks a placeholder sensitive", line)
	}
}
