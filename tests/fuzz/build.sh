#!/usr/bin/env bash
# Builds the fuzz targets of tests/fuzz/ (loader_fuzzer: experiment text and --set; data_file_fuzzer:
# samples and Prometheus histogram files): the project's libraries compiled by clang with
# libFuzzer's coverage and ASan+UBSan (in their own build folder, so the normal GCC build is
# untouched), then each target linked with -fsanitize=fuzzer.
#
#   tests/fuzz/build.sh                 # -> build/fuzz/loader_fuzzer, build/fuzz/data_file_fuzzer
#   FUZZ_BUILD_DIR=/tmp/f JOBS=1 tests/fuzz/build.sh
#
# Asserts stay on (no NDEBUG): a broken invariant is a finding too.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD_DIR:-$root/build/fuzz}
jobs=${JOBS:-2}
cxx=${CXX_FUZZ:-clang++}

sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# -O1 keeps the sanitizers' reports readable and the target fast enough; -g names the lines.
common="-O1 -g $sanitize"

# A build type of our own so that CMake adds no -DNDEBUG.
cmake -S "$root" -B "$out" -G Ninja \
  -DCMAKE_BUILD_TYPE=Fuzz \
  -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$common -fsanitize=fuzzer-no-link" \
  -DFAULTLINE_BUILD_TESTS=OFF >"$out.cmake.log" 2>&1 || { cat "$out.cmake.log"; exit 1; }
cmake --build "$out" --target faultline_experiments -j "$jobs"

libs=(faultline_experiments faultline_faults faultline_sim faultline_resilience)
lib_paths=()
for l in "${libs[@]}"; do lib_paths+=("$out/lib$l.a"); done

for target in loader_fuzzer data_file_fuzzer; do
  echo "linking $out/$target"
  "$cxx" -std=c++20 $common -fsanitize=fuzzer \
    -DFAULTLINE_SOURCE_DIR="\"$root\"" -I "$root" \
    "$root/tests/fuzz/$target.cpp" "${lib_paths[@]}" \
    -lfmt -pthread -o "$out/$target"
done
echo "built $out/loader_fuzzer $out/data_file_fuzzer"
