package gencache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DirEnv is the environment variable that moves the cache (a directory)
// or turns it off ("off").
const DirEnv = "CPCGEN_CACHE"

// DefaultMaxBytes bounds the cache's size: about five generations of a
// 5,000-table project (200 MB each), forty of a 1,000-table one.
const DefaultMaxBytes = 1 << 30

// DefaultDir returns where the cache lives unless told otherwise:
// $CPCGEN_CACHE, else cpcgen under the user's cache directory
// (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux,
// ~/Library/Caches on macOS, %LocalAppData% on Windows). It returns ""
// when CPCGEN_CACHE is "off" and an error when there is no user cache
// directory.
func DefaultDir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		if d == "off" {
			return "", nil
		}
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory (%w); set %s to a directory, or to off", err, DirEnv)
	}
	return filepath.Join(base, "cpcgen"), nil
}

// Cache is a directory of entries. A nil *Cache is a cache that is off:
// every Get misses and Put does nothing. A Cache is safe for concurrent
// use, and several processes may use the same directory at once.
type Cache struct {
	dir  string // the directory of this entry format: <root>/v1
	tool string
	// MaxBytes bounds the size of the entries; Close trims the oldest
	// when they grow past it.
	MaxBytes int64

	hits, misses, bad, puts atomic.Int64
	written                 atomic.Int64

	packs packs
}

// formatDir names the directory of this entry format under the cache's
// root; another format gets another directory.
const formatDir = "v1"

// magic starts every entry.
const magic = "cpcgen cache 1\n\x00"

// headerSize is the size of an entry's header: magic, key, payload
// length (8 bytes, little endian), payload SHA-256.
const headerSize = len(magic) + sha256.Size + 8 + sha256.Size

// Open opens (creating it if need be) the cache under dir for the tool
// identity given (see Tool). It returns nil, a cache that is off, when
// dir or tool is empty.
func Open(dir, tool string) (*Cache, error) {
	if dir == "" || tool == "" {
		return nil, nil
	}
	c := &Cache{dir: filepath.Join(dir, formatDir), tool: tool, MaxBytes: DefaultMaxBytes}
	if _, err := os.Stat(c.dir); err == nil {
		return c, nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, tagFile)); errors.Is(err, fs.ErrNotExist) {
		os.WriteFile(filepath.Join(dir, tagFile), []byte(tagContent), 0o644)
	}
	return c, nil
}

// Tool is the tool identity the cache was opened with; every key the
// pipeline computes includes it.
func (c *Cache) Tool() string {
	if c == nil {
		return ""
	}
	return c.tool
}

// Dir is the cache's root directory, "" for a cache that is off.
func (c *Cache) Dir() string {
	if c == nil {
		return ""
	}
	return filepath.Dir(c.dir)
}

// Stats counts what a cache did since it was opened.
type Stats struct {
	// Hits and Misses count Gets; Bad the misses on an entry that was
	// there but unreadable, truncated, corrupt or not the key's (and was
	// removed); Puts the entries written.
	Hits, Misses, Bad, Puts int64
}

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Bad: c.bad.Load(), Puts: c.puts.Load()}
}

func (c *Cache) path(k Key) string {
	h := k.String()
	return filepath.Join(c.dir, h[:2], h)
}

// Get returns the payload stored under k. Anything but an intact entry
// written for k — a missing, truncated or corrupt file, another key's
// entry — is a miss; a damaged entry is removed.
func (c *Cache) Get(k Key) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	name := c.path(k)
	data, err := os.ReadFile(name)
	if err != nil {
		payload, ok, bad := c.getPacked(k)
		if bad {
			c.bad.Add(1)
		}
		if !ok {
			c.misses.Add(1)
			return nil, false
		}
		c.hits.Add(1)
		return payload, true
	}
	payload, ok := decode(k, data)
	if !ok {
		c.bad.Add(1)
		c.misses.Add(1)
		os.Remove(name)
		return nil, false
	}
	c.hits.Add(1)
	// The modification time says when an entry was last used, for
	// trimming: it is set on every hit (one system call, as the stat a
	// coarser refresh needs). Refreshed at most hourly, an entry read a
	// minute ago lost to entries written since: a project whose
	// generations pass a quarter of MaxBytes within the hour (5,000
	// tables with a few builds of cpcgen) had check's migrations report
	// and the oldest rendered files trimmed while they were in use.
	now := time.Now()
	os.Chtimes(name, now, now)
	return payload, true
}

// decode checks an entry's header against k and the payload's length
// and checksum, and returns the payload.
func decode(k Key, data []byte) ([]byte, bool) {
	if len(data) < headerSize || string(data[:len(magic)]) != magic {
		return nil, false
	}
	h := data[len(magic):headerSize]
	if !bytes.Equal(h[:sha256.Size], k[:]) {
		return nil, false
	}
	n := binary.LittleEndian.Uint64(h[sha256.Size : sha256.Size+8])
	payload := data[headerSize:]
	if uint64(len(payload)) != n {
		return nil, false
	}
	sum := sha256.Sum256(payload)
	if !bytes.Equal(sum[:], h[sha256.Size+8:]) {
		return nil, false
	}
	return payload, true
}

