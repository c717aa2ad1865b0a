// Package synth writes synthetic cpcgen projects of any size, for
// benchmarks of generation at scale: N tables of about ten columns each,
// with two foreign keys, two indexes and three queries per table.
package synth
