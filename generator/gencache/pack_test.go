package gencache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// packEntries are n entries of different sizes.
func packEntries(n int) []Entry {
	var out []Entry
	for i := range n {
		out = append(out, Entry{Key: testKey(fmt.Sprint("k", i)), Payload: bytes.Repeat([]byte{byte(i)}, i*37)})
	}
	return out
}

// packFiles lists the files of the cache's packs directory.
func packFiles(t *testing.T, dir string) (packs, indexes []string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, formatDir, packDir, "*"))
	for _, n := range names {
		switch {
		case strings.HasSuffix(n, ".pack"):
			packs = append(packs, n)
		case strings.HasSuffix(n, ".idx"):
			indexes = append(indexes, n)
		}
	}
	return packs, indexes
}

func TestPutManyPacks(t *testing.T) {
	dir := t.TempDir()
	c := openTest(t, dir, "tool")
	entries := packEntries(PackMin + 5)
	if err := c.PutMany(entries); err != nil {
		t.Fatal(err)
	}
	packs, indexes := packFiles(t, dir)
	if len(packs) != 1 || len(indexes) != 1 {
		t.Fatalf("packs %v, indexes %v; want one of each", packs, indexes)
	}
	if s := c.Stats(); s.Puts != int64(len(entries)) {
		t.Fatalf("stats %+v", s)
	}
	// Another process (another Cache) reads every entry back.
	c2 := openTest(t, dir, "tool")
	for _, e := range entries {
		got, ok := c2.Get(e.Key)
		if !ok || !bytes.Equal(got, e.Payload) {
			t.Fatalf("entry %x: %v, %d bytes; want %d", e.Key[:4], ok, len(got), len(e.Payload))
		}
	}
	if _, ok := c2.Get(testKey("absent")); ok {
		t.Fatal("hit for a key never stored")
	}
	// Few entries are files of their own.
	small := packEntries(3)
	for i := range small {
		small[i].Key = testKey(fmt.Sprint("small", i))
	}
	if err := c.PutMany(small); err != nil {
		t.Fatal(err)
	}
	if packs, _ := packFiles(t, dir); len(packs) != 1 {
		t.Fatalf("%d packs after a small PutMany", len(packs))
	}
	for _, e := range small {
		if _, err := os.Stat(c.path(e.Key)); err != nil {
			t.Fatalf("small entry: %v", err)
		}
	}
}

// TestPackDamaged damages a pack and its index in every way a file can
// be damaged: every Get either misses or returns the exact payload.
func TestPackDamaged(t *testing.T) {
	// Every damage but appending to the pack loses entries.
	damages := map[string]func(pack, idx string){
		"flip a byte of the pack": func(pack, idx string) {
			data, _ := os.ReadFile(pack)
			for i := 100; i < len(data); i += len(data) / 7 {
				data[i] ^= 0x01
			}
			os.WriteFile(pack, data, 0o644)
		},
		"truncate the pack": func(pack, idx string) {
			data, _ := os.ReadFile(pack)
			os.WriteFile(pack, data[:len(data)/2], 0o644)
		},
		"append to the pack": func(pack, idx string) {
			data, _ := os.ReadFile(pack)
			os.WriteFile(pack, append(data, "junk"...), 0o644)
		},
		"remove the pack": func(pack, idx string) { os.Remove(pack) },
		"flip a byte of the index": func(pack, idx string) {
			data, _ := os.ReadFile(idx)
			data[len(data)/2] ^= 0x01
			os.WriteFile(idx, data, 0o644)
		},
		"truncate the index": func(pack, idx string) {
			data, _ := os.ReadFile(idx)
			os.WriteFile(idx, data[:len(data)-1], 0o644)
		},
		"index of another pack": func(pack, idx string) {
			// The pack's entries shift by one entry: every offset is wrong.
			data, _ := os.ReadFile(pack)
			e := appendEntry(nil, testKey("intruder"), []byte("x"))
			os.WriteFile(pack, append(e, data...), 0o644)
		},
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			entries := packEntries(PackMin)
			if err := openTest(t, dir, "tool").PutMany(entries); err != nil {
				t.Fatal(err)
			}
			packs, indexes := packFiles(t, dir)
			damage(packs[0], indexes[0])
			c := openTest(t, dir, "tool")
			hits := 0
			for _, e := range entries {
				got, ok := c.Get(e.Key)
				if ok && !bytes.Equal(got, e.Payload) {
					t.Fatalf("entry %x: a different payload", e.Key[:4])
				}
				if ok {
					hits++
				}
			}
			if hits == len(entries) && name != "append to the pack" {
				t.Fatalf("every entry read back from a damaged pack")
			}
			if s := c.Stats(); s.Hits+s.Misses != int64(len(entries)) {
				t.Fatalf("stats %+v", s)
			}
			// What was lost is stored again and read back.
			if err := c.PutMany(entries); err != nil {
				t.Fatal(err)
			}
			c3 := openTest(t, dir, "tool")
			for _, e := range entries {
				if got, ok := c3.Get(e.Key); !ok || !bytes.Equal(got, e.Payload) {
					t.Fatalf("after repair, entry %x: %v", e.Key[:4], ok)
				}
			}
		})
	}
}

// TestTrimPacks: trimming counts a pack and its index as one entry, by
// the time any of its entries was last read, and removes both.
func TestTrimPacks(t *testing.T) {
	dir := t.TempDir()
	c := openTest(t, dir, "tool")
	old := packEntries(PackMin)
	if err := c.PutMany(old); err != nil {
		t.Fatal(err)
	}
	oldPacks, _ := packFiles(t, dir)
	past := time.Now().Add(-48 * time.Hour)
	os.Chtimes(oldPacks[0], past, past)
	recent := packEntries(PackMin)
	for i := range recent {
		recent[i].Key = testKey(fmt.Sprint("recent", i))
	}
	if err := c.PutMany(recent); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(oldPacks[0])
	if err := c.trim(info.Size()*3/2 + 4096); err != nil {
		t.Fatal(err)
	}
	packs, indexes := packFiles(t, dir)
	if len(packs) != 1 || len(indexes) != 1 || packs[0] == oldPacks[0] {
		t.Fatalf("after trimming: packs %v, indexes %v; want the recent pack alone", packs, indexes)
	}
	c2 := openTest(t, dir, "tool")
	if _, ok := c2.Get(old[1].Key); ok {
		t.Fatal("an entry of the trimmed pack is still read")
	}
	if got, ok := c2.Get(recent[1].Key); !ok || !bytes.Equal(got, recent[1].Payload) {
		t.Fatal("an entry of the kept pack is lost")
	}
}
