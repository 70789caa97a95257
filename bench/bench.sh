#!/usr/bin/env bash
# bench/bench.sh: builds faultline and the reference programs in Release, then prints issue 8's
# table — M/M/1 and M/M/8 (rho 0.8) four ways (faultline, a minimal C++ loop, SimGrid, SimPy),
# the guide topology at 1,000 rps for 1 and 24 virtual hours, a 32-point sweep with
# --jobs 1 and 2, and explore's schedules per second on the guide topology (bench/explore_bench). Every queueing row is checked against theory before it is timed.
#
#   bench/bench.sh                 # the full table (about 10 minutes on 2 cores)
#   RUNS=1 CUSTOMERS=200000 GUIDE_LONG_S=7200 bench/bench.sh    # a quick look
#
# Installs what it needs (Debian packages) when missing. Not part of CI: timings only.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}                          # timed runs per row; the median is reported
CUSTOMERS=${CUSTOMERS:-2000000}          # M/M/c customers (faultline, minimal loop, SimGrid)
SIMPY_CUSTOMERS=${SIMPY_CUSTOMERS:-200000}
GUIDE_LONG_S=${GUIDE_LONG_S:-86400}      # the long guide run (24 virtual hours)
BUILD=${BUILD_DIR:-build/bench}
PY=/usr/bin/python3                      # Debian's python3-simpy serves this interpreter only

scripts/deps.sh libbenchmark-dev libsimgrid-dev python3-simpy time python3
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFAULTLINE_BUILD_BENCH=ON >/dev/null
cmake --build "$BUILD" --target faultline minimal_loop simgrid_mmc >/dev/null

