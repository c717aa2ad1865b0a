package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/writer"
)

func (c *cli) generateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "generate",
		Short: "Generate the Go package and schema.sql from the specs",
		Long: `generate loads cpcgen.yaml and the spec files it names, validates them
(every problem is reported, as file:line:col), and brings the package
directory up to date: one file per table, the Store, the enums and
schema.sql. Files are replaced atomically; generated files that are no
longer produced are removed; files without the generated-code header are
never touched.`,
		Example: `  cpcgen generate
  cpcgen -C examples/finance generate
  //go:generate go run github.com/cpcgen/cpcgen/cmd/cpcgen generate`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			proj, err := c.load()
			if err != nil {
				return err
			}
			tree, err := generator.Generate(proj)
			if err != nil {
				return err
			}
			res, err := writer.Write(proj.Config.Root, tree)
			if err != nil {
				return err
			}
			root := c.displayRoot(proj)
			for _, p := range res.Written {
				fmt.Fprintf(c.stdout, "wrote %s\n", display(root, p))
			}
			for _, p := range res.Removed {
				fmt.Fprintf(c.stdout, "removed %s\n", display(root, p))
			}
			fmt.Fprintf(c.stdout, "%d written, %d removed, %d unchanged\n", len(res.Written), len(res.Removed), len(res.Unchanged))
			return nil
		},
	}
}

func (c *cli) checkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Fail when the generated code is not what the specs produce",
		Long: `check runs the same pipeline as generate but compares instead of writing:
it lists every stale, missing and extra generated file, then prints a
unified diff for each, and exits with status 1. When the config has a
migrations section it also fails when the spec has changes no migration
covers yet (naming each) or atlas.sum does not match the directory. It
writes nothing. Run it in CI to prove that generated code and migrations
are current.`,
		Example: `  cpcgen check
  cpcgen -C examples/crm check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			proj, err := c.load()
			if err != nil {
				return err
			}
			tree, err := generator.Generate(proj)
			if err != nil {
				return err
			}
			diffs, err := writer.Compare(proj.Config.Root, tree)
			if err != nil {
				return err
			}
			migrationProblems, err := c.checkMigrations(proj)
			if err != nil {
				return err
			}
			if len(diffs) == 0 {
				fmt.Fprintln(c.stdout, "generated code is up to date")
				if migrationProblems > 0 {
					return problemsError{n: migrationProblems}
				}
				return nil
			}
			root := c.displayRoot(proj)
			for _, d := range diffs {
				fmt.Fprintf(c.stdout, "%s: %s file\n", display(root, d.Path), d.Kind)
			}
			for _, d := range diffs {
				fmt.Fprintf(c.stdout, "\n%s", d.Diff)
			}
			fmt.Fprintf(c.stdout, "\n%d generated file(s) out of date; run `cpcgen generate`\n", len(diffs))
			return problemsError{n: len(diffs) + migrationProblems}
		},
	}
}
