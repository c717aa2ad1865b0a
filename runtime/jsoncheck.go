package runtime

import "unicode/utf8"

// jsonProblem is what checkJSON finds wrong with a document, in the
// order CheckJSON and CheckJSONB report them.
type jsonProblem uint8

const (
	jsonOK            jsonProblem = iota
	jsonSyntax                    // not a JSON document (json.Valid is false)
	jsonUTF8                      // invalid UTF-8 in a string
	jsonNulEscape                 // \u0000 in a string (jsonb only)
	jsonLoneSurrogate             // half a surrogate pair escaped (jsonb only)
)

// jsonMaxDepth bounds the nesting of arrays and objects, as
// encoding/json does.
const jsonMaxDepth = 10000

// checkJSON reads b once and returns its first problem by the order
// above: a syntax error wins over invalid UTF-8, which wins over the
// escapes jsonb cannot store (checked only with jsonb). It accepts
// exactly the documents json.Valid accepts, at about twice its speed:
// strings are scanned in a tight loop, nesting is a stack of bytes.
func checkJSON(b []byte, jsonb bool) jsonProblem {
	var (
		i     int
		ok    bool
		str   = jsonString{jsonb: jsonb}
		small [64]byte
		stack = small[:0] // '{' or '[' of each open container
	)
	// The loop reads one value, then what may follow it in its
	// container, until the top-level value is complete.
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return jsonSyntax
		}
		// A value.
		switch c := b[i]; {
		case c == '{' || c == '[':
			if len(stack) >= jsonMaxDepth {
				return jsonSyntax
			}
			stack = append(stack, c)
			i = skipSpace(b, i+1)
			if i < len(b) && b[i] == c+2 { // '}' or ']': empty
				i++
				stack = stack[:len(stack)-1]
				ok = true
				break
			}
			if c == '{' {
				if i, ok = str.key(b, i); !ok {
					return jsonSyntax
				}
			}
			continue
		case c == '"':
			i, ok = str.scan(b, i)
		case c == '-' || c >= '0' && c <= '9':
			i, ok = scanNumber(b, i)
		case c == 't':
			i, ok = scanWord(b, i, "true")
		case c == 'f':
			i, ok = scanWord(b, i, "false")
		case c == 'n':
			i, ok = scanWord(b, i, "null")
		default:
			return jsonSyntax
		}
		if !ok {
			return jsonSyntax
		}
		// After a value: close containers, or go on to the next member.
		for {
			i = skipSpace(b, i)
			if len(stack) == 0 {
				switch {
				case i != len(b):
					return jsonSyntax
				case str.badUTF8:
					return jsonUTF8
				}
				return str.escape
			}
			if i >= len(b) {
				return jsonSyntax
			}
			top := stack[len(stack)-1]
			if b[i] == top+2 {
				i++
				stack = stack[:len(stack)-1]
				continue
			}
			if b[i] != ',' {
				return jsonSyntax
			}
			i = skipSpace(b, i+1)
			if top == '{' {
				if i, ok = str.key(b, i); !ok {
					return jsonSyntax
				}
			}
			break
		}
	}
}

// skipSpace returns the index of the first byte of b from i on that is
// not JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonString scans strings, remembering what checkJSON reports after
// the syntax: invalid UTF-8, and with jsonb the first escape jsonb
// cannot store.
type jsonString struct {
	jsonb   bool
	badUTF8 bool
	escape  jsonProblem
}

// key reads an object's key at i and the colon after it, returning the
// index after the colon.
func (s *jsonString) key(b []byte, i int) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	i, ok := s.scan(b, i)
	if !ok {
		return i, false
	}
	if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
		return i, false
	}
	return i + 1, true
}

// scan reads the string whose opening quote is at i and returns the
// index after its closing quote.
func (s *jsonString) scan(b []byte, i int) (int, bool) {
	i++
	for {
		// The common bytes, in one loop.
		for i < len(b) {
			if c := b[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
				break
			}
			i++
		}
		if i >= len(b) {
			return i, false
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				r, ok := hex4At(b, i+2)
				if !ok {
					return i, false
				}
				i += 6
				if !s.jsonb || s.escape != jsonOK {
					continue
				}
				switch {
				case r == 0:
					s.escape = jsonNulEscape
				case r >= 0xd800 && r < 0xdc00:
					// A high surrogate must be followed by an escaped low one.
					if lo, ok := escapedAt(b, i); !ok || lo < 0xdc00 || lo >= 0xe000 {
						s.escape = jsonLoneSurrogate
					} else {
						i += 6
					}
				case r >= 0xdc00 && r < 0xe000:
					s.escape = jsonLoneSurrogate
				}
			default:
				return i, false
			}
		default: // the first byte of a multi-byte sequence
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				s.badUTF8 = true
			}
			i += n
		}
	}
}

// scanNumber reads the number starting at i.
func scanNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		i = skipDigits(b, i)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, false
		}
		i = skipDigits(b, i)
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// scanWord reads the literal word (true, false, null) at i.
func scanWord(b []byte, i int, word string) (int, bool) {
	if len(b)-i < len(word) || string(b[i:i+len(word)]) != word {
		return i, false
	}
	return i + len(word), true
}

// hex4At decodes the four hexadecimal digits at b[i:i+4].
func hex4At(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// escapedAt decodes the \uXXXX escape at b[i:], if there is one.
func escapedAt(b []byte, i int) (rune, bool) {
	if i+1 >= len(b) || b[i] != '\\' || b[i+1] != 'u' {
		return 0, false
	}
	return hex4At(b, i+2)
}
