package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/internal/editdist"
	cpcruntime "github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/spec"
)

// Exit codes, as documented in the README.
const (
	exitOK       = 0 // success
	exitProblems = 1 // check or vet found problems
	exitUsage    = 2 // bad usage, bad config or bad specs
)

func main() {
	// Generation makes much short-lived garbage (jennifer's statements,
	// gofmt's syntax trees): collecting at 4× the live heap instead of 2×
	// takes a fifth off the CPU time of generate and check at 1,000
	// tables, for a larger peak (about 330 MB instead of 160 MB there).
	// GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	stop := startProfiles(os.Stderr)
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Profiles of a run, for the measurements of generation at scale
// (bench/README.md): CPCGEN_CPUPROFILE names the file of a CPU profile
// of the whole run, CPCGEN_MEMPROFILE that of an allocation profile
// written at its end. Neither changes what the run does.
const (
	cpuProfileEnv = "CPCGEN_CPUPROFILE"
	memProfileEnv = "CPCGEN_MEMPROFILE"
)

// startProfiles starts the profiles the environment asks for and
// returns the function that writes them; a profile that cannot be
// written is a warning.
func startProfiles(stderr io.Writer) (stop func()) {
	var cpu *os.File
	if name := os.Getenv(cpuProfileEnv); name != "" {
		f, err := os.Create(name)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "cpcgen: warning: no CPU profile (%s): %v\n", cpuProfileEnv, err)
		} else {
			cpu = f
		}
	}
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				fmt.Fprintf(stderr, "cpcgen: warning: CPU profile: %v\n", err)
			}
		}
		if name := os.Getenv(memProfileEnv); name != "" {
			f, err := os.Create(name)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				fmt.Fprintf(stderr, "cpcgen: warning: no allocation profile (%s): %v\n", memProfileEnv, err)
			}
		}
	}
}

// problemsError is returned by commands that ran fine but found problems
// (check, vet): exit code 1, the report already printed.
type problemsError struct{ n int }

func (e problemsError) Error() string { return fmt.Sprintf("%d problem(s) found", e.n) }

// run executes the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	// What cpcgen prints can quote a database's names and values, a
	// spec's text and files on disk; none of it may drive the terminal
	// or the CI log reading it.
	stdout, stderr = controlEscaper{stdout}, controlEscaper{stderr}
	if dsns := connectionStrings(args); len(dsns) > 0 {
		// What a command that connects prints passes through the
		// redaction the runtime gives its messages: no part of a
		// password of the databases given (by flag, DATABASE_URL or
		// PGPASSWORD) shows, whichever path printed it (pgx's parse
		// errors quote a URL they cannot read, password and all).
		stdout, stderr = redactingWriter{stdout, dsns}, redactingWriter{stderr, dsns}
	}
	cli := &cli{stdout: stdout, stderr: stderr}
	root := cli.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var problems problemsError
	if errors.As(err, &problems) {
		return exitProblems
	}
	cli.printError(err)
	return exitUsage
}

// cli holds the global flags and the output streams.
type cli struct {
	stdout, stderr io.Writer
	dir            string // -C
	config         string // --config
}

