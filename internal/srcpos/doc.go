// Package srcpos holds the position of a place in a spec file, which the
// spec loader records and the IR carries to the emitters' messages; both
// name this one type.
package srcpos
