package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// NoTransaction is the directive that makes a file run outside a
// transaction, for statements such as CREATE INDEX CONCURRENTLY. It must
// stand on a line of its own. The formats' own
// directives work too: goose's "-- +goose NO TRANSACTION", dbmate's
// "-- migrate:up transaction:false" and Atlas's "-- atlas:txmode none".
const NoTransaction = "-- cpcgen:no-transaction"

// SumFile is the name of the directory's checksum file, in Atlas's
// atlas.sum format.
const SumFile = "atlas.sum"

// Migration is one version of a migrations directory: its up part and,
// when the format has one, its down part.
type Migration struct {
	// Version is the number the file names start with (000001 → 1).
	Version int64
	// Name is the description after the version ("add_users").
	Name string
	// File is the file holding the up part; DownFile the one holding the
	// down part ("" when there is none; the same as File for goose and
	// dbmate).
	File     string
	DownFile string
	// Checksum is the hex SHA-256 of File's bytes, recorded when the
	// migration is applied and compared on every run.
	Checksum string
	// Up and Down are the statements of each direction.
	Up   Part
	Down Part
	// HasDown reports whether the format gave the migration a down part
	// (which may still be empty).
	HasDown bool
}

// Part is the up or the down half of a migration.
type Part struct {
	Statements []Statement
	// NoTransaction is set by the no-transaction directive, by a backfill
	// directive, or when every statement is one PostgreSQL refuses to run
	// in a transaction (CREATE INDEX CONCURRENTLY, …): the statements
	// then run one by one outside a transaction.
	NoTransaction bool
	// LockTimeout is the file's lock-timeout directive: 0 when it has
	// none (Options.LockTimeout applies), negative for "off".
	LockTimeout time.Duration

	// refuse, when set, is why the runner cannot apply the part (a
	// statement that refuses a transaction among statements that need
	// the file's). Load accepts such a file, which another tool may have
	// applied, and the runner refuses it only when it would run it.
	refuse error
}

