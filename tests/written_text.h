// For tests of code that writes to a std::FILE* (progress lines): everything written to a
// std::tmpfile() so far, read back; the stream stays open, positioned at its end.
//
//   std::FILE* f = std::tmpfile();  line.show("x");  EXPECT_EQ(written_text(f), "\rx");
#pragma once

#include <cstdio>
#include <string>

namespace faultline::test_support {

inline std::string written_text(std::FILE* f) {
  const long size = std::ftell(f);
  if (size <= 0) return "";
  std::rewind(f);
  std::string text(static_cast<std::size_t>(size), '\0');
  text.resize(std::fread(text.data(), 1, text.size(), f));
  std::fseek(f, 0, SEEK_END);
  return text;
}

}  // namespace faultline::test_support
