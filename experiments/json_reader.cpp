#include "experiments/json_reader.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

#include "experiments/limits.h"

namespace faultline::experiments {

using nlohmann::json;

TextPosition text_position(std::string_view text, std::size_t offset) {
  TextPosition pos;
  const std::size_t end = std::min(offset, text.size());
  for (std::size_t i = 0; i < end; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++pos.line;
      pos.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // continuation bytes belong to the previous character
      ++pos.column;
    }
  }
  return pos;
}

std::optional<std::size_t> find_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;  // a continuation byte, an overlong lead (C0, C1) or F5-FF
    }
    if (s.size() - i < len) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return i;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return i;
    i += len;
  }
  return std::nullopt;
}

namespace {

// The offset of the bracket that opens level max_depth + 1, outside strings. Run before the
// parser so that no deep document is ever built (or destroyed, or dumped, recursively).
std::optional<std::size_t> find_excess_nesting(std::string_view s, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// Follows the parser's events to know where it is, and records keys written twice in one
// object: nlohmann::json would silently keep the last one, hiding a likely mistake.
class DuplicateKeyFinder {
 public:
  bool on_event(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        frames_.push_back(Frame{false, 0, {}, {}});
        break;
      case json::parse_event_t::array_start:
        frames_.push_back(Frame{true, 0, {}, {}});
        break;
      case json::parse_event_t::key:
        if (!frames_.empty() && parsed.is_string()) {
          Frame& top = frames_.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second) duplicates_.push_back(pointer());
        }
        break;
      case json::parse_event_t::value:
        child_done();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        child_done();
        break;
    }
    return true;
  }
  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  struct Frame {
    bool array;
    std::size_t index;
    std::string key;
    std::set<std::string> keys;
  };
  void child_done() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }
  std::string pointer() const {
    std::string p;
    for (const Frame& f : frames_)
      p = f.array ? pointer_append(p, f.index) : pointer_append(p, f.key);
    return p;
  }
  std::vector<Frame> frames_;
  std::vector<std::string> duplicates_;
};

// nlohmann's what() is "[json.exception.parse_error.101] parse error at line 3, column 5:
// syntax error while parsing ..."; keep the part after the position (ours replaces it).
std::string parse_error_message(const char* what) {
  std::string_view m(what);
  if (const auto p = m.find("column "); p != std::string_view::npos) {
    if (const auto colon = m.find(": ", p); colon != std::string_view::npos)
      m.remove_prefix(colon + 2);
  }
  constexpr std::string_view kSyntax = "syntax error ";
  if (m.substr(0, kSyntax.size()) == kSyntax) m.remove_prefix(kSyntax.size());
  return "syntax error: " + std::string(m);
}

Diagnostic at(const std::string& file, std::string_view text, std::size_t offset,
              std::string message) {
  const TextPosition pos = text_position(text, offset);
  return Diagnostic{file, "", pos.line, pos.column, std::move(message)};
}

}  // namespace

JsonText parse_json_text(std::string_view text, const std::string& file_label) {
  JsonText out;
  auto fail = [&](Diagnostic d) {
    out.diagnostics.push_back(std::move(d));
    return std::move(out);
  };
  if (text.size() > kMaxFileBytes) {
    return fail(
        {file_label, "", 0, 0,
         fmt::format("file is {} bytes; the limit is {} (16 MiB)", text.size(), kMaxFileBytes)});
  }
  const auto starts_with = [&](std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
  };
  if (starts_with("\xFF\xFE") || starts_with("\xFE\xFF") ||
      starts_with(std::string_view("\0\0\xFE\xFF", 4))) {
    return fail({file_label, "", 1, 1, "file is UTF-16 or UTF-32 encoded; save it as UTF-8"});
  }
  if (starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a UTF-8 BOM: editors on Windows add it
  if (const auto bad = find_invalid_utf8(text)) {
    return fail(at(file_label, text, *bad,
                   fmt::format("byte 0x{:02X} is not valid UTF-8; save the file as UTF-8",
                               static_cast<unsigned char>(text[*bad]))));
  }
  if (const auto deep = find_excess_nesting(text, kMaxDepth)) {
    return fail(
        at(file_label, text, *deep, fmt::format("nesting deeper than {} levels", kMaxDepth)));
  }
  DuplicateKeyFinder finder;
  try {
    json::parser_callback_t callback = [&finder](int, json::parse_event_t event, json& parsed) {
      return finder.on_event(event, parsed);
    };
    json doc = json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                           /*ignore_comments=*/false);
    for (const std::string& p : finder.duplicates()) {
      out.diagnostics.push_back(
          {file_label, p, 0, 0, "duplicate key (the earlier value would be lost)"});
    }
    if (out.diagnostics.empty()) out.doc = std::move(doc);
  } catch (const json::parse_error& e) {
    // e.byte counts from 1 and points at the last character read, past the end at end of input.
    const std::size_t offset = e.byte > 0 ? static_cast<std::size_t>(e.byte - 1) : 0;
    return fail(at(file_label, text, offset, parse_error_message(e.what())));
  } catch (const json::out_of_range& e) {
    // "number overflow parsing '1e400'": no offset given, so find the literal in the text.
    const std::string_view what(e.what());
    const auto open = what.find('\'');
    const auto close = what.rfind('\'');
    if (open != std::string_view::npos && close > open + 1) {
      const std::string_view literal = what.substr(open + 1, close - open - 1);
      if (const auto offset = text.find(literal); offset != std::string_view::npos) {
        return fail(at(file_label, text, offset,
                       fmt::format("number {} is too large for a double", literal)));
      }
    }
    return fail({file_label, "", 0, 0, std::string("cannot parse: ") + e.what()});
  } catch (const std::exception& e) {
    return fail({file_label, "", 0, 0, std::string("cannot parse: ") + e.what()});
  }
  return out;
}

std::optional<std::string> read_file(const std::string& path, std::size_t max_bytes,
                                     std::string& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return "cannot read: it is a directory";
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return fmt::format("cannot open: {}", std::strerror(errno != 0 ? errno : ENOENT));
  out.clear();
  char buffer[1 << 16];
  while (true) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f.get());
    if (n > 0) {
      if (out.size() + n > max_bytes) {
        return fmt::format("file is larger than {} bytes ({} MiB)", max_bytes, max_bytes >> 20);
      }
      out.append(buffer, n);
    }
    if (n < sizeof buffer) {
      if (std::ferror(f.get()))
        return fmt::format("cannot read: {}", std::strerror(errno != 0 ? errno : EIO));
      break;
    }
  }
  return std::nullopt;
}

}  // namespace faultline::experiments
