// Package numfmt writes numbers for people to read, as the migration
// planner's table sizes and the benchmark tables of bench/ print them.
package numfmt
