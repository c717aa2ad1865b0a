// Package parallel runs independent jobs on all cores: the generator's
// per-table work, rendering files and writing large migration
// snapshots in chunks. The callers keep results by index, so their
// output does not depend on the order the jobs finish in.
package parallel
