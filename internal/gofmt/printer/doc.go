// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package printer implements printing of AST nodes.
//
// It is a copy of the standard library's go/printer of Go 1.26 (the
// license in this directory is Go's) with two changes that make
// formatting faster and leave its output byte for byte the same
// (package gofmt's tests compare the two):
//
//   - exprList does not measure an element of a list whose neighbouring
//     positions are unknown (the size is thrown away in that case);
//   - nodeSize stops printing a node at its first line break (fitsLine):
//     a node whose output has one does not fit on a line, whatever its
//     length.
//
// Each change is marked with a comment starting "Changed:". Keep the
// rest as it is upstream, so that a new Go release's printer can be
// taken over by copying its files and applying the two changes again.
package printer
