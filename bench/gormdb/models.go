// Package gormdb holds the GORM models of the benchmark tables, mapped
// onto the tables cpcgen creates (bench/benchdb/schema.sql); GORM's
// AutoMigrate is not used.
package gormdb

import (
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// User is one row of table users.
type User struct {
	ID        uuid.UUID `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	Email     string
	Name      string
	CreatedAt time.Time `gorm:"default:now()"`
}

// TableName is the table of User.
func (User) TableName() string { return "users" }

// Transaction is one row of table transactions.
type Transaction struct {
	ID        uuid.UUID       `gorm:"type:uuid;primaryKey;default:gen_random_uuid()"`
	UserID    uuid.UUID       `gorm:"type:uuid"`
	Amount    decimal.Decimal `gorm:"type:numeric(18,2)"`
	Currency  string
	Status    string
	Memo      *string
	CreatedAt time.Time `gorm:"default:now()"`
}

// TableName is the table of Transaction.
func (Transaction) TableName() string { return "transactions" }
