// Package demotest holds what the examples' tests share: the TestMain
// that gives each test a migrated database of its own, the check of the
// story a demo tells, and the check of the migrations a restored database
// records.
package demotest
