# Cross-compiles faultline for arm64 (aarch64) Linux with Debian's g++-aarch64-linux-gnu, against
# the arm64 -dev packages installed through multiarch (dpkg --add-architecture arm64): their
# libraries and CMake package files live in /usr/lib/aarch64-linux-gnu, the headers they share
# with the native packages in /usr/include. scripts/cross-check.sh uses it:
#   cmake -S . -B build/aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
# The binary runs under qemu-user: qemu-aarch64 -L /usr/aarch64-linux-gnu build/aarch64/faultline
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# The multiarch directory: find_library and find_package look in /usr/lib/aarch64-linux-gnu
# (never in x86_64-linux-gnu, whose libraries would not link).
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Programs (ninja, the generators) are the build machine's; nothing is searched in a sysroot.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# Run-time checks of try_run cannot run natively; qemu can.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
