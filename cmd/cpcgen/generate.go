package main

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/gencache"
	"github.com/cpcgen/cpcgen/spec"

	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator"
)

func (c *cli) generateCommand() *cobra.Command {
	var cacheOpts cacheFlags
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Generate the Go package and schema.sql from the specs",
		Long: `generate loads cpcgen.yaml and the spec files it names, validates them
(every problem is reported, as file:line:col), and brings the package
directory up to date: one file per table, the Store, the enums and
schema.sql. Files are replaced atomically; generated files that are no
longer produced are removed; files without the generated-code header are
never touched.

Files whose inputs did not change since a previous run come from the
cache of rendered files (see cpcgen cache); --no-cache renders them all.`,
		Example: `  cpcgen generate
  cpcgen -C examples/finance generate
  //go:generate go run github.com/cpcgen/cpcgen/cmd/cpcgen generate`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			proj, run, cache, err := c.startRun(cacheOpts)
			if err != nil {
				return err
			}
			defer c.closeCache(cache)
			tree, _, err := run.Tree()
			if err != nil {
				return err
			}
			res, err := c.writeTree(proj, tree)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "%d written, %d removed, %d unchanged\n", len(res.Written), len(res.Removed), len(res.Unchanged))
			return nil
		},
	}
	cacheOpts.register(cmd)
	return cmd
}

// startRun loads the project, prints its build warnings and opens the
// cache the flags choose (the caller closes it with closeCache): how
// generate and check begin.
func (c *cli) startRun(cacheOpts cacheFlags) (*spec.Project, *generator.Run, *gencache.Cache, error) {
	proj, err := c.load()
	if err != nil {
		return nil, nil, nil, err
	}
	c.printWarnings(proj)
	cache := c.openCache(cacheOpts)
	return proj, generator.NewRun(proj, generator.Options{Cache: cache}), cache, nil
}

// printWarnings prints the build warnings of proj (generator.Warnings)
// on stderr, one file:line:col: warning: … line each; they never fail a
// command. Each names its remedy and how to acknowledge it.
func (c *cli) printWarnings(proj *spec.Project) {
	for _, w := range generator.Warnings(proj) {
		fmt.Fprintln(c.stderr, w.String())
	}
}
