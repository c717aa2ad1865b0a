package migrate

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// LockTimeoutDirective sets the lock_timeout of one file, instead of
// Options.LockTimeout, on a line of its own anywhere in the file:
//
//	-- cpcgen:lock-timeout 30s
//	-- cpcgen:lock-timeout off
//
// The value is a Go duration (500ms, 30s, 2m) or "off".
const LockTimeoutDirective = "-- cpcgen:lock-timeout"

// BackfillDirective, on a comment line right before an UPDATE statement,
// makes the runner apply that statement in batches (see Backfill) rather
// than at once:
//
//	-- cpcgen:no-transaction
//	-- cpcgen:backfill batch=5000 pause=50ms
//	UPDATE "orders" SET "status_v2" = "status"::text WHERE "status_v2" IS NULL;
//
// The statement must read UPDATE table SET … [WHERE …]. Its options, all
// optional, are key=col[,col…] (the keyset order; default the primary
// key), batch=N (rows per batch, default 1000), pause=duration (between
// batches) and lock-timeout=duration|off (default the file's). A file with
// a backfill runs outside a transaction, under the claim protocol, and
// its progress is kept in the table Options.Table+"_backfills", so an
// interrupted run continues where it stopped. Other tools ignore the
// comment and run the UPDATE at once, which is correct but not online.
const BackfillDirective = "-- cpcgen:backfill"

const directivePrefix = "-- cpcgen:"

// backfillDirective is a parsed backfill directive and its statement.
type backfillDirective struct {
	update      updateParts
	key         []string
	batch       int
	pause       time.Duration
	lockTimeout time.Duration
}

// directiveLine reads a line of the form "-- cpcgen:word rest": the word
// and the rest, or ok false.
func directiveLine(line string) (word, rest string, ok bool) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, directivePrefix) {
		return "", "", false
	}
	body := line[len(directivePrefix):]
	if body == "" || !(body[0] >= 'a' && body[0] <= 'z' || body[0] >= 'A' && body[0] <= 'Z') {
		return "", "", false // "-- cpcgen: irreversible: …" is a note, not a directive
	}
	word, rest, _ = strings.Cut(body, " ")
	return word, strings.TrimSpace(rest), true
}

// IsDirective reports whether the runner reads line as one of its
// directives (-- cpcgen:no-transaction, -- cpcgen:lock-timeout,
// -- cpcgen:backfill, or an unknown one, which it refuses), wherever it
// stands in a file.
func IsDirective(line string) bool {
	_, _, ok := directiveLine(line)
	return ok
}

// parseDuration reads a directive's duration: a Go duration, or "off"
// (returned as -1).
func parseDuration(s string) (time.Duration, error) {
	if s == "off" {
		return -1, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration; write it like 500ms, 30s or 2m, or off", s)
	}
	return d, nil
}

