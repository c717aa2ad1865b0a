// Package editdist measures how far apart two names are, for the "did you
// mean" suggestions of the command line (a mistyped flag) and of the
// Markdown check (a mistyped anchor). The specs' suggestions (package
// spec) use a variant of their own that counts a swap of two adjacent
// letters as one edit and gives up past a bound.
package editdist
