#!/usr/bin/env bash
# Runs every fuzz target of the project for FUZZTIME each (default 60s).
# Findings are written by `go test` under the package's testdata/fuzz/ and
# make this script fail; commit them as regression seeds once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
targets=(
	"./spec FuzzParse"
	"./spec FuzzParseConfig"
	"./spec FuzzRewriteParams"
	"./generator FuzzGenerate"
	"./runtime FuzzCheckJSON"
)
for t in "${targets[@]}"; do
	set -- $t
	echo "== $2 ($1, $fuzztime)"
	go test "$1" -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime"
done
echo "== no findings"
