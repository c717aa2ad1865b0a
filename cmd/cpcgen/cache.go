package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator/gencache"
)

// cacheFlags are the flags of the commands that use the cache of
// rendered files.
type cacheFlags struct {
	dir string
	off bool
}

func (f *cacheFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dir, "cache-dir", "", "cache of rendered files in `dir` (default $"+gencache.DirEnv+", else cpcgen in the user cache directory)")
	cmd.Flags().BoolVar(&f.off, "no-cache", false, "render every file, reading and writing no cache")
	_ = cmd.MarkFlagDirname("cache-dir")
}

// location returns the cache directory the flags and the environment
// choose, "" when the cache is off.
func (f *cacheFlags) location() (string, error) {
	switch {
	case f.off:
		return "", nil
	case f.dir != "":
		return f.dir, nil
	}
	return gencache.DefaultDir()
}

// openCache opens the cache the flags choose. A cache that cannot be
// opened is a warning, not an error: generation runs without it.
func (c *cli) openCache(f cacheFlags) *gencache.Cache {
	dir, err := f.location()
	if err == nil && dir != "" {
		var cache *gencache.Cache
		if cache, err = gencache.Open(dir, gencache.Tool()); err == nil {
			return cache
		}
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "cpcgen: warning: running without the cache: %v\n", err)
	}
	return nil
}

// closeCache trims the cache if it grew; a failure is a warning.
func (c *cli) closeCache(cache *gencache.Cache) {
	if err := cache.Close(); err != nil {
		fmt.Fprintf(c.stderr, "cpcgen: warning: %v\n", err)
	}
}

func (c *cli) cacheCommand() *cobra.Command {
	var flags cacheFlags
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or clear the cache of rendered files",
		Long: `generate and check keep the files they render in a cache, under a key
made of the facts each file is rendered from and of the cpcgen binary's
build ID, so that a file whose inputs did not change is not rendered
again. The cache never changes what is generated: an entry that is
stale, damaged or written by another build of cpcgen is not used.

The cache lives in $` + gencache.DirEnv + ` when set, else in cpcgen under the
user cache directory ($XDG_CACHE_HOME or ~/.cache on Linux,
~/Library/Caches on macOS, %LocalAppData% on Windows). ` + gencache.DirEnv + `=off,
or --no-cache on generate and check, turns it off. It trims itself to
about 1 GiB, least recently used entries first.`,
		Example: `  cpcgen cache dir
  cpcgen cache clean
  CPCGEN_CACHE=off cpcgen generate`,
	}
	dir := &cobra.Command{
		Use:   "dir",
		Short: "Print the cache's directory (off when it is turned off)",
		Long: `dir prints the directory the cache of rendered files lives in, as
generate and check would use it with the same flags and environment, or
off when it is turned off.`,
		Example: `  cpcgen cache dir
  du -sh "$(cpcgen cache dir)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := flags.location()
			if err != nil {
				return err
			}
			if d == "" {
				d = "off"
			}
			fmt.Fprintln(c.stdout, d)
			return nil
		},
	}
	clean := &cobra.Command{
		Use:   "clean",
		Short: "Remove every entry of the cache",
		Long: `clean removes every entry of the cache of rendered files, of every
build of cpcgen. The next generate renders every file again. Files in the
cache directory that are not the cache's are left alone.`,
		Example: `  cpcgen cache clean
  cpcgen cache clean --cache-dir /tmp/cpcgen-cache`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := flags.location()
			if err != nil {
				return err
			}
			if d == "" {
				fmt.Fprintln(c.stdout, "the cache is off; nothing to clean")
				return nil
			}
			if err := gencache.Clear(d); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "removed the cache in %s\n", d)
			return nil
		},
	}
	for _, sub := range []*cobra.Command{dir, clean} {
		flags.register(sub)
		cmd.AddCommand(sub)
	}
	return cmd
}
