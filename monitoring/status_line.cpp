#include "monitoring/status_line.h"

#include <algorithm>
#include <string>

namespace faultline::monitoring {

std::size_t terminal_columns(std::string_view text) {
  // Continuation bytes of a UTF-8 sequence are 10xxxxxx.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void StatusLine::show(std::string_view text) {
  const std::size_t columns = terminal_columns(text);
  std::string line = "\r";
  line += text;
  if (columns < columns_) line.append(columns_ - columns, ' ');
  columns_ = std::max(columns_, columns);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

void StatusLine::clear() {
  if (columns_ == 0) return;
  std::string blank = "\r";
  blank.append(columns_, ' ');
  blank += '\r';
  std::fwrite(blank.data(), 1, blank.size(), out_);
  std::fflush(out_);
  columns_ = 0;
}

}  // namespace faultline::monitoring
