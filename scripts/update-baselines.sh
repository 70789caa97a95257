#!/usr/bin/env bash
# Regenerates results/baselines/<name>.json: the summary.json of every bundled experiment
# (experiments/*.json without a "sweep" block), which tests/e2e/experiments_test.cpp compares
# byte for byte. Run it after an intended change of behaviour, review `git diff`, commit.
# Usage: scripts/update-baselines.sh [FAULTLINE_BINARY]   (default: builds build/release/faultline)
# Exit: 0 baselines written; 1 an experiment failed its checks (nothing is written).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ge 1 ]; then
  bin=$1
else
  scripts/deps.sh
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/release --target faultline >/dev/null
  bin=build/release/faultline
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/baselines"
for file in experiments/*.json; do
  # Experiments only: the JSON Schema has no top-level "endpoints" list, sweeps are run by
  # `faultline sweep` and have no single summary.
  grep -q '"endpoints"[[:space:]]*:[[:space:]]*\[' "$file" || continue
  grep -q '"sweep"[[:space:]]*:' "$file" && continue
  out="$work/run-$(basename "$file" .json)"
  if ! "$bin" run "$file" --quiet --out "$out"; then
    echo "update-baselines: $file does not pass; a bundled experiment must (nothing written)" >&2
    exit 1
  fi
  for summary in "$out"/*/summary.json; do
    cp "$summary" "$work/baselines/$(basename "$(dirname "$summary")").json"
  done
done
# Replace the whole folder so that a renamed or removed experiment leaves no stale baseline.
rm -f results/baselines/*.json
cp "$work"/baselines/*.json results/baselines/
echo "update-baselines: $(ls "$work/baselines" | wc -l) baselines in results/baselines/"
