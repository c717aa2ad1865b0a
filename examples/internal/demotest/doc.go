// Package demotest holds what the examples' tests share: the TestMain
// that gives each test a migrated database of its own, and the check of
// the story a demo tells.
package demotest