// Load reads a migrations directory in the given format ("" detects it
// from the file names and contents) and returns its migrations in version
// order. It rejects two files with one version, names it cannot parse,
// SQL it cannot split, and — when the directory has an atlas.sum — any
// difference between the files and their recorded checksums.
func Load(dir fs.FS, format string) ([]*Migration, error) {
	entries, err := fs.ReadDir(dir, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	files := map[string][]byte{}
	var names []string
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		data, err := fs.ReadFile(dir, e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		files[e.Name()] = data
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if format == "" {
		format = detectFormat(names, files)
	}
	if err := verifySum(dir, names, files); err != nil {
		return nil, err
	}
	f := LookupFormat(format)
	if f == nil {
		return nil, fmt.Errorf("unknown migrations format %q; use %s", format, formatList())
	}
	var ms []*Migration
	if f.DownFile != "" {
		ms, err = loadPaired(names, files, f)
	} else {
		ms, err = loadSingle(names, files, f)
	}
	if err != nil {
		return nil, err
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s have the same version %d; renumber one of them", ms[i-1].File, ms[i].File, ms[i].Version)
		}
	}
	return ms, nil
}

// detectFormat guesses a directory's format from its file names and, for
// the formats with sections, their markers (see Formats).
func detectFormat(names []string, files map[string][]byte) string {
	for _, n := range names {
		for _, f := range Formats {
			if f.DownFile != "" && f.names.MatchString(n) {
				return f.Name
			}
		}
	}
	for _, n := range names {
		for _, f := range Formats {
			if f.UpMarker != "" && strings.Contains(string(files[n]), f.UpMarker) {
				return f.Name
			}
		}
	}
	for _, f := range Formats {
		if !f.HasDown() {
			return f.Name
		}
	}
	return DefaultFormat
}

// parseFileName is ParseName for the file n of a directory, with an
// error that says why a name does not parse.
func (f *Format) parseFileName(n string) (version int64, name string, down bool, err error) {
	verText, name, down, ok := f.parseName(n)
	if !ok {
		return 0, "", false, fmt.Errorf("migration file %s does not follow the directory's naming (%s); rename or remove it", n, f.namingHint)
	}
	version, err = strconv.ParseInt(verText, 10, 64)
	if err != nil {
		return 0, "", false, fmt.Errorf("migration file %s: version %s is too large", n, verText)
	}
	return version, name, down, nil
}

// loadPaired reads the formats that keep up and down in two files.
func loadPaired(names []string, files map[string][]byte, f *Format) ([]*Migration, error) {
	byVersion := map[int64]*Migration{}
	var order []int64
	for _, n := range names {
		v, name, down, err := f.parseFileName(n)
		if err != nil {
			return nil, err
		}
		mig := byVersion[v]
		if mig == nil {
			mig = &Migration{Version: v, Name: name}
			byVersion[v] = mig
			order = append(order, v)
		}
		data := string(files[n])
		part, err := parsePart(n, data, 0, len(data), lineIndex(data), f.noTransaction(data))
		if err != nil {
			return nil, err
		}
		if !down {
			if mig.File != "" {
				return nil, fmt.Errorf("migrations %s and %s have the same version %d; renumber one of them", mig.File, n, v)
			}
			mig.File, mig.Name, mig.Up = n, name, part
			mig.Checksum = checksum(files[n])
			continue
		}
		if mig.DownFile != "" {
			return nil, fmt.Errorf("migrations %s and %s have the same version %d; renumber one of them", mig.DownFile, n, v)
		}
		mig.DownFile, mig.Down, mig.HasDown = n, part, true
	}
	var out []*Migration
	for _, v := range order {
		m := byVersion[v]
		if m.File == "" {
			return nil, fmt.Errorf("migration %s has no up file; add it or remove the down file", m.DownFile)
		}
		out = append(out, m)
	}
	return out, nil
}

// loadSingle reads the formats that keep a migration in one file: with
// up and down sections, or up only.
func loadSingle(names []string, files map[string][]byte, f *Format) ([]*Migration, error) {
	var out []*Migration
	for _, n := range names {
		v, name, _, err := f.parseFileName(n)
		if err != nil {
			return nil, err
		}
		data := string(files[n])
		lines := lineIndex(data)
		mig := &Migration{Version: v, Name: name, File: n, Checksum: checksum(files[n])}
		if f.UpMarker == "" {
			mig.Up, err = parsePart(n, data, 0, len(data), lines, f.noTransaction(data))
		} else {
			err = parseSections(mig, n, data, lines, f)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, mig)
	}
	return out, nil
}

// parseSections fills in the up and down parts of a file with the
// format's section markers (goose, dbmate).
func parseSections(mig *Migration, name, data string, lines []int, f *Format) error {
	upMark, downMark, noTx := f.UpMarker, f.DownMarker, f.noTransaction(data)
	markerNoTx := func(line string) bool {
		return f.MarkerNoTransaction != "" && strings.Contains(line, f.MarkerNoTransaction)
	}
	upAt, upEnd := markerLine(data, upMark)
	if upAt < 0 {
		return fmt.Errorf("%s: no %q line; every migration of this format needs one", name, upMark)
	}
	downAt, downEnd := markerLine(data, downMark)
	upStop := len(data)
	if downAt >= 0 {
		if downAt < upAt {
			return fmt.Errorf("%s: line %d: %q comes before %q", name, lineAt(lines, downAt), downMark, upMark)
		}
		upStop = downAt
	}
	upNoTx := noTx || markerNoTx(data[upAt:upEnd])
	var err error
	if mig.Up, err = parsePart(name, data, upEnd, upStop, lines, upNoTx); err != nil {
		return err
	}
	if downAt >= 0 {
		mig.DownFile, mig.HasDown = name, true
		downNoTx := noTx || markerNoTx(data[downAt:downEnd])
		if mig.Down, err = parsePart(name, data, downEnd, len(data), lines, downNoTx); err != nil {
			return err
		}
	}
	return nil
}

// markerLine finds the line starting with mark and returns the offsets of
// its start and of the start of the next line, or -1.
func markerLine(data, mark string) (int, int) {
	for off := 0; off < len(data); {
		end := strings.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		if strings.HasPrefix(data[off:], mark) {
			return off, next
		}
		off = next
	}
	return -1, -1
}

// parsePart splits data[from:to] into statements. Goose's StatementBegin
// and StatementEnd lines keep what is between them one statement.
func parsePart(name, data string, from, to int, lines []int, noTx bool) (Part, error) {
	part, err := splitPart(name, data, from, to, lines, noTx)
	if err != nil {
		return part, err
	}
	return part, finishPart(name, data, from, to, lines, &part)
}

// splitPart does parsePart's splitting.
func splitPart(name, data string, from, to int, lines []int, noTx bool) (Part, error) {
	part := Part{NoTransaction: noTx}
	lineOf := func(off int) int { return lineAt(lines, off) }
	const begin, end = "-- +goose StatementBegin", "-- +goose StatementEnd"
	for from < to {
		b := strings.Index(data[from:to], begin)
		if b < 0 {
			stmts, err := splitStatements(name, data[from:to], from, lineOf)
			if err != nil {
				return part, err
			}
			part.Statements = append(part.Statements, stmts...)
			break
		}
		b += from
		stmts, err := splitStatements(name, data[from:b], from, lineOf)
		if err != nil {
			return part, err
		}
		part.Statements = append(part.Statements, stmts...)
		bodyStart := b + len(begin)
		if i := strings.IndexByte(data[bodyStart:to], '\n'); i >= 0 {
			bodyStart += i + 1
		} else {
			bodyStart = to
		}
		e := strings.Index(data[bodyStart:to], end)
		if e < 0 {
			return part, fmt.Errorf("%s: line %d: %q without %q", name, lineOf(b), begin, end)
		}
		e += bodyStart
		body := strings.TrimSpace(data[bodyStart:e])
		if body != "" {
			off := bodyStart + strings.Index(data[bodyStart:e], body)
			part.Statements = append(part.Statements, Statement{SQL: body, Offset: off, Line: lineOf(off)})
		}
		from = e + len(end)
	}
	return part, nil
}

// hasLineDirective reports whether one of the directives stands on a line
// of its own in data.
func hasLineDirective(data string, directives ...string) bool {
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		for _, d := range directives {
			if line == d {
				return true
			}
		}
	}
	return false
}

// lineIndex returns the offsets at which data's lines start.
func lineIndex(data string) []int {
	idx := []int{0}
	for i := 0; i < len(data); i++ {
		if data[i] == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// lineAt returns the 1-based line holding offset off.
func lineAt(lines []int, off int) int {
	return sort.Search(len(lines), func(i int) bool { return lines[i] > off })
}

// checksum is the hex SHA-256 of a file.
func checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
