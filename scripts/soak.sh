#!/usr/bin/env bash
# Soak test: mixed reads and writes of examples/finance from 32 goroutines
# against a durable throwaway PostgreSQL restarted twice along the way.
# Prints operations, errors by kind, restarts survived and acknowledged
# writes lost (must be 0). DURATION (default 2m) bounds the load phase.
set -euo pipefail
cd "$(dirname "$0")/.."
export CPCGEN_SOAK_DURATION=${DURATION:-2m}
go test -tags soak -run '^TestSoak$' -count=1 -v -timeout 30m ./examples/finance/ 2>&1 | grep -E 'soak|restarted|FAIL|PASS|ok|Error|error' || true
test "${PIPESTATUS[0]}" -eq 0
