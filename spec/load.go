package spec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ConfigFile is the config's file name when Load is given a directory.
const ConfigFile = "cpcgen.yaml"

// File is one spec file's contents: Name is its path relative to the
// project root, slash-separated (it appears in positions).
type File struct {
	Name string
	Data []byte
}

// Load reads a project: path names cpcgen.yaml or a directory holding
// it. It reads the config, expands the spec patterns relative to the
// config's directory, reads every spec file and validates the whole
// input. Problems in the input come back as an ErrorList, sorted by
// position; failures to read files are wrapped with the step
// ("read schema/a.yaml: …").
func Load(path string) (*Project, error) {
	root, name := path, ConfigFile
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !info.IsDir() {
		root, name = filepath.Dir(path), filepath.Base(path)
	}
	data, err := readFile(filepath.Join(root, name))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.ToSlash(name), err)
	}
	var errs ErrorList
	cfg, extra := parseConfig(root, name, data, &errs)
	realRoot, err := realPath(root)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", root, err)
	}
	for _, key := range []string{"package.dir", "migrations.dir", "docs.dir"} {
		pos, ok := extra.dirPos[key]
		if !ok {
			continue
		}
		rel := map[string]string{"package.dir": cfg.Package.Dir, "migrations.dir": cfg.Migrations.Dir, "docs.dir": cfg.Docs.Dir}[key]
		if err := checkInsideRoot(root, realRoot, rel); err != nil {
			errs.Add(pos, "%s %q %v", key, rel, err)
		}
	}
	if f := cfg.Migrations.ExternalFile; f != "" {
		pos := extra.dirPos["migrations.external"]
		if err := checkInsideRoot(root, realRoot, f); err != nil {
			errs.Add(pos, "migrations.external %q %v", f, err)
		} else if data, err := readFile(filepath.Join(root, filepath.FromSlash(f))); errors.Is(err, fs.ErrNotExist) {
			errs.Add(pos, "migrations.external: %s does not exist; write there the SQL creating what the migrations use but do not create, or remove the key", f)
		} else if err != nil {
			errs.Add(pos, "migrations.external: %v", err)
		} else {
			cfg.Migrations.External = string(data)
		}
	}
	if cfg.Package.ImportPath == "" && cfg.Package.Dir != "" {
		ip, err := inferImportPath(root, cfg.Package.Dir)
		if err != nil {
			return nil, err
		}
		cfg.Package.ImportPath = ip
	}
	var names []string
	seen := map[string]bool{}
	for i, pat := range cfg.Specs {
		pos := extra.specPos[i]
		matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(pat)))
		if err != nil {
			errs.Add(pos, "spec pattern %q is not a valid glob pattern", clip(pat))
			continue
		}
		found, onlyConfig := 0, false
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				continue
			}
			rel = filepath.ToSlash(rel)
			if rel == filepath.ToSlash(name) {
				onlyConfig = true
				continue // the config itself
			}
			st, err := os.Stat(m)
			if err != nil || !st.Mode().IsRegular() {
				continue
			}
			found++
			if err := checkInsideRoot(root, realRoot, rel); err != nil {
				errs.Add(pos, "spec file %q %v", rel, err)
				continue
			}
			if !seen[rel] {
				seen[rel] = true
				names = append(names, rel)
			}
		}
		switch {
		case found == 0 && onlyConfig:
			errs.Add(pos, "spec pattern %q matches only the config file", clip(pat))
		case found == 0:
			errs.Add(pos, "spec pattern %q matches no files", clip(pat))
		}
	}
	sort.Strings(names)
	files := make([]File, 0, len(names))
	for _, n := range names {
		data, err := readFile(filepath.Join(root, filepath.FromSlash(n)))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", n, err)
		}
		files = append(files, File{Name: n, Data: data})
	}
	read := func(rel string) ([]byte, error) {
		if err := checkInsideRoot(root, realRoot, rel); err != nil {
			return nil, err
		}
		data, err := readFile(filepath.Join(root, filepath.FromSlash(rel)))
		if errors.Is(err, os.ErrNotExist) {
			return nil, errors.New("no such file")
		}
		return data, err
	}
	proj := parse(cfg, files, read, &errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return proj, nil
}

// readFile reads at most one byte more than MaxFileSize, enough for the
// parser to reject an oversized file without reading all of it.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

// realPath returns the absolute path of p with symlinks resolved.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// checkInsideRoot returns an error when the existing part of root/rel
// resolves, through symlinks, to a place outside the root.
func checkInsideRoot(root, realRoot, rel string) error {
	cur := filepath.Join(root, filepath.FromSlash(rel))
	for {
		if _, err := os.Lstat(cur); err == nil {
			real, err := realPath(cur)
			if err != nil {
				return fmt.Errorf("cannot be resolved: %v", err)
			}
			if real != realRoot && !strings.HasPrefix(real, realRoot+string(filepath.Separator)) {
				return errors.New("leads outside the project root through a symbolic link")
			}
			return nil
		}
		parent := filepath.Dir(cur)
		if parent == cur || filepath.Clean(cur) == filepath.Clean(root) {
			return nil
		}
		cur = parent
	}
}

// inferImportPath finds the nearest go.mod above root/dir and joins its
// module path with dir's path below the module root. It returns "" when
// there is no go.mod.
func inferImportPath(root, dir string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(root, filepath.FromSlash(dir)))
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", dir, err)
	}
	for cur := abs; ; {
		data, err := os.ReadFile(filepath.Join(cur, "go.mod"))
		if err == nil {
			mod := modulePath(data)
			if mod == "" {
				return "", nil
			}
			rel, err := filepath.Rel(cur, abs)
			if err != nil {
				return "", nil
			}
			if rel == "." {
				return mod, nil
			}
			return path.Join(mod, filepath.ToSlash(rel)), nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("read %s: %w", filepath.Join(cur, "go.mod"), err)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return "", nil
		}
		cur = parent
	}
}

// modulePath returns the module path declared in go.mod data, or "".
func modulePath(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if uq, err := strconv.Unquote(rest); err == nil {
			return uq
		}
		return rest
	}
	return ""
}
