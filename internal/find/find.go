// Package find holds the lookup that the spec, the IR, the migrations,
// the importer and the filter operators share for their by-name methods
// and functions (Project.Table, Package.Enum, Table.Column,
// filterop.Lookup …): the first element of a slice that matches, or nil.
package find

// First returns the first element of xs that match accepts, or nil when
// none does.
func First[T any](xs []*T, match func(*T) bool) *T {
	for _, x := range xs {
		if match(x) {
			return x
		}
	}
	return nil
}
