package doccheck

import (
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/cpcgen/cpcgen/internal/editdist"
)

// Problem is one link, anchor or excerpt that does not resolve.
type Problem struct {
	File    string // slash-separated, relative to the root
	Line    int    // 1-based
	Message string
}

// String formats p as file:line: message.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Link is one link target of a Markdown page: an inline link or image,
// a reference definition, or an HTML href or src attribute.
type Link struct {
	Line   int    // 1-based line of the target
	Target string // as written, without angle brackets
}

// Files returns the Markdown files under root, slash-separated and
// relative to it, sorted. Hidden directories (.git) are skipped.
func Files(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.EqualFold(filepath.Ext(p), ".md") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list markdown files under %s: %w", root, err)
	}
	slices.Sort(files)
	return files, nil
}

// Check resolves every relative link, anchor and excerpt of files
// (slash-separated, relative to root) and returns the problems, sorted
// by file and line. Links with a scheme (https:, mailto:) are not
// followed. The error is for a file of files that cannot be read.
func Check(root string, files []string) ([]Problem, error) {
	c := checker{root: root, anchors: map[string]map[string]bool{}}
	var problems []Problem
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return nil, fmt.Errorf("check links: %w", err)
		}
		page := parse(data)
		for _, l := range page.links {
			if msg := c.resolve(f, l.Target); msg != "" {
				problems = append(problems, Problem{File: f, Line: l.Line, Message: fmt.Sprintf("link %q: %s", l.Target, msg)})
			}
		}
		for _, e := range page.excerpts {
			problems = append(problems, c.excerpt(f, e)...)
		}
	}
	slices.SortStableFunc(problems, func(a, b Problem) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		return a.Line - b.Line
	})
	return problems, nil
}

// Slug returns the anchor GitHub gives a heading with the text s (as
// rendered: no Markdown syntax): lowercase, every character but letters,
// digits, marks, '-', '_' and spaces removed, each space a hyphen.
// "1. Read replicas" → "1-read-replicas", "`check`" → "check",
// "UserRepo.ByEmail" → "userrepobyemail". Duplicates are numbered by
// Anchors, not here.
func Slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Anchors returns every anchor of a Markdown page: the slug of each
// heading outside code blocks, numbered as GitHub numbers duplicates
// (usage, usage-1, usage-2), and the id or name of each HTML <a> tag.
func Anchors(md []byte) map[string]bool {
	return parse(md).anchors
}

// Links returns the link targets of a Markdown page outside code blocks,
// code spans and HTML comments.
func Links(md []byte) []Link {
	return parse(md).links
}

// page is what the checks read from one Markdown file.
type page struct {
	anchors  map[string]bool
	links    []Link
	excerpts []excerpt
}

// paragraph is a run of non-blank lines outside code blocks.
type paragraph struct {
	start int // line of its first line
	text  string
}

// excerpt is a code block marked <!-- excerpt: path -->.
type excerpt struct {
	path  string   // as written in the marker
	line  int      // of the marker
	first int      // line of the block's first line
	lines []string // the block's lines
}

var (
	fenceOpen   = regexp.MustCompile("^[ \t]*(`{3,}|~{3,})")
	markerRE    = regexp.MustCompile(`^[ \t]*<!--[ \t]*excerpt:[ \t]*(\S+)[ \t]*-->[ \t]*$`)
	setextRE    = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	htmlAnchor  = regexp.MustCompile(`(?i)<a\s[^>]*\b(?:id|name)\s*=\s*"([^"]+)"`)
	inlineLink  = regexp.MustCompile(`!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>\n]*>|[^\s()]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)`)
	refDef      = regexp.MustCompile(`(?m)^ {0,3}\[[^\]]+\]:[ \t]*(<[^>\n]*>|\S+)`)
	htmlAttr    = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*"([^"]*)"`)
	headingLink = regexp.MustCompile(`!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)`)
	htmlTag     = regexp.MustCompile(`</?[A-Za-z][^>]*>`)
	comment     = regexp.MustCompile(`(?s)<!--.*?-->`)
)

