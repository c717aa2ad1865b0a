package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/spec"
	"github.com/cpcgen/cpcgen/templates"
)

// toolPath is cpcgen's package path, as go tool and go run name it.
const toolPath = "github.com/cpcgen/cpcgen/cmd/cpcgen"

// scaffold is what the init templates print.
type scaffold struct {
	PackageName     string
	PackageDir      string // ./internal/appdb
	SpecsGlob       string // ./schema/*.yaml
	MigrationsDir   string // ./migrations
	ConfigPath      string // cpcgen.yaml, relative to the module root
	ConfigSchemaRef string // schema/cpcgen.schema.json, relative to cpcgen.yaml
	SpecSchemaRef   string // spec.schema.json, relative to the spec file
	RootFromPackage string // ../.., from the package directory to cpcgen.yaml's
}

func (c *cli) initCommand() *cobra.Command {
	var pkgName string
	cmd := &cobra.Command{
		Use:   "init [dir]",
		Short: "Start a cpcgen project in a Go module: config, example spec, go:generate file",
		Long: `init scaffolds a cpcgen project in dir (default: the current directory),
which must be inside a Go module (run go mod init first):

  cpcgen.yaml                      the config: package internal/<name>db,
                                   specs schema/*.yaml, migrations ./migrations
  schema/example.yaml              a commented example spec (two tables, a
                                   foreign key, an enum, a structured and a
                                   raw SQL query) that generates and migrates
  schema/spec.schema.json          JSON Schemas of spec files and of the
  schema/cpcgen.schema.json        config: the YAML files name them on their
                                   first line, so editors running the YAML
                                   language server complete and check them
  internal/<name>db/generate.go    package doc and the //go:generate line, so
                                   that go generate ./... regenerates

The package is named after the module's last path element (example.com/shop
→ shopdb) unless --package says otherwise. init never overwrites: when any of
these files exists it lists them, writes nothing and exits with status 2.
It then prints the next commands to run.`,
		Example: `  go mod init example.com/shop && cpcgen init
  cpcgen init services/billing --package billingdb`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if c.dir != "" && !filepath.IsAbs(dir) {
				dir = filepath.Join(c.dir, dir)
			}
			return c.init(dir, pkgName)
		},
	}
	cmd.Flags().StringVar(&pkgName, "package", "", "Go package `name` of the generated code (default: <module's last element>db)")
	return cmd
}

// init writes the scaffold into dir.
func (c *cli) init(dir, pkgName string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return fmt.Errorf("init: %s is not a directory; create it first (mkdir -p %s)", dir, dir)
	}
	modDir, modPath, hasTool, err := findModule(abs)
	if err != nil {
		return err
	}
	if pkgName == "" {
		pkgName = packageNameFor(modPath)
	} else if !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(pkgName) {
		return fmt.Errorf("--package %q is not a lower-case Go package name, like appdb", pkgName)
	}
	sc := scaffold{
		PackageName:     pkgName,
		PackageDir:      "./internal/" + pkgName,
		SpecsGlob:       "./schema/*.yaml",
		MigrationsDir:   "./migrations",
		ConfigSchemaRef: "schema/" + spec.ConfigSchemaFile,
		SpecSchemaRef:   spec.SpecSchemaFile,
		RootFromPackage: "../..",
	}
	rel, _ := filepath.Rel(modDir, filepath.Join(abs, "cpcgen.yaml"))
	sc.ConfigPath = filepath.ToSlash(rel)

	files := []struct {
		path, tmpl string
		data       []byte
	}{
		{path: "cpcgen.yaml", tmpl: "init/cpcgen.yaml.tmpl"},
		{path: "schema/example.yaml", tmpl: "init/example.yaml.tmpl"},
		{path: "schema/" + spec.SpecSchemaFile, data: spec.SpecSchema()},
		{path: "schema/" + spec.ConfigSchemaFile, data: spec.ConfigSchema()},
		{path: "internal/" + pkgName + "/generate.go", tmpl: "init/generate.go.tmpl"},
	}
	var exist []string
	for i, f := range files {
		if _, err := os.Lstat(filepath.Join(abs, filepath.FromSlash(f.path))); err == nil {
			exist = append(exist, display(dir, f.path))
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if f.tmpl != "" {
			t, err := template.ParseFS(templates.FS, f.tmpl)
			if err != nil {
				return fmt.Errorf("init template %s: %w", f.tmpl, err)
			}
			var b bytes.Buffer
			if err := t.Execute(&b, sc); err != nil {
				return fmt.Errorf("init template %s: %w", f.tmpl, err)
			}
			files[i].data = b.Bytes()
		}
	}
	if len(exist) > 0 {
		return fmt.Errorf("init writes nothing, as these files exist: %s; remove or rename them, or run init in another directory", strings.Join(exist, ", "))
	}
	for _, f := range files {
		p := filepath.Join(abs, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		// O_EXCL: a file created meanwhile is still never overwritten.
		fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("write %s: %w", display(dir, f.path), err)
		}
		_, err = fh.Write(f.data)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", display(dir, f.path), err)
		}
		fmt.Fprintf(c.stdout, "wrote %s\n", display(c.relToWD(abs), f.path))
	}
	fmt.Fprintf(c.stdout, "\nNext:\n%s", nextSteps(c.relToWD(abs), hasTool))
	return nil
}

