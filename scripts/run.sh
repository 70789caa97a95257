#!/usr/bin/env bash
# Builds faultline (Release) and runs every bundled experiment, one verdict line each.
# Installs missing Debian packages first. Results go to results/<name>/.
# Exit: 0 all passed, 1 a check failed, 2 bad input.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$(nproc)" --target faultline
# Every experiment file (schema.json describes the format; it is not an experiment).
files=()
for f in experiments/*.json; do
  [ "$(basename "$f")" = schema.json ] || files+=("$f")
done
exec build/release/faultline run "${files[@]}" --quiet "$@"
