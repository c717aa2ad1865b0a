#!/usr/bin/env bash
# The performance suite, end to end, from a clean clone (bench/README.md):
#
#   bash bench/run.sh          # everything: about 45 minutes on 2 cores
#   bash bench/run.sh -short   # quick mode (QUICK=1): every benchmark once,
#                              # the tables, generation at 10 tables; < 2 min
#   BASE=main bash bench/run.sh  # before/after: the benchmarks of revision
#                              # BASE and of the working tree, alternating
#
# 1. regenerates the cpcgen package of the benchmark schema and checks it;
# 2. runs the operation benchmarks (hand-written pgx, cpcgen, GORM, ent)
#    against a throwaway PostgreSQL that the benchmarks start themselves
#    (runtime/pgtest; or CPCGEN_TEST_DATABASE_URL) in PASSES passes, one
#    process each, the tools taking turns first (BENCH_PASS);
#    With BASE=<revision>, the bench module of that revision (with its
#    own runtime and generated code, from git archive into a temporary
#    directory) is built too, and the two test binaries run alternately
#    pass by pass on one throwaway server (cmd/pgserver);
# 3. summarizes them with cmd/benchtable: medians, ratios to the reference
#    with their min–max over the passes, and the performance targets met
#    or missed (and with benchstat when it installs); with BASE, the
#    before/after tables first;
# 4. measures Stream against FindAll over 1,000,000 rows (cmd/streammem);
# 5. measures cpcgen generate (cold, warm), check and migrate diff at
#    SIZES tables and the compile cost of the generated package (gen/),
#    beside sqlc when it is found (SQLC, or sqlc on PATH); then again at
#    SQLC_SIZES with methods: [] in the projects (the models and queries
#    only, what sqlc generates for the same spec);
#
# Everything lands in bench/results/ (not versioned); the summary is
# printed at the end. Knobs: PASSES (5), BENCHTIME (1s), BENCH (.),
# SIZES (100,200,1000,5000), BUILD_SIZES (100,200,1000), SQLC_SIZES
# (200,1000), RUNS (3), SQLC (path of sqlc), SKIP_OPS, SKIP_STREAM,
# SKIP_GEN, REGENERATE_ENT=1 (also rerun ent's generator), QUICK=1,
# BASE (a revision: before/after).
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

base_rev=
if [ -n "${BASE:-}" ]; then
	if ! base_rev=$(git rev-parse --verify --quiet "$BASE^{commit}"); then
		echo "run.sh: BASE=$BASE is not a revision of this repository (use a commit, branch or tag, e.g. BASE=main)" >&2
		exit 2
	fi
	if ! git cat-file -e "$base_rev:bench/go.mod" 2>/dev/null; then
		echo "run.sh: BASE=$BASE has no bench module (bench/go.mod) to compare with" >&2
		exit 2
	fi
	base_name=$(git rev-parse --short "$base_rev")
	case "$base_rev" in
	"$BASE"*) ;;
	*) base_name="$base_name ($BASE)" ;;
	esac
fi
head_name="working tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- .. 2>/dev/null || echo ' with local changes'))"

# What run.sh started, removed on exit: the temporary checkout of BASE and
# the shared server.
base_dir=
server_pid=
failed=() # the passes in which a benchmark failed
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [ -n "$base_dir" ]; then
		rm -rf "$base_dir"
	fi
}
trap cleanup EXIT

