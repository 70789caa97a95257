#include "monitoring/terminal.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace faultline::monitoring {

namespace {

bool set_and_not_empty(const char* value) { return value != nullptr && value[0] != '\0'; }

const char* code_of(Colour colour) {
  switch (colour) {
    case Colour::kRed:
      return "\x1b[31m";
    case Colour::kGreen:
      return "\x1b[32m";
    case Colour::kYellow:
      return "\x1b[33m";
    case Colour::kBlue:
      return "\x1b[34m";
    case Colour::kGrey:
      return "\x1b[90m";
    case Colour::kBold:
      return "\x1b[1m";
  }
  return "";
}

}  // namespace

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

bool is_terminal(OutputStream stream) {
  return stream == OutputStream::kStdout ? stdout_is_terminal() : stderr_is_terminal();
}

bool colour_decision(bool is_tty, const char* no_color, const char* force_color, const char* term) {
  if (set_and_not_empty(no_color)) return false;
  if (set_and_not_empty(force_color)) {
    return std::strcmp(force_color, "0") != 0 && std::strcmp(force_color, "false") != 0;
  }
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return is_tty;
}

bool use_colour(OutputStream stream) {
  return colour_decision(is_terminal(stream), std::getenv("NO_COLOR"), std::getenv("FORCE_COLOR"),
                         std::getenv("TERM"));
}

std::string paint(std::string_view text, Colour colour, bool enabled) {
  if (!enabled) return std::string(text);
  std::string out = code_of(colour);
  out += text;
  out += "\x1b[0m";
  return out;
}

}  // namespace faultline::monitoring
