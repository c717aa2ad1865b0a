package writer

import (
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnifiedMatchesGNUDiff(t *testing.T) {
	diffBin, err := exec.LookPath("diff")
	if err != nil {
		t.Skip("no diff binary to compare with")
	}
	rng := rand.New(rand.NewSource(1))
	words := []string{"a\n", "b\n", "c\n", "d\n", "e\n"}
	gen := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(words[rng.Intn(len(words))])
		}
		return b.String()
	}
	dir := t.TempDir()
	for i := 0; i < 300; i++ {
		old, new := gen(rng.Intn(30)), gen(rng.Intn(30))
		if i%3 == 0 {
			new = old[:len(old)/2] + gen(3) + old[len(old)/2:]
		}
		got := Unified("f", []byte(old), []byte(new))
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(a, []byte(old), 0o644)
		os.WriteFile(b, []byte(new), 0o644)
		out, _ := exec.Command(diffBin, "-u", "--label", "a/f", "--label", "b/f", a, b).Output()
		// Edit scripts may differ in which equal-cost path they take; the
		// hunk headers and the line counts must agree with a patch applied.
		if (len(out) == 0) != (got == "") {
			t.Fatalf("case %d: diff says %q, Unified says %q", i, out, got)
		}
		if got == "" {
			continue
		}
		if applied := applyPatch(t, old, got); applied != new {
			t.Fatalf("case %d: applying the diff gives %q, want %q\n%s", i, applied, new, got)
		}
	}
}

// applyPatch applies a unified diff with patch(1).
func applyPatch(t *testing.T, old, diff string) string {
	t.Helper()
	patchBin, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("no patch binary")
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, []byte(old), 0o644)
	cmd := exec.Command(patchBin, "-s", "-p1", "-d", dir)
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch: %v\n%s\n%s", err, out, diff)
	}
	data, _ := os.ReadFile(f)
	return string(data)
}

func TestUnifiedLargeFallback(t *testing.T) {
	var a, b strings.Builder
	for i := 0; i < 6000; i++ {
		a.WriteString("x\n")
		b.WriteString("y\n")
	}
	d := Unified("big", []byte(a.String()), []byte(b.String()))
	if strings.Count(d, "\n-x") != 6000 || strings.Count(d, "\n+y") != 6000 {
		t.Fatalf("fallback diff has the wrong lines")
	}
}

func TestUnifiedNewAndRemovedFiles(t *testing.T) {
	d := Unified("n.go", nil, []byte("a\nb\n"))
	want := "--- /dev/null\n+++ b/n.go\n@@ -0,0 +1,2 @@\n+a\n+b\n"
	if d != want {
		t.Fatalf("got %q, want %q", d, want)
	}
	d = Unified("n.go", []byte("a\n"), nil)
	want = "--- a/n.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"
	if d != want {
		t.Fatalf("got %q, want %q", d, want)
	}
}
