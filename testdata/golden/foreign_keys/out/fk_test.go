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
