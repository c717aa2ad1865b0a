package migrate

import (
	"strings"
	"testing"
)

// TestFormatsComplete checks that every format states its file names
// and sections consistently, and that the tests of Load cover it.
func TestFormatsComplete(t *testing.T) {
	if Formats[0].Name != DefaultFormat {
		t.Errorf("the first format is %s, not the default %s", Formats[0].Name, DefaultFormat)
	}
	for _, f := range Formats {
		if LookupFormat(f.Name) != f {
			t.Errorf("LookupFormat(%q) is not its row", f.Name)
		}
		if !strings.Contains(f.UpFile, "{version}") || !strings.Contains(f.UpFile, "{name}") || f.namingHint == "" {
			t.Errorf("format %s: file names %q lack the version or the name, or errors have no hint", f.Name, f.UpFile)
		}
		if (f.UpMarker == "") != (f.DownMarker == "") || (f.UpMarker != "" && f.DownFile != "") {
			t.Errorf("format %s: a format has both section markers and no down file, or neither marker", f.Name)
		}
		for _, down := range []bool{false, true} {
			name := f.FileName("000042", "add_users", down)
			if name == "" {
				if !down || f.DownFile != "" {
					t.Errorf("format %s: no file name (down %v)", f.Name, down)
				}
				continue
			}
			v, n, d, ok := f.ParseName(name)
			if !ok || v != 42 || n != "add_users" || d != down {
				t.Errorf("format %s: %s reads back as version %d, name %q, down %v, ok %v", f.Name, name, v, n, d, ok)
			}
			if v, ok := VersionOf(name); !ok || v != 42 {
				t.Errorf("VersionOf(%s) = %d, %v", name, v, ok)
			}
		}
		if formatDirs[f.Name] == nil {
			t.Errorf("format %s: TestLoadFormats has no directory of it", f.Name)
		}
	}
}
