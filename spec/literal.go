package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// literal checks that n is a value of type t and returns its canonical
// text (see Default.Literal). The error is a message ready to report at
// n's position.
func literal(n *node, t Type) (string, error) {
	return (&literalChecker{}).check(n, t)
}

// literalChecker checks literals, indexing enum labels once.
type literalChecker struct {
	labels map[*Enum]map[string]bool
}

// hasLabel reports whether e has the label v.
func (lc *literalChecker) hasLabel(e *Enum, v string) bool {
	if lc.labels == nil {
		lc.labels = map[*Enum]map[string]bool{}
	}
	set, ok := lc.labels[e]
	if !ok {
		set = make(map[string]bool, len(e.Values))
		for _, ev := range e.Values {
			set[ev.Name] = true
		}
		lc.labels[e] = set
	}
	return set[v]
}

// check is literal with the checker's index of enum labels.
func (lc *literalChecker) check(n *node, t Type) (string, error) {
	if n.isNull() {
		return "", errors.New("null is not a value here; nullable columns already default to NULL")
	}
	if t.ArrayDims > 0 {
		if n.kind != sequenceNode {
			return "", fmt.Errorf("expected a sequence for type %s, got %s", t, describe(n))
		}
		s, _, err := lc.arrayLiteral(n, t)
		return s, err
	}
	if t.Enum == nil && t.Base.Literal.JSON {
		return jsonLiteral(n, t.Base)
	}
	if n.kind != scalarNode {
		return "", fmt.Errorf("expected a %s value, got %s", t, describe(n))
	}
	v := n.value
	if t.Enum != nil {
		if lc.hasLabel(t.Enum, v) {
			return v, nil
		}
		var hint string
		if len(t.Enum.Values) <= maxSuggestCands {
			labels := make([]string, len(t.Enum.Values))
			for i, ev := range t.Enum.Values {
				labels[i] = ev.Name
			}
			hint = didYouMean(v, labels)
		}
		return "", fmt.Errorf("%q is not a value of enum %q%s", clip(v), t.Enum.Name, hint)
	}
	return t.Base.CheckLiteral(pgtypes.Value{Text: v, Desc: describe(n), Type: t.String(), Args: t.Args})
}

// arrayLiteral renders a sequence as PostgreSQL array text. It returns
// the shape of the array so sub-arrays can be compared.
func (lc *literalChecker) arrayLiteral(n *node, t Type) (string, string, error) {
	var b strings.Builder
	b.WriteByte('{')
	shape := ""
	for i, it := range n.items {
		if i > 0 {
			b.WriteByte(',')
		}
		if t.ArrayDims > 1 {
			if it.kind != sequenceNode {
				return "", "", fmt.Errorf("element %d: expected a sequence for type %s, got %s", i+1, t.Elem().String()+strings.Repeat("[]", t.ArrayDims-1), describe(it))
			}
			sub := t
			sub.ArrayDims--
			s, sh, err := lc.arrayLiteral(it, sub)
			if err != nil {
				return "", "", fmt.Errorf("element %d: %w", i+1, err)
			}
			if i > 0 && sh != shape {
				return "", "", fmt.Errorf("element %d: sub-arrays must all have the same length", i+1)
			}
			shape = sh
			b.WriteString(s)
			continue
		}
		if it.isNull() {
			b.WriteString("NULL")
			continue
		}
		s, err := lc.check(it, t.Elem())
		if err != nil {
			return "", "", fmt.Errorf("element %d: %w", i+1, err)
		}
		b.WriteString(quoteArrayElem(s))
	}
	b.WriteByte('}')
	return b.String(), strconv.Itoa(len(n.items)) + "x" + shape, nil
}

// quoteArrayElem quotes one element of PostgreSQL array text when needed.
func quoteArrayElem(s string) string {
	if s != "" && !strings.EqualFold(s, "null") && !strings.ContainsAny(s, "{}[]\",\\ \t\n\r\v\f") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// jsonLiteral turns a YAML value into compact JSON text: mappings and
// sequences are converted (keys in written order), a string must hold
// JSON text (which the type's row checks).
func jsonLiteral(n *node, t *pgtypes.Type) (string, error) {
	if n.kind == scalarNode && n.tag == "!!str" {
		return t.CheckLiteral(pgtypes.Value{Text: n.value, Desc: describe(n), Type: t.Name})
	}
	var b strings.Builder
	if err := writeJSON(&b, n); err != nil {
		return "", err
	}
	return b.String(), nil
}

func writeJSON(b *strings.Builder, n *node) error {
	switch n.kind {
	case mappingNode:
		b.WriteByte('{')
		for i, p := range n.pairs {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, p.key.value)
			b.WriteByte(':')
			if err := writeJSON(b, p.value); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case sequenceNode:
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, it); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	switch n.tag {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		b.WriteString(strings.ToLower(n.value))
	case "!!int":
		i, ok := new(big.Int).SetString(n.value, 0)
		if !ok {
			return fmt.Errorf("%q is not a JSON number", clip(n.value))
		}
		b.WriteString(i.String())
	case "!!float":
		d, err := pgtypes.ParseDecimal(n.value)
		if err != nil {
			return fmt.Errorf("%q is not a JSON number", clip(n.value))
		}
		b.WriteString(d.String())
	default:
		writeJSONString(b, n.value)
	}
	return nil
}

func writeJSONString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// sqlValueFuncs are the SQL value functions written without parentheses.
var sqlValueFuncs = map[string]bool{
	"current_timestamp": true, "current_date": true, "current_time": true,
	"localtimestamp": true, "localtime": true, "current_user": true,
}

var funcCallRE = regexp.MustCompile(`(?s)^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\s*\(.*\)$`)

// isExpr reports whether a default scalar is an SQL expression: a plain
// (unquoted, untagged) function call or SQL value function. Quoted text
// is always a literal.
func isExpr(n *node) bool {
	if n.kind != scalarNode || !n.plain || n.tag != "!!str" {
		return false
	}
	v := strings.TrimSpace(n.value)
	return sqlValueFuncs[strings.ToLower(v)] || funcCallRE.MatchString(v)
}