machine() {
	echo "- date: $(date -u +%Y-%m-%d)"
	echo "- CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "- RAM: $(free -g | awk '/^Mem:/ {print $2}') GiB"
	echo "- $(go version)"
	local bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	echo "- PostgreSQL: $("${bin:-/usr/bin}/postgres" --version 2>/dev/null || echo unknown), same machine, fsync off (runtime/pgtest)"
	echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
	if [ -n "$base_rev" ]; then
		echo "- before/after: base $base_name against the $head_name"
	fi
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
machine | tee "$results/machine.md"
rm -f "$results/table.md" "$results/stream.md" "$results/gen.md" "$results/gen-queries-only.md"

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
	bin="$PWD/$results/bench.test"
	go test -c -o "$bin" .
	sides=(after)
	db_url=${CPCGEN_TEST_DATABASE_URL:-}
	if [ -n "$base_rev" ]; then
		base_short=$(git rev-parse --short "$base_rev")
		echo "== base $base_name: its bench module, runtime and generated code"
		base_dir=$(mktemp -d "${TMPDIR:-/tmp}/cpcgen-bench-base-XXXXXX")
		git -C "$(git rev-parse --show-toplevel)" archive "$base_rev" | tar -x -C "$base_dir"
		base_bin="$PWD/$results/bench-base.test"
		(cd "$base_dir/bench" && go test -c -o "$base_bin" .)
		raw_base="$results/ops-base-$stamp.txt"
		: >"$raw_base"
		sides=(before after)
		# One server for both binaries, so that the server side is the
		# same for both (each binary makes its own template database).
		if [ -z "$db_url" ]; then
			go build -o "$results/pgserver" ./cmd/pgserver
			"$results/pgserver" >"$results/pgserver.url" 2>"$results/pgserver.log" &
			server_pid=$!
			for _ in $(seq 1 240); do
				if [ -s "$results/pgserver.url" ] || ! kill -0 "$server_pid" 2>/dev/null; then
					break
				fi
				sleep 0.5
			done
			db_url=$(head -1 "$results/pgserver.url")
			rm -f "$results/pgserver" "$results/pgserver.url"
			if [ -z "$db_url" ]; then
				echo "run.sh: the shared PostgreSQL did not start:" >&2
				cat "$results/pgserver.log" >&2
				exit 1
			fi
		fi
		# The reference must be the same code on both sides for the two
		# ratios to compare like with like; say so when it is not.
		ref_diff=$(git diff --name-only "$base_rev" -- handpgx ':(exclude)handpgx/*_test.go' | tr '\n' ' ')
		pgx_base=$(git show "$base_rev:bench/go.mod" | awk '$1 == "github.com/jackc/pgx/v5" {print $2}')
		pgx_head=$(awk '$1 == "github.com/jackc/pgx/v5" {print $2}' go.mod)
		if [ -z "$ref_diff" ] && [ "$pgx_base" = "$pgx_head" ]; then
			ref_note="the same code before and after (bench/handpgx unchanged since $base_short, pgx $pgx_head)."
		else
			changes=${ref_diff:+changed: ${ref_diff% }}
			if [ "$pgx_base" != "$pgx_head" ]; then
				changes="${changes:+$changes; }pgx $pgx_base → $pgx_head"
			fi
			ref_note="**differs** between $base_short and the working tree ($changes): each side's ratios are to its own reference; the table of the reference on both sides shows how far apart the two are."
		fi
	fi
	# One process per pass, each running every benchmark once, instead
	# of -count N, which repeats each benchmark N times in a row: a busy
	# spell of the machine then spreads over all tools instead of falling
	# on one. BENCH_PASS rotates the order of the tools within a pass;
	# with BASE, the two binaries take turns first from pass to pass.
	for pass in $(seq 0 $((PASSES - 1))); do
		order=("${sides[@]}")
		if [ $((pass % 2)) = 1 ] && [ ${#sides[@]} = 2 ]; then
			order=(after before)
		fi
		for side in "${order[@]}"; do
			if [ "$side" = before ]; then
				echo "-- pass $((pass + 1)) of $PASSES: base $base_short"
				b=$base_bin out=$raw_base
			else
				echo "-- pass $((pass + 1)) of $PASSES${base_rev:+: working tree}"
				b=$bin out=$raw
			fi
			if ! CPCGEN_TEST_DATABASE_URL=$db_url BENCH_PASS=$pass "$b" -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1 \
				-test.benchtime "$BENCHTIME" -test.timeout 0 "${short[@]}" | tee -a "$out"; then
				# A benchmark that fails leaves its row out of the table,
				# not the run: the others are still summarized, and the
				# script exits with 1 at the end.
				failed+=("pass $((pass + 1)) ($(if [ "$side" = before ]; then echo "base $base_name"; else echo "working tree"; fi))")
			fi
		done
	done
	rm -f "$bin"
	cp "$raw" "$results/ops.txt"
	if [ -n "$base_rev" ]; then
		rm -f "$base_bin"
		cp "$raw_base" "$results/ops-base.txt"
		go run ./cmd/benchtable -before "$raw_base" -before-name "$base_name" -after-name "$head_name" \
			-ref "$ref_note" "$raw" >"$results/table.md"
	else
		go run ./cmd/benchtable "$raw" >"$results/table.md"
	fi
	if [ -z "${QUICK:-}" ]; then
		# benchstat, when it can be installed (the version the module proxy serves).
		if ! command -v benchstat >/dev/null 2>&1; then
			go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da >/dev/null 2>&1 ||
				go install golang.org/x/perf/cmd/benchstat@latest >/dev/null 2>&1 || true
		fi
		if command -v benchstat >/dev/null 2>&1; then
			benchstat -col /tool -row /op "$raw" >"$results/benchstat.txt" 2>&1 || benchstat "$raw" >"$results/benchstat.txt" 2>&1 || true
			if [ -n "$base_rev" ]; then
				benchstat -filter '/tool:cpcgen' before="$raw_base" after="$raw" >"$results/benchstat-base.txt" 2>&1 || true
			fi
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
	echo "== the same with methods: [] (the models and queries only, what sqlc generates): $SQLC_SIZES tables"
	if [ -n "$SQLC" ]; then
		sqlc_flags=(-sqlc "$SQLC" -sqlc-sizes "$SQLC_SIZES")
	fi
	go run ./gen -methods '[]' -sizes "$SQLC_SIZES" -build-sizes "$SQLC_SIZES" -runs "$RUNS" "${sqlc_flags[@]}" | tee "$results/gen-queries-only.md"
fi

echo
echo "== summary (bench/results/)"
cat "$results/machine.md"
for f in table.md stream.md gen.md gen-queries-only.md; do
	if [ -f "$results/$f" ]; then
		echo
		cat "$results/$f"
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo
	list=$(printf '%s, ' "${failed[@]}")
	echo "run.sh: benchmarks failed in ${list%, }: see their FAIL lines in bench/results/ops*.txt; the tables lack them" >&2
	exit 1
fi
