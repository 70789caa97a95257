#!/usr/bin/env bash
# Builds faultline and runs the whole test suite: a Release build, then the cluster check (a
# sweep on a real one-node Slurm cluster, scripts/cluster-test.sh, about 15 s), then the same
# tests under AddressSanitizer + UBSan, built with clang 14 (it builds this tree in about half
# GCC's time, which keeps .ci/run under 20 minutes). Installs missing Debian packages first.
# Exit 0 only if all pass. FAULTLINE_CLUSTER_TEST=0 skips the cluster check, FAULTLINE_SKIP_SANITIZERS=1 the
# sanitizers; FAULTLINE_K8S_VALIDATE=1 adds the Kubernetes manifest check
# (scripts/k8s-validate.sh: needs node >= 20 and the npm registry, so it is not on by default);
# the live tests (label live) run in the Release build, under the sanitizers with FAULTLINE_ASAN_LIVE=1.
set -euo pipefail
cd "$(dirname "$0")/.."
# promtool: tests/e2e/promtool_test.cpp reads metrics.om with it; clang for the sanitizer build.
scripts/deps.sh prometheus clang-14 libclang-rt-14-dev
jobs=$(nproc)
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DFAULTLINE_TEST_CXX_OPT=-O1 >/dev/null
cmake --build build/release -j "$jobs"
(cd build/release && ctest --output-on-failure -j "$jobs")
if [ "${FAULTLINE_CLUSTER_TEST:-1}" != 0 ]; then
  scripts/cluster-test.sh build/release/faultline
fi
if [ "${FAULTLINE_K8S_VALIDATE:-0}" = 1 ]; then
  scripts/k8s-validate.sh
fi
if [ "${FAULTLINE_SKIP_SANITIZERS:-0}" != 1 ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build/asan-clang -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DFAULTLINE_SANITIZE=ON -DFAULTLINE_TEST_CXX_OPT=-O0 >/dev/null
  cmake --build build/asan-clang -j "$jobs"
  # The live tests (label `live`: real sockets, wall-clock tolerances) run in the Release build
  # only: instrumented code on two shared cores misses their timing tolerances, not their logic.
  # FAULTLINE_ASAN_LIVE=1 runs them here too.
  live_filter=(-LE live)
  [ "${FAULTLINE_ASAN_LIVE:-0}" = 1 ] && live_filter=()
  # Five tests repeat, many times over, runs that other tests here already make (a whole
  # explore with shrinking, sweeps killed and resumed, 30 sweep points for a confidence
  # interval) and one builds a 10,000-breaker file: 109 s of test time; the sanitizer run
  # took 145 s on two cores with them. They run in the Release build above; FAULTLINE_ASAN_ALL=1
  # runs them here too.
  heavy='^(ExploreCli\.BundledRaceIsFoundShrunkAndReproducedAndTheFixSurvives|SweepTest\.(KilledMidwayThenResumedMatchesAnUninterruptedSweep|SigintStopsCleanlyWithExit130AndTheSweepResumes|ConfidenceIntervalsCoverTheMm1MeanResponseTime)|RunBudgetTest\.PerSecondRecordsOfBreakers)$'
  heavy_filter=(-E "$heavy")
  [ "${FAULTLINE_ASAN_ALL:-0}" = 1 ] && heavy_filter=()
  (cd build/asan-clang && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$jobs" "${live_filter[@]}" "${heavy_filter[@]}")
fi
