package runtime

import (
	"bytes"
	"fmt"
	"strings"
)

// AppendKeyPart appends the text of k, one column of a composite key, to
// dst: the text codec writes, with backslashes and commas escaped, and a
// comma after it. Generated code builds the KeyCodec of a composite
// primary key or unique key from it and SplitKey:
//
//	Append: func(dst []byte, k orderLineKey) []byte {
//		dst = runtime.AppendKeyPart(dst, runtime.Int64Keys, k.OrderID)
//		return runtime.AppendKeyPart(dst, runtime.Int32Keys, k.LineNo)
//	},
func AppendKeyPart[K any](dst []byte, codec KeyCodec[K], k K) []byte {
	start := len(dst)
	dst = codec.Append(dst, k)
	if part := dst[start:]; bytes.IndexByte(part, '\\') >= 0 || bytes.IndexByte(part, ',') >= 0 {
		raw := string(part)
		dst = dst[:start]
		for i := 0; i < len(raw); i++ {
			if raw[i] == '\\' || raw[i] == ',' {
				dst = append(dst, '\\')
			}
			dst = append(dst, raw[i])
		}
	}
	return append(dst, ',')
}

// SplitKey returns the texts of the n parts of a composite key written
// by AppendKeyPart, unescaped, for the parts' codecs to parse.
func SplitKey(s string, n int) ([]string, error) {
	parts := make([]string, 0, n)
	var b strings.Builder
	escaped := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			b.WriteByte(c)
			escaped = false
		case c == '\\':
			escaped = true
		case c == ',':
			parts = append(parts, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	if escaped || b.Len() > 0 || len(parts) != n {
		return nil, fmt.Errorf("%w: %q is not a key of %d parts", errCacheBadKey, clipValue(s), n)
	}
	return parts, nil
}
