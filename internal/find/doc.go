// Package find holds the lookup that the spec, the IR, the migrations,
// the importer and the filter operators share for their by-name methods
// and functions (Project.Table, Package.Enum, Table.Column,
// filterop.Lookup …): the first element of a slice that matches, or nil.
package find
