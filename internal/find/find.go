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
