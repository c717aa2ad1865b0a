#!/usr/bin/env bash
# The performance suite, end to end, from a clean clone (bench/README.md):
#
#   bash bench/run.sh          # everything: about 45 minutes on 2 cores
#   bash bench/run.sh -short   # quick mode (QUICK=1): every benchmark once,
#                              # the tables, generation at 10 tables; < 2 min
#
# 1. regenerates the cpcgen package of the benchmark schema and checks it;
# 2. runs the operation benchmarks (hand-written pgx, cpcgen, GORM, ent)
#    against a throwaway PostgreSQL that the benchmarks start themselves
#    (runtime/pgtest; or CPCGEN_TEST_DATABASE_URL) in PASSES passes, one
#    process each, the tools taking turns first (BENCH_PASS);
# 3. summarizes them with cmd/benchtable: medians, ratios to the reference
#    with their min–max over the passes, and the performance targets met
#    or missed (and with benchstat when it installs);
# 4. measures Stream against FindAll over 1,000,000 rows (cmd/streammem);
# 5. measures cpcgen generate (cold, warm), check and migrate diff at
#    SIZES tables and the compile cost of the generated package (gen/),
#    beside sqlc when it is found (SQLC, or sqlc on PATH).
#
# Everything lands in bench/results/ (not versioned); the summary is
# printed at the end. Knobs: PASSES (5), BENCHTIME (1s), BENCH (.),
# SIZES (100,200,1000,5000), BUILD_SIZES (100,200,1000), SQLC_SIZES
# (200,1000), RUNS (3), SQLC (path of sqlc), SKIP_OPS, SKIP_STREAM,
# SKIP_GEN, REGENERATE_ENT=1 (also rerun ent's generator), QUICK=1.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="/usr/local/go/bin:$(go env GOPATH 2>/dev/null)/bin:$PATH"

for arg in "$@"; do
	case "$arg" in
	-short | --short) QUICK=1 ;;
	*)
		echo "run.sh: unknown argument $arg (use -short for the quick mode)" >&2
		exit 2
		;;
	esac
done

if [ -n "${QUICK:-}" ]; then
	PASSES=${PASSES:-1}
	BENCHTIME=${BENCHTIME:-1x}
	SIZES=${SIZES:-10}
	BUILD_SIZES=${BUILD_SIZES:-10}
	SQLC_SIZES=${SQLC_SIZES:-10}
	RUNS=${RUNS:-1}
	SKIP_STREAM=${SKIP_STREAM:-1}
	short=(-test.short)
else
	short=()
fi
PASSES=${PASSES:-5}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-.}
SIZES=${SIZES:-100,200,1000,5000}
BUILD_SIZES=${BUILD_SIZES:-100,200,1000}
SQLC_SIZES=${SQLC_SIZES:-200,1000}
RUNS=${RUNS:-3}
SQLC=${SQLC:-$(command -v sqlc || true)}
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
	echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine | tee "$results/machine.md"
rm -f "$results/table.md" "$results/stream.md" "$results/gen.md"

echo "== generated code of the benchmark schema"
go tool cpcgen generate
go tool cpcgen check -q
if [ "${REGENERATE_ENT:-}" = 1 ]; then
	echo "== ent generate"
	go run entgo.io/ent/cmd/ent generate ./ent/schema
fi
go vet ./...

if [ -z "${SKIP_OPS:-}" ]; then
	echo "== benchmarks: $PASSES passes, -benchtime $BENCHTIME"
	raw="$results/ops-$stamp.txt"
	: >"$raw"
	bin="$results/bench.test"
	go test -c -o "$bin" .
	# One process per pass, each running every benchmark once, instead
	# of -count N, which repeats each benchmark N times in a row: a busy
	# spell of the machine then spreads over all tools instead of falling
	# on one. BENCH_PASS rotates the order of the tools within a pass.
	for pass in $(seq 0 $((PASSES - 1))); do
		echo "-- pass $((pass + 1)) of $PASSES"
		BENCH_PASS=$pass "$bin" -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1 \
			-test.benchtime "$BENCHTIME" -test.timeout 0 "${short[@]}" | tee -a "$raw"
	done
	rm -f "$bin"
	cp "$raw" "$results/ops.txt"
	go run ./cmd/benchtable "$raw" >"$results/table.md"
	if [ -z "${QUICK:-}" ]; then
		# benchstat, when it can be installed (the version the module proxy serves).
		if ! command -v benchstat >/dev/null 2>&1; then
			go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da >/dev/null 2>&1 ||
				go install golang.org/x/perf/cmd/benchstat@latest >/dev/null 2>&1 || true
		fi
		if command -v benchstat >/dev/null 2>&1; then
			benchstat -col /tool -row /op "$raw" >"$results/benchstat.txt" 2>&1 || benchstat "$raw" >"$results/benchstat.txt" 2>&1 || true
		fi
	fi
fi

if [ -z "${SKIP_STREAM:-}" ]; then
	echo "== streaming 1,000,000 rows"
	go run ./cmd/streammem | tee "$results/stream.md"
fi

if [ -z "${SKIP_GEN:-}" ]; then
	echo "== generation and compile cost: $SIZES tables"
	sqlc_flags=()
	if [ -n "$SQLC" ]; then
		sqlc_flags=(-sqlc "$SQLC" -sqlc-sizes "$SQLC_SIZES")
	else
		echo "(sqlc not found: set SQLC or put sqlc on PATH to compare)"
	fi
	go run ./gen -sizes "$SIZES" -build-sizes "$BUILD_SIZES" -runs "$RUNS" "${sqlc_flags[@]}" | tee "$results/gen.md"
fi

echo
echo "== summary (bench/results/)"
cat "$results/machine.md"
for f in table.md stream.md gen.md; do
	if [ -f "$results/$f" ]; then
		echo
		cat "$results/$f"
	fi
done
