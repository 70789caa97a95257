#!/usr/bin/env bash
# Runs a fuzz target for a bounded time (default 600 s) on one core: loader_fuzzer (default),
# seeded with every experiment file of the repository, or data_file_fuzzer, seeded with the
# samples and histogram files. New crash/timeout/oom inputs land in build/fuzz/findings/.
#
#   tests/fuzz/build.sh && tests/fuzz/run.sh          # loader_fuzzer, 10 minutes
#   tests/fuzz/run.sh 60                              # 1 minute
#   tests/fuzz/run.sh 600 data_file_fuzzer            # the data files' target
#   tests/fuzz/run.sh 600 loader_fuzzer -seed=1       # extra arguments go to libFuzzer
#
# A finding, once minimized (loader_fuzzer -minimize_crash=1 -runs=10000 FILE) and fixed, is
# kept in tests/fuzz/corpus/ under a name saying what it found; experiments_tests replays them.
# Exit status: libFuzzer's (0 when the time ran out with nothing found).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD_DIR:-$root/build/fuzz}
seconds=${1:-600}
target=${2:-loader_fuzzer}
shift $(( $# < 2 ? $# : 2 ))
fuzzer="$out/$target"
[[ -x "$fuzzer" ]] || { echo "no $fuzzer: run tests/fuzz/build.sh first" >&2; exit 2; }

seeds="$out/$target-seeds"
work="$out/$target-corpus"   # what libFuzzer grows; kept between runs
findings="$out/findings"
mkdir -p "$seeds" "$work" "$findings"
if [[ "$target" == loader_fuzzer ]]; then
  # The target reads its first line as a --set argument, so each seed gets an empty first line
  # (no override) and a copy with a real override, as a starting point for mutations.
  for f in "$root"/experiments/*.json "$root"/tests/experiments/data/*.json \
           "$root"/tests/fuzz/corpus/*; do
    [[ -f "$f" ]] || continue
    [[ "$(basename "$f")" == schema.json ]] && continue  # a JSON Schema, not an experiment
    name=$(basename "$f")
    if [[ "$f" == "$root"/tests/fuzz/corpus/* ]]; then
      cp "$f" "$seeds/finding-$name"                       # already in the target's format
    else
      { printf '\n'; cat "$f"; } >"$seeds/$name"
      { printf 'seed=7\n'; cat "$f"; } >"$seeds/set-seed-$name"
    fi
  done
  dict=(-dict="$root/tests/fuzz/experiment.dict")
else
  cp "$root"/experiments/data/* "$root"/tests/experiments/data/*.csv "$seeds/"
  dict=()
fi

# -max_len: the 16 MiB file limit is tested directly (tests/experiments); the fuzzer explores
# structure, for which 64 KiB is plenty. -timeout: one input (load plus 3 virtual seconds)
# must finish in 30 s even under the sanitizers. -rss_limit_mb: far above any accepted run.
# With -jobs libFuzzer runs the fuzzing in a child whose output goes to fuzz-0.log in the
# current folder: one folder per target.
mkdir -p "$out/$target-log"
cd "$out/$target-log"
exec "$fuzzer" "$work" "$seeds" \
  -max_total_time="$seconds" \
  -max_len=65536 \
  -timeout=30 \
  -rss_limit_mb=2560 \
  -malloc_limit_mb=2048 \
  -jobs=1 -workers=1 \
  "${dict[@]}" \
  -artifact_prefix="$findings/" \
  -print_final_stats=1 \
  "$@" </dev/null