// nextSteps are the three commands to run after init, from the
// directory the user is in.
func nextSteps(dir string, hasTool bool) string {
	cd := ""
	flag := ""
	if dir != "." && dir != "" {
		cd = "cd " + dir + " && "
		flag = " -C " + dir
	}
	var lines [][2]string
	if !hasTool {
		lines = append(lines, [2]string{"go get -tool " + toolPath, "pin cpcgen in go.mod, for go tool and go:generate"})
	}
	lines = append(lines,
		[2]string{cd + "go generate ./... && go mod tidy", "generate the package, add its dependencies"},
		[2]string{"go tool cpcgen" + flag + " migrate diff init", "write the first migration"})
	if hasTool {
		lines = append(lines, [2]string{"go tool cpcgen" + flag + " check", "what CI runs: code and migrations are current"})
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l[0]))
	}
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "  %-*s  # %s\n", width, l[0], l[1])
	}
	return b.String()
}

// relToWD returns dir relative to the working directory when it is
// inside it.
func (c *cli) relToWD(dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	rel, err := filepath.Rel(wd, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return dir
	}
	return filepath.ToSlash(rel)
}

// findModule finds the go.mod governing dir and returns its directory,
// module path and whether it already has cpcgen as a tool.
func findModule(dir string) (modDir, modPath string, hasTool bool, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "go.mod")
		data, err := os.ReadFile(p)
		if err == nil {
			modPath, hasTool = parseGoMod(data)
			if modPath == "" {
				return "", "", false, fmt.Errorf("%s has no module line; fix it, or run go mod init <module path>", p)
			}
			return d, modPath, hasTool, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", "", false, err
		}
		if filepath.Dir(d) == d {
			return "", "", false, fmt.Errorf("init needs a Go module, and there is no go.mod in %s or above; run go mod init <module path> (for example go mod init example.com/app), then cpcgen init", dir)
		}
	}
}

// packageNameFor derives the generated package's name from a module
// path: example.com/shop → shopdb, github.com/acme/my-app/v2 → myappdb.
func packageNameFor(modPath string) string {
	parts := strings.Split(modPath, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && regexp.MustCompile(`^v[0-9]+$`).MatchString(last) {
		last = parts[len(parts)-2]
	}
	last = strings.ToLower(path.Base(last))
	var b strings.Builder
	for _, r := range last {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	name := strings.TrimLeft(b.String(), "0123456789")
	switch {
	case name == "":
		return "appdb"
	case strings.HasSuffix(name, "db"):
		return name
	}
	return name + "db"
}

// parseGoMod reads the module path of go.mod data and whether its tool
// directives name cpcgen. It reads the plain directive syntax: module
// x, tool x, and tool ( … ) blocks.
func parseGoMod(data []byte) (modPath string, hasTool bool) {
	inTool := false
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case inTool && f[0] == ")":
			inTool = false
		case inTool:
			hasTool = hasTool || strings.Trim(f[0], `"`) == toolPath
		case f[0] == "module" && len(f) >= 2:
			modPath = strings.Trim(f[1], `"`)
		case f[0] == "tool" && len(f) >= 2 && f[1] == "(":
			inTool = true
		case f[0] == "tool" && len(f) >= 2:
			hasTool = hasTool || strings.Trim(f[1], `"`) == toolPath
		}
	}
	return modPath, hasTool
}
