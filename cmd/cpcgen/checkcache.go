package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/gencache"
	"github.com/cpcgen/cpcgen/spec"
)

// migrationsKey is the cache key of check's migrations report: the
// project's digest (which stands for the IR), every file of the
// migrations directory with its content, and the root the report's
// paths are shown relative to. ok is false when the report cannot be
// cached.
type migrationsKey struct {
	key gencache.Key
	ok  bool
}

// migrationsKey computes the key; reading the directory costs what
// migration.ReadDir's reads cost, without parsing the snapshot or
// planning.
func (c *cli) migrationsKey(run *generator.Run, proj *spec.Project, root string) migrationsKey {
	mc := proj.Config.Migrations
	dir := filepath.Join(proj.Config.Root, filepath.FromSlash(mc.Dir))
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return migrationsKey{}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	parts := [][]byte{[]byte(root)}
	for _, e := range entries {
		// Every file, not only those the planner reads today: a file
		// more in the key costs a read, a file less could serve a stale
		// report.
		if e.IsDir() {
			parts = append(parts, []byte("dir"), []byte(e.Name()))
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return migrationsKey{}
		}
		parts = append(parts, []byte("file"), []byte(e.Name()), data)
	}
	key, ok := run.Key("check migrations report", parts...)
	return migrationsKey{key: key, ok: ok}
}

// cachedReport is the migrations report as the cache holds it.
type cachedReport struct {
	Problems []problem
	OK       bool
	Notes    []string
}

// get returns the report stored under the key.
func (k migrationsKey) get(cache *gencache.Cache) ([]problem, bool, []string, bool) {
	if !k.ok {
		return nil, false, nil, false
	}
	data, hit := cache.Get(k.key)
	if !hit {
		return nil, false, nil, false
	}
	var r cachedReport
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, false, nil, false
	}
	return r.Problems, r.OK, r.Notes, true
}

// put stores a report; a failure only costs the next check the work.
func (k migrationsKey) put(cache *gencache.Cache, ps []problem, ok bool, notes []string) {
	if !k.ok {
		return
	}
	data, err := json.Marshal(cachedReport{Problems: ps, OK: ok, Notes: notes})
	if err == nil {
		_ = cache.Put(k.key, data)
	}
}
