#include "monitoring/promql_lexer.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

namespace faultline::monitoring::promql {

namespace {

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool is_ident(char c) { return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The unit of a duration part at text[i]; its length in *len, 0 when none.
std::int64_t unit_millis(std::string_view text, std::size_t i, std::size_t* len) {
  *len = 0;
  if (i >= text.size()) return 0;
  if (text.substr(i, 2) == "ms") {
    *len = 2;
    return 1;
  }
  switch (text[i]) {
    case 's': *len = 1; return 1000;
    case 'm': *len = 1; return 60'000;
    case 'h': *len = 1; return 3'600'000;
    case 'd': *len = 1; return 86'400'000;
    case 'w': *len = 1; return 7 * 86'400'000LL;
    case 'y': *len = 1; return 365 * 86'400'000LL;
    default: return 0;
  }
}

}  // namespace

bool parse_prometheus_duration(std::string_view text, std::int64_t* millis) {
  std::size_t i = 0;
  std::int64_t total = 0;
  if (text.empty()) return false;
  while (i < text.size()) {
    if (!is_digit(text[i])) return false;
    std::int64_t n = 0;
    while (i < text.size() && is_digit(text[i])) {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000'000LL) return false;
      ++i;
    }
    std::size_t len = 0;
    const std::int64_t unit = unit_millis(text, i, &len);
    if (unit == 0) return false;
    total += n * unit;
    i += len;
  }
  *millis = total;
  return true;
}

bool lex_promql(std::string_view text, std::vector<Token>* tokens, std::string* error, std::size_t* error_offset) {
  tokens->clear();
  std::size_t i = 0;
  auto fail = [&](std::size_t at, std::string message) {
    *error = std::move(message);
    *error_offset = at;
    return false;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#') {  // a comment runs to the end of the line
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    Token t;
    t.offset = i;
    if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      // A duration is digits followed by a unit; anything else here is a number.
      std::size_t j = i;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '.' ||
                                 ((text[j] == '+' || text[j] == '-') && (text[j - 1] == 'e' || text[j - 1] == 'E') &&
                                  text.substr(i, 2) != "0x"))) {
        ++j;
      }
      const std::string word(text.substr(i, j - i));
      std::int64_t ms = 0;
      if (parse_prometheus_duration(word, &ms)) {
        t.kind = Token::Kind::kDuration;
        t.millis = ms;
      } else {
        char* end = nullptr;
        t.number = std::strtod(word.c_str(), &end);
        if (end != word.c_str() + word.size()) return fail(i, fmt::format("bad number or duration \"{}\"", word));
        t.kind = Token::Kind::kNumber;
      }
      t.text = word;
      i = j;
    } else if (is_ident_start(c)) {
      std::size_t j = i;
      while (j < text.size() && is_ident(text[j])) ++j;
      t.text = std::string(text.substr(i, j - i));
      // Inf and NaN are numbers in PromQL (case-insensitive).
      std::string lower;
      for (char ch : t.text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower == "inf" || lower == "nan") {
        t.kind = Token::Kind::kNumber;
        t.number = lower == "inf" ? std::strtod("inf", nullptr) : std::strtod("nan", nullptr);
      } else {
        t.kind = Token::Kind::kIdentifier;
      }
      i = j;
    } else if (c == '"' || c == '\'' || c == '`') {
      std::size_t j = i + 1;
      std::string value;
      bool closed = false;
      while (j < text.size()) {
        const char d = text[j];
        if (d == c) {
          closed = true;
          ++j;
          break;
        }
        if (d == '\\' && c != '`' && j + 1 < text.size()) {
          const char e = text[j + 1];
          switch (e) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case '\\': value += '\\'; break;
            case '"': value += '"'; break;
            case '\'': value += '\''; break;
            default:
              // Regular expressions keep their escapes (\. \d): Go's strconv would refuse most
              // of them in a double-quoted string; a raw backtick string is the portable form.
              value += '\\';
              value += e;
          }
          j += 2;
          continue;
        }
        value += d;
        ++j;
      }
      if (!closed) return fail(i, "unterminated string");
      t.kind = Token::Kind::kString;
      t.text = std::move(value);
      i = j;
    } else {
      static constexpr std::string_view kTwo[] = {"==", "!=", ">=", "<=", "=~", "!~"};
      bool two = false;
      for (std::string_view op : kTwo) {
        if (text.substr(i, 2) == op) {
          t.kind = Token::Kind::kOperator;
          t.text = std::string(op);
          i += 2;
          two = true;
          break;
        }
      }
      if (!two) {
        if (std::string_view("+-*/%^><=@").find(c) != std::string_view::npos) {
          t.kind = Token::Kind::kOperator;
        } else if (std::string_view("(){}[],:").find(c) != std::string_view::npos) {
          t.kind = Token::Kind::kPunct;
        } else {
          return fail(i, fmt::format("unexpected character '{}'", c));
        }
        t.text = std::string(1, c);
        ++i;
      }
    }
    tokens->push_back(std::move(t));
  }
  Token end;
  end.kind = Token::Kind::kEnd;
  end.offset = text.size();
  tokens->push_back(end);
  return true;
}

}  // namespace faultline::monitoring::promql
