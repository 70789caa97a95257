// faultline: the command-line entry point.
#include <cstdio>

int main(int argc, char** argv) {
  std::puts("faultline 0.1.0");
  return 0;
}
