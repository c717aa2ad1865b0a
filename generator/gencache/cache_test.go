package gencache

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func testKey(s string) Key { return NewHasher("test").String(s).Sum() }

func openTest(t *testing.T, dir, tool string) *Cache {
	t.Helper()
	c, err := Open(dir, tool)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPutGet(t *testing.T) {
	c := openTest(t, t.TempDir(), "tool")
	k := testKey("a")
	if _, ok := c.Get(k); ok {
		t.Fatal("hit in an empty cache")
	}
	if err := c.Put(k, []byte("payload")); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(k)
	if !ok || string(got) != "payload" {
		t.Fatalf("Get = %q, %v; want the payload", got, ok)
	}
	if _, ok := c.Get(testKey("b")); ok {
		t.Fatal("hit for a key never stored")
	}
	if s := c.Stats(); s.Hits != 1 || s.Misses != 2 || s.Puts != 1 {
		t.Fatalf("stats %+v", s)
	}
	// An empty payload is a payload.
	if err := c.Put(testKey("empty"), nil); err != nil {
		t.Fatal(err)
	}
	if got, ok := c.Get(testKey("empty")); !ok || len(got) != 0 {
		t.Fatalf("empty payload: %q, %v", got, ok)
	}
}

func TestOffCache(t *testing.T) {
	for _, args := range [][2]string{{"", "tool"}, {t.TempDir(), ""}} {
		c, err := Open(args[0], args[1])
		if err != nil || c != nil {
			t.Fatalf("Open(%q, %q) = %v, %v; want a nil cache", args[0], args[1], c, err)
		}
		if err := c.Put(testKey("a"), []byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get(testKey("a")); ok {
			t.Fatal("a cache that is off hit")
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDamagedEntries: every way an entry can be damaged is a miss, and
// the damaged file is removed.
func TestDamagedEntries(t *testing.T) {
	payload := bytes.Repeat([]byte("generated code\n"), 100)
	damages := map[string]func(data []byte, other []byte) []byte{
		"truncated payload": func(d, _ []byte) []byte { return d[:len(d)-1] },
		"truncated header":  func(d, _ []byte) []byte { return d[:headerSize-1] },
		"empty file":        func(d, _ []byte) []byte { return nil },
		"flipped payload byte": func(d, _ []byte) []byte {
			d = append([]byte(nil), d...)
			d[len(d)-10] ^= 0x20
			return d
		},
		"flipped checksum byte": func(d, _ []byte) []byte {
			d = append([]byte(nil), d...)
			d[headerSize-1] ^= 1
			return d
		},
		"longer payload":  func(d, _ []byte) []byte { return append(append([]byte(nil), d...), 'x') },
		"other magic":     func(d, _ []byte) []byte { return append([]byte("cpcgen cache 2\n\x00"), d[len(magic):]...) },
		"another's entry": func(_, other []byte) []byte { return other },
		"garbage":         func(d, _ []byte) []byte { return bytes.Repeat([]byte{0xff}, len(d)) },
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			c := openTest(t, t.TempDir(), "tool")
			k, other := testKey("k"), testKey("other")
			if err := c.Put(k, payload); err != nil {
				t.Fatal(err)
			}
			if err := c.Put(other, []byte("other payload")); err != nil {
				t.Fatal(err)
			}
			otherData, err := os.ReadFile(c.path(other))
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(c.path(k))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(c.path(k), damage(data, otherData), 0o644); err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Get(k); ok {
				t.Fatalf("damaged entry hit: %q", got)
			}
			if c.Stats().Bad != 1 {
				t.Fatalf("stats %+v, want one bad entry", c.Stats())
			}
			if _, err := os.Stat(c.path(k)); !os.IsNotExist(err) {
				t.Fatalf("damaged entry not removed: %v", err)
			}
			// The next Put repairs it.
			if err := c.Put(k, payload); err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Get(k); !ok || !bytes.Equal(got, payload) {
				t.Fatal("entry not repaired")
			}
		})
	}
}

// TestConcurrent: caches on one directory, written and read at once
// from many goroutines, only ever return what was stored for a key.
func TestConcurrent(t *testing.T) {
	dir := t.TempDir()
	caches := []*Cache{openTest(t, dir, "tool"), openTest(t, dir, "tool")}
	payload := func(i int) []byte { return bytes.Repeat([]byte(fmt.Sprintf("entry %d;", i)), 500+i) }
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := caches[w%2]
			for round := range 20 {
				for i := range 10 {
					k := testKey(fmt.Sprint(i))
					if got, ok := c.Get(k); ok && !bytes.Equal(got, payload(i)) {
						t.Errorf("worker %d round %d: entry %d has another's content", w, round, i)
						return
					}
					if err := c.Put(k, payload(i)); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, c := range caches {
		if c.Stats().Bad != 0 {
			t.Fatalf("a reader saw a partial entry: %+v", c.Stats())
		}
	}
	// No temporary file is left behind.
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func entrySizes(t *testing.T, c *Cache) (n int, total int64) {
	t.Helper()
	filepath.WalkDir(c.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(p) == c.dir {
			return nil
		}
		info, _ := d.Info()
		n++
		total += info.Size()
		return nil
	})
	return n, total
}

// agedCache opens a cache bounded to 100 KiB holding n entries of 4 KiB,
// keyed testKey("0") … testKey(n-1), entry i last used at used(i).
func agedCache(t *testing.T, n int, used func(i int) time.Time) *Cache {
	t.Helper()
	c := openTest(t, t.TempDir(), "tool")
	c.MaxBytes = 100 << 10
	payload := bytes.Repeat([]byte("x"), 4<<10)
	for i := range n {
		k := testKey(fmt.Sprint(i))
		if err := c.Put(k, payload); err != nil {
			t.Fatal(err)
		}
		at := used(i)
		os.Chtimes(c.path(k), at, at)
	}
	return c
}

// TestBounded: the cache trims itself to its bound, oldest entries
// first, keeping those used recently.
func TestBounded(t *testing.T) {
	// Entry i was last used i minutes after the oldest.
	old := time.Now().Add(-48 * time.Hour)
	c := agedCache(t, 100, func(i int) time.Time { return old.Add(time.Duration(i) * time.Minute) })
	// Entry 0 is used now: it is the most recent.
	if _, ok := c.Get(testKey("0")); !ok {
		t.Fatal("miss")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	n, total := entrySizes(t, c)
	if total > c.MaxBytes*3/4 {
		t.Fatalf("%d entries, %d bytes after trimming; bound %d", n, total, c.MaxBytes)
	}
	if _, ok := c.Get(testKey("0")); !ok {
		t.Fatal("the entry used last was trimmed")
	}
	if _, ok := c.Get(testKey("99")); !ok {
		t.Fatal("the newest entry was trimmed")
	}
	if _, ok := c.Get(testKey("1")); ok {
		t.Fatal("the oldest entry was kept")
	}
	// Below a quarter of the bound written, and trimmed less than a day
	// ago: Close does not walk the cache again.
	before, _ := entrySizes(t, c)
	c.MaxBytes = 1024 // most entries would go
	c.written.Store(0)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := entrySizes(t, c); after != before {
		t.Fatalf("trimmed again: %d entries → %d", before, after)
	}
}

func TestClear(t *testing.T) {
	dir := t.TempDir()
	c := openTest(t, dir, "tool")
	if err := c.Put(testKey("a"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	// Something that is not the cache's in the same directory stays.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Clear(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, formatDir)); !os.IsNotExist(err) {
		t.Fatalf("entries left: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatalf("a file not the cache's was removed: %v", err)
	}
	// A cleared cache opens again, empty.
	c = openTest(t, dir, "tool")
	if _, ok := c.Get(testKey("a")); ok {
		t.Fatal("hit after Clear")
	}
	if err := Clear(filepath.Join(dir, "missing")); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(DirEnv, "off")
	if d, err := DefaultDir(); d != "" || err != nil {
		t.Fatalf("off: %q, %v", d, err)
	}
	t.Setenv(DirEnv, "/somewhere/else")
	if d, err := DefaultDir(); d != "/somewhere/else" || err != nil {
		t.Fatalf("set: %q, %v", d, err)
	}
	t.Setenv(DirEnv, "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	t.Setenv("HOME", "/home/someone")
	d, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if base, _ := os.UserCacheDir(); d != filepath.Join(base, "cpcgen") {
		t.Fatalf("default %q, want cpcgen under %q", d, base)
	}
}

// TestTool: the running binary (this test) has an identity, and it is
// stable within a process.
func TestTool(t *testing.T) {
	id := Tool()
	if !strings.HasPrefix(id, "build go:") || len(id) < 40 {
		t.Fatalf("Tool() = %q, want the build ID", id)
	}
	if Tool() != id {
		t.Fatal("Tool changed")
	}
}

// TestToolChangesWithTheBinary: the identity of a binary changes when
// anything built into it changes — here an embedded template, as the
// docs templates are — and stays the same for the same build, so that
// the entries of an unchanged cpcgen keep serving.
func TestToolChangesWithTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three binaries")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/tool\n\ngo 1.26\n\nrequire github.com/cpcgen/cpcgen v0.0.0\n\nreplace github.com/cpcgen/cpcgen => "+root+"\n")
	write("main.go", `package main

import (
	_ "embed"
	"fmt"

	"github.com/cpcgen/cpcgen/generator/gencache"
)

//go:embed template.txt
var template string

func main() { fmt.Print(gencache.Tool(), len(template)) }
`)
	identity := func(template string) string {
		t.Helper()
		write("template.txt", template)
		exe := filepath.Join(dir, "tool")
		build := exec.Command("go", "build", "-o", exe, ".")
		build.Dir = dir
		build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(exe).Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	a := identity("{{.Name}} is a table.\n")
	b := identity("{{.Name}} is one table.\n")
	if a == b {
		t.Fatalf("a changed template gives the same identity %q", a)
	}
	if again := identity("{{.Name}} is one table.\n"); again != b {
		t.Fatalf("the same build gives another identity: %q, then %q", b, again)
	}
}

// TestTrimKeepsWhatWasJustRead: an entry read is the most recently used
// however little time has passed since the others were written: trimming
// within the hour of a read (a large project, a few builds of cpcgen)
// must not take the entry just read for the oldest. Before, a read
// refreshed the entry's time only when it was older than an hour, and
// check's migrations report, written first, went before the rendered
// files of later runs.
func TestTrimKeepsWhatWasJustRead(t *testing.T) {
	// Entry i was written i seconds after the first, all within the last
	// hour.
	start := time.Now().Add(-50 * time.Minute)
	c := agedCache(t, 40, func(i int) time.Time { return start.Add(time.Duration(i) * time.Second) })
	if _, ok := c.Get(testKey("0")); !ok {
		t.Fatal("miss")
	}
	c.written.Store(c.MaxBytes) // enough written to trim
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if n, total := entrySizes(t, c); total > c.MaxBytes*3/4 {
		t.Fatalf("%d entries, %d bytes after trimming; bound %d", n, total, c.MaxBytes)
	}
	if _, ok := c.Get(testKey("0")); !ok {
		t.Fatal("the entry read last was trimmed as the oldest")
	}
	if _, ok := c.Get(testKey("1")); ok {
		t.Fatal("the oldest entry not read was kept")
	}
}