func (c *cli) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "cpcgen",
		Short: "Generate typed PostgreSQL repositories and migrations from YAML specs",
		Long: `cpcgen turns YAML table and query specs into Go code over pgx/v5 and
PostgreSQL: model structs, typed repositories, a Store with transactions,
and versioned migrations, on the small github.com/cpcgen/cpcgen/runtime.

The daily loop: edit a spec, cpcgen generate (or go generate ./...),
review, cpcgen migrate diff NAME, push; CI runs cpcgen check (and vet).

Exit codes:
  0  success
  1  check or vet found problems (stale or missing files, uncovered spec
     changes, checksum mismatches, unapplied migrations, drift, type
     mismatches); migrate status found changed or unknown migrations
  2  bad usage, bad config or specs (every problem as file:line:col),
     a refused migration, or a failure (no database, permissions)`,
		Example: `  cpcgen init                       # in a Go module: config, example spec, go:generate file
  cpcgen generate                   # write the package the config names
  cpcgen migrate diff add_nickname  # write the next migration
  cpcgen check                      # exit 1 when anything is stale
  cpcgen -C services/billing vet --dev-url postgres://localhost/postgres`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&c.dir, "chdir", "C", "", "run as if started in `dir`")
	root.PersistentFlags().StringVar(&c.config, "config", "cpcgen.yaml", "the project's config `file`, relative to -C")
	_ = root.MarkPersistentFlagDirname("chdir")
	_ = root.MarkPersistentFlagFilename("config", "yaml", "yml")
	root.AddCommand(c.initCommand(), c.generateCommand(), c.checkCommand(), c.vetCommand(), c.migrateCommand(),
		c.docsCommand(), c.schemaCommand(), c.importCommand(), c.auditCommand(), c.cacheCommand(), c.tenantKeyCommand(), c.versionCommand())
	root.SetFlagErrorFunc(flagError)
	root.SuggestionsMinimumDistance = 2
	for _, cmd := range root.Commands() {
		if cmd.HasSubCommands() {
			cmd.SuggestionsMinimumDistance = 2
			cmd.Args = unknownSubcommand
			cmd.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		}
	}
	return root
}

// flagError adds to an unknown-flag error the flag meant, when one is
// close, and where the flags are listed.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	name := ""
	switch {
	case strings.HasPrefix(msg, "unknown flag: --"):
		name = strings.TrimPrefix(msg, "unknown flag: --")
	case strings.HasPrefix(msg, "unknown shorthand flag: "):
		name = strings.Trim(strings.SplitN(strings.TrimPrefix(msg, "unknown shorthand flag: "), " ", 2)[0], "'")
	default:
		return fmt.Errorf("%w; run %s --help for its flags", err, cmd.CommandPath())
	}
	var best string
	bestDist := 3
	visit := func(f *pflag.Flag) {
		if d := editdist.Levenshtein(name, f.Name); d < bestDist {
			best, bestDist = f.Name, d
		}
	}
	cmd.Flags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	if best != "" {
		return fmt.Errorf("%w; did you mean --%s? (run %s --help for its flags)", err, best, cmd.CommandPath())
	}
	return fmt.Errorf("%w; run %s --help for its flags", err, cmd.CommandPath())
}

// unknownSubcommand rejects an argument that is not a subcommand of a
// command that only groups others (migrate), suggesting the closest.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return fmt.Errorf("%s\n\nRun '%s --help' for its commands", msg, cmd.CommandPath())
}

// configPath returns the config file path the flags name.
func (c *cli) configPath() string {
	if filepath.IsAbs(c.config) || c.dir == "" {
		return c.config
	}
	return filepath.Join(c.dir, c.config)
}

// load reads and validates the project.
func (c *cli) load() (*spec.Project, error) {
	return spec.Load(c.configPath())
}

// displayRoot is the project root as the user should see it in messages:
// relative to the working directory when that is shorter.
func (c *cli) displayRoot(proj *spec.Project) string {
	root := proj.Config.Root
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(root); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return rel
			}
		}
	}
	return root
}

// writeTree writes tree below the project's root and prints a line per
// file written or removed.
func (c *cli) writeTree(proj *spec.Project, tree writer.Tree) (writer.Result, error) {
	res, err := writer.Write(proj.Config.Root, tree)
	if err != nil {
		return res, err
	}
	root := c.displayRoot(proj)
	for _, p := range res.Written {
		fmt.Fprintf(c.stdout, "wrote %s\n", display(root, p))
	}
	for _, p := range res.Removed {
		fmt.Fprintf(c.stdout, "removed %s\n", display(root, p))
	}
	return res, nil
}

// display turns a project-relative path into one for messages.
func display(root, rel string) string {
	if root == "" || root == "." {
		return rel
	}
	return filepath.ToSlash(filepath.Join(root, filepath.FromSlash(rel)))
}

