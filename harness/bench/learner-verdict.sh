#!/usr/bin/env bash
# Times what a learner waits for: `npm test` from start to exit, with nothing started and with
# one exercise solved (its reference solution laid over the workspace), N runs each, median.
# It works on a throw-away clone of HEAD (node_modules linked), so the checkout is not touched.
# Usage: bash harness/bench/learner-verdict.sh [N] [exercise...]
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
runs=${1:-3}
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
git clone -q "$repo" "$work/clone"
ln -s "$repo/node_modules" "$work/clone/node_modules"
# The clone keeps the relative path to ../shared that the course layout expects.
[ -e "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
cd "$work/clone"
mapfile -t all < <(ls exercises)
only=("$@")
[ ${#only[@]} -eq 0 ] && only=("${all[@]}")

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

time_npm_test() {
  local start end
  start=$(date +%s.%N)
  npm test >"$work/last.log" 2>&1 || true
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f", e - s}'
}

# The grading itself (the learner's verdict is printed when it ends), from the report it wrote.
graded_seconds() {
  [ -f "reports/$1.json" ] || { echo "-"; return; }
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log((r.durationMs / 1000).toFixed(1) + " s, " + r.score + "/" + r.maxScore)' "reports/$1.json"
}

measure() {
  local label=$1 id=${2:-} times=() t i
  for ((i = 1; i <= runs; i++)); do
    rm -f reports/*.json
    t=$(time_npm_test)
    times+=("$t")
    printf '%s run %d: npm test %s s; grading %s\n' "$label" "$i" "$t" "$(graded_seconds "$id")" >&2
  done
  printf '%-22s npm test median %s s  runs %s\n' "$label" "$(median "${times[@]}")" "${times[*]}"
}

measure "nothing started"
for id in "${only[@]}"; do
  cp -r "exercises/$id/solution/." "exercises/$id/workspace/"
  measure "$id" "$id"
  git checkout -q -- "exercises/$id/workspace" && git clean -fdq "exercises/$id/workspace"
done