// parse reads the anchors, links and excerpts of a Markdown page. Text
// inside fenced code blocks is neither heading nor link; paragraphs
// (runs of non-blank lines) are scanned as a whole, so that a link whose
// text wraps over lines is found.
func parse(md []byte) page {
	p := page{anchors: map[string]bool{}}
	// Headings are numbered as github-slugger numbers them: among
	// headings only, counting per slug.
	seen := map[string]int{}
	addHeading := func(text string) {
		slug := Slug(headingText(text))
		result := slug
		for {
			if _, taken := seen[result]; !taken {
				break
			}
			seen[slug]++
			result = fmt.Sprintf("%s-%d", slug, seen[slug])
		}
		seen[result] = 0
		p.anchors[result] = true
	}

	lines := strings.Split(strings.ReplaceAll(string(md), "\r\n", "\n"), "\n")
	var (
		fence      string   // the open fence, "" outside code
		block      *excerpt // the excerpt being read
		pending    *excerpt // a marker waiting for its block
		para       []string // the paragraph being gathered
		paraStart  int
		prevPlain  bool // the previous line may be a setext heading's text
		inComment  bool
		paragraphs []paragraph
	)
	flush := func() {
		if len(para) > 0 {
			paragraphs = append(paragraphs, paragraph{paraStart, strings.Join(para, "\n")})
			para = nil
		}
	}
	for i, line := range lines {
		num := i + 1
		if fence != "" {
			t := strings.TrimSpace(line)
			if len(t) >= len(fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
				if block != nil {
					p.excerpts = append(p.excerpts, *block)
					block = nil
				}
				continue
			}
			if block != nil {
				block.lines = append(block.lines, line)
			}
			continue
		}
		if m := fenceOpen.FindStringSubmatch(line); m != nil && !inComment {
			flush()
			prevPlain = false
			fence = m[1]
			if pending != nil {
				block, pending = pending, nil
				block.first = num + 1
			}
			continue
		}
		if m := markerRE.FindStringSubmatch(line); m != nil {
			flush()
			prevPlain = false
			pending = &excerpt{path: m[1], line: num}
			continue
		}
		if strings.TrimSpace(line) == "" {
			flush()
			prevPlain = false
			continue
		}
		if pending != nil {
			// A marker must sit right above its block.
			p.excerpts = append(p.excerpts, *pending)
			pending = nil
		}

		// HTML comments: nothing in them is a heading or a link.
		visible := line
		if inComment {
			end := strings.Index(visible, "-->")
			if end < 0 {
				continue
			}
			visible = visible[end+3:]
			inComment = false
		}
		visible = comment.ReplaceAllString(visible, "")
		if start := strings.Index(visible, "<!--"); start >= 0 {
			visible = visible[:start]
			inComment = true
		}

		if len(para) == 0 {
			paraStart = num
		}
		para = append(para, visible)

		for _, m := range htmlAnchor.FindAllStringSubmatch(visible, -1) {
			p.anchors[m[1]] = true
		}
		if text, ok := atxHeading(visible); ok {
			addHeading(text)
			prevPlain = false
			continue
		}
		if setextRE.MatchString(visible) && prevPlain {
			addHeading(lines[i-1])
			prevPlain = false
			continue
		}
		prevPlain = isPlain(visible)
	}
	flush()
	if pending != nil {
		p.excerpts = append(p.excerpts, *pending)
	}
	if block != nil { // unclosed fence: the block runs to the end
		p.excerpts = append(p.excerpts, *block)
	}

	for _, par := range paragraphs {
		text := stripCodeSpans(par.text)
		lineOf := func(offset int) int { return par.start + strings.Count(text[:offset], "\n") }
		for _, re := range []*regexp.Regexp{inlineLink, refDef, htmlAttr} {
			for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
				target := strings.TrimSuffix(strings.TrimPrefix(text[m[2]:m[3]], "<"), ">")
				p.links = append(p.links, Link{Line: lineOf(m[2]), Target: target})
			}
		}
	}
	slices.SortStableFunc(p.links, func(a, b Link) int { return a.Line - b.Line })
	return p
}

// atxHeading returns the text of an ATX heading line ("## Title ##").
func atxHeading(line string) (string, bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 || !strings.HasPrefix(t, "#") {
		return "", false
	}
	n := len(t) - len(strings.TrimLeft(t, "#"))
	if n > 6 {
		return "", false
	}
	rest := t[n:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	// A closing sequence of #s, preceded by a space, is not text.
	if trimmed := strings.TrimRight(rest, "#"); trimmed != rest && (trimmed == "" || strings.HasSuffix(trimmed, " ") || strings.HasSuffix(trimmed, "\t")) {
		rest = strings.TrimSpace(trimmed)
	}
	return rest, true
}

// isPlain reports whether line can be the text of a setext heading: a
// paragraph line, not a list item, quote, table row or heading.
func isPlain(line string) bool {
	t := strings.TrimSpace(line)
	if t == "" || strings.ContainsAny(t[:1], "#>|-*+") {
		return false
	}
	if i := strings.IndexAny(t, ".)"); i > 0 && strings.Trim(t[:i], "0123456789") == "" {
		return false // an ordered list item
	}
	return true
}

// headingText returns the text of a heading as GitHub renders it: links
// and images become their text, HTML tags and backslash escapes go.
// Code spans keep their content; the backticks, like emphasis markers,
// are punctuation Slug removes.
func headingText(s string) string {
	s = headingLink.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, "")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", rune(s[i+1])) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.TrimSpace(b.String())
}