// finishPart reads the directives of a part and what its statements
// are: a file-wide lock timeout, backfill directives before statements,
// statements that cannot run in a transaction.
func finishPart(name, data string, from, to int, lines []int, part *Part) error {
	// File-wide directives: checked over the whole file, so that a typo
	// anywhere is reported.
	for off := 0; off < len(data); {
		end := strings.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		word, rest, ok := directiveLine(data[off:next])
		if ok {
			switch word {
			case "no-transaction":
				if rest != "" {
					return fmt.Errorf("%s:%d: %s takes nothing after it on its line; put the comment on a line of its own", name, lineAt(lines, off), NoTransaction)
				}
			case "backfill":
			case "lock-timeout":
				d, err := parseDuration(rest)
				if err != nil {
					return fmt.Errorf("%s:%d: %s: %w", name, lineAt(lines, off), LockTimeoutDirective, err)
				}
				part.LockTimeout = d
			default:
				return fmt.Errorf("%s:%d: unknown directive %s%s; the runner knows %s, %s and %s", name, lineAt(lines, off), directivePrefix, word,
					NoTransaction, LockTimeoutDirective, BackfillDirective)
			}
		}
		off = next
	}
	prevEnd := from
	backfills := false
	for i := range part.Statements {
		s := &part.Statements[i]
		s.kind = classify(s.SQL)
		bf, line, err := backfillBefore(name, data, prevEnd, s.Offset, lines)
		if err != nil {
			return err
		}
		if bf != nil {
			if bf.update, err = parseBackfillUpdate(s.SQL); err != nil {
				return fmt.Errorf("%s:%d: %s: %w", name, line, BackfillDirective, err)
			}
			s.backfill = bf
			backfills = true
		}
		prevEnd = s.Offset + len(s.SQL)
	}
	if _, line, err := backfillBefore(name, data, prevEnd, to, lines); err != nil {
		return err
	} else if line > 0 {
		return fmt.Errorf("%s:%d: %s is not followed by a statement; put it right before the UPDATE to run in batches", name, line, BackfillDirective)
	}
	if backfills {
		part.NoTransaction = true
	}
	if part.NoTransaction || len(part.Statements) == 0 {
		return nil
	}
	var noTx, tx *Statement
	for i := range part.Statements {
		s := &part.Statements[i]
		if s.kind.noTx {
			if noTx == nil {
				noTx = s
			}
		} else if tx == nil {
			tx = s
		}
	}
	switch {
	case noTx == nil:
	case tx == nil:
		// Every statement must run outside a transaction: the file does,
		// as golang-migrate and Flyway would run it.
		part.NoTransaction = true
	default:
		part.refuse = fmt.Errorf("migrate: %s:%d: %s cannot run inside a transaction, but the statement on line %d needs the file's transaction; "+
			"move it to a migration file of its own that starts with %s", name, noTx.Line, noTx.kind.what, tx.Line, NoTransaction)
	}
	return nil
}

// backfillBefore looks for a backfill directive in data[from:to], the
// comments before a statement, and parses its options. line is the
// directive's line, 0 when there is none.
func backfillBefore(name, data string, from, to int, lines []int) (*backfillDirective, int, error) {
	var bf *backfillDirective
	line := 0
	for off := from; off < to; {
		end := strings.IndexByte(data[off:to], '\n')
		next := to
		if end >= 0 {
			next = off + end + 1
		}
		word, rest, ok := directiveLine(data[off:next])
		if ok && word == "backfill" {
			if bf != nil {
				return nil, 0, fmt.Errorf("%s:%d: two %s lines before one statement", name, lineAt(lines, off), BackfillDirective)
			}
			line = lineAt(lines, off)
			var err error
			if bf, err = parseBackfillOptions(rest); err != nil {
				return nil, 0, fmt.Errorf("%s:%d: %s: %w", name, line, BackfillDirective, err)
			}
		}
		off = next
	}
	return bf, line, nil
}

// parseBackfillOptions reads "key=a,b batch=1000 pause=10ms
// lock-timeout=2s".
func parseBackfillOptions(s string) (*backfillDirective, error) {
	bf := &backfillDirective{}
	for _, f := range strings.Fields(s) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("option %q is not key=value", f)
		}
		switch k {
		case "key":
			for _, c := range strings.Split(v, ",") {
				if c == "" {
					return nil, fmt.Errorf("key=%s has an empty column name", v)
				}
				bf.key = append(bf.key, strings.Trim(c, `"`))
			}
		case "batch":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("batch=%s is not a positive number of rows", v)
			}
			bf.batch = n
		case "pause":
			if v == "0" {
				continue
			}
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return nil, fmt.Errorf("pause=%s is not a duration (like 50ms)", v)
			}
			bf.pause = d
		case "lock-timeout":
			d, err := parseDuration(v)
			if err != nil {
				return nil, fmt.Errorf("lock-timeout=%w", err)
			}
			bf.lockTimeout = d
		default:
			return nil, fmt.Errorf("unknown option %q; the options are key, batch, pause and lock-timeout", k)
		}
	}
	return bf, nil
}