// encode is an entry's bytes.
func encode(k Key, payload []byte) []byte {
	return appendEntry(make([]byte, 0, headerSize+len(payload)), k, payload)
}

// appendEntry appends an entry's bytes to out.
func appendEntry(out []byte, k Key, payload []byte) []byte {
	out = append(out, magic...)
	out = append(out, k[:]...)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(payload)))
	sum := sha256.Sum256(payload)
	out = append(out, sum[:]...)
	return append(out, payload...)
}

// Put stores payload under k: written to a temporary file beside the
// entry and renamed into place, so that a reader sees the whole entry or
// none. A failure leaves the cache as it was; the caller may ignore it.
func (c *Cache) Put(k Key, payload []byte) error {
	if c == nil {
		return nil
	}
	name := c.path(k)
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	data := encode(k, payload)
	if err := writeAtomic(dir, name, data); err != nil {
		return err
	}
	c.puts.Add(1)
	c.written.Add(int64(len(data)))
	return nil
}

// Files names the state file and the lock of trimming, in the format
// directory.
const (
	trimState = "trim.txt"
	trimLock  = "trim.lock"
)

// trimEvery is how often the cache is trimmed when little is written.
const trimEvery = 24 * time.Hour

// Close records what this process wrote and trims the cache when enough
// was written since the last trim (a quarter of MaxBytes) or a day has
// passed: the least recently used entries go until the cache is at most
// three quarters of MaxBytes, with temporary files older than an hour
// (left by a process that died). Only one process trims at a time; the
// others skip it.
func (c *Cache) Close() error {
	if c == nil {
		return nil
	}
	written := c.written.Swap(0)
	lock, err := os.OpenFile(filepath.Join(c.dir, trimLock), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	defer lock.Close()
	if !tryLock(lock) {
		return nil
	}
	defer unlock(lock)
	last, since := readTrimState(filepath.Join(c.dir, trimState))
	since += written
	now := time.Now()
	if since >= c.MaxBytes/4 || now.Sub(last) >= trimEvery {
		if err := c.trim(c.MaxBytes * 3 / 4); err != nil {
			return err
		}
		last, since = now, 0
	}
	return writeTrimState(filepath.Join(c.dir, trimState), last, since)
}

func readTrimState(name string) (time.Time, int64) {
	data, err := os.ReadFile(name)
	if err != nil {
		return time.Time{}, 0
	}
	f := strings.Fields(string(data))
	if len(f) != 2 {
		return time.Time{}, 0
	}
	sec, err1 := strconv.ParseInt(f[0], 10, 64)
	n, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return time.Time{}, 0
	}
	return time.Unix(sec, 0), n
}

func writeTrimState(name string, last time.Time, since int64) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d %d\n", last.Unix(), since)), 0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// trim removes the least recently used entries until the rest take at
// most limit bytes, and stale temporary files.
func (c *Cache) trim(limit int64) error {
	type entry struct {
		name string
		size int64
		used time.Time
	}
	var entries []entry
	var total int64
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || filepath.Dir(p) == c.dir {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			if time.Since(info.ModTime()) > time.Hour {
				os.Remove(p)
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), ".idx") {
			// Counted and removed with its pack.
			return nil
		}
		size := info.Size()
		if idx, ok := strings.CutSuffix(p, ".pack"); ok {
			if ii, err := os.Stat(idx + ".idx"); err == nil {
				size += ii.Size()
			}
		}
		entries = append(entries, entry{p, size, info.ModTime()})
		total += size
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: trim: %w", err)
	}
	if total <= limit {
		return nil
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.Before(entries[j].used) })
	for _, e := range entries {
		if total <= limit {
			break
		}
		if idx, ok := strings.CutSuffix(e.name, ".pack"); ok {
			// The index first: a reader who finds an index finds its pack.
			os.Remove(idx + ".idx")
		}
		if os.Remove(e.name) == nil {
			total -= e.size
		}
	}
	return nil
}

// Clear removes every entry of the cache under dir, of every entry
// format (the v1, v2 … directories), and dir itself when nothing else is
// left in it. Other files in dir are left alone, so that a cache
// directory set by mistake to a directory with other contents loses
// nothing else.
func Clear(dir string) error {
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("clear cache %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() || !isFormatDir(e.Name()) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("clear cache %s: %w", dir, err)
		}
	}
	os.Remove(filepath.Join(dir, tagFile))
	os.Remove(dir) // only when empty
	return nil
}

// isFormatDir reports whether name is v followed by digits.
func isFormatDir(name string) bool {
	if len(name) < 2 || name[0] != 'v' {
		return false
	}
	for _, r := range name[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// tagFile marks the directory as a cache for backup tools
// (https://bford.info/cachedir/).
const tagFile = "CACHEDIR.TAG"

const tagContent = "Signature: 8a477f597d28d172789f06886806bc55\n" +
	"# This file is a cache directory tag created by cpcgen.\n" +
	"# For information about cache directory tags, see https://bford.info/cachedir/\n"
