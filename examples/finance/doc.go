// Package finance is a small bank built on a package cpcgen generates
// from schema/ledger.yaml: users hold accounts in one currency each, and
// money moves by Deposit, Withdraw and Transfer. Each of them runs in one
// SERIALIZABLE transaction (retried on serialization failures), is done
// once per idempotency key, and records a row of transactions with its
// double-entry ledger lines, so that the books always balance:
//
//	sum of balances = sum of ledger entries = deposits - withdrawals
//
// per currency, no balance is ever negative, and the two entries of a
// transfer sum to zero. The generated package financedb holds everything
// that touches the database; this package adds only the bank's rules,
// and ReadBooks, which runs the reconciliation queries the books are
// checked with.
//
// Migrate applies the embedded migrations, which cpcgen migrate diff
// wrote in two steps (the initial schema, then categories).
package finance
