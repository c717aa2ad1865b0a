package runtime_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the runtime small for the applications that
// import it: besides the standard library it may depend only on pgx (and
// the modules pgx itself needs), google/uuid, shopspring/decimal and
// maypok86/otter/v2. Prometheus and OpenTelemetry belong to
// runtime/promexport, runtime/oteltrace and runtime/otelmetric, Redis to
// runtime/rediscache.
//
// otter is allowed because the in-process row caches are typed: a hit
// returns the stored Go value with no decoding and no allocation, which
// needs the cache's generic types in the package that declares the
// CacheTable generated code uses; otter itself imports nothing outside
// the standard library.
//
// internal/sqllex, this module's SQL lexer, is allowed for the same
// reason of size: it imports only the standard library (its own test
// keeps it so), and the runtime reads statements with it (the keyword
// an observer reports) rather than with a copy of it.
func TestDependencies(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the dependencies: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	allowed := []string{
		"github.com/cpcgen/cpcgen/runtime",
		"github.com/cpcgen/cpcgen/internal/sqllex",
		"github.com/jackc/pgx/v5",
		"github.com/jackc/pgpassfile",
		"github.com/jackc/pgservicefile",
		"github.com/jackc/puddle/v2",
		"github.com/google/uuid",
		"github.com/shopspring/decimal",
		"github.com/maypok86/otter/v2",
		"golang.org/x/sync",
		"golang.org/x/text",
	}
	var deps []string
	for _, dep := range strings.Fields(string(out)) {
		deps = append(deps, dep)
		if strings.Contains(dep, "prometheus") || strings.Contains(dep, "opentelemetry") || strings.Contains(dep, "redis") {
			t.Errorf("runtime depends on %s", dep)
			continue
		}
		ok := false
		for _, a := range allowed {
			if dep == a || strings.HasPrefix(dep, a+"/") {
				ok = true
			}
		}
		if !ok {
			t.Errorf("runtime depends on %s, which is not among pgx, uuid, decimal and otter", dep)
		}
	}
	if len(deps) == 0 || deps[len(deps)-1] != "github.com/cpcgen/cpcgen/runtime" {
		t.Errorf("go list -deps printed no runtime package: %q", out)
	}
}
