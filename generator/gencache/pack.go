package gencache

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Entry is one entry for PutMany.
type Entry struct {
	Key     Key
	Payload []byte
}

// PackMin is the number of entries from which PutMany writes one pack
// instead of a file per entry.
const PackMin = 32

// packDir is the directory of the packs, in the format directory.
const packDir = "packs"

// packIndexMagic starts every pack index.
const packIndexMagic = "cpcgen pack index 1\n"

// packIndexEntry is the size of an index entry: key, offset, length.
const packIndexEntry = sha256.Size + 8 + 8

// PutMany stores entries as Put does, all at once: with PackMin entries
// or more, in one pack — a file holding the entries one after the other,
// each in the format of an entry file, beside an index of their keys and
// offsets — which costs a few system calls where an entry file each
// costs five; a cold generate of a large project stores one entry per
// generated file. A pack is written and renamed into place before its
// index, so that a reader who finds an index finds its pack; every entry
// read from a pack is checked as an entry file is. Trimming removes a
// pack (with its index) as one entry, by the time it was last used.
func (c *Cache) PutMany(entries []Entry) error {
	if c == nil || len(entries) == 0 {
		return nil
	}
	if len(entries) < PackMin {
		var errs []error
		for _, e := range entries {
			errs = append(errs, c.Put(e.Key, e.Payload))
		}
		return errors.Join(errs...)
	}
	dir := filepath.Join(c.dir, packDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	p := c.loadPacks()
	var rnd [8]byte
	rand.Read(rnd[:])
	name := filepath.Join(dir, hex.EncodeToString(rnd[:]))
	var size int
	for _, e := range entries {
		size += headerSize + len(e.Payload)
	}
	pack := make([]byte, 0, size)
	index := make([]byte, 0, len(packIndexMagic)+8+len(entries)*packIndexEntry+sha256.Size)
	index = append(index, packIndexMagic...)
	index = binary.LittleEndian.AppendUint64(index, uint64(len(entries)))
	locs := make([]packLoc, len(entries))
	for i, e := range entries {
		off := len(pack)
		pack = appendEntry(pack, e.Key, e.Payload)
		locs[i] = packLoc{pack: name + ".pack", off: int64(off), size: int64(len(pack) - off)}
		index = append(index, e.Key[:]...)
		index = binary.LittleEndian.AppendUint64(index, uint64(off))
		index = binary.LittleEndian.AppendUint64(index, uint64(len(pack)-off))
	}
	sum := sha256.Sum256(index)
	index = append(index, sum[:]...)
	if err := writeAtomic(dir, name+".pack", pack); err != nil {
		return err
	}
	if err := writeAtomic(dir, name+".idx", index); err != nil {
		os.Remove(name + ".pack")
		return err
	}
	// This process reads the new entries from the pack too.
	p.mu.Lock()
	for i, e := range entries {
		p.entries[e.Key] = append(p.entries[e.Key], locs[i])
	}
	p.mu.Unlock()
	c.puts.Add(int64(len(entries)))
	c.written.Add(int64(len(pack) + len(index)))
	return nil
}

// writeAtomic writes data to a temporary file in dir and renames it to
// name, so that a reader sees all of it or nothing.
func writeAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), name)
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache: %w", werr)
	}
	return nil
}

// packLoc is where an entry lies in a pack.
type packLoc struct {
	pack      string
	off, size int64
}

// packs are the entries of the cache's packs, read from their indexes
// once, when a Get first misses an entry file.
type packs struct {
	once    sync.Once
	mu      sync.Mutex
	entries map[Key][]packLoc // in several packs after concurrent runs
	touched map[string]bool
}

// loadPacks returns the cache's packs, their indexes read on first use.
func (c *Cache) loadPacks() *packs {
	p := &c.packs
	p.once.Do(func() { p.load(filepath.Join(c.dir, packDir)) })
	return p
}

// load reads the indexes of the packs. An index that is damaged is a
// miss of all its entries; it is removed with its pack.
func (p *packs) load(dir string) {
	p.entries = map[Key][]packLoc{}
	p.touched = map[string]bool{}
	names, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, d := range names {
		idx, ok := strings.CutSuffix(d.Name(), ".idx")
		if !ok || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		pack := filepath.Join(dir, idx+".pack")
		data, err := os.ReadFile(filepath.Join(dir, d.Name()))
		if err != nil {
			continue
		}
		locs, ok := decodeIndex(data, pack)
		if !ok {
			os.Remove(filepath.Join(dir, d.Name()))
			os.Remove(pack)
			continue
		}
		for k, l := range locs {
			p.entries[k] = append(p.entries[k], l)
		}
	}
}

// decodeIndex reads a pack index, checking its magic, its length and its
// checksum.
func decodeIndex(data []byte, pack string) (map[Key]packLoc, bool) {
	head := len(packIndexMagic) + 8
	if len(data) < head+sha256.Size || string(data[:len(packIndexMagic)]) != packIndexMagic {
		return nil, false
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if want := sha256.Sum256(body); !bytes.Equal(want[:], sum) {
		return nil, false
	}
	n := binary.LittleEndian.Uint64(body[len(packIndexMagic):head])
	if uint64(len(body)-head) != n*packIndexEntry {
		return nil, false
	}
	out := make(map[Key]packLoc, n)
	for rest := body[head:]; len(rest) > 0; rest = rest[packIndexEntry:] {
		var k Key
		copy(k[:], rest)
		off := binary.LittleEndian.Uint64(rest[sha256.Size:])
		size := binary.LittleEndian.Uint64(rest[sha256.Size+8:])
		if off > 1<<40 || size > 1<<40 {
			return nil, false
		}
		out[k] = packLoc{pack: pack, off: int64(off), size: int64(size)}
	}
	return out, true
}

// getPacked returns the payload of k from a pack: ok is false when no
// pack holds k intact; bad is set when one holds it unreadable or
// damaged (that copy is then forgotten).
func (c *Cache) getPacked(k Key) (payload []byte, ok, bad bool) {
	p := c.loadPacks()
	for {
		p.mu.Lock()
		locs := p.entries[k]
		p.mu.Unlock()
		if len(locs) == 0 {
			return nil, false, bad
		}
		loc := locs[0]
		data, err := readAt(loc)
		if err == nil {
			payload, ok = decode(k, data)
		}
		if ok {
			p.touch(loc.pack)
			return payload, true, bad
		}
		bad = true
		p.mu.Lock()
		if rest := p.entries[k]; len(rest) > 0 && rest[0] == loc {
			p.entries[k] = rest[1:]
		}
		p.mu.Unlock()
	}
}

// touch sets a pack's modification time, which says when any of its
// entries was last used, for trimming (see Get), once per process.
func (p *packs) touch(pack string) {
	p.mu.Lock()
	first := !p.touched[pack]
	p.touched[pack] = true
	p.mu.Unlock()
	if first {
		now := time.Now()
		os.Chtimes(pack, now, now)
	}
}

// readAt reads the bytes of an entry in a pack.
func readAt(loc packLoc) ([]byte, error) {
	f, err := os.Open(loc.pack)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data := make([]byte, loc.size)
	if _, err := f.ReadAt(data, loc.off); err != nil {
		return nil, err
	}
	return data, nil
}
