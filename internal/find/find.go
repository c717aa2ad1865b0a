// Package find holds the lookup that the by-name methods of the spec, the
// IR and the imported catalog share (Project.Table, Package.Enum,
// Table.Column …): the first element of a slice that matches, or nil.
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
