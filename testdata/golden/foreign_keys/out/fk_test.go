package orgchart

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func TestReferentialActions(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	co, err := s.Companies.Create(ctx, NewCompany{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	dep, err := s.Departments.Create(ctx, NewDepartment{CompanyID: co.ID, Name: "R&D"})
	if err != nil {
		t.Fatal(err)
	}
	boss, err := s.Employees.Create(ctx, NewEmployee{DepartmentID: dep.ID, Email: "boss@acme.test", Name: "Boss"})
	if err != nil {
		t.Fatal(err)
	}
	emp, err := s.Employees.Create(ctx, NewEmployee{DepartmentID: dep.ID, ManagerID: runtime.NullOf(boss.ID), Email: "e@acme.test", Name: "E"})
	if err != nil {
		t.Fatal(err)
	}
	// The self-reference is cleared when the manager goes.
	if ok, err := s.Employees.Delete(ctx, boss.ID); err != nil || !ok {
		t.Fatalf("delete manager: %v %v", ok, err)
	}
	emp, err = s.Employees.FindByID(ctx, emp.ID)
	if err != nil || emp.ManagerID.Valid {
		t.Fatalf("after deleting the manager: %+v %v", emp, err)
	}
	// ON DELETE RESTRICT keeps a department with employees.
	_, err = s.Departments.Delete(ctx, dep.ID)
	var dbErr *runtime.DbError
	if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindForeignKey || dbErr.Constraint != "employees_department_id_fkey" {
		t.Fatalf("restricted delete: %v", err)
	}
	// The server's table is the referencing one; the operation's is the
	// one deleted from. The sentinel is the "still referenced" one.
	if dbErr.Table != "employees" || dbErr.OpTable != "departments" || dbErr.Op != "departments.Delete" {
		t.Fatalf("restricted delete: table %q, op table %q, op %q", dbErr.Table, dbErr.OpTable, dbErr.Op)
	}
	if !errors.Is(err, ErrDepartmentReferencedByEmployee) || !errors.Is(err, runtime.ErrReferenced) ||
		errors.Is(err, ErrEmployeeDepartmentIDNotFound) || errors.Is(err, runtime.ErrReferenceNotFound) {
		t.Fatalf("restricted delete matches the wrong sentinels: %v", err)
	}
	// The unique index on (company_id, name).
	_, err = s.Departments.Create(ctx, NewDepartment{CompanyID: co.ID, Name: "R&D"})
	if !errors.As(err, &dbErr) || dbErr.Constraint != "departments_company_id_name_key" {
		t.Fatalf("duplicate department: %v", err)
	}
	// A reference to nothing.
	_, err = s.Departments.Create(ctx, NewDepartment{CompanyID: uuid.New(), Name: "x"})
	if !errors.Is(err, runtime.ErrForeignKey) || !errors.Is(err, ErrDepartmentCompanyIDNotFound) ||
		!errors.Is(err, runtime.ErrReferenceNotFound) || errors.Is(err, ErrCompanyReferencedByDepartment) {
		t.Fatalf("missing company: %v", err)
	}
	// Moving a department to a company that does not exist is the same
	// error.
	_, err = s.Departments.Update(ctx, dep.ID, DepartmentUpdate{CompanyID: runtime.Set(uuid.New())})
	if !errors.Is(err, ErrDepartmentCompanyIDNotFound) {
		t.Fatalf("update to a missing company: %v", err)
	}
	// ON DELETE CASCADE from the company removes departments (after
	// employees are moved out of the restricted one).
	if ok, err := s.Employees.Delete(ctx, emp.ID); err != nil || !ok {
		t.Fatal(err)
	}
	if ok, err := s.Companies.Delete(ctx, co.ID); err != nil || !ok {
		t.Fatalf("delete company: %v %v", ok, err)
	}
	if n, err := s.Departments.Count(ctx); err != nil || n != 0 {
		t.Fatalf("departments after cascade: %d %v", n, err)
	}
}

// TestKeysOfOneFamily runs foreign keys whose type differs from the
// referenced key's within a family (integer → bigint, bigint → integer,
// varchar → text): writes, the violation sentinels, and the eager
// loaders, which convert each parent's key to the foreign key's type.
func TestKeysOfOneFamily(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	co, err := s.Companies.Create(ctx, NewCompany{Name: "Initech"})
	if err != nil {
		t.Fatal(err)
	}
	dep, err := s.Departments.Create(ctx, NewDepartment{CompanyID: co.ID, Name: "Ops"})
	if err != nil {
		t.Fatal(err)
	}
	emp, err := s.Employees.Create(ctx, NewEmployee{DepartmentID: dep.ID, Email: "p@initech.test", Name: "Peter"})
	if err != nil {
		t.Fatal(err)
	}
	badge, err := s.Badges.Create(ctx, NewBadge{Title: "TPS reports"})
	if err != nil {
		t.Fatal(err)
	}
	award, err := s.Awards.Create(ctx, NewAward{EmployeeID: int32(emp.ID), BadgeID: int64(badge.ID), CompanyName: runtime.NullOf(co.Name)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Awards.Create(ctx, NewAward{EmployeeID: int32(emp.ID), BadgeID: int64(badge.ID) + 1000}); !errors.Is(err, ErrAwardBadgeIDNotFound) {
		t.Fatalf("award of a missing badge: %v", err)
	}
	if _, err := s.Awards.Create(ctx, NewAward{EmployeeID: int32(emp.ID), BadgeID: int64(badge.ID), CompanyName: runtime.NullOf("Initrode")}); !errors.Is(err, ErrAwardCompanyNameNotFound) {
		t.Fatalf("award of a missing company: %v", err)
	}
	// Constraints named as an existing database has them (unique_name,
	// references_name, primary_key_name) match their sentinels and spec
	// names.
	_, err = s.Companies.Create(ctx, NewCompany{Name: "Initech"})
	var dbErr *runtime.DbError
	if !errors.Is(err, ErrCompanyNameTaken) || !errors.As(err, &dbErr) || dbErr.Constraint != "companies_name_uniq" || dbErr.SpecName != "name.unique" {
		t.Fatalf("duplicate company: %v", err)
	}
	first, err := s.Companies.FindAll(ctx)
	if err != nil || len(first) == 0 {
		t.Fatalf("companies: %v %v", first, err)
	}
	_, err = s.Companies.Create(ctx, NewCompany{ID: runtime.Set(first[0].ID), Name: "Another"})
	if !errors.Is(err, ErrCompanyIDTaken) || !errors.As(err, &dbErr) || dbErr.Constraint != "firms_pkey" || dbErr.SpecName != "primary_key" {
		t.Fatalf("duplicate company id: %v", err)
	}
	_, err = s.Awards.Create(ctx, NewAward{EmployeeID: int32(emp.ID), BadgeID: int64(badge.ID) + 1})
	if !errors.As(err, &dbErr) || dbErr.Constraint != "fk_rails_8c949dd2cd" || dbErr.SpecName != "badge_id.references" {
		t.Fatalf("award of a missing badge: %v", err)
	}
	// bigint parents, integer foreign key: a parent whose id does not
	// fit an integer has no awards, and is no error.
	far := Employee{ID: 1 << 40}
	byEmp, err := s.Employees.LoadAwards(ctx, []Employee{emp, far})
	if err != nil {
		t.Fatal(err)
	}
	if got := byEmp[int32(emp.ID)]; len(byEmp) != 1 || len(got) != 1 || got[0].ID != award.ID {
		t.Fatalf("awards by employee: %+v", byEmp)
	}
	// integer parents, bigint foreign key.
	byBadge, err := s.Badges.LoadAwards(ctx, []Badge{badge})
	if err != nil {
		t.Fatal(err)
	}
	if got := byBadge[int64(badge.ID)]; len(got) != 1 || got[0].ID != award.ID {
		t.Fatalf("awards by badge: %+v", byBadge)
	}
	// text parents, varchar foreign key.
	byCompany, err := s.Companies.LoadAwards(ctx, []Company{co})
	if err != nil {
		t.Fatal(err)
	}
	if got := byCompany[co.Name]; len(got) != 1 || got[0].ID != award.ID {
		t.Fatalf("awards by company: %+v", byCompany)
	}
	// The cascade crosses the types too.
	if ok, err := s.Employees.Delete(ctx, emp.ID); err != nil || !ok {
		t.Fatalf("delete employee: %v %v", ok, err)
	}
	if n, err := s.Awards.Count(ctx); err != nil || n != 0 {
		t.Fatalf("awards after the cascade: %d %v", n, err)
	}
}

// TestDeferredForeignKey: sponsors.company_id is checked at commit
// (deferrable: deferred): a transaction may write the sponsor before its
// company, and one that never writes the company fails at commit with
// the foreign key's sentinel.
func TestDeferredForeignKey(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	id := uuid.New()
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.Sponsors.Create(ctx, NewSponsor{ID: 1, CompanyID: id}); err != nil {
			return err
		}
		_, err := tx.Companies.Create(ctx, NewCompany{ID: runtime.Set(id), Name: "Later Inc"})
		return err
	})
	if err != nil {
		t.Fatalf("sponsor before its company in one transaction: %v", err)
	}
	err = s.InTx(ctx, func(tx *Store) error {
		_, err := tx.Sponsors.Create(ctx, NewSponsor{ID: 2, CompanyID: uuid.New()})
		return err
	})
	if !errors.Is(err, ErrSponsorCompanyIDNotFound) {
		t.Fatalf("a sponsor of no company, at commit: %v", err)
	}
	// Outside a transaction the statement is its own, and commits at once.
	if _, err := s.Sponsors.Create(ctx, NewSponsor{ID: 3, CompanyID: uuid.New()}); !errors.Is(err, ErrSponsorCompanyIDNotFound) {
		t.Fatalf("a sponsor of no company, alone: %v", err)
	}
}
