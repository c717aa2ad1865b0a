//go:build !unix

package writer

import "os"

// lockFile is a no-op where flock is not available: concurrent runs rely
// on the per-file atomic renames alone.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
