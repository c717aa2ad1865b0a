// Package parallel runs independent jobs on all cores: the generator's
// per-table work, rendering files and writing large migration
// snapshots in chunks; or on a given number of goroutines: staging the
// files a write replaces. The callers keep results by index, so their
// output does not depend on the order the jobs finish in.
package parallel