// stripCodeSpans blanks the code spans of text (a run of n backticks up
// to the next run of exactly n), keeping its length and line breaks so
// that offsets still map to lines.
func stripCodeSpans(text string) string {
	b := []byte(text)
	for i := 0; i < len(b); {
		n := backticks(b, i)
		if n == 0 {
			i++
			continue
		}
		end := -1
		for j := i + n; j < len(b); {
			m := backticks(b, j)
			if m == n {
				end = j + m
				break
			}
			j += max(m, 1)
		}
		if end < 0 {
			i += n
			continue
		}
		for k := i; k < end; k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
		i = end
	}
	return string(b)
}

// backticks returns the length of the run of backticks at b[i:].
func backticks(b []byte, i int) int {
	n := 0
	for i+n < len(b) && b[i+n] == '`' {
		n++
	}
	return n
}

// checker resolves links, caching the anchors of each target page.
type checker struct {
	root    string
	anchors map[string]map[string]bool // by slash path relative to root
}

var scheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// resolve returns what is wrong with a link target of file, or "".
func (c *checker) resolve(file, target string) string {
	if target == "" {
		return "empty target"
	}
	if scheme.MatchString(target) || strings.HasPrefix(target, "//") {
		return ""
	}
	p, frag, hasFrag := strings.Cut(target, "#")
	p, _, _ = strings.Cut(p, "?")
	p, err := url.PathUnescape(p)
	if err != nil {
		return fmt.Sprintf("bad escape in path: %v", err)
	}
	var rel string
	switch {
	case p == "":
		rel = file
	case strings.HasPrefix(p, "/"):
		rel = path.Clean(strings.TrimPrefix(p, "/"))
	default:
		rel = path.Join(path.Dir(file), p)
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "leaves the repository"
	}
	info, err := os.Stat(filepath.Join(c.root, filepath.FromSlash(rel)))
	if err != nil {
		return fmt.Sprintf("no file %s", rel)
	}
	if !hasFrag {
		return ""
	}
	if frag == "" {
		return "empty anchor"
	}
	if info.IsDir() {
		return fmt.Sprintf("anchor #%s on directory %s", frag, rel)
	}
	if !strings.EqualFold(path.Ext(rel), ".md") {
		return "" // line anchors of source files (#L10) are GitHub's business
	}
	anchors, err := c.anchorsOf(rel)
	if err != nil {
		return err.Error()
	}
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	if anchors[frag] {
		return ""
	}
	msg := fmt.Sprintf("no heading %q in %s", frag, rel)
	if near := nearest(frag, anchors); near != "" {
		msg += fmt.Sprintf("; did you mean #%s?", near)
	}
	return msg
}

func (c *checker) anchorsOf(rel string) (map[string]bool, error) {
	if a, ok := c.anchors[rel]; ok {
		return a, nil
	}
	data, err := os.ReadFile(filepath.Join(c.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	a := Anchors(data)
	c.anchors[rel] = a
	return a, nil
}

// excerpt checks that every line of e occurs in its file, in order.
func (c *checker) excerpt(file string, e excerpt) []Problem {
	problem := func(line int, format string, args ...any) []Problem {
		return []Problem{{File: file, Line: line, Message: fmt.Sprintf(format, args...)}}
	}
	if e.first == 0 {
		return problem(e.line, "excerpt marker of %s is not followed by a code block", e.path)
	}
	data, err := os.ReadFile(filepath.Join(c.root, filepath.FromSlash(path.Clean(strings.TrimPrefix(e.path, "/")))))
	if err != nil {
		return problem(e.line, "excerpt of %s: no such file", e.path)
	}
	source := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	next := 0
	for i, line := range e.lines {
		line = strings.TrimRight(line, " \t")
		if line == "" || isElision(line) {
			continue
		}
		found := -1
		for j := next; j < len(source); j++ {
			if strings.TrimRight(source[j], " \t") == line {
				found = j
				break
			}
		}
		if found < 0 {
			return problem(e.first+i, "excerpt line not in %s (after its line %d): %q; update the excerpt", e.path, next, line)
		}
		next = found + 1
	}
	return nil
}

// isElision reports whether an excerpt line stands for left-out lines:
// "…" or "...", alone or after a comment marker.
func isElision(line string) bool {
	t := strings.TrimSpace(line)
	for _, mark := range []string{"//", "#", "--"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, mark))
	}
	return t == "…" || t == "..."
}

// nearest returns the anchor closest to frag by edit distance, if close.
func nearest(frag string, anchors map[string]bool) string {
	best, bestDist := "", len(frag)/3+1
	keys := make([]string, 0, len(anchors))
	for a := range anchors {
		keys = append(keys, a)
	}
	slices.Sort(keys)
	for _, a := range keys {
		if d := editdist.Levenshtein(frag, a); d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}
