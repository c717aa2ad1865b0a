#!/usr/bin/env bash
# The performance suite, end to end, from a clean clone:
#
#   bash bench/run.sh
#
# 1. regenerates the cpcgen package of the benchmark schema and checks it;
# 2. runs the operation benchmarks (hand-written pgx, cpcgen, GORM, ent)
#    against a throwaway PostgreSQL that the benchmarks start themselves
#    (runtime/pgtest; or CPCGEN_TEST_DATABASE_URL), in COUNT rounds;
# 3. summarizes them as Markdown (median ns/op, CPU/op, allocs/op, ratio to
#    pgx) with cmd/benchtable, and with benchstat when it installs;
# 4. measures Stream against FindAll over 1,000,000 rows (cmd/streammem);
# 5. measures cpcgen generate, check and migrate diff at 100, 1,000 and
#    5,000 tables (cmd/genscale), beside sqlc when sqlc is on PATH.
#
# Everything lands in bench/results/ (not versioned); the summary is
# printed at the end. Knobs: COUNT (6), BENCHTIME (1s), BENCH (.),
# SIZES (100,1000,5000), RUNS (3), SKIP_OPS, SKIP_STREAM, SKIP_GENSCALE,
# REGENERATE_ENT=1 (also rerun ent's generator).
set -euo pipefail
cd "$(dirname "$0")"
export PATH="/usr/local/go/bin:$(go env GOPATH 2>/dev/null)/bin:$PATH"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-.}
SIZES=${SIZES:-100,1000,5000}
RUNS=${RUNS:-3}
results=results
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

machine() {
	echo "- date: $(date -u +%Y-%m-%d)"
	echo "- CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "- RAM: $(free -g | awk '/^Mem:/ {print $2}') GiB"
	echo "- $(go version)"
	local bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	echo "- PostgreSQL: $("${bin:-/usr/bin}/postgres" --version 2>/dev/null || echo unknown), same machine, fsync off (runtime/pgtest)"
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine | tee "$results/machine.md"

echo "== generated code of the benchmark schema"
go tool cpcgen generate
go tool cpcgen check -q
if [ "${REGENERATE_ENT:-}" = 1 ]; then
	echo "== ent generate"
	go run entgo.io/ent/cmd/ent generate ./ent/schema
fi
go vet ./...

if [ -z "${SKIP_OPS:-}" ]; then
	echo "== benchmarks: $COUNT rounds, -benchtime $BENCHTIME (about $((COUNT * 2)) minutes)"
	raw="$results/ops-$stamp.txt"
	: >"$raw"
	# One process per round, each running every benchmark once, instead
	# of -count N, which repeats each benchmark N times in a row: a busy
	# spell of the machine then spreads over all tools instead of falling
	# on one.
	for round in $(seq "$COUNT"); do
		echo "-- round $round of $COUNT"
		go test -run '^$' -bench "$BENCH" -benchmem -count 1 -benchtime "$BENCHTIME" -timeout 0 | tee -a "$raw"
	done
	cp "$raw" "$results/ops.txt"
	go run ./cmd/benchtable "$raw" >"$results/table.md"
	# benchstat, when it can be installed (the version the module proxy serves).
	if ! command -v benchstat >/dev/null 2>&1; then
		go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da >/dev/null 2>&1 ||
			go install golang.org/x/perf/cmd/benchstat@latest >/dev/null 2>&1 || true
	fi
	if command -v benchstat >/dev/null 2>&1; then
		benchstat -col /tool -row /op "$raw" >"$results/benchstat.txt" 2>&1 || benchstat "$raw" >"$results/benchstat.txt" 2>&1 || true
	fi
fi

if [ -z "${SKIP_STREAM:-}" ]; then
	echo "== streaming 1,000,000 rows"
	go run ./cmd/streammem | tee "$results/stream.md"
fi

if [ -z "${SKIP_GENSCALE:-}" ]; then
	echo "== generation at scale: $SIZES tables"
	sqlc_flag=()
	if command -v sqlc >/dev/null 2>&1; then
		sqlc_flag=(-sqlc "$(command -v sqlc)")
	fi
	go run ./cmd/genscale -sizes "$SIZES" -runs "$RUNS" "${sqlc_flag[@]}" | tee "$results/genscale.md"
fi

echo
echo "== summary (bench/results/)"
cat "$results/machine.md"
for f in table.md stream.md genscale.md; do
	if [ -f "$results/$f" ]; then
		echo
		cat "$results/$f"
	fi
done
