package migration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// The snapshot keeps what Atlas's HCL does not model (policies,
// distributions, enum comments, usage, pending contracts, extensions and
// objects) as comment lines, one JSON value a line after a prefix of its
// kind ("# cpcgen:policy {json}"). writeLines and parseLines are the one
// writer and reader of those lines.

// writeLines writes to b one line per item: prefix, then the item as JSON.
func writeLines[T any](b *bytes.Buffer, prefix string, items []T) error {
	for _, it := range items {
		line, err := json.Marshal(it)
		if err != nil {
			return fmt.Errorf("render snapshot: %w", err)
		}
		b.WriteString(prefix)
		b.Write(line)
		b.WriteString("\n")
	}
	return nil
}

// parseLines reads the lines of data that start with prefix, each one
// JSON value that valid accepts; a line that does not parse or that
// valid refuses is an error naming the kind of line (what).
func parseLines[T any](data []byte, prefix, what string, valid func(*T) bool) ([]*T, error) {
	var out []*T
	for _, line := range strings.Split(string(data), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\r"), prefix)
		if !ok {
			continue
		}
		v := new(T)
		if err := json.Unmarshal([]byte(rest), v); err != nil || !valid(v) {
			return nil, fmt.Errorf("parse snapshot: bad %s line %q", what, clipLine(line))
		}
		out = append(out, v)
	}
	return out, nil
}

func clipLine(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
