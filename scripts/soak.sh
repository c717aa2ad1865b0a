#!/usr/bin/env bash
# Soak test: mixed reads and writes of examples/finance from 32 goroutines
# against a durable throwaway PostgreSQL restarted twice along the way.
# Prints operations, errors by kind, restarts survived and acknowledged
# writes lost (must be 0). DURATION (default 2m) bounds the load phase.
set -uo pipefail
cd "$(dirname "$0")/.."
export CPCGEN_SOAK_DURATION=${DURATION:-2m}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -tags soak -run '^TestSoak$' -count=1 -v -timeout 30m ./examples/finance/ >"$out" 2>&1
status=$?
grep -E 'soak|restarted|FAIL|PASS|^ok|Error|error|lost' "$out"
exit $status