FL="$BUILD/faultline"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# json FILE EXPR: prints a value of a JSON file (EXPR in Python, the document is `d`).
json() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# timed OUT CMD...: runs CMD with stdout to OUT; sets WALL (s, from the clock: /usr/bin/time's
# %e has 10 ms steps), CPU (user + system s) and RSS (peak resident KiB, from /usr/bin/time).
# Exit status 1 (a check failed, or no sweep point met its constraints) still is a whole run.
timed() {
  local out=$1 rc=0 start end; shift
  start=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o "$TMP/time" "$@" >"$out" 2>"$TMP/stderr" || rc=$?
  end=$(date +%s%N)
  if [ $rc -gt 1 ]; then cat "$TMP/stderr" >&2; return 1; fi
  WALL=$("$PY" -c "print(($end - $start) / 1e9)")
  read -r RSS user sys < <(tail -n 1 "$TMP/time")
  CPU=$("$PY" -c "print($user + $sys)")
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
kv() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$2"; }  # kv KEY FILE: a key=value field

# Each contender: run_<tool> SERVERS SERVICE_MS OUT sets CUST (customers served) and MEAN (ms).
run_faultline() {
  local file rate
  if [ "$1" = 1 ]; then file=experiments/mm1.json; rate=800; else file=experiments/mmc.json; rate=640; fi
  timed "$3" "$FL" run "$file" --set duration_s=$((CUSTOMERS / rate)) --out "$TMP/fl" --quiet
  local s="$TMP/fl/$(basename "$file" .json)/summary.json"
  CUST=$(json "$s" "d['requests']['total'] + d['requests']['unfinished'] - d['requests']['unanswered']")
  MEAN=$(json "$s" "d['latency_ms']['mean']")
}
run_minimal() {
  timed "$3" "$BUILD/bench/minimal_loop" --servers "$1" --service-ms "$2" --customers "$CUSTOMERS"
  CUST=$(kv customers "$3"); MEAN=$(kv mean_ms "$3")
}
run_simgrid() {
  timed "$3" "$BUILD/bench/simgrid_mmc" --servers "$1" --service-ms "$2" --customers "$CUSTOMERS" \
    --cfg=contexts/factory:raw
  CUST=$(kv customers "$3"); MEAN=$(kv mean_ms "$3")
}
run_simpy() {
  timed "$3" "$PY" bench/simpy_mmc.py --servers "$1" --service-ms "$2" --customers "$SIMPY_CUSTOMERS"
  CUST=$(kv customers "$3"); MEAN=$(kv mean_ms "$3")
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "faultline $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $RUNS timed runs per row (median), wall = whole process"
echo

for model in "1 1" "8 10"; do
  set -- $model
  servers=$1; service=$2
  theory=$("$PY" -c "
c, rho, s = $servers, 0.8, $service
a = c * rho; term, tot = 1.0, 0.0
for k in range(c): tot += term; term *= a / (k + 1)
print(s + term / ((1 - rho) * tot + term) * s / (c * (1 - rho)))")
  printf 'M/M/%s, rho 0.8, mean service %s ms: theory mean response %.3f ms\n' "$servers" "$service" "$theory"
  printf '%-10s %10s %8s %12s %8s %7s %8s %9s %8s %8s\n' tool customers "wall s" customers/s "vs fl" "cpu s" "cpu/fl" "RSS MiB" "mean ms" "vs th."
  fl_per=0; fl_cpu_per=0
  for tool in faultline minimal simgrid simpy; do
    # The check run: the mean response must match theory before anything is timed (a looser
    # bound for SimPy, whose shorter run has a wider confidence interval at rho 0.8).
    tol=3; [ $tool = simpy ] && tol=8
    run_$tool "$servers" "$service" "$TMP/out"
    dev=$("$PY" -c "print(100 * ($MEAN / $theory - 1))")
    if ! "$PY" -c "import sys; sys.exit(abs($dev) > $tol)"; then
      printf '%-10s mean response %s ms is %+.2f%% off theory (limit %s%%): not timed\n' $tool "$MEAN" "$dev" $tol
      continue
    fi
    walls=(); rsss=(); cpus=()
    for _ in $(seq "$RUNS"); do
      run_$tool "$servers" "$service" "$TMP/out"
      walls+=("$WALL"); rsss+=("$RSS"); cpus+=("$CPU")
    done
    wall=$(median "${walls[@]}"); rss=$(median "${rsss[@]}"); cpu=$(median "${cpus[@]}")
    per=$("$PY" -c "print($wall / $CUST)"); cpu_per=$("$PY" -c "print($cpu / $CUST)")
    [ $tool = faultline ] && fl_per=$per && fl_cpu_per=$cpu_per
    "$PY" -c "
wall, cpu, cust, rss, mean, dev = $wall, $cpu, $CUST, $rss, $MEAN, $dev
per, fl, cpu_per, fl_cpu = $per, $fl_per, $cpu_per, $fl_cpu_per
print('%-10s %10d %8.2f %12.0f %7.2fx %7.2f %7.2fx %9.1f %8.3f %+7.2f%%' % (
    '$tool', cust, wall, cust / wall, per / fl if fl else 0, cpu, cpu_per / fl_cpu if fl_cpu else 0,
    rss / 1024, mean, dev))"
  done
  echo
done

echo "guide topology (bench/experiments/guide-1000rps.json: API, OpenAI, Postgres, breakers, coalescing, retries, degradation) at 1,000 rps"
printf '%-12s %12s %9s %14s %14s %9s\n' "virtual" requests "wall s" "sim. req/s" "(in-loop)" "RSS MiB"
declare -A guide_rss
for dur in 3600 "$GUIDE_LONG_S"; do
  runs=$RUNS; [ "$dur" -gt 3600 ] && runs=1
  walls=(); rsss=(); loops=()
  for _ in $(seq "$runs"); do
    timed "$TMP/out" "$FL" run bench/experiments/guide-1000rps.json --set duration_s="$dur" --out "$TMP/guide" --quiet
    walls+=("$WALL"); rsss+=("$RSS")
    loops+=("$(json "$TMP/guide/guide-1000rps/run.json" "d['simulated_requests_per_second']")")
  done
  reqs=$(json "$TMP/guide/guide-1000rps/summary.json" "d['requests']['total'] + d['requests']['unfinished']")
  wall=$(median "${walls[@]}"); rss=$(median "${rsss[@]}"); loop=$(median "${loops[@]}")
  guide_rss[$dur]=$rss
  "$PY" -c "print('%-12s %12d %9.2f %14.0f %14.0f %9.1f' % ('%.0f h' % ($dur / 3600), $reqs, $wall, $reqs / $wall, $loop, $rss / 1024))"
done
echo "  sim. req/s: requests / process wall time; (in-loop): run.json's figure, simulation only"
# Issue 9: memory stays flat over a long run. Fails the benchmark (exit 1 at the end) when the
# long run's peak RSS is 10% or more above the 1 h run's.
growth=$("$PY" -c "print('%.1f' % (100.0 * ${guide_rss[$GUIDE_LONG_S]} / ${guide_rss[3600]} - 100))")
if "$PY" -c "import sys; sys.exit(0 if ${guide_rss[$GUIDE_LONG_S]} < 1.10 * ${guide_rss[3600]} else 1)"; then
  echo "  peak RSS $((GUIDE_LONG_S / 3600)) h vs 1 h: ${growth}% (limit +10%): flat"
else
  echo "  peak RSS $((GUIDE_LONG_S / 3600)) h vs 1 h: ${growth}% (limit +10%): NOT FLAT"
  status=1
fi
echo

echo "sweep: bench/experiments/sweep-32.json (32 points, guide topology, 600 virtual s each)"
usage=$("$FL" 2>&1 || true)
if grep -q '^  sweep' <<<"$usage"; then
  declare -A sweep_wall
  for jobs in 1 2; do
    walls=()
    for _ in $(seq "$RUNS"); do
      rm -rf "$TMP/sweep$jobs"
      timed "$TMP/out" "$FL" sweep bench/experiments/sweep-32.json --jobs $jobs --out "$TMP/sweep$jobs"
      walls+=("$WALL")
    done
    sweep_wall[$jobs]=$(median "${walls[@]}")
    printf '  --jobs %s: %.2f s\n' $jobs "${sweep_wall[$jobs]}"
  done
  "$PY" -c "print('  speed-up: %.2fx on $(nproc) cores' % (${sweep_wall[1]} / ${sweep_wall[2]}))"
else
  echo "  faultline has no sweep command in this build: skipped"
fi
echo

echo "explore: schedules per second, experiments/explore/db-recovery-race.json (guide topology)"
cmake --build "$BUILD" --target explore_bench >/dev/null
# One row per --jobs: the median of RUNS repetitions (the row itself when RUNS is 1).
"$BUILD/bench/explore_bench" --benchmark_repetitions="$RUNS" --benchmark_display_aggregates_only=true \
    --benchmark_format=console 2>/dev/null | grep -E '/real_time(_median)? ' |
  sed -E 's/.*jobs:([0-9]+).*items_per_second=([0-9.]+[kM]?)\/s.*/  --jobs \1: \2 schedules\/s/'
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "${status:-0}"
