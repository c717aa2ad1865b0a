package importer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// WriteFiles writes files under root. A file that exists with other
// content is overwritten only with force; without it nothing is written
// and the error lists every such file. It returns the files it wrote
// (those already holding the same bytes are left alone).
func WriteFiles(root string, files []File, force bool) ([]string, error) {
	var changed, clash []string
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		old, err := os.ReadFile(p)
		switch {
		case err == nil && bytes.Equal(old, f.Data):
			continue
		case err == nil:
			clash = append(clash, f.Path)
		case !os.IsNotExist(err):
			return nil, fmt.Errorf("read %s: %w", f.Path, err)
		}
		changed = append(changed, f.Path)
	}
	if len(clash) > 0 && !force {
		return nil, fmt.Errorf("%s already exist with other content (edited since the last import?); nothing was written; pass --force to overwrite, or --dir to import elsewhere", strings.Join(clash, ", "))
	}
	var written []string
	for _, f := range files {
		if !slices.Contains(changed, f.Path) {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, err
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, f.Data, 0o644); err != nil {
			return written, err
		}
		if err := os.Rename(tmp, p); err != nil {
			return written, err
		}
		written = append(written, f.Path)
	}
	return written, nil
}
