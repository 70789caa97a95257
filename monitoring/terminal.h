// Terminal detection and ANSI colour for the console outputs (report, verdict lines, progress).
//
//   bool colour = use_colour(OutputStream::kStdout);
//   fmt::print("{}\n", paint("PASS", Colour::kGreen, colour));
//
// Colour follows the common conventions: NO_COLOR (any non-empty value, no-color.org) turns it
// off; FORCE_COLOR turns it on even when the stream is not a terminal, except "0" or "false",
// which turn it off (as in Node.js); otherwise colour is used iff the stream is a terminal and
// TERM is not "dumb". NO_COLOR wins. Thread-safe (reads the environment and isatty only).
#pragma once

#include <string>
#include <string_view>

namespace faultline::monitoring {

enum class OutputStream { kStdout, kStderr };

// Returns true iff the stream is attached to a terminal (isatty).
bool stdout_is_terminal();
bool stderr_is_terminal();
bool is_terminal(OutputStream stream);

// The decision rule alone, for tests: the environment values are null when unset.
bool colour_decision(bool is_tty, const char* no_color, const char* force_color, const char* term);

// Whether to write ANSI colour to `stream`, from the environment and isatty.
bool use_colour(OutputStream stream);

enum class Colour { kRed, kGreen, kYellow, kBlue, kGrey, kBold };

// Wraps `text` in the colour's ANSI escape and a reset when `enabled`; returns it unchanged
// otherwise, so callers never branch on colour themselves.
std::string paint(std::string_view text, Colour colour, bool enabled);

}  // namespace faultline::monitoring
