package numfmt

import (
	"strconv"
	"strings"
)

// Thousands writes n in decimal with a comma between each group of three
// digits: 1234567 → "1,234,567", -1234 → "-1,234".
func Thousands[I ~int | ~int32 | ~int64](n I) string {
	s := strconv.FormatInt(int64(n), 10)
	digits := strings.TrimPrefix(s, "-")
	var b strings.Builder
	b.WriteString(s[:len(s)-len(digits)])
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
