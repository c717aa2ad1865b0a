package migrate

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// SumError reports a directory whose files do not match its atlas.sum:
// a file edited, added or removed by hand after the sum was written.
type SumError struct {
	// File is the first file that does not match ("" when the sum file
	// itself is damaged).
	File   string
	Reason string
}

// Error says which file differs and what to do.
func (e *SumError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("migrations: %s: %s; restore it from version control or run `cpcgen migrate hash` after checking the directory", SumFile, e.Reason)
	}
	return fmt.Sprintf("migrations: %s does not match %s: %s; restore the file from version control, or, if the change is intended and the migration was not applied anywhere, run `cpcgen migrate hash`", e.File, SumFile, e.Reason)
}

// sumLine is one "name h1:hash" line of atlas.sum.
type sumLine struct{ name, hash string }

// verifySum checks the directory against its atlas.sum, when it has one.
// The sum lists the .sql files in name order and may end with a file of
// another kind (the snapshot cpcgen keeps beside the migrations), which a
// directory embedded without it may leave out. The hashes are Atlas's:
// each is the running SHA-256 of every listed name and content so far.
func verifySum(dir fs.FS, names []string, files map[string][]byte) error {
	raw, err := fs.ReadFile(dir, SumFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", SumFile, err)
	}
	lines, err := parseSum(raw)
	if err != nil {
		return err
	}
	listed := map[string]bool{}
	h := sha256.New()
	for i, l := range lines {
		listed[l.name] = true
		data, ok := files[l.name]
		if !ok {
			data, err = fs.ReadFile(dir, l.name)
			switch {
			case errors.Is(err, fs.ErrNotExist) && !strings.HasSuffix(l.name, ".sql") && i == len(lines)-1:
				continue // the snapshot, not embedded
			case errors.Is(err, fs.ErrNotExist):
				return &SumError{File: l.name, Reason: "listed in the sum but missing from the directory"}
			case err != nil:
				return fmt.Errorf("read %s: %w", l.name, err)
			}
		}
		h.Write([]byte(l.name))
		h.Write(data)
		if base64.StdEncoding.EncodeToString(h.Sum(nil)) != l.hash {
			return &SumError{File: l.name, Reason: "its content (or that of a file listed before it) changed"}
		}
	}
	for _, n := range names {
		if !listed[n] {
			return &SumError{File: n, Reason: "not listed in the sum"}
		}
	}
	return nil
}

// parseSum reads atlas.sum and checks its first line, the hash of all the
// others.
func parseSum(raw []byte) ([]sumLine, error) {
	sc := bufio.NewScanner(bytes.NewReader(raw))
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "h1:") {
		return nil, &SumError{Reason: "the first line is not h1:<sum>"}
	}
	total := strings.TrimPrefix(sc.Text(), "h1:")
	var lines []sumLine
	all := sha256.New()
	for sc.Scan() {
		name, hash, ok := strings.Cut(sc.Text(), " h1:")
		if !ok {
			return nil, &SumError{Reason: fmt.Sprintf("line %d is not \"file h1:hash\"", len(lines)+2)}
		}
		name = strings.TrimSpace(name)
		lines = append(lines, sumLine{name: name, hash: hash})
		all.Write([]byte(name))
		all.Write([]byte(hash))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", SumFile, err)
	}
	if base64.StdEncoding.EncodeToString(all.Sum(nil)) != total {
		return nil, &SumError{Reason: "its first line does not match the lines below it (edited by hand)"}
	}
	return lines, nil
}
