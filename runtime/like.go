package runtime

import "strings"

// likeEscaper escapes the characters that LIKE and ILIKE patterns give a
// meaning: the wildcards % and _, and the escape character itself.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// EscapeLike returns s with the LIKE wildcards (% and _) and the escape
// character (\) escaped, so that s matches itself inside a LIKE or ILIKE
// pattern bound as a parameter. PostgreSQL's default escape character is
// the backslash, which this assumes (no ESCAPE clause, or ESCAPE '\').
//
//	EscapeLike("50%_off") == `50\%\_off`
func EscapeLike(s string) string {
	return likeEscaper.Replace(s)
}

// LikePrefix returns the LIKE or ILIKE pattern that matches the strings
// starting with prefix, taken literally: EscapeLike(prefix) + "%". Use it
// for the parameter of a structured query's like or ilike filter:
//
//	page, err := store.Customers.SearchByName(ctx, runtime.LikePrefix(input), runtime.PageArgs{Limit: 20})
//
// An empty prefix matches every string.
func LikePrefix(prefix string) string {
	return EscapeLike(prefix) + "%"
}