// printError prints an error; a spec.ErrorList one problem per line, with
// positions relative to the working directory.
func (c *cli) printError(err error) {
	var list spec.ErrorList
	if errors.As(err, &list) {
		c.printErrorList(list)
		fmt.Fprintf(c.stderr, "cpcgen: %d error(s); nothing was written\n", len(list))
		return
	}
	fmt.Fprintf(c.stderr, "cpcgen: %v\n", err)
}

// printErrorList prints each error of list on a line of its own, at its
// position in the spec files.
func (c *cli) printErrorList(list spec.ErrorList) {
	root := c.dir
	if cfg := filepath.Dir(c.config); cfg != "." && !filepath.IsAbs(c.config) {
		root = filepath.Join(root, cfg)
	}
	for _, e := range list {
		if e.Pos.IsValid() {
			pos := e.Pos
			pos.File = display(root, pos.File)
			fmt.Fprintf(c.stderr, "%s: %s\n", pos, e.Msg)
		} else {
			fmt.Fprintln(c.stderr, e.Msg)
		}
	}
}

func (c *cli) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print cpcgen's version",
		Long:    "version prints the module version cpcgen was built from and the generated code format it writes.",
		Example: "  cpcgen version\n  go tool cpcgen version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(c.stdout, "cpcgen %s (generated code format v1, runtime.CodegenV1=%v)\n", version(), cpcruntime.CodegenV1)
			return nil
		},
	}
}

// version returns the module version cpcgen was built from.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// connectionStrings returns the connection strings a command line may
// use: the values of --url and --dev-url, and DATABASE_URL for the
// migrate commands, which read it. A command that uses none connects to
// no database (import --sql starts a server of its own, without
// password), and prints what it makes unmasked.
func connectionStrings(args []string) []string {
	var out []string
	env := os.Getenv("DATABASE_URL")
	for i, a := range args {
		if a == "--" {
			break
		}
		if a == "migrate" && env != "" {
			out = append(out, env)
		}
		for _, flag := range []string{"--url", "--dev-url"} {
			if v, ok := strings.CutPrefix(a, flag+"="); ok {
				out = append(out, v)
			} else if a == flag && i+1 < len(args) {
				out = append(out, args[i+1])
			}
		}
	}
	return out
}

// controlEscaper writes to w what is written to it with every control
// character but tab and newline (ESC, which starts a terminal's escape
// sequences, CR, BEL, DEL, and the C1 controls U+0080–U+009F) written as
// its Go escape (\x1b, \r, \u009b). The messages quote names with %q
// already; this covers whatever else prints (a file's lines in a diff, a
// server's message).
type controlEscaper struct {
	w io.Writer
}

func (e controlEscaper) Write(p []byte) (int, error) {
	if !slices.ContainsFunc(p, isControlByte) {
		return e.w.Write(p)
	}
	out := make([]byte, 0, len(p)+16)
	for i := 0; i < len(p); i++ {
		switch b := p[i]; {
		case b == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f:
			out = fmt.Appendf(out, `\u%04x`, p[i+1])
			i++
		case isControlByte(b) && b != 0xc2:
			q := strconv.QuoteRune(rune(b)) // '\x1b'
			out = append(out, q[1:len(q)-1]...)
		default:
			out = append(out, b)
		}
	}
	if _, err := e.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// isControlByte reports whether b is an ASCII control character other
// than tab and newline, or the first byte of a two-byte UTF-8 sequence
// that may be a C1 control.
func isControlByte(b byte) bool {
	return b < 0x20 && b != '\t' && b != '\n' || b == 0x7f || b == 0xc2
}

// redactingWriter writes to w what is written to it with every part of
// the passwords of dsns (and of PGPASSWORD) masked (runtime.RedactText).
type redactingWriter struct {
	w    io.Writer
	dsns []string
}

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, cpcruntime.RedactText(string(p), r.dsns...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
