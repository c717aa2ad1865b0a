#!/usr/bin/env bash
# Disaster-recovery drill (docs/operations.md, "Backups and disaster
# recovery"): on throwaway PostgreSQL servers, a base backup of the
# finance example under load, the primary destroyed, restores to the end
# of the WAL archive and to a point in time, each checked (every
# acknowledged transfer, books balanced, migrations, cpcgen check --url);
# then a pg_dump/pg_restore round trip of the crm example checked as its
# application role. Prints the figures the guide quotes. TRANSFERS
# (default 10000) is the number of transfers acknowledged between the
# base backup and the loss of the primary.
set -uo pipefail
cd "$(dirname "$0")/.."
export CPCGEN_DRILL_TRANSFERS=${TRANSFERS:-10000}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -tags drill -run '^TestDrill' -count=1 -v -timeout 30m ./examples/finance/ ./examples/crm/ >"$out" 2>&1
status=$?
if [ $status -ne 0 ]; then
	cat "$out"
else
	grep -E 'drill:|^--- |^ok' "$out"
fi
exit $status
