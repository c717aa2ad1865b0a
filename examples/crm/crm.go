package crm

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/crm/crmdb"
	"github.com/cpcgen/cpcgen/runtime"
)

// CreateOrganization creates an organization, which is a new tenant: its
// id, chosen here, is the tenant of the organization's own row and of
// every row it will own. It returns the organization and ctx scoped to
// it, ready for the organization's first customers.
func CreateOrganization(ctx context.Context, store *crmdb.Store, n crmdb.NewOrganization) (crmdb.Organization, context.Context, error) {
	ctx = runtime.WithTenant(ctx, uuid.New())
	org, err := store.Organizations.Create(ctx, n)
	if err != nil {
		return crmdb.Organization{}, nil, err
	}
	return org, ctx, nil
}

// OpenStages are the stages of deals not yet won or lost.
var OpenStages = []crmdb.DealStage{crmdb.DealStageLead, crmdb.DealStageQualified, crmdb.DealStageProposal, crmdb.DealStageNegotiation}

// IsOpen reports whether a deal in stage s is still open.
func IsOpen(s crmdb.DealStage) bool { return slices.Contains(OpenStages, s) }

// MoveDeal moves the deal id, last read at version, to stage, and records
// the move as a note activity of the deal's customer, in one transaction:
// both or neither. The deal's audit row and the activity carry the actor
// of ctx. When the deal changed since it was read, the error matches
// runtime.ErrStaleVersion and nothing is recorded; a deal of another
// organization is runtime.ErrNotFound.
func MoveDeal(ctx context.Context, store *crmdb.Store, id uuid.UUID, version int64, stage crmdb.DealStage) (crmdb.Deal, error) {
	var moved crmdb.Deal
	err := store.InTxWith(ctx, runtime.TxOptions{Isolation: pgx.ReadCommitted}, func(tx *crmdb.Store) error {
		before, err := tx.Deals.FindByID(ctx, id)
		if err != nil {
			return err
		}
		if moved, err = tx.Deals.Update(ctx, id, version, crmdb.DealUpdate{Stage: runtime.Set(stage)}); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s moved from %s to %s", moved.Title, before.Stage, stage)
		if actor, ok := runtime.ActorFrom(ctx); ok {
			summary += " by " + actor
		}
		_, err = tx.Activities.Create(ctx, crmdb.NewActivity{CustomerID: moved.CustomerID, DealID: runtime.NullOf(moved.ID), Kind: crmdb.ActivityKindNote, Summary: summary})
		return err
	})
	if err != nil {
		return crmdb.Deal{}, err
	}
	return moved, nil
}

// BoardEntry is one customer of the board: its open deals, their value,
// its latest activity and its tags.
type BoardEntry struct {
	Customer     crmdb.Customer
	OpenDeals    []crmdb.Deal
	OpenValue    decimal.Decimal
	LastActivity *crmdb.Activity
	Tags         []crmdb.Tag
}

// Board returns the organization's customers with at least one open deal,
// by name, each with its open deals, their value, its latest activity and
// its tags. It runs one query per relation, however many customers there
// are: the customers (CustomerRepo.WithOpenDeals), then their deals,
// activities and tags with the generated eager loaders (LoadDeals,
// LoadActivities, LoadTags), each one query for all customers.
func Board(ctx context.Context, store *crmdb.Store) ([]BoardEntry, error) {
	customers, err := store.Customers.WithOpenDeals(ctx)
	if err != nil || len(customers) == 0 {
		return nil, err
	}
	deals, err := store.Customers.LoadDeals(ctx, customers)
	if err != nil {
		return nil, err
	}
	activities, err := store.Customers.LoadActivities(ctx, customers)
	if err != nil {
		return nil, err
	}
	tags, err := store.Customers.LoadTags(ctx, customers)
	if err != nil {
		return nil, err
	}
	board := make([]BoardEntry, len(customers))
	for i, c := range customers {
		e := BoardEntry{Customer: c, OpenValue: decimal.Zero, Tags: tags[c.ID]}
		for _, d := range deals[c.ID] {
			if IsOpen(d.Stage) {
				e.OpenDeals = append(e.OpenDeals, d)
				e.OpenValue = e.OpenValue.Add(d.Amount)
			}
		}
		for j, a := range activities[c.ID] {
			if e.LastActivity == nil || a.HappenedAt.After(e.LastActivity.HappenedAt) ||
				a.HappenedAt.Equal(e.LastActivity.HappenedAt) && a.ID > e.LastActivity.ID {
				e.LastActivity = &activities[c.ID][j]
			}
		}
		board[i] = e
	}
	return board, nil
}
