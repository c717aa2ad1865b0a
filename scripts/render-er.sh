#!/usr/bin/env bash
# Render the Mermaid ER diagrams of a cpcgen project's docs page to PNG,
# to look at them outside a Markdown viewer. Not part of go test.
#
#   scripts/render-er.sh [project-dir] [out-dir]
#
# project-dir defaults to examples/finance when it has a cpcgen.yaml, else
# testdata/golden/realistic; out-dir defaults to ./er-png. It runs
# `cpcgen docs` into a temporary directory, then renders every ```mermaid
# block of the page with @mermaid-js/mermaid-cli under headless Chromium:
# <out-dir>/<package>-1.png, -2.png, … in page order.
#
# Needs node and npm, and Chromium (Debian: apt-get install chromium; or
# set CHROMIUM to a Chrome binary). mermaid-cli is installed once into
# ${CPCGEN_TOOLS:-$HOME/.cache/cpcgen/tools}, without the browser
# Puppeteer would download.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
project="${1:-}"
if [ -z "$project" ]; then
	if [ -f "$repo/examples/finance/cpcgen.yaml" ]; then
		project="$repo/examples/finance"
	else
		project="$repo/testdata/golden/realistic"
	fi
fi
out="${2:-er-png}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [ -z "$chromium" ]; then
	echo "render-er: no Chromium found; apt-get install chromium, or set CHROMIUM" >&2
	exit 2
fi
command -v npm >/dev/null || { echo "render-er: npm not found; install Node.js" >&2; exit 2; }

tools="${CPCGEN_TOOLS:-$HOME/.cache/cpcgen/tools}"
mmdc="$tools/node_modules/.bin/mmdc"
if [ ! -x "$mmdc" ]; then
	echo "== installing @mermaid-js/mermaid-cli into $tools"
	mkdir -p "$tools"
	(cd "$tools" && PUPPETEER_SKIP_DOWNLOAD=true npm install --no-audit --no-fund --silent @mermaid-js/mermaid-cli@11)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/puppeteer.json" <<EOF
{
  "executablePath": "$chromium",
  "args": ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
           "--disable-background-networking", "--disable-extensions", "--no-first-run"]
}
EOF

echo "== cpcgen docs for $project"
# docs writes inside the project; work on a copy, so the project stays
# untouched.
cp -r "$project" "$work/project"
(cd "$repo" && go run ./cmd/cpcgen -C "$work/project" docs --out page >/dev/null)
page="$(ls "$work"/project/page/*.md | head -n 1)"
name="$(basename "$page" .md)"

echo "== rendering the diagrams of $(basename "$page")"
(cd "$work" && "$mmdc" -p puppeteer.json -i "$page" -o "$work/$name.md" -e png -w 1400 -s 2 -b white -q)
n=0
for png in "$work/$name"-*.png; do
	cp "$png" "$out/"
	n=$((n + 1))
done
echo "== $n diagram(s) in $out:"
ls -1 "$out/$name"-*.png
